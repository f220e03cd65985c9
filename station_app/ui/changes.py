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
    `refresh()` re-reads them. A page whose refresh is cheap (`CHEAP_REFRESH`: a list re-queries in
    a worker) refreshes at once on a change it concerns, and again each time it is shown, as what
    is due or overdue moves with the clock; any other refreshes at once only while on screen, else
    when next shown, and when shown on a later day than before."""

    CONCERNS: ClassVar[frozenset[str]] = frozenset()
    CHEAP_REFRESH: ClassVar[bool] = False
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
        if self.CHEAP_REFRESH or self.isVisible():  # type: ignore[attr-defined]
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)  # type: ignore[misc]
        today = dt.date.today()
        shown_before = self._shown_on is not None  # else it has just been built, and read
        if self._stale or (shown_before and (self.CHEAP_REFRESH or self._shown_on != today)):
            self.refresh()
        self._stale = False
        self._shown_on = today
