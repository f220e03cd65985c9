"""Importing assistance statuses from the county's roster (低保、特困、低收入 … 名册, Excel).

The county sends each township its roster: a line per household or person with the name, the ID
number, the kind of assistance, its period and certificate. Each line becomes a status on the
person (or, for a kind held by households, on the person's household); the person must be in the
archive already (import the people ledger first). A line whose status is already recorded — same
holder, kind and start, or the same certificate number — is not imported again, so re-importing the
roster adds nothing. Everything here is pure: the store reads the workbook and writes the valid rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from station_app.core import assistance, idnumber
from station_app.core.entities import entity
from station_app.core.errors import ValidationError
from station_app.core.ledger_import import LedgerKind, RowCheck, cell_value
from station_app.core.validation import validate

KIND = "kind"
_STATUS = entity("assistance_status")
IMPORTABLE = ("name", "id_number", KIND, "level", "starts_on", "ends_on", "certificate_no", "issued_by", "notes")
LABELS = {"name": "姓名", "id_number": "身份证号", **{f.name: f.label for f in _STATUS.fields if f.name in IMPORTABLE}}
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "户主姓名", "保障对象姓名", "申请人"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "户主身份证号"),
    KIND: ("救助类别", "保障类别", "对象类别", "救助类型", "类别"),
    "level": ("保障等级", "分类施保类别", "等级", "档次", "残疾等级"),
    "starts_on": ("起始日期", "开始日期", "纳入时间", "享受起始时间", "审批日期"),
    "ends_on": ("终止日期", "结束日期", "有效期至", "到期日期"),
    "certificate_no": ("证书编号", "低保证号", "证号", "证件编号"),
    "issued_by": ("认定机关", "发证机关", "审批机关"),
    "notes": ("备注", "说明"),
}
ROSTER = LedgerKind("statuses", "导入救助对象名册", IMPORTABLE, LABELS, HEADERS, "id_number", "assistance_status", "条")


@dataclass(frozen=True)
class Holders:
    """Who may hold a status: registered people by ID number (with their household), and the
    statuses already recorded (to import nothing twice)."""

    people: Mapping[str, tuple[str, str | None]]  # id number -> (person id, household id)
    recorded: frozenset[tuple[str, str, str]]  # (holder id, kind, starts_on)
    certificates: frozenset[str]


def _kind(raw: Any, kinds: Sequence[assistance.Kind]) -> assistance.Kind | None:
    text = str(raw or "").strip()
    return next((k for k in kinds if text in (k.code, k.label) or (text and k.label.startswith(text))), None)


def check_rows(rows: Iterable[tuple[int, Sequence[Any]]], mapping: Mapping[int, str], holders: Holders,
               kinds_rule: Mapping[str, Any], today: dt.date) -> list[RowCheck]:
    """Check every (row number, cells) of the roster under `mapping` {column: field}."""
    kinds = assistance.kinds(kinds_rule)
    seen: set[tuple[str, str, str]] = set()
    checks = []
    for number, cells in rows:
        raw = {name: cell_value(cells[i]) if i < len(cells) else None for i, name in mapping.items()}
        if all(v is None for v in raw.values()):
            continue
        check = RowCheck(number, raw)
        checks.append(check)
        record = _status(raw, holders, kinds, today, check.problems)
        if record is None or check.problems:
            continue
        holder = record.get("person_id") or record["household_id"]
        key = (holder, record["kind"], record["starts_on"])
        if key in seen:
            check.problems.append("与前面的行重复（同一对象、同一类别、同一起始日期）")
            continue
        seen.add(key)
        check.existing = key in holders.recorded or (record.get("certificate_no") or "") in holders.certificates
        check.record = None if check.existing else record
    return checks


def _status(raw: Mapping[str, Any], holders: Holders, kinds: Sequence[assistance.Kind], today: dt.date,
            problems: list[str]) -> dict[str, Any] | None:
    number = idnumber.normalize(str(raw.get("id_number") or ""))
    person = holders.people.get(number)
    if person is None:
        problems.append(f"身份证号“{number or '（空）'}”的人员不在人员档案中：请先导入或登记人员")
        return None
    kind = _kind(raw.get(KIND), kinds)
    if kind is None:
        problems.append(f"类别“{raw.get(KIND) or '（空）'}”不在县民政局下发的类别中：" + "、".join(k.label for k in kinds))
        return None
    person_id, household_id = person
    holder = {"household_id": household_id} if "household" in kind.applies_to and household_id else \
        {"person_id": person_id} if "person" in kind.applies_to else None
    if holder is None:
        problems.append(f"“{kind.label}”按户登记，但此人没有登记所属家庭：请先在人员档案中填写家庭")
        return None
    data = {**{k: v for k, v in raw.items() if k in _STATUS.field_names}, "kind": kind.code, **holder}
    try:
        return validate("assistance_status", data, today)
    except ValidationError as exc:
        problems.extend(f"{LABELS.get(name, name)}：{message}" for name, message in exc.errors.items())
        return None
