"""One password rule for every role, with the reason in Chinese."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station_app.core import passwords
from station_app.core.errors import ValidationError
from station_app.store import users


@pytest.mark.parametrize(("password", "reason"), [
    ("12345678", "常见密码"),
    ("11111111", "常见密码"),
    ("qwertyuiop", "常见密码"),
    ("abcdefghij", "连续"),
    ("woaini1314", "中文数字词"),
    ("19870512", "日期"),
    ("short", "至少8位"),
])
def test_guessable_passwords_are_refused_with_the_reason(password, reason):
    with pytest.raises(ValidationError) as caught:
        passwords.check(password)
    assert reason in caught.value.errors["password"]


def test_a_password_built_on_ones_own_name_is_refused():
    passwords.check("wangzhanzhang", names=())  # a long word by itself is not what is refused here …
    with pytest.raises(ValidationError, match="姓名拼音"):
        passwords.check("wangzhanzhang", names=("head", "王站长"))  # … but the head's own name in pinyin is
    with pytest.raises(ValidationError, match="用户名"):
        passwords.check("liuxiaomei", names=("liu", "刘晓梅"))


@pytest.mark.parametrize("password", ["baiyun-hetang-37", "qiandian2026", "my-own-pass9"])
def test_memorable_but_unguessable_passwords_pass(password):
    passwords.check(password, names=("head", "王站长"))


def test_the_head_and_a_worker_meet_the_same_rule(database, head):
    for role in ("head", "worker"):
        with pytest.raises(ValidationError, match="常见密码"):
            users.create_user(database, head, f"user_{role}", "新人", role, "12345678")
    with pytest.raises(ValidationError, match="常见密码"):
        users.change_own_password(database, head, "shegong-qiandian-26", "password1")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_verdict_never_a_crash(text):
    try:
        passwords.check(text, names=("张三",))
    except ValidationError as exc:
        assert exc.errors["password"]
