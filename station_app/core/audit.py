"""The audit log's hash chain: each entry seals its own content and the entry before it.

Editing, deleting or reordering any row breaks every hash after it, so `check` can name the first
row that no longer fits. The hash covers a canonical JSON form, the same on every platform.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

GENESIS = "0" * 64
CHAINED_FIELDS = ("seq", "at", "user_id", "username", "action", "entity", "record_id", "change_id", "changes")


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    body = canonical({k: entry.get(k) for k in CHAINED_FIELDS})
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def first_broken(entries: Iterable[Mapping[str, Any]]) -> int | None:
    """The seq of the first entry whose hash does not follow from the chain, or None if intact."""
    prev = GENESIS
    for entry in entries:
        if entry["prev_hash"] != prev or entry["hash"] != entry_hash(prev, entry):
            return int(entry["seq"])
        prev = entry["hash"]
    return None


def field_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any], fields: Iterable[str]) -> dict[str, list[Any]]:
    """{field: [old, new]} for each field whose value differs (old is None for a new record)."""
    before = before or {}
    return {f: [before.get(f), after.get(f)] for f in fields if before.get(f) != after.get(f)}
