"""One password rule for every role: long enough, and not easy to guess.

A password wraps the key of the encrypted database (store.keyring), so a guessable one is a
guessable database whoever's it is: the head's and a worker's follow the same rule. Guessability
is judged by zxcvbn's estimate (common passwords, keyboard walks, sequences, repeats, dates,
names), told the things a Chinese office would use: the user's own name in pinyin, the username,
and the well-known Chinese number-words (520, 1314 …), which its English lists do not know.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from station_app.core.errors import ValidationError
from station_app.core.search import PINYIN, person_keys

# Where the command lines (the station's and the county server's) take a password from, when it is
# not typed in the terminal.
PASSWORD_ENV = "STATION_PASSWORD"
MIN_LENGTH = 8
# zxcvbn's score 2 ("somewhat guessable", about 10^8 guesses) and above: out of reach of guessing at
# the log-in window (which locks), and costly offline against the argon2id-wrapped key ring.
MIN_SCORE = 2
RULE_TEXT = (f"密码至少{MIN_LENGTH}位，不能是常见密码、连续或重复的字符、键盘上相邻的键、日期，"
             "也不能含有自己的用户名或姓名拼音；建议用两三个不相关的词的拼音加数字，如 baiyun-hetang-37。")

# Passwords Chinese users choose that the estimator's English lists miss.
_CHINESE_COMMON = ("woaini", "5201314", "1314520", "1314", "520", "woaini1314", "aini", "zhongguo", "qq",
                   "iloveyou", "mima", "wodemima", "laopo", "laogong", "baobei", "shengri", "dongbei",
                   "liaoning", "shenyang", "fushun", "benxi", "fuxin", "shegongzhan", "minzheng")

_ADVICE = {
    "user_inputs": "密码含有用户名、姓名拼音或常见的中文数字词（如1314），容易被猜到",
    "passwords": "这是常见密码，很容易被猜到",
    "sequence": "不要用连续的数字或字母（如12345678、abcdefg）",
    "repeat": "不要重复同一个字符或同一串字符",
    "spatial": "不要用键盘上相邻的键（如qwerty、1qaz2wsx）",
    "date": "不要用日期（如生日）",
    "regex": "不要用年份",
}
_WEAK = "密码太容易被猜到，请加长一些，或把字母、数字和符号混在一起"


def check(password: str, *, names: Iterable[str] = (), field: str = "password") -> None:
    """Raise ValidationError({field: Chinese reason}) unless `password` may wrap the database key.

    `names` are the user's own words (username, display name): a password built on them is weak
    whatever the estimator thinks of it otherwise."""
    if len(password) < MIN_LENGTH:
        raise ValidationError({field: f"密码至少{MIN_LENGTH}位"})
    from zxcvbn import zxcvbn  # its dictionaries take a moment to load: only when a password is set

    # zxcvbn refuses more than 72 characters; a password whose first 72 are strong is strong.
    result = zxcvbn(password[:72], user_inputs=[*_own_words(names), *_CHINESE_COMMON])
    if result["score"] < MIN_SCORE:
        raise ValidationError({field: _reason(result["sequence"])})


def _own_words(names: Iterable[str]) -> list[str]:
    """Each name as typed, and a Chinese name's pinyin readings and initials too (王站长 → wangzhanzhang, wzz)."""
    words = []
    for name in names:
        if not name:
            continue
        words.append(name.lower())
        words += [key.removeprefix(PINYIN) for key in person_keys(name, None) if key.startswith(PINYIN)]
    return [w for w in dict.fromkeys(words) if len(w) >= 2]


def _reason(matches: list[dict[str, Any]]) -> str:
    """The most telling reason among the weak parts zxcvbn found, in Chinese."""
    for match in matches:
        if match["pattern"] == "dictionary" and match.get("dictionary_name") == "user_inputs":
            return _ADVICE["user_inputs"]
    for match in matches:
        key = "passwords" if match["pattern"] == "dictionary" and match.get("dictionary_name") == "passwords" \
            else match["pattern"]
        if key in _ADVICE:
            return _ADVICE[key]
    return _WEAK
