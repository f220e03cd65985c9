"""Administrative division codes (GB/T 2260) and the statistical codes built on them.

A county is 6 digits (GB/T 2260), a township (乡镇/街道) adds 3, a village (村/社区) 3 more: the
12-digit statistical division code. The county list is python-stdnum's copy of GB/T 2260, so
we keep no table of our own.
"""

from __future__ import annotations

from functools import lru_cache

from stdnum import numdb

TOWNSHIP_CODE_LEN = 9
VILLAGE_CODE_LEN = 12


def _lookup(code6: str) -> tuple[str, str] | None:
    """(province, latest county-level name) for a code in the table, else None."""
    info = {k: v for _part, props in numdb.get("cn/loc").info(code6) for k, v in props.items()}
    if "county" not in info:
        return None
    name = info["county"].split(",")[-1]
    if name.startswith("["):  # "[1988-]顺城区": the bracket gives the years it was in use
        name = name.split("]", 1)[1]
    return info.get("province", ""), name


@lru_cache(maxsize=4096)
def county_name(code6: str) -> str | None:
    """Province + prefecture + county for a 6-digit code that exists or existed, else None."""
    if len(code6) != 6 or not code6.isdigit():
        return None
    found = _lookup(code6)
    if found is None:
        return None
    province, county = found
    prefecture = _lookup(code6[:4] + "00") if code6[4:] != "00" else None
    middle = prefecture[1] if prefecture and prefecture[1] not in (province, "市辖区") else ""
    return province + middle + county


def check_code(code: str, length: int) -> str | None:
    """None if `code` is a plausible division code of `length` digits, else a Chinese reason."""
    if len(code) != length or not code.isdigit():
        return f"应为{length}位数字"
    if county_name(code[:6]) is None:
        return f"前6位{code[:6]}不是有效的县级行政区划代码（GB/T 2260）"
    return None
