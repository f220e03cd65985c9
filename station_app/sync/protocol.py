"""The sync protocol, defined once for both ends (station client and county server).

Messages are JSON objects. Everything that crosses the wire or a USB stick is signed (Ed25519)
over its canonical JSON (`canonical`), so the same bytes are verified on either side whatever the
transport: a station signs its requests and batches with the key it made at enrollment, the county
signs its replies and return bundles with the key the station pinned then.

- A **change** is one outbox row: seq, change_id, entity, record_id, op, base_rev, rev and the full
  record as payload. Any entity declared in core.entities travels the same way.
- A **batch** is a run of changes in seq order with `after_seq`, the seq of the station's change
  just before it: the server applies a batch only if it has everything up to `after_seq`, so
  batches that arrive out of order are answered "resend from your high-water mark" and nothing of
  them is applied; a change_id seen before is acknowledged again, never applied twice.
- A **feed item** is what flows down: a county-made record change ("record") or a county decision
  on a relief case ("relief_decision"), numbered by the server's feed sequence.
- Every message has a **schema** here (`PUSH`, `PULL`, `ENROLL`, `DECISION_BODY`, `CHANGE`, feed items), in
  the subset of JSON Schema that core.schema checks with Chinese messages; the server's OpenAPI
  description is built from the same dicts. A frame that breaks its schema is refused whole; a
  change or feed item whose content does not hold up is answered "rejected" with its reason and
  the rest goes on (`change_problem`, `feed_item_problem`).
- A **bundle** carries the same batches (or acknowledgements and feed items, for the county's return
  bundle) in a file: header line (who, which number, for whom, until when, checksum, signature),
  then the compressed payload encrypted (X25519 + AES-GCM) to the recipient.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import re
import secrets
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from station_app.core import audit, schema
from station_app.core.entities import ENTITIES
from station_app.core.errors import KnownError, ValidationError
from station_app.core.schema import SAFE_INTEGER, aware_time
from station_app.core.validation import validate

VERSION = 1
BATCH_SIZE = 500
# A batch is cut before it grows past this many bytes of changes, so every push fits the server's
# body limit below whatever the records hold.
BATCH_BYTES = 2 * 1024 * 1024
# The largest request body the server reads, by endpoint kind; anything longer is refused (413)
# before it is read, or as soon as the stream passes the limit.
MAX_BODY = {"push": 4 * 1024 * 1024, "pull": 256 * 1024, "enroll": 64 * 1024, "decision": 16 * 1024,
            "rebuild": 16 * 1024, "audit": 4 * 1024 * 1024, "audit_history": 16 * 1024}
MAX_PULL = 1000  # feed items in one pull reply
MAX_REBUILD = 2000  # records in one page of a rebuild from the county
MAX_AUDIT = 2000  # audit entries in one push of them, or in one page of a station's history
MAX_REASON = 2000  # characters of a reason for a refusal that travel with it
MAX_AMOUNT = 100_000_000  # fen: a million yuan, far above any relief a county decides
# A signed request older (or newer) than this is refused: a captured request cannot be replayed later.
REQUEST_WINDOW = dt.timedelta(minutes=10)
BUNDLE_LIFETIME = dt.timedelta(days=30)
COUNTY = "county"  # station_id of records the county owns (reference data)

APPLIED, DUPLICATE, CONFLICT, REJECTED = "applied", "duplicate", "conflict", "rejected"
STATUSES = (APPLIED, DUPLICATE, CONFLICT, REJECTED)
STATUS_LABELS = {APPLIED: "已接收", DUPLICATE: "重复（已接收过）", CONFLICT: "冲突", REJECTED: "被拒绝"}
RECORD, DECISION = "record", "relief_decision"

CHANGE_KEYS = ("seq", "change_id", "entity", "record_id", "op", "base_rev", "rev", "payload")
MAGIC = b"STATION-BUNDLE/1\n"
STATION_BUNDLE, RETURN_BUNDLE = "station", "return"
_BUNDLE_INFO = b"station sync bundle v1"


class ProtocolError(KnownError):
    """A message or bundle that does not hold up: bad shape, wrong party (HTTP 400)."""


class NotAuthentic(ProtocolError):
    """A request whose signature, freshness or nonce does not prove who sent it (HTTP 401)."""


class TooLarge(ProtocolError):
    """A request body longer than the endpoint accepts (HTTP 413)."""


class StationRebuilt(ProtocolError):
    """A request or bundle signed with keys a rebuild on a new PC replaced (HTTP 410)."""


# -- message schemas (core.schema's subset of JSON Schema; titles name fields in messages) --------

def _int(title: str, low: int = 0, high: int = SAFE_INTEGER) -> dict[str, Any]:
    return {"type": "integer", "title": title, "minimum": low, "maximum": high}


def _text(title: str, high: int, low: int = 1) -> dict[str, Any]:
    return {"type": "string", "title": title, "minLength": low, "maxLength": high}


ID = {**_text("编号", 64), "pattern": r"^[0-9A-Za-z][0-9A-Za-z_.:-]*$", "description": "字母、数字或连字符组成的编号"}
NONCE = {**_text("随机数", 64, 8), "pattern": r"^[0-9a-f]+$", "description": "十六进制数字"}
KEY = {"type": "string", "title": "公钥", "pattern": r"^[A-Za-z0-9+/]{43}=$", "description": "32 字节公钥的 base64 编码"}
PAYLOAD = {"type": "object", "title": "记录内容", "required": ["id", "station_id", "rev"],
           "properties": {"id": ID, "station_id": {**ID, "title": "所属单位"}, "rev": _int("版本号", 1),
                          "deleted": {"type": ["boolean", "integer"], "title": "已删除", "minimum": 0, "maximum": 1}}}
CHANGE = {"type": "object", "title": "变更", "required": list(CHANGE_KEYS), "properties": {
    "seq": _int("序号", 1), "change_id": {**ID, "title": "变更编号"}, "entity": {"enum": sorted(ENTITIES), "title": "记录类型"},
    "record_id": {**ID, "title": "记录编号"}, "op": {"enum": ["upsert", "delete"], "title": "操作"},
    "base_rev": _int("原版本号"), "rev": _int("版本号", 1), "payload": PAYLOAD}}
# What the server needs of a change to answer it at all; the rest of CHANGE decides applied or rejected.
_CHANGE_FRAME = {"type": "object", "required": ["seq", "change_id"],
                 "properties": {k: CHANGE["properties"][k] for k in ("seq", "change_id")}}


def _batch(change: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "title": "批次", "required": ["after_seq", "changes"], "properties": {
        "after_seq": _int("上一批最后序号"), "changes": {"type": "array", "title": "变更", "maxItems": BATCH_SIZE,
                                                       "items": change}}}


BATCH = _batch(CHANGE)  # a batch as it should be (the description); the server refuses whole only
BATCH_FRAME = _batch(_CHANGE_FRAME)  # a batch whose frame breaks, and rejects single changes


def _request(kind: str, required: list[str], **properties: Any) -> dict[str, Any]:
    """The body of a station's signed request of `kind` (see `request`)."""
    return {"type": "object", "required": ["station_id", "kind", "sent_at", "nonce", "version", *required],
            "properties": {"station_id": {**ID, "title": "社工站编号"}, "kind": {"enum": [kind], "title": "请求类型"},
                           "sent_at": {"type": "string", "format": "date-time", "title": "发送时间"},
                           "nonce": NONCE, "version": {"enum": [VERSION], "title": "协议版本"}, **properties}}


