"""同步: what waits to go to the county, told honestly.

Until the sync module arrives there is nothing to press: the page says how many changes wait,
since when, and lists them newest first, so a head can see that nothing typed is lost and
what will be sent once the connection (or a USB bundle) exists.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station_app.store import outbox_status
from station_app.store.database import StationDatabase
from station_app.ui.history import local_time
from station_app.ui.models import Column, QueryTableModel
from station_app.ui.record_list import RecordTable
from station_app.ui.session import Session

NOT_YET = ("与县民政局服务器的网络同步，以及没有网络时用U盘传送的数据包，将随同步功能一起提供。"
           "在此之前，所有变更都完整地保存在本机，按登记顺序排队；同步功能启用后会自动按顺序发送，"
           "县里确认收到后才会从这里消失。请照常登记，并定期用“文件 → 备份数据库”备份。")


def _find_pending(database: StationDatabase, _sort: str, _descending: bool, **_filters: object) -> list[int]:
    return outbox_status.pending_seqs(database)  # newest first, always: nothing to search or sort


class SyncPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.summary = QLabel("正在读取…")
        font = self.summary.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.summary.setFont(font)
        self.oldest = QLabel()
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        note = QLabel(NOT_YET)
        note.setWordWrap(True)
        note.setFrameShape(QFrame.Shape.StyledPanel)
        note.setStyleSheet("QLabel { background: #fff8e1; padding: 10px; }")

        self.model = QueryTableModel((
            Column("登记时间", lambda r: local_time(r["created_at"]), sample="2026-11-23 14:05"),
            Column("类型", "entity_label", sample="特殊困难老年人档案"),
            Column("操作", "op_label", sample="新增"),
            Column("记录", "record_label", sample="欧阳晓明明明明"),
        ), lambda seqs: outbox_status.pending_rows(session.database, seqs), _find_pending, session.db_path,
            parent=self)
        self.table = RecordTable()
        self.table.setModel(self.model)

        top = QHBoxLayout()
        text = QVBoxLayout()
        text.addWidget(self.summary)
        text.addWidget(self.oldest)
        top.addLayout(text, 1)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(note)
        layout.addWidget(QLabel("等待发送的变更（最新的在最前）："))
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        """The counts at once (two index look-ups), the list from a worker (it may be long)."""
        summary = outbox_status.pending_summary(self.session.database)
        if summary.count:
            self.summary.setText(f"有 {summary.count:,} 条变更等待发送到县民政局")
            self.oldest.setText(f"最早的一条从 {local_time(summary.oldest_at)} 起等待" if summary.oldest_at else "")
        else:
            self.summary.setText("没有等待发送的变更")
            self.oldest.setText("")
        self.model.search()
