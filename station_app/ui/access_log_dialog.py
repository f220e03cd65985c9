"""访问日志: the head reads who opened sensitive records or exported personal data, newest first."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from station_app.store import access_log
from station_app.ui.history import local_time
from station_app.ui.models import Column, ListTableModel
from station_app.ui.record_list import RecordTable
from station_app.ui.session import Session


class AccessLogDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("访问日志")
        self.resize(860, 520)
        self.model = ListTableModel((
            Column("时间", lambda r: local_time(r["at"]), sample="2026-11-23 14:05"),
            Column("用户", "username", sample="zhangsan.01"),
            Column("操作", "what", sample="导出“人员名单”12,000行（用途：上报县民政局）"),
        ), access_log.entries(session.database, session.actor), key="seq", parent=self)
        self.table = RecordTable()
        self.table.setModel(self.model)
        note = QLabel("查看儿童档案、保护个案、救助案件详情和导出个人信息都会记入本日志；"
                      "日志与审计日志同在一条哈希链上，任何删改都会被“检查数据库”发现。")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