def signed(body: dict[str, Any]) -> dict[str, Any]:
    """The schema of an envelope {body, signature} around `body`."""
    return {"type": "object", "required": ["body", "signature"], "properties": {
        "body": body, "signature": {"type": "string", "title": "签名", "pattern": r"^[A-Za-z0-9+/]{86}==$",
                                    "description": "Ed25519 签名的 base64 编码"}}}


PUSH = _request("push", ["batch"], batch=BATCH)
PUSH_FRAME = _request("push", ["batch"], batch=BATCH_FRAME)
PULL = _request("pull", ["cursor"], cursor=_int("同步位置"), limit=_int("数量", 1, MAX_PULL),
                rejected={"type": "array", "title": "本站拒收的县级更新", "maxItems": MAX_PULL, "items": {
                    "type": "object", "required": ["seq", "reason"],
                    "properties": {"seq": _int("序号", 1), "reason": _text("原因", MAX_REASON)}}},
                app=_text("程序版本", 40))
ENROLL = _request("enroll", ["code", "sign_public", "box_public"],
                  station_id={"type": "string", "format": "uuid", "title": "社工站编号"},
                  code={**_text("登记码", 40), "pattern": r"^[0-9A-Za-z -]+$", "description": "如 1A2B-3C4D-5E6F-7A8B"},
                  sign_public={**KEY, "title": "签名公钥"}, box_public={**KEY, "title": "加密公钥"},
                  escrow={"type": ["string", "null"], "title": "托管密钥", "format": "byte", "maxLength": 4096})
