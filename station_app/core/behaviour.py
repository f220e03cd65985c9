"""What a record type does beyond its fields, declared with the entity and run by the store.

Django runs a model's validators from its one save path, so no caller can skip them by writing
fields directly; Station does the same with a `Behaviour` on each `Entity`. The store's single
write path calls it for every write of that entity — a create, an update, a delete, a person's
resolution of a sync conflict, and a record the county sent down — inside the write's transaction
and before anything is written:

- `checks` refuse a write by raising a KnownError with a Chinese message (a workflow transition,
  an approval limit, a uniqueness rule, the reserve fund's balance). A check that needs the
  database gets the narrow, read-only `Storage` the store hands it: it never sees SQL.
- `derived` columns are kept locally beside the declared fields (never synced), e.g. a sort key.
- `search_keys` feed the entity's search index, which the store keeps in step with every write.
- `due` rules keep the due list's index (store.due_index) in step: after a write, the store asks
  each rule which items the write may move and recomputes them from the records as they now are.

The write path itself names no entity: a new record type with rules declares them here and needs
no change in the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from station_app.core.errors import KnownError
from station_app.core.roles import Actor

CREATE = "create"
UPDATE = "update"
DELETE = "delete"
RESOLVE = "resolve"  # a person's resolution of a sync conflict, based on the county's version
REMOTE = "remote"  # a record the county sent down, applied by sync

Record = Mapping[str, Any]


@dataclass(frozen=True)
class Write:
    """One record about to be written, as a check sees it."""

    entity: str
    op: str
    before: Record | None  # as stored now; None for a new record
    after: Record  # as it will be stored
    theirs: Record | None = None  # RESOLVE: the county's version the resolution starts from

    @property
    def local(self) -> bool:
        """Made at this station (the county's records are its own word and are not re-judged here)."""
        return self.op != REMOTE

    def changed(self, names: Iterable[str]) -> frozenset[str]:
        """Which of `names` this write changes."""
        before = self.before or {}
        return frozenset(n for n in names if before.get(n) != self.after.get(n))


class Storage(Protocol):
    """What a check may ask of the database: living records and sums, read-only, no SQL."""

    @property
    def actor(self) -> Actor: ...

    @property
    def today(self) -> dt.date: ...

    def get(self, entity_name: str, record_id: str) -> dict[str, Any] | None:
        """The living record, as stored before this write (None if absent or deleted)."""

    def living(self, entity_name: str, field_name: str, values: Iterable[Any]) -> list[dict[str, Any]]:
        """Living records whose `field_name` is one of `values`, in the order they were written."""

    def sums(self, entity_name: str, amount_field: str, by: str) -> dict[str, int]:
        """Totals of `amount_field` over the living records, per value of `by`."""

    def highest(self, entity_name: str, field_name: str, prefix: str) -> str | None:
        """The greatest value of `field_name` starting with `prefix` ever written, deleted records
        included (numbers given once are never given again); None if there is none."""

    def station(self) -> dict[str, Any]:
        """The station's own record (its name, township and division code)."""

    def reference(self, keys: Sequence[str], on: dt.date) -> dict[str, Any]:
        """The county's rules `keys` in force on `on`, by key."""


Check = Callable[[Sequence[Write], Storage], None]

# An item of the due list: (kind, person id, record id or '' when the kind has one item a person).
DueKey = tuple[str, str, str]


@dataclass(frozen=True)
class DueRule:
    """One kind of due-list item, kept in the due index. Several entities may feed one kind (a
    visit and a profile both move when a person is next due a visit): each declares the rule."""

    # The items a write may move (from the record as it was and as it is).
    affected: Callable[[Write], Iterable[DueKey]]
    # (due date, rank: higher first on the same day) for each item still due; the others go.
    compute: Callable[[Sequence[DueKey], Storage], Mapping[DueKey, tuple[str, int]]]


@dataclass(frozen=True, eq=False)
class Behaviour:
    checks: tuple[Check, ...] = ()
    derived: Mapping[str, Callable[[Record], Any]] = field(default_factory=dict)
    # Keys a person may type to find the record; an entity with keys also derives `sort_name`.
    search_keys: Callable[[Record], Iterable[str]] | None = None
    # The record is the station itself: its id is its own station_id.
    is_station: bool = False
    due: tuple[DueRule, ...] = ()

    def check(self, writes: Sequence[Write], storage: Storage) -> None:
        for check in self.checks:
            check(writes, storage)


NONE = Behaviour()


def invented(w: Write, names: Iterable[str]) -> bool:
    """A conflict resolution (RESOLVE) picks each field from one side or the other: true when it
    sets one of `names` to a value neither this station's nor the county's version had."""
    theirs = w.theirs or {}
    return any(w.after.get(n) != theirs.get(n) for n in w.changed(names))


def unique(fields: str | tuple[str, ...], refusal: Callable[[Record], KnownError]) -> Check:
    """One living record per value of `fields` (one field, or several taken together; records
    with an empty value aside), within the write and against the database; `refusal(existing)`
    is raised naming the record that has it already."""
    names = (fields,) if isinstance(fields, str) else fields

    def key(record: Record) -> tuple[Any, ...]:
        return tuple(record.get(n) for n in names)

    def check(writes: Sequence[Write], storage: Storage) -> None:
        by_value: dict[tuple[Any, ...], Record] = {}
        for w in writes:
            value = key(w.after)
            if not w.local or w.op == DELETE or not all(value):
                continue
            if value in by_value:
                raise refusal(by_value[value])
            by_value[value] = w.after
        if not by_value:
            return
        for existing in storage.living(writes[0].entity, names[0], {v[0] for v in by_value}):
            mine = by_value.get(key(existing))
            if mine is not None and existing["id"] != mine["id"]:
                raise refusal(existing)

    return check
