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
- A **bundle** carries the same batches (or acknowledgements and feed items, for the county's return
  bundle) in a file: header line (who, which number, for whom, until when, checksum, signature),
  then the compressed payload encrypted (X25519 + AES-GCM) to the recipient.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from station_app.core.entities import ENTITIES
from station_app.core.errors import KnownError

VERSION = 1
BATCH_SIZE = 500
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
    """A message or bundle that does not hold up: bad shape, bad signature, wrong party."""


# -- encoding ------------------------------------------------------------------------------------

def canonical(obj: Any) -> bytes:
    """The one byte form of a message that signatures and checksums cover."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


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


def fingerprint(public_b64: str) -> str:
    """A short, readable form of a public key, for a person to compare over the phone."""
    digest = hashlib.sha256(unb64(public_b64)).hexdigest()[:20].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 20, 4))


# -- signatures ----------------------------------------------------------------------------------

def sign(body: Mapping[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    return {"body": body, "signature": b64(key.sign(canonical(body)))}


def verify(envelope: Any, public_b64: str) -> dict[str, Any]:
    """The body of a signed envelope, if `public_b64`'s owner signed exactly this; else ProtocolError."""
    if not isinstance(envelope, dict) or not isinstance(envelope.get("body"), dict) \
            or not isinstance(envelope.get("signature"), str):
        raise ProtocolError("消息格式不正确：缺少签名")
    try:
        Ed25519PublicKey.from_public_bytes(unb64(public_b64)).verify(unb64(envelope["signature"]),
                                                                     canonical(envelope["body"]))
    except (InvalidSignature, ValueError):
        raise ProtocolError("签名校验失败：消息不是由登记的一方签发，或在途中被改动") from None
    return envelope["body"]


def request(station_id: str, kind: str, key: Ed25519PrivateKey, **fields: Any) -> dict[str, Any]:
    """A station's signed request, stamped with the time and a nonce."""
    return sign({"station_id": station_id, "kind": kind, "sent_at": iso(utc_now()), "nonce": secrets.token_hex(8),
                 "version": VERSION, **fields}, key)


def check_fresh(body: Mapping[str, Any], now: dt.datetime | None = None) -> None:
    try:
        sent = dt.datetime.fromisoformat(body["sent_at"])
    except (KeyError, TypeError, ValueError):
        raise ProtocolError("请求缺少发送时间") from None
    if abs((now or utc_now()) - sent) > REQUEST_WINDOW:
        raise ProtocolError("请求时间与服务器相差过大：请校准本机时钟后再试")


# -- changes and batches -------------------------------------------------------------------------

def change_from_outbox(row: Mapping[str, Any]) -> dict[str, Any]:
    payload = row["payload"]
    return {"seq": row["seq"], "change_id": row["change_id"], "entity": row["entity"], "record_id": row["record_id"],
            "op": row["op"], "base_rev": row["base_rev"], "rev": row["rev"],
            "payload": json.loads(payload) if isinstance(payload, str) else payload}


def build_batch(after_seq: int, changes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"after_seq": after_seq, "changes": changes}


def check_batch(batch: Any) -> dict[str, Any]:
    """Refuse a batch whose shape breaks the contract before anything of it is applied."""
    if not isinstance(batch, dict) or not isinstance(batch.get("after_seq"), int) \
            or not isinstance(batch.get("changes"), list):
        raise ProtocolError("批次格式不正确")
    last = batch["after_seq"]
    for change in batch["changes"]:
        check_change(change)
        if change["seq"] <= last:
            raise ProtocolError("批次中的变更没有按顺序排列")
        last = change["seq"]
    return batch


def check_change(change: Any) -> None:
    if not isinstance(change, dict) or any(k not in change for k in CHANGE_KEYS):
        raise ProtocolError("变更格式不正确")
    payload = change["payload"]
    if change["entity"] not in ENTITIES or change["op"] not in ("upsert", "delete") \
            or not isinstance(payload, dict) or payload.get("id") != change["record_id"] \
            or payload.get("rev") != change["rev"] or not isinstance(change["seq"], int):
        raise ProtocolError(f"变更 {change.get('change_id')} 的内容与其说明不符")


def feed_record(entity_name: str, payload: Mapping[str, Any], base_rev: int) -> dict[str, Any]:
    """A feed item that brings a record (made or changed at the county) down to stations."""
    return {"kind": RECORD, "entity": entity_name, "record_id": payload["id"], "base_rev": base_rev,
            "rev": payload["rev"], "payload": dict(payload)}


def feed_decision(case_id: str, approved: bool, amount: int | None, reason: str | None, decided_by: str,
                  decided_on: str) -> dict[str, Any]:
    return {"kind": DECISION, "case_id": case_id, "approved": approved, "amount": amount, "reason": reason,
            "decided_by": decided_by, "decided_on": decided_on}


def batches(after_seq: int, changes: Iterable[dict[str, Any]], size: int = BATCH_SIZE) -> list[dict[str, Any]]:
    """Consecutive batches of at most `size` changes, each knowing the seq before it."""
    out: list[dict[str, Any]] = []
    current: list[dict[str, Any]] = []
    before = after_seq
    for change in changes:
        current.append(change)
        if len(current) == size:
            out.append(build_batch(before, current))
            before, current = change["seq"], []
    if current:
        out.append(build_batch(before, current))
    return out


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
    reason (truncated, tampered, foreign, expired); checking the number against replays is the caller's."""
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
    _check_manifest(content)
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


def _check_manifest(content: Any) -> None:
    try:
        listed = content["manifest"]
        carried = content.get("batches", [])
        ok = len(listed) == len(carried) and all(
            m["sha256"] == hashlib.sha256(canonical(b)).hexdigest() for m, b in zip(listed, carried))
    except (KeyError, TypeError):
        ok = False
    if not ok:
        raise ProtocolError("数据包清单与内容不符，已拒绝导入")


def _bundle_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=ephemeral_public + recipient_public, info=_BUNDLE_INFO).derive(shared)


def _aad(kind: str, station_id: str, number: int) -> bytes:
    return canonical([kind, station_id, number])
