"""A record as a table row and back: JSON fields serialised, derived local columns added."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from station_app.core.entities import Entity
from station_app.core.fields import JSON_KINDS


def decode(spec: Entity, row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row as Python values (JSON columns parsed), system fields included."""
    record = {name: row[name] for name in spec.columns}
    for f in spec.fields:
        if f.kind in JSON_KINDS and isinstance(record[f.name], str):
            record[f.name] = json.loads(record[f.name])
    return record


def stored_columns(spec: Entity) -> tuple[str, ...]:
    """The declared columns, then the ones the entity derives and keeps locally (never synced)."""
    return spec.columns + tuple(spec.behaviour.derived)


def encode_row(spec: Entity, record: Mapping[str, Any]) -> list[Any]:
    """Values in `stored_columns` order: JSON fields serialised, local columns derived."""
    json_fields = {f.name for f in spec.fields if f.kind in JSON_KINDS}
    values = [
        json.dumps(record[c], ensure_ascii=False) if c in json_fields and record[c] is not None else record[c]
        for c in spec.columns
    ]
    return values + [derive(record) for derive in spec.behaviour.derived.values()]
