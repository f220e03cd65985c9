"""人员基本信息登记表: a person's registration card, one A4 page per person.

Notes too long for the card's 备注 box continue on a 续页 (continuation page) right after it.
The ID number is masked unless the caller asks for it in full: a card left on a desk should not
hand out the whole number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm

from station_app.core import idnumber
from station_app.core.dates import age
from station_app.core.entities import entity
from station_app.core.jobs import JobState
from station_app.core.privacy import mask_phone
from station_app.forms.layout import (
    FILL,
    Cell,
    Output,
    Page,
    Sheet,
    Signature,
    flow,
    label,
    render,
    row,
    table,
    value,
)

TITLE = "人员基本信息登记表"

_PERSON = entity("person")
_HOUSEHOLD = entity("household")


def _label(name: str, **kwargs: int) -> Cell:
    return label(_PERSON.field(name).label, **kwargs)


# section | label | value | label | value | photo  (mm; the columns below the photo are reused)
_COLUMNS = (10, 24, 36, 29, 33, 38)
_VILLAGE = _PERSON.field("village_id").label

CARD = Sheet(
    TITLE,
    header=((_VILLAGE, "village"),),
    tables=(
        table(
            _COLUMNS,
            row(label("基本信息", rows=5), _label("name"), value("name"), _label("gender"), value("gender"),
                label("贴照片处", rows=4)),
            row(_label("birth_date"), value("birth_date"), label("年龄"), value("age")),
            row(_label("ethnicity"), value("ethnicity"), _label("phone"), value("phone")),
            row(_label("id_number"), value("id_number", span=3)),
            row(_label("health"), value("health"), _label("disability"), value("disability", span=2)),
            row(label("家庭与住址", rows=3), label(_HOUSEHOLD.field("head_name").label), value("head_name"),
                _label("relation_to_head"), value("relation_to_head", span=2)),
            row(label(_HOUSEHOLD.label + _HOUSEHOLD.field("address").label), value("household_address", span=4),
                height=12 * mm),
            row(_label("address"), value("address", span=4), height=12 * mm),
            row(label("参与项目", span=2), value("programs", span=4), height=14 * mm),
            row(_label("notes", span=2), value("notes", span=4), height=FILL),
        ),
    ),
    signatures=((Signature("填表人"), Signature("审核人"), Signature("填表日期", date=True)),),
)

# Same columns as the card, so the notes box keeps its width and the text its line breaks.
CONTINUATION = Sheet(
    f"{TITLE}（续页）",
    header=((_PERSON.field("name").label, "name"), (_VILLAGE, "village")),
    tables=(table(_COLUMNS, row(label(_PERSON.field("notes").label + "（续）", span=2), value("notes", span=4),
                                height=FILL)),),
)


@dataclass(frozen=True)
class PersonCard:
    """One person to print: the stored person record plus what the card shows from elsewhere."""

    person: Mapping[str, Any]
    village_name: str | None = None
    household_head_name: str | None = None
    household_address: str | None = None
    programs: Sequence[str] = ()


def render_person_cards(
    cards: Iterable[PersonCard],
    out: Output,
    *,
    station_name: str,
    printed_at: dt.datetime,
    show_full_id: bool = False,
    state: JobState | None = None,
) -> None:
    """Print the cards into one PDF at `out`, a page per card (plus any 续页), numbered across the batch."""
    pages = [page for card in cards for page in _pages(card, printed_at.date(), show_full_id)]
    render(pages, out, station_name=station_name, printed_at=printed_at, state=state)


def _pages(card: PersonCard, today: dt.date, show_full_id: bool) -> list[Page]:
    values = _values(card, today, show_full_id)
    parts = flow(card.person.get("notes") or "", "notes", CARD, CONTINUATION)
    return [Page(CONTINUATION if i else CARD, {**values, "notes": part}) for i, part in enumerate(parts)]


def _values(card: PersonCard, today: dt.date, show_full_id: bool) -> dict[str, str]:
    person = card.person

    def text(name: str) -> str:
        return str(person.get(name) or "")

    def choice(name: str) -> str:
        return _PERSON.field(name).choice_label(person.get(name))

    birth = _date(person.get("birth_date"))
    number = text("id_number")
    return {
        "village": card.village_name or "",
        "name": text("name"),
        "gender": choice("gender"),
        "birth_date": f"{birth.year}年{birth.month}月{birth.day}日" if birth else "",
        "age": str(age(birth, today)) if birth else "",
        "ethnicity": text("ethnicity"),
        "phone": text("phone") if show_full_id else mask_phone(text("phone")),
        "id_number": number if show_full_id else idnumber.mask(number),
        "health": choice("health"),
        "disability": text("disability"),
        "head_name": card.household_head_name or "",
        "relation_to_head": choice("relation_to_head"),
        "household_address": card.household_address or "",
        "address": text("address"),
        "programs": "、".join(card.programs),
    }


def _date(stored: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(stored) if stored else None
    except ValueError:
        return None