# A rebuild's cursor, "" to begin: "county/<record id>" or "station/<seq>" of the last record sent.
REBUILD_CURSOR = {**_text("恢复位置", 80, 0), "pattern": r"^(county/[0-9A-Za-z_.:-]*|station/[0-9]{1,16})?$"}
REBUILD = _request("rebuild", ["cursor"], cursor=REBUILD_CURSOR, limit=_int("数量", 1, MAX_REBUILD))
# One page of a rebuild: the station's and the county's records at their latest revisions, and
# where the station's sync stood (its last acknowledged change and when, the feed it had applied).
REBUILD_PAGE = {"type": "object", "required": ["records", "cursor", "more", "high_water", "last_seen_at", "feed_cursor"],
                "properties": {
                    "records": {"type": "array", "maxItems": MAX_REBUILD, "items": {
                        "type": "object", "required": ["entity", "payload"],
                        "properties": {"entity": CHANGE["properties"]["entity"], "payload": PAYLOAD}}},
                    "cursor": REBUILD_CURSOR, "more": {"type": "boolean"}, "high_water": _int("已确认序号"),
                    "last_seen_at": {"type": ["string", "null"], "title": "最后同步时间"},
                    "feed_cursor": _int("同步位置")}}
# The station's audit log as it travels: whole entries, their seq and both hashes verbatim, so the
# county checks that they continue the chain it holds (`audit_refusal`) and can send them back.
AUDIT_KEYS = ("seq", *audit.CHAINED_FIELDS[1:], "prev_hash", "hash")
HASH = {"type": "string", "title": "校验值", "pattern": r"^[0-9a-f]{64}$", "description": "64 位十六进制数字"}


def _maybe(title: str, high: int) -> dict[str, Any]:
    return {"type": ["string", "null"], "title": title, "maxLength": high}


AUDIT_ENTRY = {"type": "object", "title": "操作日志", "required": list(AUDIT_KEYS), "properties": {
    "seq": _int("序号", 1), "at": _text("时间", 40), "user_id": _text("用户编号", 64, 0),
    "username": _text("用户名", 64, 0), "action": _text("操作", 64), "entity": _maybe("记录类型", 64),
    "record_id": _maybe("记录编号", 64), "change_id": _maybe("变更编号", 64), "changes": _maybe("改动内容", 1024 * 1024),
    "prev_hash": {**HASH, "title": "前一条的校验值"}, "hash": HASH}}
_AUDIT_ENTRIES = {"type": "array", "title": "操作日志", "maxItems": MAX_AUDIT, "items": AUDIT_ENTRY}
AUDIT = _request("audit", ["audit"], audit={"type": "object", "title": "操作日志批次", "required": ["after_seq", "entries"],
                                            "properties": {"after_seq": _int("上一批最后序号"), "entries": _AUDIT_ENTRIES}})
AUDIT_OK, AUDIT_GAP, AUDIT_REFUSED = "ok", "gap", "refused"
# The county's answer: how far it now holds the station's log, or why it refused this run.
AUDIT_ANSWER = {"type": "object", "required": ["status", "through"], "properties": {
    "status": {"enum": [AUDIT_OK, AUDIT_GAP, AUDIT_REFUSED]}, "through": _int("已收到的操作日志序号"),
    "reason": _maybe("原因", MAX_REASON)}}
# A rebuilt station takes its history back a page at a time, after the last entry it holds.
AUDIT_HISTORY = _request("audit_history", ["after"], after=_int("恢复位置"), limit=_int("数量", 1, MAX_AUDIT))
AUDIT_PAGE = {"type": "object", "required": ["entries", "more", "through", "last_at"], "properties": {
    "entries": _AUDIT_ENTRIES, "more": {"type": "boolean"}, "through": _int("县里保存的操作日志序号"),
    "last_at": _maybe("最后一条的时间", 40)}}
DECISION_FIELDS = {"approved": {"type": "boolean", "title": "是否批准"},
                   "amount": {"type": ["integer", "null"], "title": "批准金额（分）", "minimum": 1, "maximum": MAX_AMOUNT},
                   "reason": {"type": ["string", "null"], "title": "理由", "maxLength": 2000},
                   "decided_by": _text("审批人", 30), "decided_on": {"type": "string", "format": "date", "title": "审批日期"}}
DECISION_BODY = {"type": "object", "title": "县级审批", "additionalProperties": False,
            "required": ["approved", "decided_by", "decided_on"], "properties": DECISION_FIELDS}
