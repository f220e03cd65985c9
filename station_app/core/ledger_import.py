"""Importing people from an existing Excel ledger (台账): column suggestions and the check of each row.

Stations switching to Station bring years of ledgers whose columns are named in a dozen ways
(姓名 / 人员姓名, 身份证号 / 公民身份号码, 村 / 所属村 …). The person importing maps each column to a
field, helped by suggestions from those common headers, and sees every row's problems before
anything is written: an invalid ID number, a village the station does not have, a bad date, a
duplicate. A row whose person is already in the archive (same ID number, or same name, birth date
and village for people without one) is not imported again, so importing the same file twice adds
nothing. Everything here is pure: the store reads the workbook and writes the valid rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from station_app.core.entities import entity
from station_app.core.errors import ValidationError
from station_app.core.text import clean
from station_app.core.validation import validate

VILLAGE = "village"  # not a person field: the village's name, looked up among the station's villages
_PERSON = entity("person")
IMPORTABLE: tuple[str, ...] = ("name", "id_number", "gender", "birth_date", "ethnicity", "phone", VILLAGE,
                               "address", "health", "disability", "notes")
LABELS: dict[str, str] = {**{f.name: f.label for f in _PERSON.fields}, VILLAGE: "所属村（社区）"}

# Headers seen in township ledgers, for each field, most specific first.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "人员姓名", "儿童姓名", "老人姓名", "申请人", "名字"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号", "证件号码", "身份证"),
    "gender": ("性别",),
    "birth_date": ("出生日期", "出生年月日", "出生年月", "生日"),
    "ethnicity": ("民族",),
    "phone": ("联系电话", "电话", "手机号码", "手机号", "手机", "联系方式"),
    VILLAGE: ("所属村(社区)", "村(社区)", "所属村", "所在村", "村名", "村居", "社区", "村"),
    "address": ("现住址", "家庭住址", "居住地址", "住址", "地址"),
    "health": ("健康状况", "健康"),
    "disability": ("残疾类别及等级", "残疾类别", "残疾情况", "残疾"),
    "notes": ("备注", "说明"),
}


def normalise_header(header: Any) -> str:
    """Full-width brackets, spaces and line breaks ignored: （村）社区 headers vary in those."""
    text = clean(str(header or "")).replace("（", "(").replace("）", ")")
    return "".join(text.split())


def suggest(headers: Sequence[Any], known_headers: Mapping[str, tuple[str, ...]] = HEADERS) -> dict[int, str]:
    """{column index: field} for the columns whose header names a field (by `known_headers`, the
    people ledger's unless another kind of sheet says), each field used once. Exact names win over
    names that merely contain a known header (e.g. 家庭住址 vs 住址)."""
    normal = [normalise_header(h) for h in headers]
    chosen: dict[int, str] = {}
    for exact in (True, False):
        for name, known in known_headers.items():
            if name in chosen.values():
                continue
            for candidate in known:
                hit = next((i for i, h in enumerate(normal) if i not in chosen and h
                            and (h == candidate if exact else candidate in h)), None)
                if hit is not None:
                    chosen[hit] = name
                    break
    return chosen


@dataclass
class RowCheck:
    """One ledger row: its number in the sheet, what it maps to, and what happens to it."""

    number: int
    raw: dict[str, Any]
    record: dict[str, Any] | None = None  # the person to create, if the row is fine and new
    problems: list[str] = field(default_factory=list)
    existing: bool = False  # already in the archive: skipped, not an error

    @property
    def status(self) -> str:
        if self.problems:
            return "有问题，不导入"
        return "已在档案中，跳过" if self.existing else "可以导入"


@dataclass(frozen=True)
class Archive:
    """What the check needs to know of the station: villages by name, people already registered."""

    villages: Mapping[str, str]  # name -> id
    id_numbers: frozenset[str]
    name_birth_village: frozenset[tuple[str, str, str | None]]


def cell_value(value: Any) -> Any:
    """A cell as the field parsers take it: integral numbers as text (phone numbers stored as
    numbers), datetimes as dates, empty strings as nothing."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _village_id(name: Any, villages: Mapping[str, str]) -> str | None:
    text = normalise_header(name)
    for candidate in (text, text + "村", text.removesuffix("村")):
        if candidate in villages:
            return villages[candidate]
    return None


def check_rows(rows: Iterable[tuple[int, Sequence[Any]]], mapping: Mapping[int, str], archive: Archive,
               today: dt.date) -> list[RowCheck]:
    """Check every (row number, cells) of the sheet under `mapping` {column: field}."""
    villages = {normalise_header(n): vid for n, vid in archive.villages.items()}
    id_column = next((i for i, name in mapping.items() if name == "id_number"), None)
    seen: dict[str, int] = {}
    checks = []
    for number, cells in rows:
        raw = {name: cell_value(cells[i]) if i < len(cells) else None for i, name in mapping.items()}
        if all(v is None for v in raw.values()):
            continue  # an empty line in the ledger
        check = RowCheck(number, raw)
        checks.append(check)
        data = {k: v for k, v in raw.items() if k != VILLAGE}
        if id_column is not None and id_column < len(cells) and isinstance(cells[id_column], float | int):
            check.problems.append("身份证号被 Excel 存成了数字，后几位已经丢失：请把该列设为“文本”格式后重新录入")
            continue
        if raw.get(VILLAGE) is not None:
            village_id = _village_id(raw[VILLAGE], villages)
            if village_id is None:
                check.problems.append(f"村（社区）“{raw[VILLAGE]}”不在本站的村（社区）名单中，请先在设置中添加或改正名称")
            data["village_id"] = village_id
        try:
            record = validate("person", data, today)
        except ValidationError as exc:
            check.problems += [f"{LABELS.get(name, name)}：{message}" for name, message in exc.errors.items()]
            continue
        if check.problems:
            continue
        number_key = record.get("id_number")
        if number_key and number_key in seen:
            check.problems.append(f"与第 {seen[number_key]} 行的身份证号相同（同一人登记了两次？）")
            continue
        if number_key:
            seen[number_key] = number
        check.existing = (number_key in archive.id_numbers if number_key else
                          (record["name"], record["birth_date"], record.get("village_id")) in archive.name_birth_village)
        check.record = None if check.existing else record
    return checks


def summary(checks: Sequence[RowCheck]) -> str:
    new = sum(1 for c in checks if c.record is not None)
    existing = sum(1 for c in checks if c.existing)
    bad = sum(1 for c in checks if c.problems)
    return f"共 {len(checks)} 行：可以导入 {new} 行，已在档案中 {existing} 行，有问题 {bad} 行"


@dataclass(frozen=True)
class LedgerKind:
    """What kind of sheet is imported: its title, the fields a column may be, their labels and the
    headers that suggest them, the field that must be mapped, the entity written, and what one row is."""

    key: str
    title: str
    importable: tuple[str, ...]
    labels: Mapping[str, str]
    headers: Mapping[str, tuple[str, ...]]
    required: str
    entity: str
    noun: str  # 人, 条


PEOPLE = LedgerKind("people", "从 Excel 导入人员", IMPORTABLE, LABELS, HEADERS, "name", "person", "人")
