"""Field declarations and the forgiving parsers that turn what a person typed into stored values.

A field is declared once (name, Chinese label, kind, rules) and that one declaration drives
validation, the stored form of the value, and the labels the UI and printed forms show.
Each parser returns the stored value or raises `FieldError` with a Chinese message that is shown
at the field, so it says what is expected rather than what went wrong inside.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal, InvalidOperation
from typing import Any

from station_app.core import regions
from station_app.core.text import clean, has_hidden, is_plain, is_valid_unicode, strip_hidden

TEXT = "text"
LONG_TEXT = "long_text"
INT = "int"
MONEY = "money"  # stored as integer fen, so sums are exact
HOURS = "hours"  # stored as integer tenths of an hour (service time, training hours), so sums are exact
DATE = "date"  # stored as "YYYY-MM-DD"
DATETIME = "datetime"  # stored as UTC ISO 8601
BOOL = "bool"  # stored as 0/1
CHOICE = "choice"
MULTI = "multi"  # several choices, stored as a JSON list
JSON = "json"  # structured value (contacts, …), stored as JSON
REF = "ref"  # id of another record
PHONE = "phone"
ID_NUMBER = "id_number"
DIVISION_CODE = "division_code"

# Business dates: the day something happened in the work, as the worker records it (not when it
# was typed in). The figures count by them, and a later change of one is a correction the monthly
# report names. FROM and UNTIL bound a membership (on a roll, a staff post), ON dates an event (a
# visit, a payment). THROUGH ends a term that still holds on its last day (an agreement's 到期日期, a
# certificate's 终止日期 "有效期至"), where UNTIL is the day a membership ended (left on that day
# counts as left).
FROM, UNTIL, THROUGH, ON = "from", "until", "through", "on"

JSON_KINDS = frozenset({MULTI, JSON})
# Money far above any relief case or reserve fund (99,999,999.99 yuan), far below what SQLite's
# integers hold; whole numbers (tiers, household sizes) within plus or minus a billion.
MONEY_MAX_FEN = 10**10 - 1
INT_LIMIT = 10**9
_MONEY_RANGE = f"金额应在 0 到 {MONEY_MAX_FEN // 100:,}.99 元之间"
HOURS_MAX_TENTHS = 100_000  # 10,000 hours: far above a year of anyone's service


class FieldError(ValueError):
    """A value that cannot be stored; the message (Chinese) is shown at the field."""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = TEXT
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    ref: str | None = None
    max_length: int = 200
    past_only: bool = False
    code_length: int = 0
    business_date: str = ""  # FROM, UNTIL, THROUGH or ON for a business date (see above)

    def choice_label(self, code: str | None) -> str:
        return dict(self.choices).get(code or "", code or "")

    # Asked for once per value parsed (ten thousand times in a bulk import): computed once.
    @cached_property
    def choice_codes(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.choices)

    @cached_property
    def codes_by_label(self) -> dict[str, str]:
        return {label: code for code, label in self.choices}


@dataclass(frozen=True)
class ParseContext:
    today: dt.date = field(default_factory=dt.date.today)


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
_MONEY = re.compile(r"^[¥￥]?\s*([\d,]+(\.\d{1,2})?)\s*元?$")
_HOURS = re.compile(r"^(\d{1,5})(\.\d)?(小时|个小时|学时|h)?$", re.IGNORECASE)


def parse_date(raw: str) -> dt.date:
    text = clean(raw).replace(" ", "")
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise FieldError("这一天不存在，请检查月和日") from None
    raise FieldError("日期格式应为 2024-03-05")


def _parse_money(raw: Any) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        fen = raw
    else:
        m = _MONEY.match(clean(str(raw)).replace(" ", ""))
        if not m:
            raise FieldError("金额应为数字，最多两位小数，例如 1200 或 350.50")
        digits = m[1].replace(",", "")
        if len(digits) > 16:  # longer than any amount in range: no need to read it
            raise FieldError(_MONEY_RANGE)
        try:
            fen = int(Decimal(digits) * 100)
        except InvalidOperation:
            raise FieldError("金额应为数字，最多两位小数，例如 1200 或 350.50") from None
    if not 0 <= fen <= MONEY_MAX_FEN:
        raise FieldError(_MONEY_RANGE)
    return fen


def format_money(fen: int | None) -> str:
    """1234550 -> '12,345.50' (yuan)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def _parse_hours(f: Field, raw: Any) -> int:
    """Hours as typed ("2", "2.5", "2.5小时") to tenths; a whole number is a stored value already."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        tenths = raw
    else:
        m = _HOURS.match(clean(str(raw)).replace(" ", ""))
        if not m:
            raise FieldError(f"{f.label}应为小时数，最多一位小数，例如 2 或 1.5")
        tenths = int(m[1]) * 10 + (int(m[2][1]) if m[2] else 0)
    if not 0 <= tenths <= HOURS_MAX_TENTHS:
        raise FieldError(f"{f.label}应在 0 到 {HOURS_MAX_TENTHS // 10:,} 小时之间")
    return tenths


def format_hours(tenths: int | None) -> str:
    """25 -> '2.5', 20 -> '2' (hours)."""
    if tenths is None:
        return ""
    whole, tenth = divmod(tenths, 10)
    return f"{whole:,}" + (f".{tenth}" if tenth else "")


def _parse_bool(raw: Any) -> int:
    if isinstance(raw, bool | int):
        return int(bool(raw))
    text = clean(str(raw)).lower()
    if text in ("1", "是", "有", "true", "yes", "y", "√"):
        return 1
    if text in ("0", "否", "无", "false", "no", "n", "×", ""):
        return 0
    raise FieldError("请选择“是”或“否”")


def _parse_choice(f: Field, raw: Any) -> str:
    text = clean(str(raw), keep_punctuation=True)  # labels are words: 村（社区）协助
    if text in f.choice_codes:
        return text
    if text in f.codes_by_label:
        return f.codes_by_label[text]
    raise FieldError("请从列表中选择：" + "、".join(label for _, label in f.choices))


def _parse_multi(f: Field, raw: Any) -> list[str]:
    if isinstance(raw, str):
        text = clean(raw)
        raw = _json(f, text) if text.startswith("[") else re.split(r"[,，、;；\s]+", text)
    if not isinstance(raw, list | tuple | set):  # a number or an object where choices belong
        raise FieldError("请从列表中选择：" + "、".join(label for _, label in f.choices))
    return [_parse_choice(f, item) for item in raw if clean(str(item))]


def _json(f: Field, text: str) -> Any:
    """Structured data as stored: a list or an object, never a bare word or number."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise FieldError(f"{f.label}格式不正确，无法读取") from None
    if not isinstance(value, list | dict):
        raise FieldError(f"{f.label}格式不正确：应为列表或对象，而不是一段文字或一个数字")
    return value


