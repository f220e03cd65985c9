"""The station's sync client: enrollment, push, pull, and what a run leaves behind.

Push sends the outbox's unacknowledged rows in seq order, a batch at a time; rows are marked
acknowledged only from the server's signed reply, in one transaction, so a run cut off anywhere
(network, power, a killed process) just sends the rest again and the server answers "duplicate".
Pull applies the county's feed through the store's write path and moves the cursor in the same
transaction. Each feed item is checked against the protocol's schema first; one that fails, or that
the store refuses, is kept in sync_rejected with its reason (and reported with the next pull) while
the rest applies and the cursor moves on. Both work the same from the network (`HttpTransport`) or
from a return bundle. Whatever stops a run, the reason is written to the history.
"""

from __future__ import annotations

import datetime as dt
import logging
import ssl
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from station_app import __version__
from station_app.core.errors import KnownError
from station_app.core.jobs import JobState
from station_app.core.roles import COUNTY_SYNC
from station_app.store import outbox_status, relief, sync_state
from station_app.store.database import StationDatabase
from station_app.store.keyring import KeyRing, keys_path
from station_app.store.records import RecordStore
from station_app.sync import audit_feed
from station_app.sync import protocol as p

TIMEOUT = httpx.Timeout(60.0, connect=5.0)
log = logging.getLogger(__name__)
REFUSED = "refused"  # the Report's count of county feed items this station set aside
AUDIT = "audit"  # the Report's count of audit log entries sent


class Offline(KnownError):
    """The server could not be reached: nothing is wrong with the data, it waits for the next try."""


def network_words(exc: httpx.TransportError) -> str:
    """What went wrong on the way to the server, in words a station worker can act on (httpx names
    the failure by class; its message is the operating system's English)."""
    text = str(exc)
    if "CERTIFICATE" in text.upper():
        return "服务器的证书无法验证，请联系县民政局核对"
    if isinstance(exc, httpx.ConnectError) and ("getaddrinfo" in text or "Name or service" in text):
        return "找不到服务器地址，请检查网络和服务器地址"
    for kinds, words in _NETWORK_WORDS:
        if isinstance(exc, kinds):
            return words
    return "网络出错"


_NETWORK_WORDS: tuple[tuple[type[Exception] | tuple[type[Exception], ...], str], ...] = (
    (httpx.ConnectTimeout, "连接超时，网络可能不通，或服务器没有开机"),
    (httpx.ConnectError, "网络未连通，或服务器没有开机"),
    (httpx.ProxyError, "本机的代理设置有误"),
    ((httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout), "服务器长时间没有回应"),
    ((httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError), "连接中途断开"),
)


class NotEnrolled(KnownError):
    def __init__(self) -> None:
        super().__init__("本站尚未在县民政局服务器登记：请在“同步”页用县里提供的登记码登记。")


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("sent", *p.STATUSES, "received", REFUSED), 0))

    def add(self, status: str, n: int = 1) -> None:
        self.counts[status] = self.counts.get(status, 0) + n

    def summary(self) -> str:
        c = self.counts
        text = f"发送 {c['sent']:,} 条，县里新接收 {c['applied']:,} 条"
        if c["duplicate"]:
            text += f"，此前已收到 {c['duplicate']:,} 条"
        if c["conflict"]:
            text += f"，冲突 {c['conflict']:,} 条（请在同步页处理）"
        if c["rejected"]:
            text += f"，被拒绝 {c['rejected']:,} 条"
        text += f"；收到县里的更新 {c['received']:,} 条"
        if c[REFUSED]:
            text += f"，其中 {c[REFUSED]:,} 条内容有误未采用（见同步页“被拒绝”）"
        return text


@dataclass(frozen=True)
class Enrollment:
    server_url: str
    station_id: str
    name: str
    keys: p.KeyPair
    county: dict[str, str]  # the county's public keys, pinned at enrollment
    ca_file: str | None = None

    @classmethod
    def load(cls, database: StationDatabase) -> Enrollment:
        data = sync_state.enrollment(database)
        if data is None:
            raise NotEnrolled()
        return cls(data["server_url"], data["station_id"], data["name"], p.KeyPair.from_dict(data["keys"]),
                   data["county"], data.get("ca_file"))

    def to_dict(self) -> dict[str, Any]:
        return {"server_url": self.server_url, "station_id": self.station_id, "name": self.name,
                "keys": self.keys.to_dict(), "county": self.county, "ca_file": self.ca_file}


