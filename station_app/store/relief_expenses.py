"""A 支出型 case's rigid expenses (刚性支出): each written with the case's suggested amount brought in
line, in one transaction, so the case never shows an amount its expenses do not give. The write
path holds both: expenses change only while the case is being verified, and the case's suggested
amount must be the county's rule applied to the expenses as stored (core.relief_workflow).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from station_app.store.records import RecordStore
from station_app.store.relief import follow_suggestion

ENTITY = "rigid_expense"


def add(store: RecordStore, case_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record an expense of the case; the case, with its new suggested amount."""
    with store.database.transaction():
        store.create(ENTITY, {**data, "relief_case_id": case_id})
        return follow_suggestion(store, case_id)


def change(store: RecordStore, expense_id: str, base_rev: int, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Correct an expense; the case, with its new suggested amount."""
    with store.database.transaction():
        expense = store.update(ENTITY, expense_id, changes, base_rev)
        return follow_suggestion(store, expense["relief_case_id"])


def remove(store: RecordStore, expense_id: str, base_rev: int) -> dict[str, Any]:
    """Take an expense out (a tombstone); the case, with its new suggested amount."""
    with store.database.transaction():
        expense = store.delete(ENTITY, expense_id, base_rev)
        return follow_suggestion(store, expense["relief_case_id"])

