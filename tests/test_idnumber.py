"""Resident ID numbers per GB 11643, with real valid and invalid numbers."""

import datetime as dt

import pytest

from station_app.core import idnumber
from station_app.core.idnumber import InvalidIdNumber


@pytest.mark.parametrize(
    ("number", "birth", "gender", "region"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31), "F", "北京市朝阳区"),  # the example in GB 11643
        ("360426199101010071", dt.date(1991, 1, 1), "M", "江西省九江市德安县"),
        ("220102195608150026", dt.date(1956, 8, 15), "F", "吉林省长春市南关区"),
    ],
)
def test_valid_numbers_give_birth_date_gender_and_region(number, birth, gender, region):
    info = idnumber.parse(number)
    assert (info.number, info.birth_date, info.gender, info.region_name) == (number, birth, gender, region)


def test_wrong_check_digit_names_the_expected_one():
    with pytest.raises(InvalidIdNumber, match="校验位不正确.*应为X"):
        idnumber.parse("110105194912310021")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1101051949123100", "应为18位，现在是16位"),
        ("11010519491231002Y", "最后一位为数字或X"),
        ("1101051949A231002X", "前17位应为数字"),
        ("110105194902300020", "出生日期不存在"),  # 30 February, with a correct check digit
        ("000000194912310027", "地区码000000不是有效的行政区划代码"),
    ],
)
def test_invalid_numbers_say_what_is_wrong(number, message):
    with pytest.raises(InvalidIdNumber, match=message):
        idnumber.parse(number)


def test_an_impossible_date_is_named_before_the_check_digit():
    # 1949-13-31 with the check digit of the real number: the month is what the worker mistyped.
    with pytest.raises(InvalidIdNumber, match=r"出生日期不存在（1949-13-31），请核对第7到14位"):
        idnumber.parse("11010519491331002X")


def test_birth_in_the_future_is_refused():
    with pytest.raises(InvalidIdNumber, match="出生日期不合理"):
        idnumber.parse("11010519491231002X", today=dt.date(1949, 12, 30))


def test_birth_before_1890_is_refused_even_with_a_correct_check_digit():
    with pytest.raises(InvalidIdNumber, match="出生日期不合理"):
        idnumber.parse("440524188001010014")


def test_full_width_digits_spaces_and_lower_case_x_are_forgiven():
    assert idnumber.parse("１１０１０５ １９４９１２３１ ００２ｘ").number == "11010519491231002X"


def test_elder_numbered_under_a_county_code_newer_than_their_birth_is_valid():
    # 210411 (顺城区) exists since 1988; numbers were issued by residence, so people born in 1940
    # hold it legitimately. python-stdnum's own validate() would reject this number.
    info = idnumber.parse("210411194001010015")
    assert info.region_name == "辽宁省抚顺市顺城区" and info.birth_date.year == 1940


def test_mask_keeps_the_first_and_last_four():
    assert idnumber.mask("21010219800101123X") == "2101**********123X"
    assert idnumber.mask(None) == ""
