"""The key ring: the database key, wrapped once for each user, for the recovery code and the county.

The station database is encrypted with one random key. That key is never stored as it is: the
key ring file beside the database (`station.keys`) holds copies of it, each encrypted (AES-256-GCM)
under a key derived from one secret by argon2id — a user's password, or the recovery code the head
keeps in the station safe. Any active user's password therefore opens the database; changing a
password re-wraps only that user's copy; disabling a user deletes theirs. An escrow copy can be
sealed to the county's public key (X25519), so the county can recover a station whose head and
recovery code are both lost.

The file holds no secret in the clear, but without it the database cannot be opened: it is written
atomically, copied with every backup, and the recovery code is the way back if it is lost.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from station_app.core.errors import AuthError, DatabaseError
from station_app.store.driver import KEY_BYTES
from station_app.store.private_files import open_private

FORMAT = 1
RECOVERY = "recovery"
# Crockford's base32: no I, L, O or U, so a code copied by hand from paper reads back unambiguously.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_BYTES = 20  # 160 bits: 32 characters, printed in groups of four
_ESCROW_INFO = b"station escrow v1"


@dataclass(frozen=True)
class KdfParams:
    """argon2id cost; stored with each wrap, so raising it later never strands an old copy."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024  # RFC 9106's second recommended setting: fine on an old office PC
    parallelism: int = 4


# Read at each wrap (tests lower it: every test station would otherwise spend 64 MiB per password).
KDF = KdfParams()


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def keys_path(database_path: Path) -> Path:
    return Path(database_path).with_suffix(".keys")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def _derive(secret: str, salt: bytes, kdf: KdfParams) -> bytes:
    return hash_secret_raw(secret.encode("utf-8"), salt, time_cost=kdf.time_cost, memory_cost=kdf.memory_kib,
                           parallelism=kdf.parallelism, hash_len=32, type=Type.ID)


def _aad(kind: str, name: str) -> bytes:
    # Binds each copy to whom it is for: a wrap moved to another user's entry no longer opens.
    return f"station-key:{kind}:{name}".encode()


def _wrap(key: bytes, kind: str, name: str, secret: str) -> dict[str, Any]:
    kdf = KDF
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    sealed = AESGCM(_derive(secret, salt, kdf)).encrypt(nonce, key, _aad(kind, name))
    return {"kind": kind, "name": name, "kdf": asdict(kdf), "salt": _b64(salt), "nonce": _b64(nonce),
            "wrapped": _b64(sealed)}


def _unwrap(entry: dict[str, Any], secret: str) -> bytes | None:
    kek = _derive(secret, _unb64(entry["salt"]), KdfParams(**entry["kdf"]))
    try:
        return AESGCM(kek).decrypt(_unb64(entry["nonce"]), _unb64(entry["wrapped"]), _aad(entry["kind"], entry["name"]))
    except InvalidTag:
        return None


