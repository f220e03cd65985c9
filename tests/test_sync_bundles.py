"""USB bundles: export → county import → return bundle → station import; bad bundles change nothing."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from station_app.core.errors import KnownError
from station_app.server.bundles import import_bundle
from station_app.server.keys import CountyKeys
from station_app.server.store.storage import ServerStore
from station_app.store import reference_data, sync_state
from station_app.sync import bundles, client
from station_app.sync import protocol as p
from tests.helpers import count
from tests.sync_fixtures import ROOT, TODAY, approver, county, enrolled, postgres, referred_case  # noqa: F401 (fixtures)
from tests.test_sync import local_records, server_records


@pytest.fixture
def station(county, database, store, demo_people):
    enrolled(county, database, "前甸镇")
    return database


def test_export_import_and_return_bundle_round_trip(county, station, store, tmp_path):
    village = station.query("SELECT * FROM village LIMIT 1")[0]
    case = referred_case(store, village)
    stick = tmp_path / "usb"
    path, n = bundles.export_bundle(station, stick)
    assert n == count(station, "outbox") and [f.name for f in stick.iterdir()] == [path.name]  # no .partial left
    assert count(station, "outbox WHERE acked_at IS NULL") == n  # exporting acknowledges nothing

    imported = import_bundle(county.store, county.keys, path.read_bytes())
    assert imported.counts[p.APPLIED] == n
    assert server_records(county, station.station_id) == local_records(station)
    # The county decides and publishes while the stick travels back; its next import carries them.
    county.store.decide(case["id"], False, None, "家庭收入超过标准", approver(), TODAY.isoformat())
    county.store.publish_reference("relief_authority", reference_data.default("relief_authority"), "2027-03-01", "",
                                   approver("县"))
    store.create("village", {"code": "210411101299", "name": "新建村"})
    path2, _ = bundles.export_bundle(station, stick)
    returned = import_bundle(county.store, county.keys, path2.read_bytes())
    assert returned.counts[p.DUPLICATE] == n and returned.counts[p.APPLIED] == 1 and returned.counts["feed"] == 2
    back = stick / "return.stbundle"
    bundles.write_verified(back, returned.return_bundle)

    report = bundles.import_return(station, back)
    assert report.counts["received"] == 2
    assert count(station, "outbox WHERE acked_at IS NULL") == 2  # the decision's step and case update, new
    assert store.get("relief_case", case["id"])["status"] == "rejected"
    assert [v["effective_from"] for v in reference_data.versions(station, "relief_authority")][-1] == "2027-03-01"


def test_the_county_command_imports_a_bundle_and_writes_the_return_bundle(county, station, tmp_path):
    path, n = bundles.export_bundle(station, tmp_path / "usb")
    out = subprocess.run(county.command("import-bundle", str(path), "--out", str(tmp_path / "usb")), cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert f"新接收 {n} 条" in out.stdout
    [back] = (tmp_path / "usb").glob("县民政局回执-*.stbundle")
    bundles.import_return(station, back)
    assert count(station, "outbox WHERE acked_at IS NULL") == 0


def _state(county, station) -> tuple:
    return (len(county.store.records()), county.store.change_count(station.station_id),
            count(station, "outbox WHERE acked_at IS NULL"), sync_state.get_int(station, sync_state.RETURN_NUMBER))


def test_tampered_truncated_foreign_expired_and_replayed_bundles_change_nothing(county, station, tmp_path):
    path, _ = bundles.export_bundle(station, tmp_path / "usb")
    data = path.read_bytes()
    before = _state(county, station)

    tampered = bytearray(data)
    tampered[-100] ^= 0x01
    with pytest.raises(p.ProtocolError, match="校验和不符"):
        import_bundle(county.store, county.keys, bytes(tampered))
    head_end = data.index(b"\n", len(p.MAGIC))
    forged_header = data[:head_end].replace(b'"number":1', b'"number":7') + data[head_end:]
    with pytest.raises(p.ProtocolError, match="签名校验失败"):
        import_bundle(county.store, county.keys, forged_header)
    with pytest.raises(p.ProtocolError, match="不完整"):
        import_bundle(county.store, county.keys, data[: len(data) // 2])
    with pytest.raises(p.ProtocolError, match="不是社工站同步数据包"):
        import_bundle(county.store, county.keys, b"PK\x03\x04 a zip file")
    # Foreign: another county's server knows no such station, and could not decrypt it anyway.
    other = tmp_path / "other-county"
    with pytest.raises(KnownError, match="未登记"):
        import_bundle(ServerStore(other / "county.db"), CountyKeys.load_or_create(other), data)
    # Expired: made 31 days ago.
    enrollment = client.Enrollment.load(station)
    old = p.write_bundle(p.STATION_BUNDLE, enrollment.station_id, 1, {"manifest": [], "batches": []},
                         enrollment.keys.sign, enrollment.county["box"],
                         now=p.utc_now() - p.BUNDLE_LIFETIME - dt.timedelta(days=1))
    with pytest.raises(p.ProtocolError, match="过期"):
        import_bundle(county.store, county.keys, old)
    assert _state(county, station) == before

    returned = import_bundle(county.store, county.keys, data)
    after_first = _state(county, station)
    with pytest.raises(p.ProtocolError, match="已经导入过"):
        import_bundle(county.store, county.keys, data)
    assert _state(county, station) == after_first

    back = tmp_path / "return.stbundle"
    back.write_bytes(returned.return_bundle)
    bundles.import_return(station, back)
    imported_once = _state(county, station)
    with pytest.raises(p.ProtocolError, match="已经导入过"):
        bundles.import_return(station, back)
    back.write_bytes(returned.return_bundle[:-10])
    with pytest.raises(p.ProtocolError, match="不完整"):
        bundles.import_return(station, back)
    back.write_bytes(data)  # the station's own bundle is not a return bundle
    with pytest.raises(p.ProtocolError):
        bundles.import_return(station, back)
    assert _state(county, station) == imported_once


def test_a_batch_changed_after_it_was_signed_is_refused_even_in_a_bundle_made_to_match(county, station, tmp_path):
    """The header and the manifest are remade over the changed batch (as only the station's own key
    could): the batch's own signature still refuses it, and the bundle changes nothing."""
    path, _ = bundles.export_bundle(station, tmp_path / "usb")
    enrollment = client.Enrollment.load(station)
    header, content = p.open_bundle(path.read_bytes(), kind=p.STATION_BUNDLE, signer_sign_b64=enrollment.keys.public["sign"],
                                    recipient=county.keys.pair.box)
    before = _state(county, station)

    def remade(batches: list) -> bytes:
        return p.write_bundle(p.STATION_BUNDLE, enrollment.station_id, header["number"],
                              {**content, "batches": batches, "manifest": p.manifest(batches)},
                              enrollment.keys.sign, enrollment.county["box"])

    changed = [dict(b) for b in content["batches"]]
    changed[-1] = {**changed[-1], "body": {**changed[-1]["body"], "batch": {
        **changed[-1]["body"]["batch"], "changes": changed[-1]["body"]["batch"]["changes"][:-1]}}}
    with pytest.raises(p.ProtocolError, match="签名校验失败"):
        import_bundle(county.store, county.keys, remade(changed))
    unlisted = p.write_bundle(p.STATION_BUNDLE, enrollment.station_id, header["number"],
                              {**content, "manifest": content["manifest"][1:]}, enrollment.keys.sign,
                              enrollment.county["box"])
    with pytest.raises(p.ProtocolError, match="清单与内容不符"):
        import_bundle(county.store, county.keys, unlisted)
    assert _state(county, station) == before
    assert import_bundle(county.store, county.keys, remade(content["batches"])).counts[p.APPLIED] > 0


