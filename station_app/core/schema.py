"""Strict checks of JSON values against a declared schema, with a Chinese message per field.

A schema is a plain dict in a small subset of JSON Schema (type, properties, required,
additionalProperties, items, minItems/maxItems, minimum/maximum, minLength/maxLength, pattern,
enum, format, anyOf), so the same declaration serves two readers: this checker, which tells a person
what is wrong in words they know, and the server's OpenAPI description, which fuzzers and other
programs read. A schema's `title` names the field in messages; its `description` says what a
pattern expects.

Only what the schema declares is walked: a value nested a hundred thousand levels deep where the
schema says "an object" costs one isinstance check, and JSON numbers without declared bounds must
still fit in a 53-bit integer (what every JSON reader keeps exactly, and what SQLite can store).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from station_app.core.errors import ValidationError

Schema = Mapping[str, Any]
SAFE_INTEGER = 2**53 - 1

_TYPE_LABELS = {"object": "一组项目（JSON 对象）", "array": "列表", "string": "文字", "integer": "整数",
                "number": "数字", "boolean": "是或否（true 或 false）", "null": "空值"}
_FORMATS = {"date": "日期，如 2026-03-05", "date-time": "带时区的时间，如 2026-03-05T08:00:00+08:00",
            "uuid": "UUID 编号", "byte": "base64 编码的数据"}


def check(schema: Schema, value: Any) -> None:
    """Nothing if `value` fits `schema`; else ValidationError({path: Chinese message}). The compiled
    predicate answers the common case (a value that fits) without building a single message."""
    if fits(schema)(value):
        return
    found = errors(schema, value)
    if found:
        raise ValidationError(found)


Predicate = Callable[[Any], bool]
_COMPILED: OrderedDict[int, tuple[Schema, Predicate]] = OrderedDict()
_KEEP = 256  # compiled schemas kept; one built per call (an envelope around a body) is simply compiled again


def fits(schema: Schema) -> Predicate:
    """A predicate true exactly when `errors(schema, value)` is empty, compiled once per schema:
    the same rules as `errors`, as nested closures that decide without walking the schema again.
    Keyed by identity, most recently used kept; the schema is held so its id stays its own."""
    known = _COMPILED.get(id(schema))
    if known is None or known[0] is not schema:
        known = _COMPILED[id(schema)] = (schema, _compile(schema))
        if len(_COMPILED) > _KEEP:
            _COMPILED.popitem(last=False)
    _COMPILED.move_to_end(id(schema))
    return known[1]


def _compile(schema: Schema) -> Predicate:
    if "anyOf" in schema:
        options = [_compile(option) for option in schema["anyOf"]]
        return lambda value: any(option(value) for option in options)
    kind_fits = _kind_check(schema.get("type"))
    has_enum, allowed = "enum" in schema, schema.get("enum", ())
    low, high = schema.get("minimum", -SAFE_INTEGER), schema.get("maximum", SAFE_INTEGER)
    text_fits = _text_check(schema)
    sized = any(k in schema for k in ("minItems", "maxItems", "minProperties", "maxProperties"))
    properties = {name: _compile(sub) for name, sub in schema.get("properties", {}).items()}
    required = tuple(schema.get("required", ()))
    extra = schema.get("additionalProperties", True)
    other = _compile(extra) if isinstance(extra, Mapping) else None
    declared = tuple(properties.items())
    items = _compile(schema["items"]) if "items" in schema else None

    def members_fit(value: dict[str, Any]) -> bool:
        # Most objects allow any further keys (a change's payload, an audit entry): only the
        # declared ones are looked at then, not a call for each of a record's twenty fields.
        if other is not None:
            return all((properties.get(key) or other)(item) for key, item in value.items())
        if extra is False and not value.keys() <= properties.keys():
            return False
        return all(fits_(value[name]) for name, fits_ in declared if name in value)

    def check(value: Any) -> bool:
        if kind_fits is not None and not kind_fits(value) or has_enum and value not in allowed:
            return False
        if isinstance(value, str):
            return text_fits(value)
        if isinstance(value, dict):
            return not (sized and _size_problem(schema, value)) and all(name in value for name in required) and \
                members_fit(value)
        if isinstance(value, list):
            return not (sized and _size_problem(schema, value)) and (items is None or all(items(item) for item in value))
        return not isinstance(value, int | float) or isinstance(value, bool) or low <= value <= high
    return check


def _text_check(schema: Schema) -> Predicate:
    """`_text_problem(schema, value) is None`, with the schema's rules looked up once."""
    shortest, longest = schema.get("minLength", 0), schema.get("maxLength", math.inf)
    pattern = _pattern(schema["pattern"]) if "pattern" in schema else None
    fmt = schema.get("format") if schema.get("format") in _FORMATS else None
    return lambda value: (shortest <= len(value) <= longest and (pattern is None or pattern.search(value) is not None)
                          and (fmt is None or _has_format(fmt, value)))


_PYTHON_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _kind_check(wanted: str | list[str] | None) -> Predicate | None:
    """`_is` for a schema's "type", the common single kinds as one or two isinstance checks."""
    if wanted is None:
        return None
    kinds = (wanted,) if isinstance(wanted, str) else tuple(wanted)
    if kinds == ("integer",):
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    if len(kinds) == 1 and kinds[0] in _PYTHON_TYPES:
        python_type = _PYTHON_TYPES[kinds[0]]
        return lambda value: isinstance(value, python_type)
    return lambda value: any(_is(kind, value) for kind in kinds)


