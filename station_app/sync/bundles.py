"""USB bundles at the station: export what waits, import the county's return bundle.

The export carries exactly the batches an online push would send, signed by the station and
encrypted to the county. It is written under a temporary name, flushed, renamed, then read back
and verified before anyone is told the stick may be removed. Nothing is acknowledged by exporting:
rows are marked only when the county's return bundle comes back (an online push meanwhile is
harmless — the server answers "duplicate" for what it already has).
"""

from __future__ import annotations

import os
from pathlib import Path

from station_app.core.errors import KnownError
from station_app.core.jobs import JobState
from station_app.store import sync_state
from station_app.store.database import StationDatabase
from station_app.sync import audit_feed
from station_app.sync import protocol as p
from station_app.sync.client import Enrollment, Report, apply_feed, take_acknowledgements

SUFFIX = ".stbundle"


def export_bundle(database: StationDatabase, folder: Path, state: JobState | None = None) -> tuple[Path, int]:
    """Write the bundle of every waiting change into `folder`: (its path, how many changes)."""
    state = state or JobState()
    enrollment = Enrollment.load(database)
    rows = sync_state.pending_changes(database, 1_000_000_000)
    state.report(0, 3, "正在打包")
    changes = [p.change_from_outbox(r) for r in rows]
    after = sync_state.seq_before(database, rows[0]["seq"]) if rows else 0
    envelopes = [p.request(enrollment.station_id, "push", enrollment.keys.sign, batch=b)
                 for b in p.batches(after, changes)]
    number = sync_state.get_int(database, sync_state.BUNDLE_NUMBER) + 1
    content = {"manifest": p.manifest(envelopes), "batches": envelopes,
               "cursor": sync_state.get_int(database, sync_state.CURSOR),
               "audit": audit_feed.bundled(database, enrollment),
               "audit_history": audit_feed.history_request(database, enrollment)}
    data = p.write_bundle(p.STATION_BUNDLE, enrollment.station_id, number, content, enrollment.keys.sign,
                          enrollment.county["box"])
    state.report(1, 3, "正在写入")
    path = Path(folder) / f"社工站数据包-{enrollment.name}-{number:05d}{SUFFIX}"
    write_verified(path, data)
    state.report(2, 3, "已写入并核对")
    with database.transaction() as conn:
        sync_state.put(conn, sync_state.BUNDLE_NUMBER, number)
        sync_state.add_history(conn, "bundle_export", {"sent": len(changes)})
    return path, len(changes)


def write_verified(path: Path, data: bytes) -> None:
    """Temporary name, flush to the device, rename, read back: a file that exists under its name is whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
        _fsync_dir(path.parent)
        if path.read_bytes() != data:
            raise KnownError(f"写入后读回核对不一致：{path}。请换一个U盘或文件夹重新导出。")
        p.read_header(data)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise KnownError(f"无法写入 {path.parent}（{exc.strerror}）。U盘是否已拔出或写满？请重新导出。") from exc


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def import_return(database: StationDatabase, path: Path) -> Report:
    """Apply the county's return bundle (acknowledgements, then the county's changes) in one
    transaction, after verifying it completely; a refused bundle changes nothing."""
    enrollment = Enrollment.load(database)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise KnownError(f"无法读取 {path}（{exc.strerror}）") from exc
    header, content = p.open_bundle(data, kind=p.RETURN_BUNDLE, signer_sign_b64=enrollment.county["sign"],
                                    recipient=enrollment.keys.box, station_id=enrollment.station_id)
    if header["number"] <= sync_state.get_int(database, sync_state.RETURN_NUMBER):
        raise p.ProtocolError(f"这个回执包（第 {header['number']} 号）已经导入过，不能重复导入")
    report = Report()
    with database.transaction() as conn:
        take_acknowledgements(database, content["results"], report)
        apply_feed(database, content["feed"], report)
        sync_state.put(conn, sync_state.RETURN_NUMBER, header["number"])
        sync_state.add_history(conn, "bundle_import", report.counts)
    if content.get("audit_history") is not None:  # the history a restored older backup lacked
        audit_feed.take_page(database, content["audit_history"])
    if content.get("audit") is not None:  # after the rest is in: a refused audit log stops nothing else
        audit_feed.take_answer(database, content["audit"])
    return report
