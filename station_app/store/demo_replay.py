"""Writing demo data: plain records in bulk, and cases worked through their workflow step by step.

Relief cases and protection cases have rules about how they move (core.relief_workflow,
core.protection_workflow) that the write path holds every caller to, demo data included: their
histories are replayed through the same functions a person's clicks call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from station_app.store import children, relief
from station_app.store.records import RecordStore

_REPLAYED = {"relief_case": relief.replay, "child_report": children.replay}


def write(store: RecordStore, entity_name: str, items: Sequence[Any]) -> None:
    """Records of `entity_name` from the demo generator, in one transaction with the caller's."""
    replay = _REPLAYED.get(entity_name)
    if replay is not None:
        replay(store, items)
    else:
        store.create_many(entity_name, items)
