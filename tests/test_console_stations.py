"""站点管理 and 冲突 in a real browser, on SQLite and PostgreSQL: an administrator creates a station
(code and fingerprint shown) and it enrolls with them; a USB bundle uploaded in the browser is
applied once and its return bundle downloads and is taken in by the station; the escrow unseal is
the administrator's alone; revoking stops the station; a conflict is listed for its station."""

from __future__ import annotations

import pytest

from station_app.core.errors import KnownError
from station_app.server.store import audit
from station_app.sync import bundles, client
from tests.console_fixtures import browser, driver, people  # noqa: F401 (fixtures)
from tests.helpers import count
from tests.sync_fixtures import county, enrolled, postgres  # noqa: F401 (fixtures)


def test_a_station_created_in_the_browser_enrolls_with_its_code_and_is_revoked(browser, county, database, store):
    browser.log_in("admin")
    browser.open("/stations")
    browser.fill("#station-name", "前甸镇")
    browser.submit("#create-station")
    browser.shot("station-created")
    code, fingerprint = browser.element("#code").text, browser.element("#fingerprint").text
    enrollment = client.enroll(database, county.url, code, expect_fingerprint=fingerprint)
    assert enrollment.station_id == database.station_id
    browser.open("/stations/前甸镇")
    assert "完成登记" in browser.text and "王管理" in browser.text  # who created it, in its history
    browser.chrome.execute_script("window.confirm = () => true")
    browser.submit("#revoke")
    assert "已撤销" in browser.text
    with pytest.raises(KnownError, match="撤销"):
        client.sync(database)


def test_a_bundle_uploaded_in_the_browser_is_applied_once_and_its_return_bundle_downloads(
        browser, county, database, store, village, tmp_path):
    enrolled(county, database, "前甸镇")
    path, n = bundles.export_bundle(database, tmp_path / "usb")
    browser.log_in("keyuan")  # the information officer: a 科员 may import bundles
    browser.open("/stations")
    browser.element("#bundle").send_keys(str(path))
    browser.submit("#import-bundle")
    assert f"已导入 前甸镇 第 1 号数据包" in browser.text and f"已接收\n{n} 条" in browser.element("#counts").text
    browser.shot("bundle-imported")
    with browser.http() as http:
        returned = http.get(browser.element("#download-return").get_attribute("href"))
    assert returned.status_code == 200 and "stbundle" in returned.headers["content-disposition"]
    back = tmp_path / "usb" / "return.stbundle"
    back.write_bytes(returned.content)
    bundles.import_return(database, back)
    assert count(database, "outbox WHERE acked_at IS NULL") == 0

    browser.open("/stations")  # the same bundle again: refused, nothing applied twice
    browser.element("#bundle").send_keys(str(path))
    browser.submit("#import-bundle")
    assert "已经导入过" in browser.text
    assert county.store.change_count(database.station_id) == n
    assert [e["action"] for e in audit.entries(county.store, 2)] == ["下载回执包", "导入U盘数据包"]


def test_only_the_administrator_unseals_the_escrowed_key_and_it_is_logged(browser, county, database, head, db_key):
    enrolled(county, database, "前甸镇")
    browser.log_in("keyuan")
    browser.open("/stations/前甸镇")
    assert not browser.has("#unseal")
    browser.open("/login")
    browser.chrome.delete_all_cookies()
    browser.log_in("admin")
    browser.open("/stations/前甸镇")
    browser.chrome.execute_script("window.confirm = () => true")
    browser.submit("#unseal")
    assert browser.element("#escrow-key").text == db_key.hex()
    entry = audit.entries(county.store, 1)[0]
    assert (entry["action"], entry["display_name"], entry["target"]) == ("取出托管密钥", "王管理", "前甸镇")


def test_a_conflict_the_server_kept_is_listed_for_its_station(browser, county, database, store, village):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    county.store.county_edit("village", village["id"], {"name": "前甸村（县里更正）"}, "县民政局")
    store.update("village", village["id"], {"name": "前甸村一组"}, village["rev"])
    client.sync(database)
    browser.log_in("keyuan")
    browser.open(f"/conflicts?station={database.station_id}")
    row = browser.element("#conflicts tbody tr").text
    assert "前甸镇" in row and "村（社区）" in row and "村（社区）名称" in row and "待社工站处理" in row
    browser.shot("conflicts")



def test_a_lost_stations_rebuild_code_from_the_browser_rebuilds_it_and_refuses_the_old_pc(
        browser, county, database, store, tmp_path):
    from station_app.sync import rebuild

    enrolled(county, database, "前甸镇")
    client.sync(database)
    browser.log_in("admin")
    browser.open("/stations/前甸镇")
    browser.chrome.execute_script("window.confirm = () => true")
    browser.submit("#rebuild-code")
    assert "换机恢复登记单" in browser.text
    code = browser.element("#code").text
    started = rebuild.start(tmp_path / "new-pc" / "station.db", county.url, code,
                            ("zhanzhang", "新站长", "xin-diannao-2026"), expect_fingerprint=browser.element("#fingerprint").text)
    assert rebuild.resume(started.database).records == count(database, "village") + count(database, "station")
    started.database.close()
    with pytest.raises(KnownError, match="在新电脑上从县服务器恢复"):
        client.sync(database)
    browser.open("/stations/前甸镇")
    assert "换机恢复完成" in browser.text