class HttpTransport:
    """Signed requests to the county server; replies verified against the pinned county key."""

    def __init__(self, server_url: str, county_sign: str | None = None, ca_file: str | None = None) -> None:
        verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=ca_file) if ca_file else True
        self.client = httpx.Client(base_url=server_url.rstrip("/"), timeout=TIMEOUT, verify=verify)
        self.county_sign = county_sign

    def close(self) -> None:
        self.client.close()

    def get(self, path: str) -> dict[str, Any]:
        return self._answer(self._send("GET", path, None))[0]

    def post(self, path: str, body: Mapping[str, Any] | bytes) -> dict[str, Any]:
        """The county's signed reply to `body` (a message, or one already encoded)."""
        answer, body_bytes = self._answer(self._send("POST", path, body if isinstance(body, bytes) else p.canonical(body)))
        if self.county_sign is None:
            raise p.ProtocolError("尚未固定县里的公钥")
        return p.verify(answer, self.county_sign, body_bytes)

    def _send(self, method: str, path: str, content: bytes | None) -> httpx.Response:
        try:
            return self.client.request(method, path, content=content,
                                       headers={"content-type": "application/json"})
        except httpx.TransportError as exc:
            raise Offline(f"无法连接县民政局服务器（{network_words(exc)}）") from exc

    @staticmethod
    def _answer(response: httpx.Response) -> tuple[Any, bytes | None]:
        """The reply's JSON, and a signed reply's body as received (protocol.receive)."""
        try:
            data, body_bytes = p.receive(response.content)
        except p.ProtocolError:  # not our server's answer (a proxy's page, a crash): an error, not "offline"
            raise KnownError(f"服务器回复无法读取（HTTP {response.status_code}）") from None
        if response.status_code != 200:
            raise KnownError(f"服务器拒绝：{data.get('error', response.status_code)}")
        return data, body_bytes


def enroll(database: StationDatabase, server_url: str, code: str, *, ca_file: str | None = None,
           expect_fingerprint: str | None = None, station_id: str | None = None) -> Enrollment:
    """Enroll this station with a one-time code: make its keys, pin the county's, send the escrow copy
    of the database key (sealed to the county) so the county can recover a station that lost its head.
    An empty database being rebuilt proposes `station_id`; the county answers with the station's own."""
    if sync_state.enrollment(database) is not None:
        raise KnownError("本站已经登记过，无需重复登记")
    station_id = station_id or database.station_id
    if station_id is None:
        raise KnownError("尚未完成社工站初始设置")
    transport = HttpTransport(server_url, ca_file=ca_file)
    ring = KeyRing.load(keys_path(database.path))
    try:
        health = transport.get("/health")
        county = {"sign": health["county_sign"], "box": health["county_box"]}
        if expect_fingerprint and p.fingerprint(county["sign"]) != expect_fingerprint.strip().upper():
            raise p.ProtocolError("服务器公钥指纹与县里提供的不一致：可能连到了假冒的服务器，已停止登记")
        keys = p.KeyPair.generate()
        ring.seal_for_county(database.require_key(), p.unb64(county["box"]))
        transport.county_sign = county["sign"]
        # Signed with the new key: the server sees that this station holds the key it registers.
        reply = transport.post("/v1/enroll", p.request(station_id, "enroll", keys.sign, code=code,
                                                       sign_public=keys.public["sign"],
                                                       box_public=keys.public["box"], escrow=ring.escrow))
    finally:
        transport.close()
    if reply["county"] != county:
        raise p.ProtocolError("服务器登记回复中的公钥与先前不一致，已停止登记")
    enrollment = Enrollment(server_url, reply["station_id"], reply["name"], keys, county, ca_file)
    if ring.exists:
        ring.save()
    sync_state.save_enrollment(database, enrollment.to_dict())
    return enrollment


# -- push and pull ---------------------------------------------------------------------------------

