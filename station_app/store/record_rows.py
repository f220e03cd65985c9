"""A record as a table row and back: JSON fields serialised, derived local columns added."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
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
    values = list(_declared(spec)(record))
    for i in _json_positions(spec):
        if values[i] is not None:
            values[i] = json.dumps(values[i], ensure_ascii=False)
    return values + [derive(record) for derive in spec.behaviour.derived.values()]


# Per entity, computed once: a bulk write encodes ten thousand rows with them.
@cache
def _declared(spec: Entity) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """The declared columns' values of a record, in order, read in one C call."""
    getter = itemgetter(*spec.columns)
    return getter if len(spec.columns) > 1 else lambda record: (getter(record),)


@cache
def _json_positions(spec: Entity) -> tuple[int, ...]:
    return tuple(i for i, c in enumerate(spec.columns) if c in spec.json_field_names)
