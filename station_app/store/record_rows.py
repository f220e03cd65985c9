"""A record as a table row and back: JSON fields serialised, derived local columns added."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any

from station_app.core.entities import Entity


def decode(spec: Entity, row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row as Python values (JSON columns parsed), system fields included."""
    record = {name: row[name] for name in spec.columns}
    for name in spec.json_field_names:
        if isinstance(record[name], str):
            record[name] = json.loads(record[name])
    return record


def stored_columns(spec: Entity) -> tuple[str, ...]:
    """The declared columns, then the ones the entity derives and keeps locally (never synced)."""
    return spec.columns + tuple(spec.behaviour.derived)


def encode_row(spec: Entity, record: Mapping[str, Any]) -> list[Any]:
    """Values in `stored_columns` order: JSON fields serialised, local columns derived."""
    return row_encoder(spec)(record)


def row_encoder(spec: Entity) -> Callable[[Mapping[str, Any]], list[Any]]:
    """`encode_row` for one entity, its column positions worked out once: a bulk write encodes
    ten thousand rows with one encoder."""
    getter = itemgetter(*spec.columns)
    json_positions = [i for i, c in enumerate(spec.columns) if c in spec.json_field_names]
    derived = tuple(spec.behaviour.derived.values())

    def encode(record: Mapping[str, Any]) -> list[Any]:
        values = list(getter(record))
        for i in json_positions:
            if values[i] is not None:
                values[i] = _json_text(values[i])
        values += [derive(record) for derive in derived]
        return values

    return encode


_json_text = json.JSONEncoder(ensure_ascii=False).encode
