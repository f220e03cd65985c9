"""The audit log's hash chain: each entry seals its own content and the entry before it.

Editing, deleting or reordering any row breaks every hash after it, so `check` can name the first
row that no longer fits. The hash covers the stored text of each entry, so it verifies the same
on every platform and in every later version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any

GENESIS = "0" * 64
# What each action of the station's log means, in words: the station's record history and the
# county console's view of a station's synced log read the same entries.
ACTION_LABELS = {"create": "新建", "update": "修改", "delete": "删除", "view": "查看", "export": "导出",
                 "sync_create": "县里新建（同步）", "sync_update": "县里修改（同步）", "sync_delete": "县里删除（同步）",
                 "login": "登录", "login_failed": "登录失败", "user_locked": "账号锁定", "setting": "修改设置",
                 "recovery_code_issued": "生成恢复码", "database_encrypted": "数据库加密",
                 "user_create": "新建账号", "user_disable": "停用账号", "user_enable": "启用账号",
                 "password_reset": "重设密码", "password_change": "修改密码", "recovery_used": "用恢复码解锁",
                 "audit_restored": "从县服务器恢复操作日志（此前各条为恢复所得）"}
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


def changes_json(before: Mapping[str, Any] | None, after: Mapping[str, Any], fields: tuple[str, ...]) -> str:
    """`to_json(field_changes(before, after, fields))`, the text an entry stores and its hash
    seals. A new record's (ten thousand of them in a bulk import) is written straight from its
    values, without the dict of lists in between: the same text, a third of the time."""
    if before is not None:
        return to_json(field_changes(before, after, fields))
    return "{" + ",".join([f"{opening}{encode_basestring(value) if type(value) is str else _json_scalar(value)}]"
                           for f, opening in _created(fields) if (value := after.get(f)) is not None]) + "}"


@lru_cache(maxsize=256)
def _created(fields: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Each field with the start of its entry in a new record's changes: `"name":[null,`."""
    return tuple((f, f"{encode_basestring(f)}:[null,") for f in fields)


def field_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any], fields: Iterable[str]) -> dict[str, list[Any]]:
    """{field: [old, new]} for each field whose value differs (old is None for a new record)."""
    if before is None:  # a new record, the common case of a bulk write: one look-up per field
        return {f: [None, value] for f in fields if (value := after.get(f)) is not None}
    return {f: [before.get(f), after.get(f)] for f in fields if before.get(f) != after.get(f)}