def push(database: StationDatabase, enrollment: Enrollment, transport: HttpTransport, report: Report,
         state: JobState | None = None) -> None:
    """Send the outbox a batch at a time, each only after the server answered the one before (so it
    always has everything up to a batch's after_seq), but overlapped: the next request is built and
    signed while the server applies a batch, and a reply's acknowledgements are written while the
    next batch travels."""
    state = state or JobState()
    total = outbox_status.pending_summary(database).count
    done = 0
    with ThreadPoolExecutor(1, thread_name_prefix="push") as sender:
        request = _push_request(database, enrollment, 0)
        in_flight = sender.submit(transport.post, "/v1/push", request[0]) if request else None
        while request and in_flight:
            following = _push_request(database, enrollment, request[1])
            reply = in_flight.result()
            if reply["status"] != "ok":
                raise KnownError(f"服务器缺少本站第 {reply['high_water']} 号之后的变更，无法按顺序接收。请联系县民政局技术人员。")
            in_flight = sender.submit(transport.post, "/v1/push", following[0]) if following else None
            take_acknowledgements(database, reply["results"], report)
            done += len(reply["results"])
            state.report(done, total, f"已发送 {done:,} 条变更")
            request = following


def _push_request(database: StationDatabase, enrollment: Enrollment, after_seq: int) -> tuple[bytes, int] | None:
    """The signed request of the next batch of unacknowledged changes after `after_seq`, and the
    seq of its last change; None when nothing is waiting."""
    rows = sync_state.pending_changes(database, p.BATCH_SIZE, after_seq)
    if not rows:
        return None
    request, count = p.push_request(enrollment.station_id, enrollment.keys.sign,
                                    sync_state.seq_before(database, rows[0]["seq"]),
                                    [p.change_from_outbox(r) for r in rows])
    return request, rows[count - 1]["seq"]


def take_acknowledgements(database: StationDatabase, results: list[dict[str, Any]], report: Report) -> None:
    """Mark what the server answered, and keep both sides of each conflict, in one transaction."""
    with database.transaction() as conn:
        sync_state.acknowledge(conn, results)
        for r in results:
            report.add("sent")
            report.add(r["status"])
            if r["status"] == p.CONFLICT:
                _flag_push_conflict(conn, r)


def _flag_push_conflict(conn: Any, result: Mapping[str, Any]) -> None:
    row = sync_state.outbox_change(conn, result["change_id"])
    mine = row["payload"]
    theirs = result.get("server_payload")
    fields = [k for k in mine if theirs is not None and k not in ("rev", "updated_at", "updated_by")
              and mine.get(k) != theirs.get(k)]
    sync_state.flag_conflict(conn, row["entity"], row["record_id"], mine=mine, theirs=theirs,
                             theirs_rev=result.get("server_rev"), fields=fields)


def pull(database: StationDatabase, enrollment: Enrollment, transport: HttpTransport, report: Report) -> None:
    """Everything the county has after the cursor; items refused here before are reported with it."""
    while True:
        cursor = sync_state.get_int(database, sync_state.CURSOR)
        refused = [{"seq": r["seq"], "reason": r["reason"][: p.MAX_REASON]}
                   for r in sync_state.unreported_rejections(database)[: p.MAX_PULL]]
        reply = transport.post("/v1/pull", p.request(enrollment.station_id, "pull", enrollment.keys.sign,
                                                     cursor=cursor, rejected=refused, app=__version__))
        with database.transaction() as conn:
            apply_feed(database, reply, report)
            sync_state.mark_reported(conn, [r["seq"] for r in refused])
        if not reply["more"]:
            return


def apply_feed(database: StationDatabase, feed: Mapping[str, Any], report: Report) -> None:
    """The county's items and the new cursor, in one transaction; each item that does not hold up
    is set aside with its reason and the rest still applies."""
    p.check(p.FEED, feed)
    store = RecordStore(database, COUNTY_SYNC)
    fresh, cursor = [], sync_state.get_int(database, sync_state.CURSOR)
    for item in feed["items"]:
        if item["seq"] > cursor:  # else applied before (a return bundle and a pull may both carry it)
            fresh.append(item)
            cursor = item["seq"]
    with database.transaction() as conn:
        for group in _groups(fresh, store.today):
            for item, reason in zip(group, _reasons(store, conn, group)):
                if reason:
                    log.warning("county feed item %s refused: %s", item["seq"], reason)
                    sync_state.reject_feed_item(conn, item, reason)
                    report.add(REFUSED)
                report.add("received")
        if fresh:
            sync_state.put(conn, sync_state.CURSOR, cursor)


def _groups(items: list[Mapping[str, Any]], today: dt.date) -> Iterator[list[Mapping[str, Any]]]:
    """Runs of well-formed records, which the store applies as one batch; every other item alone."""
    run: list[Mapping[str, Any]] = []
    for item in items:
        if item["kind"] == p.RECORD and not p.feed_item_problem(item, today):
            run.append(item)
            continue
        if run:
            yield run
            run = []
        yield [item]
    if run:
        yield run


