"""Whole-record validation: forgiving parsing, Chinese messages at the right field."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station_app.core.entities import ENTITIES
from station_app.core.errors import ValidationError
from station_app.core.fields import FieldError, ParseContext, parse_value
from station_app.core.validation import field_parser, validate

TODAY = dt.date(2026, 11, 23)


def errors_of(entity, data):
    with pytest.raises(ValidationError) as caught:
        validate(entity, data, TODAY)
    return caught.value.errors


def test_id_number_fills_gender_and_birth_date():
    values = validate("person", {"name": "  张三 ", "id_number": "11010519491231002x"}, TODAY)
    assert values["name"] == "张三"
    assert (values["gender"], values["birth_date"]) == ("F", "1949-12-31")


def test_typed_gender_and_birth_date_are_cross_checked_against_the_number():
    errors = errors_of("person", {"name": "张三", "id_number": "11010519491231002X", "gender": "男",
                                  "birth_date": "1950-01-01"})
    assert errors == {
        "gender": "性别与身份证号不一致（身份证号显示为女）",
        "birth_date": "出生日期与身份证号不一致（身份证号显示为1949-12-31）",
    }


def test_every_problem_is_reported_at_once_at_its_field():
    errors = errors_of("person", {"id_number": "110105194912310021", "phone": "12345"})
    assert set(errors) == {"name", "id_number", "gender", "birth_date", "phone"}
    assert errors["name"] == "请填写姓名"
    assert "校验位" in errors["id_number"]
    assert "11位手机号" in errors["phone"]


def test_person_without_id_number_needs_gender_and_birth_date():
    values = validate("person", {"name": "小宝", "gender": "男", "birth_date": "2024年3月5日"}, TODAY)
    assert (values["gender"], values["birth_date"], values["id_number"]) == ("M", "2024-03-05", None)


@pytest.mark.parametrize("typed", ["2024-03-05", "2024/3/5", "2024.03.05", "20240305", "2024年3月5日", "２０２４-３-５"])
def test_dates_accept_the_ways_people_write_them(typed):
    assert validate("person", {"name": "甲", "gender": "F", "birth_date": typed}, TODAY)["birth_date"] == "2024-03-05"


@pytest.mark.parametrize(("typed", "message"), [("2024-02-30", "这一天不存在"), ("去年", "日期格式应为"),
                                                ("2027-01-01", "出生日期不能晚于今天")])
def test_bad_dates_are_explained(typed, message):
    assert message in errors_of("person", {"name": "甲", "gender": "F", "birth_date": typed})["birth_date"]


@pytest.mark.parametrize(("typed", "fen"), [("1200", 120000), ("1,234.5元", 123450), ("￥350.05", 35005)])
def test_money_is_stored_in_fen(typed, fen):
    values = validate("reserve_fund_entry", {"kind": "拨入", "amount": typed, "reason": "年初拨付",
                                             "entry_date": "2026-01-05"}, TODAY)
    assert values["amount"] == fen and values["kind"] == "topup"


def test_fund_amount_must_be_positive_and_well_formed():
    assert "金额应为数字" in errors_of("reserve_fund_entry", {"kind": "topup", "amount": "一千",
                                                                "reason": "x", "entry_date": "2026-01-05"})["amount"]
    assert "金额应大于0" in errors_of("reserve_fund_entry", {"kind": "topup", "amount": "0",
                                                               "reason": "x", "entry_date": "2026-01-05"})["amount"]


def test_choice_accepts_code_or_label_and_lists_the_options_otherwise():
    assert validate("person", {"name": "甲", "gender": "F", "birth_date": "2000-01-01", "health": "慢性病"},
                    TODAY)["health"] == "chronic"
    assert errors_of("person", {"name": "甲", "gender": "F", "birth_date": "2000-01-01", "health": "还行"})[
        "health"] == "请从列表中选择：健康、慢性病、重病、残疾"


def test_elder_categories_are_a_list_of_codes():
    values = validate("elder_profile", {"person_id": "p", "categories": "独居、失能/半失能", "status": "active"}, TODAY)
    assert values["categories"] == ["alone", "disabled"]
    assert errors_of("elder_profile", {"person_id": "p", "categories": [], "status": "active"})[
        "categories"] == "请填写老年人类别"


def test_visit_next_due_cannot_precede_the_visit():
    errors = errors_of("visit", {"program": "elder", "person_id": "p", "visit_date": "2026-11-01", "visitor": "刘晓梅",
                                 "method": "home", "next_due": "2026-10-01"})
    assert errors == {"next_due": "下次走访日期不能早于本次走访日期"}


def test_leaving_the_roll_needs_a_reason():
    errors = errors_of("child_profile", {"person_id": "p", "category": "left_behind", "status": "exited"})
    assert errors == {"exit_reason": "退出在册名单时请写明原因"}
    errors = errors_of("elder_profile", {"person_id": "p", "categories": ["alone"], "status": "exited"})
    assert errors == {"exit_reason": "退出在册名单时请写明原因"}
    values = validate("elder_profile", {"person_id": "p", "categories": ["alone"], "status": "exited",
                                        "exit_reason": "随子女迁往大连"}, TODAY)
    assert values["exit_reason"] == "随子女迁往大连"


@pytest.mark.parametrize(("code", "message"), [("21041110", "应为9位数字"),
                                               ("999999101", "前6位999999不是有效的县级行政区划代码")])
def test_station_township_code_follows_gb_t_2260(code, message):
    errors = errors_of("station", {"name": "站", "township": "镇", "county": "县", "admin_code": code})
    assert errors["admin_code"].startswith("乡镇区划代码" + message)


# Values a person or a spreadsheet may put in any field: the stored forms the quick parsers accept,
# and each way they may be just off (spaces, full-width, hidden characters, impossible dates).
_NEAR_MISS_VALUES = [
    "", " ", "张三", " 张三", "张三 ", "张  三", "张\t三", "张\u202e三", "\ud800", "ｍ", "M", "F", "男", "female",
    "1988-07-27", "1988-7-27", "1988-02-30", "2099-01-01", "1889-12-31", "０１９８８-07-27", "1988-07-27\n",
    "210404198807278226", "210404 198807278226", "21040419880727822x", "13512169593", "head", "good",
    "x" * 30, "x" * 31, "长" * 201, "长" * 2001, "01a24437-ac62-70c0-aa46-c4cd08877005",
]
_NEAR_MISSES = st.sampled_from(_NEAR_MISS_VALUES)
_RAW = st.one_of(st.none(), _NEAR_MISSES, st.text(max_size=40), st.integers(), st.booleans(),
                 st.dates().map(str), st.lists(_NEAR_MISSES, max_size=3))
_FIELDS = [f for spec in ENTITIES.values() for f in spec.fields]


def _outcome(parse, f, raw):
    try:
        return "stored", parse(raw)
    except FieldError as exc:
        return "refused", str(exc)


def _for_field(f):
    """Values at the field's own edges: its length limit either side, its codes and labels as typed."""
    edges = ["x" * f.max_length, "x" * (f.max_length + 1), "长" * (10 * f.max_length), "长" * (10 * f.max_length + 1)]
    choices = [text for pair in f.choices for text in pair]
    return st.sampled_from(edges + choices + [f" {c}" for c in choices] + [c.upper() for c in choices])


