"""The county's audit log: who did or saw what, and when.

Every decision, every change a county person makes and every sensitive view (a record opened,
numbers unmasked, an export, a key unsealed) is a row naming the person. A write's row goes in the
same transaction as the write, so the log never misses or invents one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from station_app.core.county_roles import ADMIN, CountyActor
from station_app.core.ids import now_iso
from station_app.server.store.backend import Backend

if TYPE_CHECKING:
    from station_app.server.store.storage import ServerStore

# Who did it when no person did through the console (the command line on the server itself).
SERVER_CONSOLE = CountyActor("server", "server", "服务器命令行", ADMIN)


def audit(conn: Backend, actor: CountyActor, action: str, target: str | None = None, detail: str | None = None,
          client: str | None = None) -> None:
    """One audit row in the caller's transaction."""
    conn.execute("INSERT INTO county_audit (at, user_id, username, display_name, action, target, detail, client)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (now_iso(), actor.user_id, actor.username, actor.display_name, action, target, detail, client))


def record_view(store: ServerStore, actor: CountyActor, action: str, target: str, detail: str | None = None,
                client: str | None = None) -> None:
    """A sensitive view (a record opened, numbers unmasked, an export) in the audit log."""
    with store.transaction() as conn:
        audit(conn, actor, action, target, detail, client)


def entries(store: ServerStore, limit: int = 200, username: str | None = None) -> list[dict[str, Any]]:
    """The newest audit rows first, of everyone or of one person."""
    where, params = ("WHERE username = ?", [username]) if username else ("", [])
    return store.read(f"SELECT * FROM county_audit {where} ORDER BY id DESC LIMIT ?", [*params, limit])
