"""Where the county server keeps its things: one data folder with its database, keys and backups,
and the key of the database, which may live elsewhere (removable media, the environment)."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from station_app.core.errors import KnownError
from station_app.store.driver import KEY_BYTES, is_plaintext

DATABASE_FILE = "county.db"
KEY_FILE = "county.db.key"
KEY_ENV = "STATION_COUNTY_DB_KEY"  # the key itself, 64 hex digits
KEY_FILE_ENV = "STATION_COUNTY_KEY_FILE"  # where the key file is, if not beside the database
log = logging.getLogger("station.server")


def database(data_dir: Path, url: str | None = None) -> str:
    """Where the server's records live: `url` (postgresql://… or sqlite:///…), else county.db in `data_dir`."""
    return url or str(Path(data_dir) / DATABASE_FILE)


def backups(data_dir: Path) -> Path:
    """Where copies of the database go before a schema upgrade."""
    return Path(data_dir) / "backups"


def database_key(db_path: Path, key_file: Path | None = None) -> bytes:
    """The key county.db is encrypted with: `STATION_COUNTY_DB_KEY`, else the key file (`key_file`,
    else `STATION_COUNTY_KEY_FILE`, else county.db.key beside the database). A new key file is made
    only while no encrypted database exists; without its key an encrypted database stays shut."""
    if os.environ.get(KEY_ENV):
        return _parse_key(os.environ[KEY_ENV], f"环境变量 {KEY_ENV}")
    path = Path(key_file or os.environ.get(KEY_FILE_ENV) or Path(db_path).with_name(KEY_FILE))
    if path.exists():
        return _parse_key(path.read_text(encoding="ascii", errors="replace"), str(path))
    if Path(db_path).exists() and Path(db_path).stat().st_size and not is_plaintext(db_path):
        raise KnownError(f"找不到县服务器数据库的密钥文件 {path}。请插入存放密钥的U盘并用 --key-file 指明其位置，"
                         f"或设置环境变量 {KEY_FILE_ENV} 或 {KEY_ENV}。没有密钥，数据库无法打开。")
    key = secrets.token_bytes(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    log.warning("made a new key for the county database at %s: back it up apart from the database", path)
    return key


def _parse_key(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise KnownError(f"{where} 中的数据库密钥格式不正确：应为 {KEY_BYTES * 2} 位十六进制数字")
    return key
