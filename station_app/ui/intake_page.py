"""主动发现: every report of a person in difficulty the township took (一门受理), those waiting for
triage first with their time limit, then where each went. Ctrl+N takes a new report; Enter or a
double click opens one to triage it. The list follows the change signal like every page.
"""

from __future__ import annotations

import datetime as dt

import qtawesome as qta
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station_app.core import intake as rules
from station_app.store import intake
from station_app.ui.changes import FollowsChanges
from station_app.ui.intake_dialogs import open_report
from station_app.ui.models import Column, ListTableModel, Row, choice_text
from station_app.ui.record_list import RecordTable
from station_app.ui.session import Session

_TRIAGE = dict(rules.TRIAGE)


def _state(row: Row) -> str:
    if row["triage"]:
        receipt = "（待回执）" if row["triage"] == "transfer" and not row["receipt_on"] else ""
        return _TRIAGE[row["triage"]] + receipt
    return "超时未分办" if rules.untriaged_late(row, dt.datetime.now()) else "待分办"


COLUMNS = (
    Column("状态", _state, sample="转办其他部门（待回执）",
           warn=lambda r: not r["triage"] and rules.untriaged_late(r, dt.datetime.now())),
    Column("受理时间", "received_at", sample="2026-11-23 08:30"),
    Column("渠道", choice_text("intake_report", "channel"), sample="12345热线"),
    Column("困难对象", "subject_name", sample="欧阳晓明明"),
    Column("村（社区）", "village_name", sample="南口前村村"),
    Column("紧急程度", choice_text("intake_report", "urgency"), sample="紧急", warn=lambda r: r["urgency"] == "urgent"),
    Column("分办时限", "triage_due", sample="2026-11-24 08:30"),
    Column("困难情况", "description", sample="独居老人家中断煤，屋内结冰，需尽快入户"),
)


class IntakePage(FollowsChanges, QWidget):
    CONCERNS = frozenset({"intake_report", "village", "person"})

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.summary = QLabel()
        self.new_button = QPushButton(qta.icon("fa6s.plus"), "登记报告(&N)")
        self.new_button.setShortcut(QKeySequence("Ctrl+N"))
        self.new_button.setToolTip("网格员、村协理员、热线、12345 或来访反映的困难情况（Ctrl+N）")
        self.new_button.setEnabled(session.actor.can_write_entity("intake_report"))
        self.open_button = QPushButton(qta.icon("fa6s.folder-open"), "打开并分办(&O)")
        self.waiting_only = QCheckBox("只看待分办")
        self.model = ListTableModel(COLUMNS, parent=self)
        self.table = RecordTable()
        self.table.setModel(self.model)
        actions = QHBoxLayout()
        for widget in (self.new_button, self.open_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.waiting_only)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.new_button.clicked.connect(lambda: open_report(self.session, None, self))
        self.open_button.clicked.connect(lambda: self._open(self.table.current_key()))
        self.table.opened.connect(self._open)
        self.waiting_only.toggled.connect(lambda _on: self.refresh())
        self.refresh()
        self.follow_changes(session.changes)

    def refresh(self) -> None:
        waiting = intake.reports(self.session.database, untriaged_only=True)
        shown = waiting if self.waiting_only.isChecked() else \
            waiting + [r for r in intake.reports(self.session.database) if r["triage"]]
        self.model.set_rows(shown)
        late = sum(1 for r in waiting if rules.untriaged_late(r, dt.datetime.now()))
        flagged = f" · <b style='color:#c62828'>超过分办时限 {late} 件，请立即分办</b>" if late else ""
        self.summary.setText(f"待分办 {len(waiting)} 件{flagged}（待分办的在最前，双击打开并分办）")
        self.open_button.setEnabled(bool(shown))

    def _open(self, report_id: str | None) -> None:
        if report_id:
            open_report(self.session, report_id, self)