def errors(schema: Schema, value: Any, path: str = "", labels: tuple[str, ...] = ()) -> dict[str, str]:
    """Every place where `value` breaks `schema`: dotted path ("tiers.0.months") -> message."""
    labels = (*labels, schema["title"]) if schema.get("title") else labels
    if "anyOf" in schema:
        # A value that fits one of the shapes is fine; else the complaints of the shape it came
        # closest to (a rule written in an older shape is told about that shape, not the new one).
        found = [errors(option, value, path, labels) for option in schema["anyOf"]]
        if not all(found):
            return {}
        return min(found, key=len)
    problem = _type_problem(schema, value) or _value_problem(schema, value)
    if problem:
        return {path or "value": _say(labels, problem)}
    if isinstance(value, dict):
        return _object_errors(schema, value, path, labels)
    if isinstance(value, list) and "items" in schema:
        found: dict[str, str] = {}
        for i, item in enumerate(value):
            found.update(errors(schema["items"], item, _join(path, str(i)), (*labels, f"第{i + 1}项")))
        return found
    return {}


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _say(labels: tuple[str, ...], problem: str) -> str:
    return f"「{' / '.join(labels)}」{problem}" if labels else f"内容{problem}"


def _type_problem(schema: Schema, value: Any) -> str | None:
    wanted = schema.get("type")
    if wanted is None:
        return None
    kinds = (wanted,) if isinstance(wanted, str) else tuple(wanted)
    if any(_is(kind, value) for kind in kinds):
        return None
    return "应为" + "或".join(_TYPE_LABELS[k] for k in kinds)


def _is(kind: str, value: Any) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return isinstance(value, {"object": dict, "array": list, "string": str, "boolean": bool,
                              "null": type(None)}[kind])


def _value_problem(schema: Schema, value: Any) -> str | None:
    if "enum" in schema and value not in schema["enum"]:
        return "应为以下之一：" + "、".join(str(v) for v in schema["enum"])
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_problem(schema, value)
    if isinstance(value, str):
        return _text_problem(schema, value)
    if isinstance(value, list | dict):
        return _size_problem(schema, value)
    return None


def _number_problem(schema: Schema, value: float) -> str | None:
    low = schema.get("minimum", -SAFE_INTEGER)
    high = schema.get("maximum", SAFE_INTEGER)
    if not low <= value <= high:
        return f"应在 {low} 到 {high} 之间"
    return None


def _text_problem(schema: Schema, value: str) -> str | None:
    if len(value) < schema.get("minLength", 0):
        return "不能为空" if schema["minLength"] == 1 else f"至少 {schema['minLength']} 个字"
    if len(value) > schema.get("maxLength", math.inf):
        return f"最多 {schema['maxLength']} 个字"
    if "pattern" in schema and not _pattern(schema["pattern"]).search(value):
        return "格式不正确" + (f"：应为{schema['description']}" if schema.get("description") else "")
    fmt = schema.get("format")
    if fmt in _FORMATS and not _has_format(fmt, value):
        return f"应为{_FORMATS[fmt]}"
    return None


def _size_problem(schema: Schema, value: list[Any] | dict[str, Any]) -> str | None:
    low, high = (schema.get("minItems"), schema.get("maxItems")) if isinstance(value, list) \
        else (schema.get("minProperties"), schema.get("maxProperties"))
    if low is not None and len(value) < low:
        return "不能为空" if low == 1 else f"至少应有 {low} 项"
    if high is not None and len(value) > high:
        return f"最多 {high} 项"
    return None


# An unescaped `$` outside a character class; escapes and classes are matched first and kept as they are.
_END = re.compile(r"\\.|\[(?:\\.|[^\]])*\]|\$")


@lru_cache(maxsize=None)
def _pattern(text: str) -> re.Pattern[str]:
    """A schema's pattern read as JSON Schema reads it (ECMA-262): `$` ends the text. Python's `$`
    also matches before a final newline, which let "2026-01-01\n" pass a date's pattern."""
    return re.compile(_END.sub(lambda m: r"\Z" if m.group(0) == "$" else m.group(0), text))


def _has_format(fmt: str, value: str) -> bool:
    try:
        if fmt == "date":
            return len(value) == 10 and dt.date.fromisoformat(value) is not None
        if fmt == "date-time":
            return aware_time(value) is not None
        if fmt == "uuid":
            return str(uuid.UUID(value)) == value.lower()
        base64.b64decode(value.encode("ascii"), validate=True)
        return True
    except (ValueError, binascii.Error, UnicodeEncodeError):
        return False


def aware_time(value: str) -> dt.datetime | None:
    """The moment an ISO 8601 time names, if it says its time zone (a bare local time is ambiguous)."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None and moment.utcoffset() is not None else None


def _object_errors(schema: Schema, value: dict[str, Any], path: str, labels: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    properties: Mapping[str, Schema] = schema.get("properties", {})
    for name in schema.get("required", ()):
        if name not in value:
            title = properties.get(name, {}).get("title", name)
            found[_join(path, name)] = _say(labels, f"缺少「{title}」")
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            found.update(errors(properties[key], item, _join(path, key), labels))
        elif extra is False:
            found[_join(path, str(key))] = _say(labels, f"有不认识的项目「{key}」")
        elif isinstance(extra, Mapping):
            found.update(errors(extra, item, _join(path, str(key)), (*labels, str(key))))
    return found