# What a county person's script sends (POST /v1/county/relief/{id}/decision): the decision is the API
# token's person's, so no name; the day is today unless given.
DECISION_REQUEST = {"type": "object", "title": "县级审批请求", "additionalProperties": False, "required": ["approved"],
                    "properties": {k: v for k, v in DECISION_FIELDS.items() if k != "decided_by"}}
FEED_ITEMS = {
    RECORD: {"type": "object", "required": ["entity", "record_id", "base_rev", "rev", "payload"],
             "properties": {k: CHANGE["properties"][k] for k in ("entity", "record_id", "base_rev", "rev", "payload")}},
    DECISION: {"type": "object", "required": ["case_id", *DECISION_BODY["required"]],
               "properties": {"case_id": {**ID, "title": "案件编号"}, **DECISION_FIELDS}},
}
FEED = {"type": "object", "required": ["items", "cursor", "more"], "properties": {
    "items": {"type": "array", "items": {"type": "object", "required": ["seq", "kind"],
                                         "properties": {"seq": _int("序号", 1), "kind": {"type": "string"}}}},
    "cursor": _int("同步位置"), "more": {"type": "boolean"}}}


def check(message_schema: dict[str, Any], message: Any) -> dict[str, Any]:
    """`message` if it fits `message_schema`; else ValidationError naming each field (HTTP 422)."""
    schema.check(message_schema, message)
    return message


def _reason(exc: ValidationError) -> str:
    return "；".join(exc.errors.values())


def sent_record_check(entity_name: str, payload: Mapping[str, Any], today: dt.date) -> None:
    """The record's own validation, for a record written on the other end's calendar: a date "not
    later than today" is judged against the day after this end's `today`, as the other may be a
    day ahead (a township PC keeping Beijing time just past midnight, a county server kept in UTC),
    and a record saved today there must never be refused here as dated in the future."""
    validate(entity_name, payload, today + dt.timedelta(days=1))


def change_problem(change: Mapping[str, Any], today: dt.date | None = None) -> str | None:
    """Why the server must reject this change (its schema, its parts agreeing, the record's own
    validation, by the server's `today`), or None when it may be applied."""
    try:
        check(CHANGE, change)
        payload = change["payload"]
        if payload["id"] != change["record_id"] or payload["rev"] != change["rev"]:
            return "变更的记录编号或版本号与内容不符"
        sent_record_check(change["entity"], payload, today or dt.date.today())
    except ValidationError as exc:
        return _reason(exc)
    return None


def check_decision(fields: Mapping[str, Any], today: dt.date) -> None:
    """The rules a county decision keeps beyond its types: a reason to refuse, an amount to approve,
    and a date that has come (`today` by the checking side's calendar)."""
    errors = {}
    if not fields["approved"] and not (fields.get("reason") or "").strip():
        errors["reason"] = "不予救助须写明理由"
    if fields["approved"] and not fields.get("amount"):
        errors["amount"] = "批准须写明金额"
    if dt.date.fromisoformat(fields["decided_on"]) > today:
        errors["decided_on"] = "审批日期不能晚于今天"
    if errors:
        raise ValidationError(errors)


def feed_item_problem(item: Mapping[str, Any], today: dt.date) -> str | None:
    """Why a station must not apply this feed item, or None. `today` is the station's, a day ahead:
    the county's clock may be a little ahead of a township PC's."""
    if item["kind"] not in FEED_ITEMS:
        return f"不认识的更新类型：{str(item['kind'])[:40]}（本程序可能需要升级）"
    try:
        check(FEED_ITEMS[item["kind"]], item)
        if item["kind"] == DECISION:
            check_decision(item, today + dt.timedelta(days=1))
        elif item["payload"]["id"] != item["record_id"] or item["payload"]["rev"] != item["rev"]:
            return "更新的记录编号或版本号与内容不符"
        else:
            sent_record_check(item["entity"], item["payload"], today)
    except ValidationError as exc:
        return _reason(exc)
    return None


# -- encoding ------------------------------------------------------------------------------------

def canonical(obj: Any) -> bytes:
    """The one byte form of a message that signatures and checksums cover."""
    return _CANONICAL(obj).encode("utf-8")