def new_recovery_code() -> str:
    raw = int.from_bytes(secrets.token_bytes(_CODE_BYTES), "big")
    chars = "".join(_CODE_ALPHABET[(raw >> (5 * i)) & 31] for i in range(_CODE_BYTES * 8 // 5))
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


def normalise_code(code: str) -> str:
    """A recovery code as typed from paper: case, spaces and dashes ignored, O/I/L read as 0/1/1."""
    cleaned = "".join(c for c in code.upper() if c.isalnum())
    cleaned = cleaned.translate(str.maketrans("OIL", "011"))
    return "-".join(cleaned[i:i + 4] for i in range(0, len(cleaned), 4))


class KeyRing:
    """The key ring file of one station database. Changes are written with `save()`."""

    def __init__(self, path: Path, entries: list[dict[str, Any]], escrow: str | None = None, label: str = "",
                 failures: dict[str, dict[str, Any]] | None = None, policy: dict[str, int] | None = None) -> None:
        self.path = path
        self.entries = entries
        self.escrow = escrow
        self.label = label  # the station's name, for the log-in window (the database is still shut then)
        # Wrong passwords typed while the database is still shut are counted here (the database
        # cannot record them), under the lock-out policy the database last told us.
        self.failures = failures or {}
        self.policy = policy or {"threshold": 5, "minutes": 15}

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        """The key ring at `path`; an empty one if there is no file yet."""
        path = Path(path)
        if not path.exists():
            return cls(path, [])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')}")
            return cls(path, list(data["entries"]), data.get("escrow"), data.get("label", ""),
                       data.get("failures"), data.get("policy"))
        except (ValueError, KeyError, TypeError) as exc:
            raise DatabaseError(f"密钥文件 {path.name} 已损坏（{exc}），请从备份中恢复该文件。") from exc

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def save(self) -> None:
        """Write atomically: a crash leaves the old file or the new one, never half of either."""
        partial = self.path.with_name(self.path.name + ".partial")
        payload = {"format": FORMAT, "label": self.label, "entries": self.entries, "escrow": self.escrow,
                   "failures": self.failures, "policy": self.policy}
        with open_private(partial) as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, self.path)

    def copy_to(self, destination: Path) -> None:
        KeyRing(Path(destination), self.entries, self.escrow, self.label, policy=self.policy).save()

    # -- users ---------------------------------------------------------------------------------

    def usernames(self) -> set[str]:
        return {e["name"] for e in self.entries if e["kind"] == "user"}

    def require_file(self) -> None:
        if not self.exists:
            raise DatabaseError(
                f"找不到密钥文件 {self.path.name}，无法打开加密的数据库。请把最近一次备份中的 .keys 文件复制到"
                f"数据目录并改名为 {self.path.name}；如果都已丢失，请联系县民政局用托管密钥恢复。")

    def unlock(self, username: str, password: str) -> bytes:
        """The database key, if `password` is one of `username`'s; AuthError otherwise."""
        self.require_file()
        if username not in self.usernames():
            # The names in this file are no secret; saying so saves a disabled user guessing.
            raise AuthError("用户名或密码不正确；如果您的账号已停用或刚完成数据加密升级，请站长为您重设密码")
        for entry in self._of("user", username):
            key = _unwrap(entry, password)
            if key is not None:
                return key
        raise AuthError("用户名或密码不正确")

    def set_user(self, username: str, password: str, key: bytes, *, keep_previous: bool = False) -> None:
        """Wrap `key` under `username`'s new password.

        With `keep_previous` the old copy stays until `confirm` is called: the password in the
        database changes in a separate step, and a crash between the two must not lock the user out.
        """
        kept = self._of("user", username) if keep_previous else []
        self.failures.pop(username, None)  # a new password is a fresh start
        self.entries = [e for e in self.entries if not (e["kind"] == "user" and e["name"] == username)]
        self.entries += [*kept[-1:], _wrap(key, "user", username, password)]

    def confirm(self, username: str, password: str) -> None:
        """Keep only the copy that `password` opens (the one the database now agrees with)."""
        mine = [e for e in self._of("user", username) if _unwrap(e, password) is not None]
        if mine and len(mine) < len(self._of("user", username)):
            self.entries = [e for e in self.entries if not (e["kind"] == "user" and e["name"] == username)] + mine[-1:]
            self.save()

    # -- wrong passwords while the database is shut ------------------------------------------

    def locked_until(self, username: str, now: dt.datetime) -> dt.datetime | None:
        stamp = self.failures.get(username, {}).get("locked_until")
        until = dt.datetime.fromisoformat(stamp) if stamp else None
        return until if until is not None and until > now else None

    def record_failure(self, username: str, now: dt.datetime) -> dt.datetime | None:
        """Count a wrong password; the time the account is locked until, if this locked it."""
        entry = self.failures.setdefault(username, {"count": 0, "total": 0, "locked_until": None})
        entry["count"] += 1
        entry["total"] += 1
        if entry["count"] >= self.policy["threshold"]:
            entry["count"] = 0
            entry["locked_until"] = (now + dt.timedelta(minutes=self.policy["minutes"])).isoformat()
            return dt.datetime.fromisoformat(entry["locked_until"])
        return None

    def take_failures(self, username: str) -> int:
        """How many wrong passwords came before this successful log-in (then forgotten here)."""
        return int(self.failures.pop(username, {}).get("total", 0))

    def remove_user(self, username: str) -> None:
        self.entries = [e for e in self.entries if not (e["kind"] == "user" and e["name"] == username)]

    # -- recovery and escrow -----------------------------------------------------------------------

    def set_recovery(self, key: bytes) -> str:
        """A new recovery code for `key` (any older code stops working); show it once, print it."""
        code = new_recovery_code()
        self.entries = [e for e in self.entries if e["kind"] != RECOVERY]
        self.entries.append(_wrap(key, RECOVERY, RECOVERY, code))
        return code

    @property
    def has_recovery(self) -> bool:
        return bool(self._of(RECOVERY, RECOVERY))

    def unlock_with_recovery(self, code: str) -> bytes:
        self.require_file()
        for entry in self._of(RECOVERY, RECOVERY):
            key = _unwrap(entry, normalise_code(code))
            if key is not None:
                return key
        raise AuthError("恢复码不正确，请对照保管的恢复码逐组核对")

    def seal_for_county(self, key: bytes, county_public_key: bytes) -> None:
        """Keep an escrow copy of `key` that only the county's private key opens (sent up by sync)."""
        self.escrow = _b64(seal(key, county_public_key))

    def _of(self, kind: str, name: str) -> list[dict[str, Any]]:
        return [e for e in self.entries if e["kind"] == kind and e["name"] == name]


def seal(secret: bytes, public_key: bytes) -> bytes:
    """Encrypt `secret` to an X25519 public key (raw 32 bytes): ephemeral key, HKDF, AES-GCM."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    kek = HKDF(hashes.SHA256(), 32, salt=ephemeral_public + public_key, info=_ESCROW_INFO).derive(shared)
    nonce = secrets.token_bytes(12)
    return ephemeral_public + nonce + AESGCM(kek).encrypt(nonce, secret, _ESCROW_INFO)


def open_sealed(blob: bytes, private_key: X25519PrivateKey) -> bytes:
    """The county's side of `seal`: the station key back from its escrow copy."""
    ephemeral_public, nonce, sealed = blob[:32], blob[32:44], blob[44:]
    own_public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    kek = HKDF(hashes.SHA256(), 32, salt=ephemeral_public + own_public, info=_ESCROW_INFO).derive(shared)
    try:
        return AESGCM(kek).decrypt(nonce, sealed, _ESCROW_INFO)
    except InvalidTag:
        raise AuthError("托管密钥无法用该县级私钥解开") from None
