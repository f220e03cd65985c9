"""Finding people the way workers type: name, given name, pinyin initials, ID number head or tail."""

import pytest

from station_app.core import search
from station_app.store.people import PersonFilter, person_ids, person_rows

PEOPLE = [
    ("张三", "11010519491231002X"),
    ("张三丰", None),
    ("赵四", "210411194001010015"),
    ("单田芳", None),
    ("欧阳修", None),
    ("安娜", None),
    ("李张伟", None),
]


@pytest.fixture
def people(store):
    for name, number in PEOPLE:
        data = {"name": name, "id_number": number} if number else {"name": name, "gender": "M", "birth_date": "1960-01-01"}
        store.create("person", data)


def names(database, text, **kw):
    ids = person_ids(database, PersonFilter(text=text, **kw))
    rows = person_rows(database, ids)
    return [rows[i]["name"] for i in ids]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("张三", ["张三", "张三丰"]),  # a two-character name
        ("张", ["李张伟", "张三", "张三丰"]),  # surname, and a given name starting with it
        ("三", ["张三", "张三丰"]),  # the given name alone
        ("zs", ["张三", "张三丰", "赵四"]),  # pinyin initials
        ("ZSF", ["张三丰"]),
        ("zhangsan", ["张三", "张三丰"]),
        ("stf", ["单田芳"]),  # 单 as a surname reads shàn …
        ("dtf", ["单田芳"]),  # … but people also type dān
        ("oyx", ["欧阳修"]),  # compound surname
        ("1101", ["张三"]),  # ID number from the start
        ("002x", ["张三"]),  # … or the last digits read off the card, lower-case x forgiven
        ("0015", ["赵四"]),
        ("wxyz", []),
    ],
)
def test_search(database, people, typed, expected):
    assert sorted(names(database, typed)) == sorted(expected)


def test_two_digits_are_too_few_to_search_the_tail(database, people):
    assert names(database, "15") == []


def test_lists_sort_by_pinyin_not_by_code_point(database, people):
    assert names(database, "") == ["安娜", "李张伟", "欧阳修", "单田芳", "张三", "张三丰", "赵四"]


def test_renaming_updates_the_search_keys(database, store, people):
    pid = person_ids(database, PersonFilter(text="赵四"))[0]
    row = person_rows(database, [pid])[pid]
    store.update("person", row["id"], {"name": "钱四"}, row["rev"])
    assert names(database, "zs") == ["张三", "张三丰"]
    assert names(database, "qs") == ["钱四"]
    assert names(database, "赵") == []


def test_keys_namespaces_do_not_collide():
    keys = search.person_keys("王五", "11010519491231002X")
    assert keys == ["n:王五", "n:五", "p:wangwu", "p:ww", "r:X20013219491501011"]