def _reasons(store: RecordStore, conn: Any, group: list[Mapping[str, Any]]) -> list[str | None]:
    """Why each item of `group` was set aside (None: applied). A run of records goes in at once, in
    its own savepoint; if the store refuses any of it, each is applied alone to name which."""
    if len(group) > 1:
        try:
            with store.database.transaction():
                store.apply_remote_many([(i["entity"], i["payload"], i["base_rev"]) for i in group])
            return [None] * len(group)
        except Exception:  # noqa: BLE001 - the item at fault is found, and reported, one by one below
            pass
    return [p.feed_item_problem(item, store.today) or _apply_or_reason(store, conn, item) for item in group]


def _apply_or_reason(store: RecordStore, conn: Any, item: Mapping[str, Any]) -> str | None:
    """Apply a well-formed item in its own savepoint; why not, if the store refused it. An
    unexpected error is a bug to fix, logged with its traceback, but it must not stop the feed."""
    try:
        with store.database.transaction():
            apply_item(store, conn, item)
    except KnownError as exc:
        return exc.message
    except Exception as exc:  # noqa: BLE001 - see the docstring
        log.exception("applying county feed item %s failed", item["seq"])
        return f"无法写入本站（程序错误：{type(exc).__name__}）"
    return None


def apply_item(store: RecordStore, conn: Any, item: Mapping[str, Any]) -> None:
    if item["kind"] == p.RECORD:
        store.apply_remote(item["entity"], item["payload"], item["base_rev"])
    elif item["kind"] == p.DECISION:
        _apply_decision(store, conn, item)


def _apply_decision(store: RecordStore, conn: Any, item: Mapping[str, Any]) -> None:
    """The county's decision moves the case on through the relief workflow; a case that moved
    meanwhile (withdrawn, say) keeps its state and the decision waits for a person in the conflicts."""
    try:
        case = store.get("relief_case", item["case_id"])
        relief.apply_county_decision(store, item["case_id"], case["rev"], approved=item["approved"],
                                     amount=item["amount"], reason=item["reason"], decided_by=item["decided_by"],
                                     decided_on=dt.date.fromisoformat(item["decided_on"]))
    except KnownError as exc:
        sync_state.flag_conflict(conn, "relief_case", item["case_id"], kind="decision", theirs=dict(item),
                                 message=f"县级审批结果无法自动写入：{exc.message}")


def sync(database: StationDatabase, state: JobState | None = None, *,
         transport: HttpTransport | None = None) -> Report:
    """One run: push everything waiting, then pull what the county has. The outcome (or why it
    failed) is written to the history and the state the status bar shows."""
    enrollment = Enrollment.load(database)
    own = transport is None
    transport = transport or HttpTransport(enrollment.server_url, enrollment.county["sign"], enrollment.ca_file)
    report = Report()
    try:
        push(database, enrollment, transport, report, state)
        pull(database, enrollment, transport, report)
        audit_feed.restore(database, enrollment, transport)  # after restoring an older backup: its history first
        report.add(AUDIT, audit_feed.send(database, enrollment, transport))  # last: it holds the pull's entries too
    except Exception as exc:
        note_failure(database, exc, report)
        raise
    finally:
        if own:
            transport.close()
    with database.transaction() as conn:
        sync_state.put(conn, sync_state.LAST_OK, p.iso(p.utc_now()))
        sync_state.forget(conn, sync_state.OFFLINE_SINCE)
        sync_state.forget(conn, sync_state.LAST_ERROR)
        sync_state.add_history(conn, "online", report.counts)
    return report


def note_failure(database: StationDatabase, exc: Exception, report: Report) -> None:
    """Write down why a run stopped: offline, an error a person can act on, or (logged with its
    traceback) anything else, so no failure is silent."""
    if isinstance(exc, KnownError):
        message = exc.message
    else:
        log.error("sync failed unexpectedly", exc_info=exc)
        message = f"同步时发生程序错误（{type(exc).__name__}：{exc}），详情见日志"
    with database.transaction() as conn:
        if isinstance(exc, Offline):
            if sync_state.get(database, sync_state.OFFLINE_SINCE) is None:
                sync_state.put(conn, sync_state.OFFLINE_SINCE, p.iso(p.utc_now()))
            sync_state.forget(conn, sync_state.LAST_ERROR)
        else:
            sync_state.put(conn, sync_state.LAST_ERROR, message)
        sync_state.add_history(conn, "online", report.counts, message)
