"""数据库恢复码 — the sheet the head prints at set-up and locks in the station safe.

It carries the one secret that opens the station's encrypted database when every password is
forgotten, and what to do with it. Nothing else personal is on it.
"""

from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm

from station_app.forms.layout import FILL, Output, Page, Sheet, Signature, label, render, row, table, value

TITLE = "社工站数据库恢复码"

INSTRUCTIONS = (
    "1. 本恢复码可以打开本站加密的数据库，并为站长重新设置密码。请将本页锁入站内保险柜，不要拍照、"
    "不要存放在电脑里，也不要与电脑放在一起。\n"
    "2. 站长忘记密码时：在登录窗口点击“忘记密码…”，逐组输入恢复码，再设置站长新密码。"
    "输入时字母不区分大小写，字母 O 按数字 0、字母 I 和 L 按数字 1 处理。\n"
    "3. 重新生成恢复码（设置 → 安全）后，本页即作废，请销毁并保管新的一页。\n"
    "4. 数据目录中的 station.keys 文件与数据库同样重要，备份时会一并复制，请勿删除。"
)

SHEET = Sheet(
    TITLE,
    tables=(
        table(
            (30, 120),
            row(label("社工站"), value("station")),
            row(label("恢复码"), value("code", centered=True), height=22 * mm),
            row(label("生成时间"), value("issued")),
            row(label("使用说明"), value("instructions"), height=48 * mm),
            row(label("交接与使用记录"), value("log"), height=FILL),
        ),
    ),
    signatures=((Signature("保管人"), Signature("监督人"), Signature("封存日期", date=True)),),
)


def render_recovery_sheet(code: str, station_name: str, out: Output, *, printed_at: dt.datetime) -> None:
    values = {"station": station_name, "code": code, "issued": f"{printed_at:%Y年%m月%d日 %H:%M}",
              "instructions": INSTRUCTIONS}
    render([Page(SHEET, values)], out, station_name=station_name, printed_at=printed_at)
