"""Windows the guide does not show but a reviewer should look at on a small screen (the dialogs of
issue 16: the child's archive, a new agreement, a new person and a new user with errors under their
fields, a mandatory report): run with `--review` only, saved to the review folder, never shipped."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from scenes import Stage, select_first
from station_app.ui.child_dialogs import AgreementDialog, ChildProfileDialog, ReportDialog
from station_app.ui.person_dialog import PersonDialog
from station_app.ui.settings_page import AddUserDialog, UserAdmin

REVIEW_SCENES: list[Callable[[Stage], None]] = []


def review(function: Callable[[Stage], None]) -> Callable[[Stage], None]:
    REVIEW_SCENES.append(function)
    return function


@review
def child_archive(stage: Stage) -> None:
    page = stage.page("child")
    select_first(page)
    archive = stage.open(page.edit_button, ChildProfileDialog)  # type: ignore[attr-defined]
    stage.shoot(archive, "review-child-archive", for_guide=False)
    archive.tabs.setCurrentIndex(1)
    stage.shoot(archive, "review-child-agreements", for_guide=False)
    agreement = stage.open(archive.new_agreement_button, AgreementDialog)
    stage.shoot(agreement, "review-agreement-new", for_guide=False)
    agreement.reject()
    archive.reject()
    report = stage.open(page.report_button, ReportDialog)  # type: ignore[attr-defined]
    stage.shoot(report, "review-report-new", for_guide=False)
    report.reject()


def _refused_empty(stage: Stage, dialog: QWidget, name: str) -> None:
    """Press the dialog's save or OK with nothing typed: every error shows where it belongs."""
    button = getattr(dialog, "save_button", None) or getattr(dialog, "ok_button")
    stage.press(button)
    stage.settle(0.5)
    stage.shoot(dialog, name, for_guide=False)
    dialog.reject()  # type: ignore[attr-defined]


@review
def refused_forms(stage: Stage) -> None:
    people = stage.page("people")
    _refused_empty(stage, stage.open(people.add_button, PersonDialog), "review-person-errors")  # type: ignore[attr-defined]
    settings = stage.page("settings")
    users = settings.findChild(UserAdmin)
    _refused_empty(stage, stage.open(users.add_button, AddUserDialog), "review-add-user-errors")
