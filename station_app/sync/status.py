"""The words for the state of sync (status bar, sync page), and when to try again."""

from __future__ import annotations

import datetime as dt

from station_app.store.sync_state import Status

OK, WAITING, OFFLINE, ERROR = "ok", "waiting", "offline", "error"
FIRST_RETRY_S = 30
NORMAL_INTERVAL_S = 120
MAX_RETRY_S = 900


def local(iso_time: str) -> str:
    return dt.datetime.fromisoformat(iso_time.replace("Z", "+00:00")).astimezone().strftime("%m-%d %H:%M")


def describe(status: Status) -> tuple[str, str]:
    """(text, level) for the status bar: synced / N waiting / offline since … / error with the reason."""
    conflicts = f"，{status.conflicts} 处冲突待处理" if status.conflicts else ""
    if not status.enrolled:
        text = f"{status.pending:,} 条变更待同步（未登记县服务器）" if status.pending else "无待同步变更（未登记县服务器）"
        return text, WAITING if status.pending else OK
    if status.last_error:
        return f"同步出错：{status.last_error}{conflicts}", ERROR
    if status.offline_since:
        return f"离线（自 {local(status.offline_since)} 起），{status.pending:,} 条待同步{conflicts}", OFFLINE
    if status.pending:
        return f"{status.pending:,} 条变更待同步{conflicts}", WAITING
    when = f"（{local(status.last_ok_at)}）" if status.last_ok_at else ""
    return f"已同步{when}{conflicts}", ERROR if status.conflicts else OK


def next_delay(failures: int) -> int:
    """Seconds until the next background try: regular when all is well, backing off when not."""
    if failures <= 0:
        return NORMAL_INTERVAL_S
    return min(MAX_RETRY_S, FIRST_RETRY_S * 2 ** (failures - 1))
