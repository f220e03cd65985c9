"""The audit log's hash chain: each entry seals its own content and the entry before it.

Editing, deleting or reordering any row breaks every hash after it, so `check` can name the first
row that no longer fits. The hash covers the stored text of each entry, so it verifies the same
on every platform and in every later version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from json.encoder import encode_basestring
from typing import Any

GENESIS = "0" * 64
CHAINED_FIELDS = ("seq", "at", "user_id", "username", "action", "entity", "record_id", "change_id", "changes")

# One encoder for every entry: json.dumps with options builds a new one per call, a measurable
# part of a bulk write's ten thousand entries.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def to_json(value: Any) -> str:
    """Compact JSON as stored in the log; the hash covers this text, so key order needn't be sorted."""
    return _COMPACT.encode(value)


def _json_scalar(value: Any) -> str:
    """`to_json(value)` for the chained fields' values, written directly for the usual types."""
    if value is None:
        return "null"
    if type(value) is str:
        return encode_basestring(value)
    if type(value) is int:
        return int.__repr__(value)
    return to_json(value)


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    return chain_hash(prev_hash, [entry.get(k) for k in CHAINED_FIELDS])


def chain_hash(prev_hash: str, values: Sequence[Any]) -> str:
    """The hash of an entry given as its `CHAINED_FIELDS` values in order (a bulk write builds
    rows, not dicts): the fields but the last as a JSON list in a fixed order (unambiguous:
    strings are quoted and escaped), then `changes`, already JSON text as stored, after a
    separator JSON never produces."""
    head = "[" + ",".join([_json_scalar(v) for v in values[:-1]]) + "]"
    changes = values[-1]
    body = head + "\x1e" + ("" if changes is None else changes)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def first_broken(entries: Iterable[Mapping[str, Any]], prev: str = GENESIS) -> int | None:
    """The seq of the first entry whose hash does not follow from the chain, or None if intact;
    `prev` is the hash the entries continue from (a part of a chain the reader holds the start of)."""
    for entry in entries:
        if entry["prev_hash"] != prev or entry["hash"] != entry_hash(prev, entry):
            return int(entry["seq"])
        prev = entry["hash"]
    return None


def field_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any], fields: Iterable[str]) -> dict[str, list[Any]]:
    """{field: [old, new]} for each field whose value differs (old is None for a new record)."""
    if before is None:  # a new record, the common case of a bulk write: one look-up per field
        return {f: [None, value] for f in fields if (value := after.get(f)) is not None}
    return {f: [before.get(f), after.get(f)] for f in fields if before.get(f) != after.get(f)}
