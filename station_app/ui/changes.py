"""One app-wide change signal, after Anki's operations: a write run from the UI reports the record
types (entity names) it touched, the session's `Changes` announces them once, and whatever shows
those records refreshes itself. Nothing asks "who else might need to know?" after a save.

`FollowsChanges` is the one small interface a page (or a dialog that lists records) declares:
the entity names it shows and how to re-read them. The main window needs nothing else from a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import ClassVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QShowEvent

ANY = "*"  # in CONCERNS: every change (figures over everything, the sync queue)


class Changes(QObject):
    """`changed(entities)`: a frozenset of the entity names a write touched."""

    changed = Signal(object)

    def announce(self, entities: Iterable[str]) -> None:
        touched = frozenset(entities)
        if touched:
            self.changed.emit(touched)


class FollowsChanges:
    """Mixed into a QWidget: `CONCERNS` names the entities whose change makes it stale and
    `refresh()` re-reads them. A change it concerns refreshes it at once when it is on screen or
    refreshing is cheap (`REFRESH_HIDDEN`: a list re-queries in a worker), else when it is next
    shown; shown on a later day than before, it re-reads too (what is due has moved)."""

    CONCERNS: ClassVar[frozenset[str]] = frozenset()
    REFRESH_HIDDEN: ClassVar[bool] = False
    _stale = False
    _shown_on: dt.date | None = None

    def refresh(self) -> None:
        raise NotImplementedError

    def follow_changes(self, changes: Changes) -> None:
        """Subscribe; call once the widget can refresh."""
        changes.changed.connect(self._changed)

    def _changed(self, entities: frozenset[str]) -> None:
        if ANY not in self.CONCERNS and not entities & self.CONCERNS:
            return
        if self.REFRESH_HIDDEN or self.isVisible():  # type: ignore[attr-defined]
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)  # type: ignore[misc]
        today = dt.date.today()
        if self._stale or (self._shown_on is not None and self._shown_on != today):
            self._stale = False
            self.refresh()
        self._shown_on = today