# One encoder for every message: json.dumps with options builds a new one per call, a cost paid
# for every change on both ends of a push.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical_joined(fields: Mapping[str, Any], **encoded: bytes) -> bytes:
    """`canonical({**fields, **decoded(encoded)})` from members already in canonical form: a batch's
    changes, a request's batch, an envelope's body are each serialized once, never again around them."""
    members = {**{k: canonical(v) for k, v in fields.items()}, **encoded}
    return b"{" + b",".join(canonical(k) + b":" + members[k] for k in sorted(members)) + b"}"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, AttributeError) as exc:
        raise ProtocolError("数据格式不正确（base64）") from exc


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


# -- keys ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyPair:
    """A party's two keys: Ed25519 to sign, X25519 to receive encrypted bundles and escrow."""

    sign: Ed25519PrivateKey
    box: X25519PrivateKey

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> KeyPair:
        return cls(Ed25519PrivateKey.from_private_bytes(unb64(data["sign"])),
                   X25519PrivateKey.from_private_bytes(unb64(data["box"])))

    def to_dict(self) -> dict[str, str]:
        raw = (Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return {"sign": b64(self.sign.private_bytes(*raw)), "box": b64(self.box.private_bytes(*raw))}

    @property
    def public(self) -> dict[str, str]:
        return {"sign": b64(_raw_public(self.sign)), "box": b64(_raw_public(self.box))}


def _raw_public(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def check_public_keys(body: Mapping[str, Any]) -> None:
    """Both 32-byte keys a station registers (ENROLL's schema) are real: the Ed25519 key by the
    request's signature, which the caller verifies with it, and the X25519 key here, by a shared
    secret it yields (a low-order point yields none)."""
    try:
        X25519PrivateKey.generate().exchange(X25519PublicKey.from_public_bytes(unb64(body["box_public"])))
    except ValueError:
        raise ValidationError({"box_public": "加密公钥无效：不是可用的 X25519 公钥"}) from None


def fingerprint(public_b64: str) -> str:
    """A short, readable form of a public key, for a person to compare over the phone."""
    digest = hashlib.sha256(unb64(public_b64)).hexdigest()[:20].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 20, 4))


# -- signatures ----------------------------------------------------------------------------------

