"""参数下发 in a real browser, on SQLite and PostgreSQL: a malformed version is refused at publish with
the message at the field, a good one is previewed (the suggested amounts by household size), then
published and received by a station; a 科员 may preview but not publish."""

from __future__ import annotations

import json

from station_app.store import reference_data
from station_app.sync import client
from tests.console_fixtures import browser, driver, people  # noqa: F401 (fixtures)
from tests.sync_fixtures import county, enrolled, postgres  # noqa: F401 (fixtures)


def type_value(browser, value: str) -> None:
    browser.chrome.execute_script("document.getElementById('value').value = arguments[0]", value)


def test_a_malformed_version_is_refused_at_publish_with_the_message_at_the_field(browser, county):
    browser.log_in("shenpi")
    browser.open("/rules/relief_tiers")
    good = json.loads(browser.element("#value").get_attribute("value"))
    browser.submit("#preview")
    browser.shot("rule-preview")
    assert browser.has("#publish")
    # Now make it malformed and publish straight away (the form still carries the publish button).
    bad = {**good, "tiers": [{**good["tiers"][0], "multiple": "一倍"}]}
    type_value(browser, json.dumps(bad, ensure_ascii=False))
    browser.submit("#publish")
    # The key's schema names the place in the words of the form (core.schema), not the JSON path.
    assert "「分档 / 第1项 / 倍数」格式不正确：应为数字" in browser.element("#value-error").text
    assert "未发布" in browser.text
    type_value(browser, "{\"tiers\": [")
    browser.submit("#preview")
    assert "不是有效的 JSON" in browser.element("#value-error").text
    assert not [v for v in reference_data_versions(county) if v["key"] == "relief_tiers"]


def reference_data_versions(county) -> list[dict]:
    return [r["payload"] for r in county.store.records(owner="county", entity_name="reference_value")]


def test_a_new_standard_is_previewed_published_and_received_by_the_station(browser, county, database, store):
    enrolled(county, database, "前甸镇")
    browser.log_in("shenpi")
    browser.open("/rules/relief_standard")
    type_value(browser, json.dumps({"monthly_fen": 80000, "basis": "2027年城市低保标准 800 元"}, ensure_ascii=False))
    browser.fill("#effective_from", "2027-01-01")
    browser.fill("#notes", "2027年起执行新的低保标准")
    browser.submit("#preview")
    # Emergency, tier 3 (×1.3, 6 months), a household of one: 800 × 1.3 × 6 = 6,240 yuan.
    rows = [r.text for r in browser.chrome.find_elements("css selector", ".preview-table tbody tr")]
    assert any(r.startswith("三档（特别困难） 6,240.00 10,000.00") for r in rows), rows
    browser.submit("#publish")
    assert "已发布" in browser.text and "2027年起执行新的低保标准" in browser.text
    client.sync(database)
    [version] = [v for v in reference_data.versions(database, "relief_standard") if v["effective_from"] == "2027-01-01"]
    assert (version["value"]["monthly_fen"], version["updated_by"]) == (80000, "张科长")


def test_a_clerk_previews_but_cannot_publish(browser, county):
    browser.log_in("keyuan")
    browser.open("/rules/relief_advance")
    browser.submit("#preview")
    assert "补办手续期限" in browser.text and not browser.has("#publish")
    browser.chrome.execute_script(
        "document.getElementById('rule-form').action = document.getElementById('rule-form').action"
        ".replace('/preview', '/publish')")
    browser.submit("#preview")
    assert "“发布参数”只能由审批、管理员账号办理" in browser.text
