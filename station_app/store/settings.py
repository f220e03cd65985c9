"""Station-wide settings kept in the database (they travel with a restored backup, not the PC)."""

from __future__ import annotations

from dataclasses import dataclass

from station_app.core.errors import PermissionDenied, ValidationError
from station_app.core.roles import Actor
from station_app.store import audit_log
from station_app.store.database import StationDatabase


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: int
    minimum: int
    maximum: int


IDLE_LOCK_MINUTES = Setting("idle_lock_minutes", "无操作自动锁定（分钟）", 10, 1, 240)
LOCKOUT_THRESHOLD = Setting("lockout_threshold", "密码连续错误几次后锁定账号", 5, 3, 20)
LOCKOUT_MINUTES = Setting("lockout_minutes", "账号锁定时长（分钟）", 15, 1, 1440)
ALL = (IDLE_LOCK_MINUTES, LOCKOUT_THRESHOLD, LOCKOUT_MINUTES)


def get_int(database: StationDatabase, setting: Setting) -> int:
    value = database.scalar("SELECT value FROM settings WHERE key = ?", [setting.key])
    return int(value) if value is not None else setting.default


def set_int(database: StationDatabase, actor: Actor, setting: Setting, value: int) -> None:
    if not actor.can_manage_users:
        raise PermissionDenied("只有站长可以修改系统设置。")
    if not setting.minimum <= value <= setting.maximum:
        raise ValidationError({setting.key: f"{setting.label}应在{setting.minimum}到{setting.maximum}之间"})
    old = get_int(database, setting)
    with database.transaction() as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     (setting.key, str(value)))
        audit_log.append(conn, actor, [audit_log.Event("setting", "settings", setting.key,
                                                        changes={setting.key: [old, value]})])
