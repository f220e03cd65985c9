"""County reference data: shipped defaults, versions effective from a date, head-only changes."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from station_app.core import reference
from station_app.core.errors import PermissionDenied, ValidationError
from station_app.core.roles import WORKER, Actor
from station_app.store import reference_data
from station_app.store.records import RecordStore

KEY = "test_visit_days"


@pytest.fixture
def rule(monkeypatch, tmp_path):
    """A reference key with a shipped default of 30 days."""
    monkeypatch.setitem(reference.KEYS, KEY, "测试走访间隔")
    monkeypatch.setitem(reference.SCHEMAS, KEY, {"type": "object", "required": ["days"], "properties": {
        "days": {"type": "integer", "title": "间隔（天）", "minimum": 1, "maximum": 366}}})
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / f"{KEY}.json").write_text(json.dumps({"days": 30}), encoding="utf-8")
    monkeypatch.setattr(reference, "resource", lambda *parts: tmp_path.joinpath(*parts))
    reference._default_text.cache_clear()
    yield KEY
    reference._default_text.cache_clear()


def test_the_shipped_default_holds_until_the_county_changes_it(database, store, rule):
    assert reference_data.value(database, rule, dt.date(2026, 1, 1)) == {"days": 30}
    reference_data.set_value(store, rule, {"days": 14}, dt.date(2026, 12, 1), "冬季加密走访")
    assert reference_data.value(database, rule, dt.date(2026, 11, 30)) == {"days": 30}
    assert reference_data.value(database, rule, dt.date(2026, 12, 1)) == {"days": 14}
    assert reference_data.value(database, rule, dt.date(2027, 6, 1)) == {"days": 14}


def test_a_later_version_replaces_an_earlier_one_only_from_its_own_date(database, store, rule):
    reference_data.set_value(store, rule, {"days": 14}, dt.date(2026, 12, 1))
    reference_data.set_value(store, rule, {"days": 60}, dt.date(2027, 4, 1))
    reference_data.set_value(store, rule, {"days": 21}, dt.date(2026, 12, 1), "更正")  # same day: correction wins
    assert reference_data.value(database, rule, dt.date(2027, 1, 1)) == {"days": 21}
    assert reference_data.value(database, rule, dt.date(2027, 4, 1)) == {"days": 60}
    assert [v["value"]["days"] for v in reference_data.versions(database, rule)] == [14, 21, 60]


def test_a_change_is_audited_and_waits_in_the_outbox(database, store, rule):
    made = reference_data.set_value(store, rule, {"days": 14}, dt.date(2026, 12, 1))
    assert database.scalar("SELECT COUNT(*) FROM outbox WHERE entity = 'reference_value' AND record_id = ?", [made["id"]]) == 1
    assert store.history("reference_value", made["id"])


def test_only_the_head_changes_reference_data(database, head, rule):
    worker = Actor("w1", "worker", "李社工", WORKER)
    with pytest.raises(PermissionDenied, match="站长"):
        reference_data.set_value(RecordStore(database, worker), rule, {"days": 1}, dt.date(2026, 12, 1))
    assert reference_data.versions(database, rule) == []


def test_an_unknown_key_fails_loudly(database):
    with pytest.raises(KeyError):
        reference_data.value(database, "no_such_rule")


@pytest.mark.parametrize("value", ['"14"', "十四天", {"days": "14"}, {"days": 0}, {"weeks": 2}])
def test_the_store_refuses_a_version_that_breaks_the_keys_schema(database, store, rule, value):
    with pytest.raises(ValidationError) as refused:
        reference_data.set_value(store, rule, value, dt.date(2026, 12, 1))
    assert list(refused.value.errors) == ["value"]
    assert reference_data.versions(database, rule) == []


def test_every_key_declares_a_schema_its_shipped_default_fits():
    assert reference.KEYS and set(reference.SCHEMAS) == set(reference.KEYS)
    for key in reference.KEYS:
        reference.check(key, reference_data.default(key))


def test_check_names_the_field_in_chinese():
    bad = reference_data.default("relief_tiers")
    bad["tiers"][1]["months"] = "三"
    with pytest.raises(ValidationError) as refused:
        reference.check("relief_tiers", bad)
    assert refused.value.errors == {"tiers.1.months": "「分档 / 第2项 / 月数」应为整数"}
    with pytest.raises(ValidationError, match="没有这项参考数据"):
        reference.check("no_such_rule", {})
