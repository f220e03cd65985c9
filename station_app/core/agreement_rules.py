"""The written entrustment agreement (书面委托照护协议): who its two parties are, and its rules.

The parents are the child's guardians; away from home, one of them (委托方) entrusts the child's
daily care to someone on the spot (受托方, e.g. a grandmother). A new agreement is drafted from
what is known: a renewal names the parties of the earlier agreement; a first one names the
archive's guardian as 委托方 when someone else cares for the child, and otherwise the parent who
is away (the name left for the worker to write) entrusting the guardian on the spot.

Declared on the `agreement` entity, the store's write path refuses an agreement whose two parties
are the same person: nobody entrusts a child to themselves. Two agreements whose terms overlap are
only a warning (an early renewal is normal), asked about in the dialog before saving.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from station_app.core.behaviour import CREATE, UPDATE, Behaviour, Storage, Write
from station_app.core.errors import ValidationError

GUARDIAN = ("guardian_name", "guardian_relation", "guardian_phone")  # 委托方
CAREGIVER = ("caregiver_name", "caregiver_relation", "caregiver_phone")  # 受托方
PENDING, VALID, EXPIRING, EXPIRED = "pending", "valid", "expiring", "expired"
ROW_LABELS = {PENDING: "待签字", VALID: "有效", EXPIRING: "即将到期", EXPIRED: "已到期"}
_OPEN_END = "9999-12-31"


def _same(a: Any, b: Any) -> bool:
    return bool(a) and "".join(str(a).split()) == "".join(str(b or "").split())


def parties_problem(agreement: Mapping[str, Any]) -> dict[str, str]:
    """Why the agreement's parties cannot stand, by field ({} when they can)."""
    if _same(agreement.get("guardian_name"), agreement.get("caregiver_name")):
        return {"caregiver_name": "受托方不能与委托方是同一人：委托方是监护人（通常是外出的父亲或母亲），"
                                  "受托方是受委托在家照护儿童的人"}
    return {}


def _party(source: Mapping[str, Any], names: Sequence[str], into: Sequence[str]) -> dict[str, Any]:
    return {to: source.get(name) for name, to in zip(names, into, strict=True)}


def _parent(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The parent away from home (the father unless only the mother is), name for the worker to write."""
    mother = profile.get("parents_situation") == "mother_away"
    return {"guardian_name": "", "guardian_relation": "母亲" if mother else "父亲",
            "guardian_phone": profile.get("mother_phone" if mother else "father_phone")}


def draft_parties(profile: Mapping[str, Any], earlier: Mapping[str, Any] | None) -> dict[str, Any]:
    """委托方 and 受托方 of a new agreement for the child of `profile` (`earlier`: the child's latest
    agreement, if any): never the same person on both sides."""
    named_caregiver = profile.get("caregiver_name") and not _same(profile.get("caregiver_name"),
                                                                   profile.get("guardian_name"))
    if named_caregiver:
        caregiver = _party(profile, CAREGIVER, CAREGIVER)
    elif earlier is not None:
        caregiver = _party(earlier, CAREGIVER, CAREGIVER)
    else:
        caregiver = _party(profile, GUARDIAN, CAREGIVER)  # the guardian on the spot cares for the child
    if earlier is not None:
        entrusting = _party(earlier, GUARDIAN, GUARDIAN)
    elif named_caregiver:
        entrusting = _party(profile, GUARDIAN, GUARDIAN)
    else:
        entrusting = _parent(profile)
    if _same(entrusting["guardian_name"], caregiver["caregiver_name"]):
        entrusting = _parent(profile)
    return {**entrusting, **caregiver}


def _term(agreement: Mapping[str, Any], today: dt.date) -> tuple[str, str]:
    return agreement.get("signed_date") or today.isoformat(), agreement.get("expiry_date") or _OPEN_END


def overlapping(agreement: Mapping[str, Any], others: Sequence[Mapping[str, Any]], today: dt.date
                ) -> list[Mapping[str, Any]]:
    """The signed agreements among `others` (the same child's) whose term overlaps the term of
    `agreement` (from its signing, or today while unsigned, to its expiry or open-ended)."""
    start, end = _term(agreement, today)
    return [a for a in others if a.get("signed_date") and a.get("id") != agreement.get("id")
            and a["signed_date"] <= end and start <= (a.get("expiry_date") or _OPEN_END)]


def row_status(agreement: Mapping[str, Any], today: dt.date, warn_days: int) -> str:
    """One agreement's state as its row shows it: awaiting signatures, in force, running out, run out."""
    if not agreement.get("signed_date"):
        return PENDING
    expiry = agreement.get("expiry_date")
    if expiry and expiry < today.isoformat():
        return EXPIRED
    if expiry and expiry <= (today + dt.timedelta(days=warn_days)).isoformat():
        return EXPIRING
    return VALID


def _check_agreements(writes: Sequence[Write], storage: Storage) -> None:
    for w in writes:
        if w.local and (w.op == CREATE or w.op == UPDATE and w.changed(("guardian_name", "caregiver_name"))):
            problem = parties_problem(w.after)
            if problem:
                raise ValidationError(problem)


AGREEMENT = Behaviour(checks=(_check_agreements,))