@settings(max_examples=1000, deadline=None)
@given(data=st.data())
def test_the_bulk_validator_stores_and_refuses_every_value_as_the_field_parser_does(data):
    """The per-entity validator answers common values at once; it must never disagree with
    parse_value, whose stored values and Chinese messages the whole app relies on."""
    field = data.draw(st.sampled_from(_FIELDS))
    raw = data.draw(st.one_of(_RAW, _for_field(field)))
    ctx = ParseContext(TODAY)
    assert _outcome(lambda r: field_parser(field)(r, ctx), field, raw) \
        == _outcome(lambda r: parse_value(field, r, ctx), field, raw)


def test_the_bulk_validator_agrees_on_every_near_miss_at_every_field():
    ctx = ParseContext(TODAY)
    for field in _FIELDS:
        for raw in _NEAR_MISS_VALUES:
            assert _outcome(lambda r: field_parser(field)(r, ctx), field, raw) \
                == _outcome(lambda r: parse_value(field, r, ctx), field, raw), (field.name, raw)


def test_an_id_number_typed_with_spaces_and_a_lower_case_x_is_stored_as_on_the_card():
    values = validate("person", {"name": "张三", "id_number": "110105 19491231002x"}, TODAY)
    assert values["id_number"] == "11010519491231002X"
