"""Resident ID numbers per GB 11643 (18 characters, ISO 7064 MOD 11-2 check digit).

The check digit and birth date come from python-stdnum (`stdnum.cn.ric`), the region code is
looked up in its GB/T 2260 table; this module turns the verdicts into Chinese messages and derives
what the number says about the person.

The region code is accepted if it exists or ever existed. stdnum's own `validate` also demands
that the code was in use in the birth year, which rejects most elderly people: numbers were issued
from 1984 on by place of residence, so a woman born in 1940 in 顺城区 (a code since 1988) holds a
perfectly valid 210411 1940… number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stdnum.cn import ric

from station_app.core import regions
from station_app.core.text import to_halfwidth

MALE = "M"
FEMALE = "F"


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    gender: str  # MALE or FEMALE
    region_code: str
    region_name: str


class InvalidIdNumber(ValueError):
    """Raised with a Chinese message that says what is wrong with the number."""


def normalize(raw: str) -> str:
    """Forgive how people type: full-width digits, spaces, a lower-case x."""
    return "".join(to_halfwidth(raw).split()).upper()


def parse(raw: str, today: dt.date | None = None) -> IdInfo:
    """Validate an ID number and return what it encodes; raise InvalidIdNumber otherwise."""
    number = normalize(raw)
    if len(number) != 18:
        raise InvalidIdNumber(f"身份证号应为18位，现在是{len(number)}位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidIdNumber("身份证号前17位应为数字，最后一位为数字或X")
    # The date before the check digit: a mistyped date also breaks the check digit, and "the
    # birth date does not exist" tells the worker where to look.
    try:
        # Read directly: stdnum's get_birth_date re-cleans the number, a third of the cost of a
        # bulk import of ten thousand people.
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber(f"身份证号中的出生日期不存在（{number[6:10]}-{number[10:12]}-{number[12:14]}），请核对第7到14位") from None
    if birth > (today or dt.date.today()) or birth.year < 1890:
        raise InvalidIdNumber(f"身份证号中的出生日期不合理（{birth.isoformat()}），请核对第7到14位")
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise InvalidIdNumber(f"身份证号校验位不正确（按前17位应为{expected}），请核对是否输错")
    region_name = regions.county_name(number[:6])
    if region_name is None:
        raise InvalidIdNumber(f"身份证号前6位地区码{number[:6]}不是有效的行政区划代码")
    gender = MALE if int(number[16]) % 2 else FEMALE
    return IdInfo(number, birth, gender, number[:6], region_name)


def mask(number: str | None) -> str:
    """2101**********123X: enough to tell people apart on a list, not enough to misuse."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
