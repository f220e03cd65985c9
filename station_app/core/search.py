"""Search keys for people: what a worker may type to find someone, as prefix-searchable strings.

Workers find people by name (张三, or just the given name 三), by pinyin initials (zs) or full
pinyin (zhangsan), and by ID number, from the start (2101…) or from the end (…123X, the digits
people read off a card). Each of these is a prefix range over a sorted index: answers stay in
milliseconds at 100,000 people. Names, pinyin and ID tails are keys with a one-letter namespace
in the search index; the start of an ID number is searched on the person table's own index of it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

from station_app.core.text import clean

# Surnames read differently from the same character in ordinary words (单 shàn, not dān).
# The surname reading comes first; the everyday reading stays searchable because people type it.
# Syllables are separated by a space so initials can be taken from compound surnames.
_SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan", "dan"), "曾": ("zeng", "ceng"), "解": ("xie", "jie"), "区": ("ou", "qu"),
    "查": ("zha", "cha"), "仇": ("qiu", "chou"), "朴": ("piao", "pu"), "乐": ("yue", "le"),
    "盖": ("ge", "gai"), "缪": ("miao", "mou"), "翟": ("zhai", "di"), "覃": ("qin", "tan"),
    "召": ("shao", "zhao"), "折": ("she", "zhe"), "秘": ("bi", "mi"), "种": ("chong", "zhong"),
    "卜": ("bu",), "长孙": ("zhang sun",), "尉迟": ("yu chi", "wei chi"), "万俟": ("mo qi", "wan qi"),
    "重": ("chong", "zhong"), "华": ("hua",), "过": ("guo",), "员": ("yun", "yuan"),
    "繁": ("po", "fan"), "句": ("gou", "ju"), "燕": ("yan",), "任": ("ren",), "纪": ("ji",),
    "沈": ("shen",), "柏": ("bai",), "藏": ("zang", "cang"), "宿": ("su",), "车": ("che",),
}
_COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "令狐", "夏侯", "轩辕", "端木", "万俟", "独孤", "南宫", "西门", "呼延", "澹台", "公冶", "闻人",
})
_MAX_VARIANTS = 4

NAME = "n:"
PINYIN = "p:"
ID_TAIL = "r:"


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name), knowing the common two-character surnames."""
    if len(name) > 2 and name[:2] in _COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


@lru_cache(maxsize=65536)
def _char_reading(char: str) -> str:
    from pypinyin import Style, lazy_pinyin  # its dictionaries take 0.2 s to load: not at start-up

    found = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
    return found[0] if found else ""


def _syllable_options(part: str, is_surname: bool) -> tuple[list[str], ...]:
    """Each way `part` may be read, as a list of syllables.

    Given names are read character by character: names are not phrases, and a per-character
    cache makes indexing ten thousand new people cost almost nothing.
    """
    if is_surname and part in _SURNAME_READINGS:
        return tuple(reading.split() for reading in _SURNAME_READINGS[part])
    return ([r for r in map(_char_reading, part) if r],)


def person_keys(name: str, id_number: str | None) -> list[str]:
    """Every search key for one person, without duplicates."""
    keys = list(_name_keys(clean(name).replace(" ", "")))
    if id_number:
        keys.append(ID_TAIL + id_number[::-1])
    return keys


@lru_cache(maxsize=65536)
def _name_keys(name: str) -> tuple[str, ...]:
    # Names repeat a great deal in a township (王伟, 李娜 …): computing each once pays off.
    if not name:
        return ()
    surname, given = split_name(name)
    keys = [NAME + name]
    if given:
        keys.append(NAME + given)
    readings = [a + b for a, b in itertools.product(_syllable_options(surname, True), _syllable_options(given, False))]
    for syllables in readings[:_MAX_VARIANTS]:
        keys.append(PINYIN + "".join(syllables))
        keys.append(PINYIN + "".join(s[0] for s in syllables if s))
    return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=65536)
def sort_key(name: str) -> str:
    """Pinyin, then the characters themselves: the order a Chinese reader expects on a list."""
    name = clean(name).replace(" ", "")
    if not name:
        return ""
    surname, given = split_name(name)
    syllables = _syllable_options(surname, True)[0] + (_syllable_options(given, False)[0] if given else [])
    # \x01 ends the pinyin below any letter or space, so 张三 sorts before 张三丰.
    return " ".join(syllables) + "\x01" + name


@dataclass(frozen=True)
class Query:
    """What to look up for a typed text: key ranges in the search index, and/or an ID-number range."""

    key_ranges: tuple[tuple[str, str], ...] = ()
    id_number_range: tuple[str, str] | None = None

    @property
    def empty(self) -> bool:
        return not self.key_ranges and self.id_number_range is None


def parse_query(text: str) -> Query:
    """Decide what the worker typed: pinyin, an ID number (head or tail), or part of a name."""
    q = clean(text).replace(" ", "")
    if not q:
        return Query()
    if q.isascii() and q.isalpha():
        return Query(key_ranges=(_prefix(PINYIN + q.lower()),))
    if q.isascii() and q[:-1].isdigit() and (q[-1].isdigit() or q[-1] in "xX"):
        q = q.upper()
        # A tail of one or two digits matches a tenth of everyone: that is not a search.
        tail = (_prefix(ID_TAIL + q[::-1]),) if len(q) >= 3 else ()
        return Query(key_ranges=tail, id_number_range=_prefix(q))
    return Query(key_ranges=(_prefix(NAME + q),))


def _prefix(key: str) -> tuple[str, str]:
    return key, key + "\U0010ffff"  # above every character SQLite can compare
