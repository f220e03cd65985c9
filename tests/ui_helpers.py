"""Helpers for UI tests: waiting for a list's query and reading what a list shows."""

from __future__ import annotations

from station_app.ui.models import ColumnTableModel, QueryTableModel


def wait_for_list(qtbot, model: QueryTableModel) -> None:
    """Let the list's query (run in a worker thread) answer and be shown."""
    qtbot.waitUntil(lambda: not model.busy, timeout=10000)


def column_texts(model: ColumnTableModel, header: str) -> list[str]:
    """What the list shows in the column titled `header`, top to bottom."""
    column = [c.header for c in model.columns].index(header)
    return [model.index(row, column).data() or "" for row in range(model.rowCount())]
