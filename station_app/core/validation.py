"""Validate a whole record: every field parsed, then the rules that tie fields together.

`validate` returns the values as they will be stored, or raises `ValidationError` with a Chinese
message for every field that is wrong, all at once, so a person fixes a form in one pass.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from station_app.core import child_rules, idnumber, ledger, reference, report_versions, schema
from station_app.core import relief as _relief  # noqa: F401 (registers the relief rules' reference keys)
from station_app.core.entities import GENDERS, Entity, entity
from station_app.core.errors import ValidationError
from station_app.core.fields import (
    CHOICE,
    DATE,
    ID_NUMBER,
    LONG_TEXT,
    MULTI,
    PHONE,
    REF,
    TEXT,
    Field,
    FieldError,
    ParseContext,
    parse_value,
)
from station_app.core.text import UNUSUAL_TEXT

Rule = Callable[[dict[str, Any], dict[str, str], ParseContext], None]
Validator = Callable[[Mapping[str, Any], "dt.date | None"], dict[str, Any]]
FieldParser = Callable[[Any, ParseContext], Any]


def validate(entity_name: str, data: Mapping[str, Any], today: dt.date | None = None) -> dict[str, Any]:
    """Stored values for every declared field of `entity_name`; ValidationError otherwise.

    Keys of `data` that are not declared fields are ignored (system fields are the store's).
    """
    return validator(entity_name)(data, today)


_VALIDATORS: dict[str, tuple[Entity, Validator]] = {}


def validator(entity_name: str) -> Validator:
    """`validate` for one entity, its fields' parsers and its rules looked up once: what a bulk
    write calls for each of its ten thousand rows. Kept per entity name, rebuilt should the
    declaration under that name ever be another object."""
    spec = entity(entity_name)
    known = _VALIDATORS.get(entity_name)
    if known is None or known[0] is not spec:
        known = _VALIDATORS[entity_name] = (spec, _compile(spec))
    return known[1]


def _compile(spec: Entity) -> Validator:
    # (name, parser, None stands for None): most optional fields of a row are empty, answered here.
    parsers = tuple((f.name, field_parser(f), not f.required and f.kind != MULTI) for f in spec.fields)
    rules = _RULES.get(spec.name, ())

    def run(data: Mapping[str, Any], today: dt.date | None = None) -> dict[str, Any]:
        ctx = ParseContext(today or dt.date.today())
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, parse, none_is_none in parsers:
            raw = data.get(name)
            if raw is None and none_is_none:
                values[name] = None
                continue
            try:
                values[name] = parse(raw, ctx)
            except FieldError as exc:
                errors[name] = str(exc)
        for rule in rules:
            rule(values, errors, ctx)
        if errors:
            raise ValidationError(errors)
        return values

    return run


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_unusual = UNUSUAL_TEXT.search  # None: text parse_value would store as it is


def field_parser(f: Field) -> FieldParser:
    """`parse_value(f, raw, ctx)` with the common values of the usual kinds answered at once: a
    value already in its stored form (text that needs no cleaning, a code from the list, a date
    as YYYY-MM-DD). Anything else, every wrong value included, goes to parse_value itself, so each
    value is stored and refused exactly as it says. One flat closure per field: a bulk import
    calls it a hundred thousand times."""
    quick = _QUICK.get(f.kind)
    return quick(f) if quick is not None else lambda raw, ctx: parse_value(f, raw, ctx)


def _text_parser(f: Field) -> FieldParser:
    """Text, references and ID numbers: ordinary text within the field's length is stored as typed
    (an ID number without its spaces, in capitals)."""
    limit = {TEXT: f.max_length, LONG_TEXT: 10 * f.max_length}.get(f.kind, math.inf)
    id_number = f.kind == ID_NUMBER

    def parse(raw: Any, ctx: ParseContext) -> Any:
        if type(raw) is str and 0 < len(raw) <= limit and _unusual(raw) is None:
            return raw.replace(" ", "").upper() if id_number else raw
        return parse_value(f, raw, ctx)

    return parse


def _choice_parser(f: Field) -> FieldParser:
    # Only codes parse_value keeps as they are may be taken as they come (all of today's).
    codes = frozenset(c for c in f.choice_codes if c and _unusual(c) is None)

    def parse(raw: Any, ctx: ParseContext) -> Any:
        if type(raw) is str and raw in codes:
            return raw
        return parse_value(f, raw, ctx)

    return parse


def _date_parser(f: Field) -> FieldParser:
    def parse(raw: Any, ctx: ParseContext) -> Any:
        if type(raw) is str and _ISO_DATE.fullmatch(raw):
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:  # 2026-02-30: parse_value says what is wrong
                return parse_value(f, raw, ctx)
            if day.year >= 1890 and not (f.past_only and day > ctx.today):
                return raw
        return parse_value(f, raw, ctx)

    return parse


_QUICK: dict[str, Callable[[Field], FieldParser]] = {
    TEXT: _text_parser,
    LONG_TEXT: _text_parser,
    CHOICE: _choice_parser,
    DATE: _date_parser,
    ID_NUMBER: _text_parser,
    REF: _text_parser,
}


_GENDER_LABELS = dict(GENDERS)


def _person_id_number(values: dict[str, Any], errors: dict[str, str], ctx: ParseContext) -> None:
    """Check the ID number and fill in, or cross-check, the gender and birth date it encodes."""
    number = values.get("id_number")
    if not number or "id_number" in errors:
        return
    try:
        info = idnumber.parse(number, ctx.today)
    except idnumber.InvalidIdNumber as exc:
        errors["id_number"] = str(exc)
        return
    values["id_number"] = info.number
    gender_label = _GENDER_LABELS[info.gender]
    if "gender" in errors and not values.get("gender"):
        errors.pop("gender")
        values["gender"] = info.gender
    elif values.get("gender") and values["gender"] != info.gender:
        errors["gender"] = f"性别与身份证号不一致（身份证号显示为{gender_label}）"
    birth = info.birth_date.isoformat()
    if "birth_date" in errors and not values.get("birth_date"):
        errors.pop("birth_date")
        values["birth_date"] = birth
    elif values.get("birth_date") and values["birth_date"] != birth:
        errors["birth_date"] = f"出生日期与身份证号不一致（身份证号显示为{birth}）"


def _date_order(first: str, second: str, message: str) -> Rule:
    def rule(values: dict[str, Any], errors: dict[str, str], ctx: ParseContext) -> None:
        a, b = values.get(first), values.get(second)
        if a and b and b < a and second not in errors:
            errors[second] = message

    return rule


def _at_least(name: str, low: int, message: str) -> Rule:
    def rule(values: dict[str, Any], errors: dict[str, str], ctx: ParseContext) -> None:
        if values.get(name) is not None and values[name] < low and name not in errors:
            errors[name] = message

    return rule


def _roll_membership(reason_missing: str = "退出在册名单时请写明原因") -> Rule:
    """A place on a roll runs from the day a person entered it (today unless given) to the day
    they left it (today unless given), with the reason; back on the roll, neither is kept."""
    def rule(values: dict[str, Any], errors: dict[str, str], ctx: ParseContext) -> None:
        if values.get("entered_on") is None and "entered_on" not in errors:
            values["entered_on"] = ctx.today.isoformat()
        if values.get("status") == "exited":
            if not values.get("exit_reason"):
                errors["exit_reason"] = reason_missing
            if values.get("exited_on") is None and "exited_on" not in errors:
                values["exited_on"] = ctx.today.isoformat()
        elif values.get("status") == "active":
            values.update(exited_on=None, exit_reason=None)

    return rule


def _household_size(values: dict[str, Any], errors: dict[str, str], ctx: ParseContext) -> None:
    size = values.get("household_size")
    if size is not None and not 1 <= size <= 30 and "household_size" not in errors:
        errors["household_size"] = "家庭人口应在1到30之间"


def _advance_has_case(values: dict[str, Any], errors: dict[str, str], ctx: ParseContext) -> None:
    if values.get("kind") == "advance" and not values.get("relief_case_id"):
        errors["relief_case_id"] = "先行救助支出必须关联救助案件"

_CONTACT_PHONE = Field("phone", "电话", PHONE)


def _contacts(values: dict[str, Any], errors: dict[str, str], ctx: ParseContext) -> None:
    """Emergency contacts, in the order to call them: each needs a name and a phone that works."""
    contacts = values.get("contacts")
    if contacts is None or "contacts" in errors:
        return
    if not isinstance(contacts, list) or not all(isinstance(c, dict) for c in contacts):
        errors["contacts"] = "紧急联系人格式不正确"
        return
    cleaned = []
    for number, contact in enumerate(contacts, 1):
        name = str(contact.get("name") or "").strip()
        relation = str(contact.get("relation") or "").strip()
        phone = str(contact.get("phone") or "").strip()
        if not (name or relation or phone):
            continue  # an empty line left in the editor
        if not name:
            errors["contacts"] = f"第{number}位紧急联系人请填写姓名"
            return
        try:
            phone = parse_value(_CONTACT_PHONE, phone, ctx) if phone else ""
        except FieldError as exc:
            errors["contacts"] = f"第{number}位紧急联系人（{name}）：{exc}"
            return
        if not phone:
            errors["contacts"] = f"第{number}位紧急联系人（{name}）请填写电话"
            return
        cleaned.append({"name": name, "relation": relation, "phone": phone})
    values["contacts"] = cleaned or None


def _referral_note(values: dict[str, Any], errors: dict[str, str], ctx: ParseContext) -> None:
    if values.get("referral") and not values.get("referral_note") and "referral_note" not in errors:
        errors["referral_note"] = "转介时请写明事由（转介临时救助的，写明困难情况）"


def _times(*names: str) -> Rule:
    """Times typed as "2026-11-23 14:30", stored in that one form; not in the future."""
    def rule(values: dict[str, Any], errors: dict[str, str], ctx: ParseContext) -> None:
        for name in names:
            if not values.get(name) or name in errors:
                continue
            try:
                moment = child_rules.parse_time(values[name])
            except ValueError as exc:
                errors[name] = str(exc)
                continue
            if moment.date() > ctx.today:
                errors[name] = "时间不能晚于今天"
            values[name] = child_rules.format_time(moment)
    return rule


def _reference_value(values: dict[str, Any], errors: dict[str, str], ctx: ParseContext) -> None:
    """A version of a county rule must have the shape its key declares, wherever it is written."""
    if "key" in errors or "value" in errors:
        return
    try:
        reference.check(values["key"], values["value"])
    except ValidationError as exc:
        errors["key" if "key" in exc.errors else "value"] = exc.message


def _shaped(name: str, shape: schema.Schema) -> Rule:
    """A structured field must have the shape declared for it (a county reads it as such)."""
    def rule(values: dict[str, Any], errors: dict[str, str], ctx: ParseContext) -> None:
        if values.get(name) is not None and name not in errors:
            found = schema.errors(shape, values[name])
            if found:
                errors[name] = next(iter(found.values()))
    return rule


_RULES: dict[str, tuple[Rule, ...]] = {
    "person": (_person_id_number,),
    "child_profile": (_roll_membership(), _date_order("entered_on", "exited_on", "退出日期不能早于纳入日期")),
    "child_report": (_times("reported_at"),),
    "child_report_step": (_times("done_at"),),
    "elder_profile": (_roll_membership(), _date_order("entered_on", "exited_on", "退出日期不能早于纳入日期"),
                      _contacts),
    "agreement": (_date_order("signed_date", "expiry_date", "到期日期不能早于签订日期"),),
    "visit": (_date_order("visit_date", "next_due", "下次走访日期不能早于本次走访日期"), _referral_note),
    "relief_case": (_household_size,),
    "rigid_expense": (_at_least("amount", 1, "金额应大于0"),),
    "assistance_status": (_date_order("starts_on", "ends_on", "终止日期不能早于起始日期"),),
    "means_check": (_date_order("authorized_on", "requested_on", "提请核对日期不能早于授权书签字日期"),),
    "intake_report": (_times("received_at", "triaged_at"),),
    "reserve_fund_entry": (_at_least("amount", 1, "金额应大于0；冲正请选择相应类型"), _advance_has_case),
    "reference_value": (_reference_value,),
    # the station's own ledger (core.ledger)
    "staff": (_roll_membership("离任时请写明原因"), _date_order("entered_on", "exited_on", "离任日期不能早于任职日期"),
              ledger.village_for_role),
    "volunteer": (_person_id_number, _roll_membership("退出时请写明原因"),
                  _date_order("entered_on", "exited_on", "退出日期不能早于登记日期")),
    "training": (_at_least("hours", 1, "学时应大于0"),),
    "service_activity": (ledger.referral_names_whom, _at_least("others_count", 0, "其他参与人数不能为负数")),
    "volunteer_service": (ledger.service_hours,),
    "care_agreement": (_date_order("signed_on", "expires_on", "到期日期不能早于签订日期"),),
    "report_version": (_shaped("figures", report_versions.FIGURES),),
    "report_figure": (_shaped("ids", report_versions.IDS),),
}
