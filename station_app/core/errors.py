"""Errors a person can act on, kept apart from bugs.

Every `KnownError` carries a Chinese message meant for the user (qutebrowser's split between
environment errors and bugs): the UI shows it calmly; anything else is a bug and gets the crash
dialog with a log file.
"""

from __future__ import annotations


class KnownError(Exception):
    """An error the user can understand and act on; `message` is shown as is (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(KnownError):
    """Bad input, with one Chinese message per field so the UI can show each at its field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()))


class PermissionDenied(KnownError):
    pass


class NotFound(KnownError):
    pass


class TransitionRefused(KnownError):
    """A workflow step that does not fit the record's state (a relief case, a protection case)."""


class StaleRecordError(KnownError):
    """The record changed since the editor loaded it; saving would overwrite someone's work."""


class DuplicatePersonError(KnownError):
    """A person with this ID number is already registered: open that one instead."""

    def __init__(self, existing_id: str, name: str) -> None:
        super().__init__(f"身份证号已登记为「{name}」，请打开已有人员档案，不要重复登记。")
        self.existing_id = existing_id


class AuthError(KnownError):
    pass


class DatabaseError(KnownError):
    """The station database cannot be used as it is (too new, damaged, unreadable)."""