def test_a_return_bundle_for_another_station_is_refused(county, station, tmp_path):
    path, _ = bundles.export_bundle(station, tmp_path / "usb")
    returned = import_bundle(county.store, county.keys, path.read_bytes())
    foreign = p.write_bundle(p.RETURN_BUNDLE, "another-station", 1, {"manifest": [], "batches": [], "results": [],
                                                                      "feed": {"items": []}},
                             county.keys.pair.sign, p.KeyPair.generate().public["box"])
    back = tmp_path / "r.stbundle"
    back.write_bytes(foreign)
    with pytest.raises(p.ProtocolError, match="不是发给本单位"):
        bundles.import_return(station, back)
    assert returned.return_number == 1 and sync_state.get_int(station, sync_state.RETURN_NUMBER) == 0


def test_a_stick_pulled_out_during_export_leaves_no_bundle_and_nothing_counted(station, tmp_path, monkeypatch):
    import errno
    import os

    def pulled(_fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", pulled)
    with pytest.raises(KnownError, match="U盘是否已拔出"):
        bundles.export_bundle(station, tmp_path / "usb")
    assert list((tmp_path / "usb").iterdir()) == []  # neither a bundle nor a partial file
    assert sync_state.get_int(station, sync_state.BUNDLE_NUMBER) == 0
    monkeypatch.undo()
    path, _ = bundles.export_bundle(station, tmp_path / "usb")
    assert path.name.endswith("-00001.stbundle")
