"""Whatever arrives at a field — typed, pasted, imported from Excel, sent by a script — becomes a
stored value or a Chinese message at that field, never a traceback. Examples first, then
Hypothesis over the domain parsers (ID numbers, dates, amounts, free text), bounded to run in
seconds."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station_app.core import idnumber
from station_app.core.errors import KnownError, ValidationError
from station_app.core.validation import validate
from tests.helpers import id_number

BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TODAY = dt.date(2026, 11, 23)
PERSON = {"name": "张三", "gender": "男", "birth_date": "1960-01-01"}
FUND = {"kind": "topup", "amount": "100", "reason": "拨入", "entry_date": "2026-11-01"}
HIDDEN = ["\u202e", "\u202a", "\u2066", "\u2069", "\x00", "\x07", "\x1b", "\x7f", "\x85"]


def errors_of(entity_name: str, data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        validate(entity_name, data, TODAY)
    return caught.value.errors


def chinese(message: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", message) is not None


# -- examples: the defects as they were found ------------------------------------------------------


@pytest.mark.parametrize("typed", [2**63 * 100, 2**63, "92233720368547758.08", "9" * 400, -1, "99999999999"])
def test_amounts_out_of_range_are_refused_at_the_field(typed):
    assert errors_of("reserve_fund_entry", {**FUND, "amount": typed}) == {"amount": "金额应在 0 到 99,999,999.99 元之间"}


def test_an_amount_of_2_63_yuan_is_a_message_from_the_store_not_an_overflow(store):
    with pytest.raises(ValidationError, match="金额应在"):
        store.create("reserve_fund_entry", {**FUND, "amount": str(2**63)})


def test_a_whole_number_out_of_range_is_refused():
    assert "超出合理范围" in errors_of("relief_case", {"household_size": 10**30})["household_size"]


@pytest.mark.parametrize("typed", ["今年的标准", "42", '"一段文字"', "{不是JSON", "[" * 100000])
def test_plain_text_in_a_json_field_is_refused_at_the_field(typed):
    message = errors_of("reference_value", {"key": "relief_standard", "value": typed,
                                            "effective_from": "2026-01-01"})["value"]
    assert message.startswith("内容格式不正确")


def test_a_lone_surrogate_is_refused_in_a_name_and_in_free_text():
    errors = errors_of("person", {**PERSON, "name": "张\ud800三", "notes": "备注\udc00"})
    assert errors == {"name": "姓名含有无法识别的字符（可能是复制粘贴带来的乱码），请重新输入",
                      "notes": "备注含有无法识别的字符（可能是复制粘贴带来的乱码），请重新输入"}


@pytest.mark.parametrize("hidden", HIDDEN)
def test_control_and_direction_characters_are_refused_in_names(hidden):
    assert errors_of("person", {**PERSON, "name": f"张{hidden}三"}) == {
        "name": "姓名含有不可见的控制字符或文字方向符号，请删除后重新输入"}


@pytest.mark.parametrize("hidden", HIDDEN)
def test_control_and_direction_characters_are_dropped_from_free_text(hidden):
    values = validate("person", {**PERSON, "notes": f"第一行\n住院{hidden}治疗\t中"}, TODAY)
    assert values["notes"] == "第一行\n住院治疗\t中"


def test_names_inside_structured_data_are_held_to_the_same_rule():
    contacts = [{"name": "李\u202e明", "relation": "儿子", "phone": "13800001111"}]
    assert "不可见的控制字符" in errors_of("elder_profile", {"person_id": "x", "categories": ["alone"],
                                                             "status": "active", "contacts": contacts})["contacts"]


# -- properties -----------------------------------------------------------------------------------

anything = st.one_of(
    st.text(), st.integers(), st.floats(), st.booleans(), st.none(), st.binary(max_size=20), st.dates(),
    st.datetimes(), st.decimals(), st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)
id_like = st.one_of(st.from_regex(r"\A[0-9]{17}[0-9Xx]\Z"), st.from_regex(r"\A[0-9０-９ xX]{0,22}\Z"), st.text())
date_like = st.one_of(st.from_regex(r"\A[0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日?\Z"), st.from_regex(r"\A[0-9]{8}\Z"))
amount_like = st.one_of(st.from_regex(r"\A[¥￥]?[0-9,]{0,20}(\.[0-9]{0,3})?元?\Z"), st.integers(),
                        st.decimals(allow_nan=True))


def value_or_chinese_refusal(entity_name: str, data: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return validate(entity_name, data, TODAY)
    except ValidationError as exc:
        assert exc.errors and all(chinese(m) for m in exc.errors.values()), exc.errors
        return None


@BOUNDED
@given(number=st.one_of(id_like, anything))
def test_an_id_number_is_read_or_refused_in_chinese(number):
    value_or_chinese_refusal("person", {**PERSON, "id_number": number})
    if isinstance(number, str):
        try:
            idnumber.parse(number, TODAY)
        except idnumber.InvalidIdNumber as exc:
            assert chinese(str(exc))


def test_the_id_number_strategy_reaches_valid_numbers():
    assert value_or_chinese_refusal("person", {**PERSON, "id_number": id_number("19600101", 131)})


@BOUNDED
@given(day=st.one_of(date_like, anything))
def test_a_date_is_read_or_refused_in_chinese(day):
    values = value_or_chinese_refusal("reserve_fund_entry", {**FUND, "entry_date": day})
    if values is not None:
        assert dt.date.fromisoformat(values["entry_date"]) <= TODAY


@BOUNDED
@given(amount=st.one_of(amount_like, anything))
def test_an_amount_is_read_or_refused_in_chinese(amount):
    values = value_or_chinese_refusal("reserve_fund_entry", {**FUND, "amount": amount})
    if values is not None:
        assert 0 < values["amount"] <= 10**10


@BOUNDED
@given(name=st.text(max_size=40), notes=st.text(max_size=200))
def test_free_text_is_stored_clean_or_refused_in_chinese(name, notes):
    values = value_or_chinese_refusal("person", {**PERSON, "name": name, "notes": notes})
    if values is not None:
        stored = values["name"] + (values["notes"] or "")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]", stored)
        stored.encode("utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=40), notes=st.text(max_size=100), amount=st.one_of(amount_like, st.integers()))
def test_the_store_saves_or_refuses_in_chinese_whatever_it_is_given(store, name, notes, amount):
    """Through the write path too (SQLite binding included): a record, or a KnownError."""
    for entity_name, data in (("person", {**PERSON, "name": name, "notes": notes}),
                              ("reserve_fund_entry", {**FUND, "amount": amount, "reason": name or "拨入"})):
        try:
            store.create(entity_name, data)
        except KnownError as exc:
            assert chinese(exc.message)


# -- full-width punctuation: kept in words, forgiven in numbers ---------------------------------------

FULL_WIDTH_PUNCTUATION = "，。：；（）！？－～＂＇［］｛｝％＃＆＊＋＝／＼＜＞＠＿｜"


@BOUNDED
@given(st.text(alphabet=st.sampled_from(FULL_WIDTH_PUNCTUATION + "情况紧急先行救助王芳ａｂ１２ 　\n"), max_size=60))
def test_words_keep_the_full_width_punctuation_typed_and_lose_only_full_width_letters_and_digits(typed):
    for entity_name, data, name in (("reserve_fund_entry", FUND, "reason"), ("person", PERSON, "name"),
                                    ("person", PERSON, "address")):
        try:
            stored = validate(entity_name, {**data, name: typed}, TODAY).get(name) or ""
        except ValidationError as exc:  # blank where required, or too long: said at the field
            assert chinese(exc.errors[name])
            continue
        assert all(stored.count(c) == typed.count(c) for c in FULL_WIDTH_PUNCTUATION), (typed, stored)
        assert not re.search("[ａ-ｚ０-９\u3000]", stored)


def test_full_width_digits_and_separators_still_make_numbers():
    stored = validate("reserve_fund_entry", {**FUND, "amount": "１，２００．５０", "entry_date": "２０２６．１１．０１",
                                             "reason": "拨入，文号（抚民〔2026〕3号）"}, TODAY)
    assert (stored["amount"], stored["entry_date"]) == (120050, "2026-11-01")
    assert stored["reason"] == "拨入，文号（抚民〔2026〕3号）"
    assert validate("person", {**PERSON, "phone": "０２４－１２３４５６７８"}, TODAY)["phone"] == "024-12345678"
