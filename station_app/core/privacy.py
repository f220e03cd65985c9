"""Personal data: which records are sensitive to look at, and how numbers are masked.

Under the Personal Information Protection Law a minor's data is sensitive personal information;
so are protection cases and a family's hardship and money. Opening such a record is logged
(store.access_log). ID and phone numbers show masked in lists, prints and exports unless the
role and the purpose need the full value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from station_app.core.dates import age
from station_app.core.fields import ID_NUMBER, JSON, PHONE
from station_app.core.idnumber import mask as mask_id

if TYPE_CHECKING:
    from station_app.core.entities import Entity

ADULT_AGE = 18
# Every record of these kinds is sensitive; a person record is when the person is a minor.
SENSITIVE_ENTITIES = frozenset({"child_profile", "agreement", "child_report", "relief_case"})


def is_minor(birth_date: str | None, today: dt.date | None = None) -> bool:
    years = age(birth_date, today)
    return years is not None and years < ADULT_AGE


def is_sensitive(entity_name: str, record: Mapping[str, Any], today: dt.date | None = None) -> bool:
    if entity_name == "person":
        return is_minor(record.get("birth_date"), today)
    return entity_name in SENSITIVE_ENTITIES


def mask_phone(phone: str | None) -> str:
    """139****5678, 024-****2345: the last four digits tell contacts apart, the rest stays hidden."""
    if not phone:
        return ""
    if "*" in phone:  # masked already (a viewer's read): masking again must not hide the last four
        return phone
    digits = [i for i, c in enumerate(phone) if c.isdigit()]
    if len(digits) <= 4:
        return "*" * len(phone)
    keep_head = 0 if len(digits) < 8 else 3 if len(digits) >= 11 and not phone.startswith("0") else (phone.find("-") + 1 if "-" in phone else 3)
    hidden = {i for i in digits[:-4] if i >= keep_head}
    return "".join("*" if i in hidden else c for i, c in enumerate(phone))


# Where a place name ends in an address ("前甸村3组12号"): what comes after is the household's own.
_PLACE_ENDS = ("社区", "村", "街道", "镇", "乡")


def mask_address(address: str | None, village: str | None = None) -> str:
    """An address as a public notice shows it: the village (or the place name it starts with) and
    "****" for the rest, which would lead a stranger to the door."""
    text = (address or "").strip()
    if not text:
        return village or ""
    if village and text.startswith(village):
        return village + "****"
    ends = [text.find(mark) + len(mark) for mark in _PLACE_ENDS if mark in text]
    keep = min(ends) if ends else min(2, len(text))
    return text[:keep] + "****"


# The field kinds that hold personal numbers, and how each is masked.
MASKED_KINDS = frozenset({ID_NUMBER, PHONE})


def mask_value(kind: str, value: Any) -> Any:
    """`value` of a field of `kind` as someone who may not see personal numbers sees it: ID and
    phone numbers masked, and the phones inside a list of contacts; anything else as it is."""
    if kind == ID_NUMBER:
        return mask_id(value) if value else value
    if kind == PHONE:
        return mask_phone(value) if value else value
    if kind == JSON and isinstance(value, list):
        return [{**item, "phone": mask_phone(item["phone"])} if isinstance(item, dict) and item.get("phone") else item
                for item in value]
    return value


def masked(spec: Entity, record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `record` with every personal number masked (for reads by a viewer)."""
    return {**record, **{f.name: mask_value(f.kind, record.get(f.name)) for f in spec.fields
                         if f.kind in MASKED_KINDS or f.kind == JSON}}


__all__ = ["ADULT_AGE", "MASKED_KINDS", "SENSITIVE_ENTITIES", "is_minor", "is_sensitive", "mask_address", "mask_id",
           "mask_phone", "mask_value", "masked"]