def sign(body: Mapping[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    return {"body": body, "signature": b64(key.sign(canonical(body)))}


def signed_bytes(body: bytes, key: Ed25519PrivateKey) -> bytes:
    """`canonical(sign(body, key))` for a body already in canonical form."""
    return canonical_joined({"signature": b64(key.sign(body))}, body=body)


_ENVELOPE_HEAD = b'{"body":'
_ENVELOPE_TAIL = re.compile(rb',"signature":"([A-Za-z0-9+/]{86}==)"}\Z')


def receive(raw: bytes) -> tuple[Any, bytes | None]:
    """A signed message parsed in one pass: (envelope, the body's bytes as received, or None). A
    canonical envelope (as `signed_bytes` writes it) is cut at its signature and only its body is
    parsed, so `verify` checks the signature on those bytes instead of encoding the body again;
    anything else is parsed whole and verified on its canonical form."""
    tail = _envelope_tail(raw)
    if tail is None:
        return parse(raw), None
    body = raw[len(_ENVELOPE_HEAD):tail.start()]
    return {"body": parse(body), "signature": tail.group(1).decode("ascii")}, body


def _envelope_tail(raw: bytes) -> re.Match[bytes] | None:
    """The signature at the end of a canonical envelope, or None for bytes of another form."""
    return _ENVELOPE_TAIL.search(raw, max(0, len(raw) - 104)) if raw.startswith(_ENVELOPE_HEAD) else None


def parse(raw: bytes) -> Any:
    """JSON from outside, or ProtocolError."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise ProtocolError("请求内容不是有效的 JSON（或嵌套过深）") from None


def verify(envelope: Any, public_b64: str, body_bytes: bytes | None = None) -> dict[str, Any]:
    """The body of a signed envelope, if `public_b64`'s owner signed exactly this; else ProtocolError.
    `body_bytes`: the body as received (`receive`), checked as they are before being encoded again."""
    if not isinstance(envelope, dict) or not isinstance(envelope.get("body"), dict) \
            or not isinstance(envelope.get("signature"), str):
        raise ProtocolError("消息格式不正确：缺少签名")
    try:
        key, signature = Ed25519PublicKey.from_public_bytes(unb64(public_b64)), unb64(envelope["signature"])
        if body_bytes is not None:
            with contextlib.suppress(InvalidSignature):
                key.verify(signature, body_bytes)
                return envelope["body"]
        key.verify(signature, canonical(envelope["body"]))
    except (InvalidSignature, ValueError):
        raise NotAuthentic("签名校验失败：消息不是由登记的一方签发，或在途中被改动") from None
    return envelope["body"]


def request(station_id: str, kind: str, key: Ed25519PrivateKey, **fields: Any) -> dict[str, Any]:
    """A station's signed request, stamped with the time and a nonce."""
    return sign(_stamped(station_id, kind, **fields), key)


def _stamped(station_id: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"station_id": station_id, "kind": kind, "sent_at": iso(utc_now()), "nonce": secrets.token_hex(8),
            "version": VERSION, **fields}


def push_request(station_id: str, key: Ed25519PrivateKey, after_seq: int, changes: list[dict[str, Any]],
                 size: int = BATCH_SIZE, max_bytes: int = BATCH_BYTES) -> tuple[bytes, int]:
    """The signed push request (its bytes, canonical) of the first batch `batches` would cut from
    `changes`, and how many changes it holds."""
    return _batch_request(station_id, key, "push", "batch", "changes", after_seq, changes, size, max_bytes)


def audit_request(station_id: str, key: Ed25519PrivateKey, after_seq: int,
                  entries: list[dict[str, Any]]) -> tuple[bytes, int]:
    """The signed AUDIT request (its bytes, canonical) of the first part `audit_parts` would cut
    from `entries`, and how many entries it holds."""
    return _batch_request(station_id, key, "audit", "audit", "entries", after_seq, entries, MAX_AUDIT, BATCH_BYTES)


def _batch_request(station_id: str, key: Ed25519PrivateKey, kind: str, field: str, items_key: str, after_seq: int,
                   items: list[dict[str, Any]], size: int, max_bytes: int) -> tuple[bytes, int]:
    """A request of `kind` whose `field` is the first batch `batches` would cut from `items` (under
    `items_key`), and how many items it holds: each item is encoded once, for its size and the body."""
    encoded = [canonical(item) for item in items]
    count = next(_batch_counts(map(len, encoded), size, max_bytes), 0)
    batch = canonical_joined({"after_seq": after_seq}, **{items_key: b"[" + b",".join(encoded[:count]) + b"]"})
    return signed_bytes(canonical_joined(_stamped(station_id, kind), **{field: batch}), key), count


def check_fresh(body: Mapping[str, Any], now: dt.datetime | None = None) -> dt.datetime:
    """When the request was sent, if that is within the window; a request without its time zone
    is refused (its moment is unknown)."""
    sent = aware_time(body["sent_at"]) if isinstance(body.get("sent_at"), str) else None
    if sent is None:
        raise NotAuthentic("请求缺少带时区的发送时间")
    if abs((now or utc_now()) - sent) > REQUEST_WINDOW:
        raise NotAuthentic("请求时间与服务器相差过大：请校准本机时钟后再试")
    return sent


# -- changes and batches -------------------------------------------------------------------------

def change_from_outbox(row: Mapping[str, Any]) -> dict[str, Any]:
    payload = row["payload"]
    return {"seq": row["seq"], "change_id": row["change_id"], "entity": row["entity"], "record_id": row["record_id"],
            "op": row["op"], "base_rev": row["base_rev"], "rev": row["rev"],
            "payload": json.loads(payload) if isinstance(payload, str) else payload}


def build_batch(after_seq: int, changes: list[dict[str, Any]], key: str = "changes") -> dict[str, Any]:
    return {"after_seq": after_seq, key: changes}


def check_batch(batch: Any) -> dict[str, Any]:
    """Refuse the batch of a request that fits PUSH_FRAME (its frame: ValidationError there) if its
    changes are out of order (ProtocolError), before anything of it is applied; each change's
    content is judged on its own when it is applied (`change_problem`)."""
    last = batch["after_seq"]
    for change in batch["changes"]:
        if change["seq"] <= last:
            raise ProtocolError("批次中的变更没有按顺序排列")
        last = change["seq"]
    return batch


def feed_record(entity_name: str, payload: Mapping[str, Any], base_rev: int) -> dict[str, Any]:
    """A feed item that brings a record (made or changed at the county) down to stations."""
    return {"kind": RECORD, "entity": entity_name, "record_id": payload["id"], "base_rev": base_rev,
            "rev": payload["rev"], "payload": dict(payload)}


def feed_decision(case_id: str, approved: bool, amount: int | None, reason: str | None, decided_by: str,
                  decided_on: str) -> dict[str, Any]:
    return {"kind": DECISION, "case_id": case_id, "approved": approved, "amount": amount, "reason": reason,
            "decided_by": decided_by, "decided_on": decided_on}


def batches(after_seq: int, changes: Iterable[dict[str, Any]], size: int = BATCH_SIZE,
            max_bytes: int = BATCH_BYTES, key: str = "changes") -> list[dict[str, Any]]:
    """Consecutive batches of at most `size` changes and about `max_bytes` of them, each knowing
    the seq before it; the changes under `key` (audit entries travel the same way, as "entries")."""
    out: list[dict[str, Any]] = []
    changes = list(changes)
    start = 0
    for count in _batch_counts((len(canonical(change)) for change in changes), size, max_bytes):
        out.append(build_batch(changes[start - 1]["seq"] if start else after_seq, changes[start : start + count], key))
        start += count
    return out


def _batch_counts(lengths: Iterable[int], size: int, max_bytes: int) -> Iterator[int]:
    """How many changes each consecutive batch takes, given the changes' encoded lengths: at most
    `size`, and cut before a change that would take the batch past `max_bytes`."""
    count = weight = 0
    for length in lengths:
        if count and weight + length > max_bytes:
            yield count
            count = weight = 0
        count += 1
        weight += length
        if count == size:
            yield count
            count = weight = 0
    if count:
        yield count


def audit_parts(after_seq: int, entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A station's audit entries after `after_seq` cut into the parts it sends (AUDIT's "audit")."""
    return batches(after_seq, entries, MAX_AUDIT, key="entries")


def audit_refusal(part: Mapping[str, Any], held_seq: int, held_hash: str, known: Mapping[int, str]) -> str | None:
    """Why the county must refuse a station's run of audit entries, or None when it continues the chain
    the county holds (`held_seq` entries, the last hashed `held_hash`; `known`: the hashes it holds of
    the entries the run repeats). A repeated entry must be the same, every new one must follow."""
    entries = part["entries"]
    if [e["seq"] for e in entries] != list(range(part["after_seq"] + 1, part["after_seq"] + 1 + len(entries))):
        return "操作日志序号不连续：有条目被删除、插入或调换了顺序"
    for entry in entries:
        if entry["seq"] <= held_seq and known.get(entry["seq"]) != entry["hash"]:
            return f"操作日志第 {entry['seq']} 条与县里已收到的不同：本站的操作日志被改动或回退过"
    # Every entry must hash to what it says (a repeated one too), and the first new one follow the held tip.
    start = entries[0]["prev_hash"] if entries and entries[0]["seq"] <= held_seq else held_hash
    broken = audit.first_broken(entries, start)
    if broken is not None:
        return f"操作日志第 {broken} 条接不上前一条（校验值不符）：日志在本站被改动、删除或插入过"
    return None


# -- bundles -------------------------------------------------------------------------------------

def write_bundle(kind: str, station_id: str, number: int, content: Mapping[str, Any], signer: Ed25519PrivateKey,
                 recipient_box_b64: str, now: dt.datetime | None = None) -> bytes:
    """The bytes of a bundle: signed header line, then the content compressed and encrypted."""
    now = now or utc_now()
    ephemeral = X25519PrivateKey.generate()
    recipient = unb64(recipient_box_b64)
    nonce = secrets.token_bytes(12)
    aead = AESGCM(_bundle_key(ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient)),
                              _raw_public(ephemeral), recipient))
    ciphertext = aead.encrypt(nonce, zlib.compress(canonical(content), 6), _aad(kind, station_id, number))
    header = {"format": VERSION, "kind": kind, "station_id": station_id, "number": number, "created_at": iso(now),
              "expires_at": iso(now + BUNDLE_LIFETIME), "recipient": fingerprint(recipient_box_b64),
              "signer": fingerprint(b64(_raw_public(signer))), "ephemeral": b64(_raw_public(ephemeral)),
              "nonce": b64(nonce), "length": len(ciphertext), "sha256": hashlib.sha256(ciphertext).hexdigest()}
    return MAGIC + canonical(sign(header, signer)) + b"\n" + ciphertext


def read_header(data: bytes) -> tuple[dict[str, Any], bytes]:
    """The unverified header and the ciphertext, or a clear refusal for a file that is not whole."""
    if not data.startswith(MAGIC):
        raise ProtocolError("这不是社工站同步数据包，或文件开头已损坏")
    head, sep, ciphertext = data[len(MAGIC):].partition(b"\n")
    try:
        envelope = json.loads(head.decode("utf-8"))
        header = envelope["body"]
        length, digest = int(header["length"]), header["sha256"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ProtocolError("数据包已损坏（文件头无法读取），可能没有完整复制") from None
    if not sep or len(ciphertext) != length:
        raise ProtocolError(f"数据包不完整：应有 {length:,} 字节数据，实际 {len(ciphertext):,} 字节。"
                            "可能是复制时U盘被拔出，请重新导出")
    if hashlib.sha256(ciphertext).hexdigest() != digest:
        raise ProtocolError("数据包校验和不符：内容已被改动或损坏，已拒绝导入")
    return envelope, ciphertext


def open_bundle(data: bytes, *, kind: str, signer_sign_b64: str, recipient: X25519PrivateKey,
                station_id: str | None = None, now: dt.datetime | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Verify a bundle completely, then decrypt it: (header, content). Raises ProtocolError with the
    reason (truncated, tampered, foreign, expired); checking the number against replays is the caller's,
    and so is reading a station bundle's batches (`bundle_batches`: against its manifest, each signed)."""
    envelope, ciphertext = read_header(data)
    header = verify(envelope, signer_sign_b64)
    if header.get("kind") != kind:
        raise ProtocolError("数据包类型不对：" + ("这是县里的回执包，应在社工站导入" if kind == STATION_BUNDLE
                                                   else "这是社工站导出的数据包，应交给县民政局导入"))
    if header["recipient"] != fingerprint(b64(_raw_public(recipient))) or \
            (station_id is not None and header["station_id"] != station_id):
        raise ProtocolError("这个数据包不是发给本单位的（收件方不符），已拒绝导入")
    if dt.datetime.fromisoformat(header["expires_at"]) < (now or utc_now()):
        raise ProtocolError(f"数据包已过期（有效期至 {header['expires_at'][:10]}），请重新导出")
    ephemeral = unb64(header["ephemeral"])
    own = _raw_public(recipient)
    aead = AESGCM(_bundle_key(recipient.exchange(X25519PublicKey.from_public_bytes(ephemeral)), ephemeral, own))
    try:
        plain = aead.decrypt(unb64(header["nonce"]), ciphertext, _aad(header["kind"], header["station_id"],
                                                                       header["number"]))
        content = json.loads(zlib.decompress(plain).decode("utf-8"))
    except (InvalidTag, zlib.error, ValueError):
        raise ProtocolError("数据包无法解密：内容已被改动，或不是用本单位的密钥加密的") from None
    if not isinstance(content, dict):
        raise ProtocolError("数据包清单与内容不符，已拒绝导入")
    return header, content


def manifest(batch_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a bundle holds, batch by batch, with a checksum of each (read back after writing)."""
    out = []
    for batch in batch_list:
        changes = envelope_batch(batch)["changes"]
        out.append({"sha256": hashlib.sha256(canonical(batch)).hexdigest(), "count": len(changes),
                    "first_seq": changes[0]["seq"] if changes else None,
                    "last_seq": changes[-1]["seq"] if changes else None})
    return out


def envelope_batch(envelope: Mapping[str, Any]) -> dict[str, Any]:
    """The batch inside a signed push request, as written (the signature is checked on import)."""
    return envelope["body"]["batch"]


def bundle_batches(content: Mapping[str, Any]) -> list[tuple[Any, bytes | None]]:
    """The signed batches a station's bundle carries (`open_bundle`'s content), each with its body's
    canonical bytes for `verify`, once they agree with the bundle's manifest: each batch is encoded
    once, for its checksum and its signature both."""
    try:
        listed, carried = content["manifest"], content.get("batches", [])
        encoded = [canonical(batch) for batch in carried]
        ok = len(listed) == len(carried) and all(
            m["sha256"] == hashlib.sha256(raw).hexdigest() for m, raw in zip(listed, encoded))
    except (KeyError, TypeError):
        ok = False
    if not ok:
        raise ProtocolError("数据包清单与内容不符，已拒绝导入")
    return [(batch, _signed_body(batch, raw)) for batch, raw in zip(carried, encoded)]


def _signed_body(envelope: Any, raw: bytes) -> bytes | None:
    """The body's bytes inside `raw`, the canonical bytes of `envelope`, if it is an envelope and
    nothing else; None otherwise (`verify` then refuses it, or checks its canonical body)."""
    tail = _envelope_tail(raw) if isinstance(envelope, dict) and envelope.keys() == {"body", "signature"} else None
    return raw[len(_ENVELOPE_HEAD):tail.start()] if tail else None


def _bundle_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=ephemeral_public + recipient_public, info=_BUNDLE_INFO).derive(shared)


def _aad(kind: str, station_id: str, number: int) -> bytes:
    return canonical([kind, station_id, number])