def _checked_text(f: Field, text: str) -> str:
    """Typed text that can be stored faithfully. Invalid Unicode is refused everywhere; hidden
    control and direction characters are dropped from free text (LONG_TEXT), where they only come
    in with pasted text, and refused everywhere else (names, numbers, codes), where they disguise."""
    if is_plain(text):  # nearly every value: one scan answers both questions below
        return text
    if not is_valid_unicode(text):
        raise FieldError(f"{f.label}含有无法识别的字符（可能是复制粘贴带来的乱码），请重新输入")
    if f.kind == LONG_TEXT:
        return strip_hidden(text)
    if has_hidden(text):
        raise FieldError(f"{f.label}含有不可见的控制字符或文字方向符号，请删除后重新输入")
    return text


def _checked_structure(f: Field, value: Any, depth: int = 0) -> None:
    """Every text inside structured data (a contact's name) passes `_checked_text` as a name would."""
    if depth > 20:
        raise FieldError(f"{f.label}格式不正确：层次过多")
    if isinstance(value, str):
        _checked_text(Field(f.name, f.label), value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _checked_structure(f, key, depth + 1)
            _checked_structure(f, item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            _checked_structure(f, item, depth + 1)


def parse_value(f: Field, raw: Any, ctx: ParseContext) -> Any:
    """The stored value for `raw`, None for an empty optional value; FieldError otherwise."""
    if raw is None and not f.required:  # most optional fields are empty: answer at once
        return [] if f.kind == MULTI else None
    text = None  # `raw` as typed, cleaned once for every parser that reads text
    if isinstance(raw, str):
        raw = _checked_text(f, raw)
        text = clean(raw)
    elif f.kind in JSON_KINDS:
        _checked_structure(f, raw)
    elif isinstance(raw, list | dict | tuple | set | bytes):
        raise FieldError(f"{f.label}格式不正确：应为一项文字或数字")
    if raw is None or text == "" or (f.kind in JSON_KINDS and raw in ([], {})):
        if f.required:
            raise FieldError(f"请填写{f.label}")
        return [] if f.kind == MULTI else None
    parser = _PARSERS.get(f.kind)
    if parser is None:
        raise AssertionError(f"unknown field kind {f.kind}")
    return parser(f, raw, clean(str(raw)) if text is None else text, ctx)


# Each kind's parser: (field, raw value, its text cleaned, context) -> stored value.
def _text_value(f: Field, raw: Any, text: str, ctx: ParseContext) -> str:
    if f.kind == LONG_TEXT:
        text, limit = str(raw).strip(), 10 * f.max_length
    else:  # words keep their full-width punctuation as typed: 情况紧急，先行救助
        text, limit = clean(str(raw), keep_punctuation=True), f.max_length
    if len(text) > limit:
        raise FieldError(f"{f.label}最多{limit}个字")
    return text


def _int_value(f: Field, raw: Any, text: str, ctx: ParseContext) -> int:
    try:
        number = int(text)
    except ValueError:
        raise FieldError(f"{f.label}应为整数") from None
    if abs(number) > INT_LIMIT:
        raise FieldError(f"{f.label}超出合理范围")
    return number


def _date_value(f: Field, raw: Any, text: str, ctx: ParseContext) -> str:
    # A spreadsheet cell arrives as a datetime at midnight: its day is what was meant.
    value = raw.date() if isinstance(raw, dt.datetime) else raw if isinstance(raw, dt.date) else parse_date(text)
    if f.past_only and value > ctx.today:
        raise FieldError(f"{f.label}不能晚于今天")
    if value.year < 1890:
        raise FieldError(f"{f.label}年份不合理")
    return value.isoformat()


def _json_value(f: Field, raw: Any, text: str, ctx: ParseContext) -> Any:
    value = _json(f, raw) if isinstance(raw, str) else raw
    if not isinstance(value, list | dict):
        raise FieldError(f"{f.label}格式不正确：应为列表或对象，而不是一段文字或一个数字")
    if isinstance(raw, str):
        _checked_structure(f, value)
    return value


def _phone_value(f: Field, raw: Any, text: str, ctx: ParseContext) -> str:
    phone = text.replace(" ", "").replace("－", "-")
    if not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        raise FieldError("电话号码格式不正确：应为11位手机号或带区号的固定电话（如 024-12345678）")
    return phone


def _division_code_value(f: Field, raw: Any, text: str, ctx: ParseContext) -> str:
    code = text.replace(" ", "")
    reason = regions.check_code(code, f.code_length)
    if reason:
        raise FieldError(f"{f.label}{reason}")
    return code


_PARSERS: dict[str, Any] = {
    TEXT: _text_value,
    LONG_TEXT: _text_value,
    INT: _int_value,
    MONEY: lambda f, raw, text, ctx: _parse_money(raw),
    HOURS: lambda f, raw, text, ctx: _parse_hours(f, raw),
    DATE: _date_value,
    DATETIME: lambda f, raw, text, ctx: str(raw),
    BOOL: lambda f, raw, text, ctx: _parse_bool(raw),
    CHOICE: lambda f, raw, text, ctx: _parse_choice(f, raw),
    MULTI: lambda f, raw, text, ctx: _parse_multi(f, raw),
    JSON: _json_value,
    REF: lambda f, raw, text, ctx: str(raw),
    PHONE: _phone_value,
    # The full GB 11643 check lives in entity rules, which also cross-check gender and birth.
    ID_NUMBER: lambda f, raw, text, ctx: text.replace(" ", "").upper(),
    DIVISION_CODE: _division_code_value,
}
