"""A report of a person in difficulty (主动发现 / 一门受理): taking it at the window, and triaging it.

A new report asks who reported, about whom (a registered person if they are one, else a name),
where, what the difficulty is and how urgent; the time limit for triage follows from the county's
rule. An open report shows itself and one button per way it can go: a relief application (the
relief dialog, pre-filled, registers the case from the report), a mandatory child-protection
report, an elderly visit, a transfer to another department (转办, whose receipt is recorded when it
comes back), or closed after checking. Each writes the new record and the report's choice together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QGridLayout, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from station_app.core import child_rules
from station_app.core import intake as rules
from station_app.core.entities import entity
from station_app.core.errors import KnownError, ValidationError
from station_app.store import intake, people
from station_app.store.records import RecordStore
from station_app.ui.changes import FollowsChanges
from station_app.ui.dialogs import present
from station_app.ui.entry_dialog import EntryDialog
from station_app.ui.fieldform import FieldForm
from station_app.ui.operations import run_write, show_error
from station_app.ui.person_picker import PersonPicker
from station_app.ui.relief_dialog import open_case
from station_app.ui.session import Session

REPORT_FIELDS = ("received_at", "channel", "urgency", "reporter", "reporter_phone", "subject_name", "village_id",
                 "address", "description")
_REPORT = entity("intake_report")
_TRIAGE_LABELS = dict(rules.TRIAGE)


class NewReportDialog(QDialog):
    """Take a report at the window; accepted once it is stored (`saved`)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.saved: dict[str, Any] | None = None
        self.setWindowTitle("登记主动发现报告")
        self.picker = PersonPicker(session, "如困难对象已在人员档案中，输入姓名或拼音首字母查找（可不选）")
        self.picker.chosen.connect(self._person_chosen)
        self.form = FieldForm("intake_report", REPORT_FIELDS, columns=2)
        self.form.set_ref_choices("village_id", [(v["id"], v["name"]) for v in people.villages(session.database)])
        self.form.set_values({"received_at": child_rules.format_time(dt.datetime.now()), "urgency": "normal"})
        self.save_button = QPushButton(qta.icon("fa6s.floppy-disk"), "登记(&S)")
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(session.actor.can_write_entity("intake_report"))
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("困难对象（已登记的人员）"))
        layout.addWidget(self.picker)
        layout.addWidget(self.form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.resize(max(self.sizeHint().width(), 860), self.sizeHint().height())

    def _person_chosen(self) -> None:
        if self.picker.person_id is None:
            return
        person = self.session.store.get("person", self.picker.person_id)
        self.form.set_values({**self.form.values(), "subject_name": person["name"], "village_id": person["village_id"],
                              "address": person["address"] or ""})

    def save(self) -> None:
        values = {**self.form.values(), "person_id": self.picker.person_id}
        run_write(self, self.session, intake.register, values, busy=self.save_button, on_done=self._saved,
                  on_refused=self._refused)

    def _saved(self, report: dict[str, Any]) -> None:
        self.saved = report
        self.accept()

    def _refused(self, exc: KnownError) -> None:
        if isinstance(exc, ValidationError) and self.form.show_errors(exc.errors) and \
                not set(exc.errors) - set(REPORT_FIELDS):
            return
        show_error(self, exc)


class TriageDialog(EntryDialog):
    """One way a report goes: the fields it needs, and the store call that writes it with the triage."""

    def __init__(self, session: Session, entity_name: str, names: tuple[str, ...], title: str, hint: str,
                 write: Callable[[dict[str, Any]], Callable[[RecordStore], Any]], parent: QWidget | None = None,
                 preset: dict[str, Any] | None = None) -> None:
        self.session = session
        self._write = write
        super().__init__(entity_name, names, title, hint, "确定", parent)
        self.form.set_values(preset or {})

    def write(self, values: dict[str, Any]) -> Callable[[RecordStore], Any]:
        return self._write(values)


class ReportDialog(FollowsChanges, QDialog):
    """An open report: what was reported, where it went, and the ways it can still go."""

    CONCERNS = frozenset({"intake_report", "relief_case", "person"})

    def __init__(self, session: Session, report_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.report_id = report_id
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.picker = PersonPicker(session, "困难对象已登记的，查找并选定后点“关联人员”")
        self.link_button = QPushButton("关联人员(&L)")
        self.link_button.setAutoDefault(False)
        self.link_button.clicked.connect(self.link_person)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for i, (code, text, handler) in enumerate((
                ("relief", "转临时救助(&R)…", self.to_relief), ("child_report", "转儿童保护(&C)…", self.to_child),
                ("elder_visit", "安排老年人探访(&E)…", self.to_elder), ("transfer", "转办其他部门(&T)…", self.transfer),
                ("no_action", "核实后无需救助(&N)…", self.unfounded), ("receipt", "登记转办回执(&B)…", self.receipt),
                ("open_case", "打开救助案件(&O)", self.open_relief))):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(handler)
            grid.addWidget(button, i // 4, i % 4)
            self.buttons[code] = button
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        self.link_row = QWidget()
        link = QHBoxLayout(self.link_row)
        link.setContentsMargins(0, 0, 0, 0)
        link.addWidget(self.picker, 1)
        link.addWidget(self.link_button)
        layout.addWidget(self.link_row)
        layout.addLayout(grid)
        layout.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.refresh()
        self.resize(max(self.sizeHint().width(), 860), max(self.sizeHint().height(), 420))
        self.follow_changes(session.changes)

    def refresh(self) -> None:
        report = self.report = self.session.store.get("intake_report", self.report_id)
        self.setWindowTitle(f"主动发现报告 — {report['subject_name']}")
        self.summary.setText(report_html(report, self.session))
        writer = self.session.actor.can_write_entity("intake_report")
        open_ = writer and not report["triage"]
        for code in ("relief", "child_report", "elder_visit", "transfer", "no_action"):
            self.buttons[code].setEnabled(open_)
        self.buttons["receipt"].setEnabled(writer and report["triage"] == "transfer" and not report["receipt_on"])
        self.buttons["open_case"].setVisible(report["triage"] == "relief")
        self.link_row.setVisible(open_ and not report["person_id"])

    def _person(self) -> dict[str, Any] | None:
        """The registered person the report is about; None (and say so) if it names no one yet."""
        if self.report["person_id"]:
            return self.session.store.get("person", self.report["person_id"])
        QMessageBox.information(self, "请先关联人员", "报告中的困难对象还没有关联到人员档案。请先在“人员档案”中登记此人，"
                                                      "再在上面查找并“关联人员”。")
        return None

    def link_person(self) -> None:
        if self.picker.person_id is None:
            self.picker.set_error("请先查找并选中一位已登记的人员")
            return
        run_write(self, self.session, partial(RecordStore.update, entity_name="intake_report",
                                              record_id=self.report_id, changes={"person_id": self.picker.person_id},
                                              base_rev=self.report["rev"]), busy=self.link_button)

    # -- the ways a report goes ----------------------------------------------------------------------

    def to_relief(self) -> None:
        if self._person() is not None:
            open_case(self.session, None, self, intake_report=self.report)

    def to_child(self) -> None:
        person = self._person()
        if person is None:
            return
        report = self.report
        present(TriageDialog(self.session, "child_report", ("reported_at", "urgency", "source", "reporter", "description"),
                             "转儿童保护（强制报告）", "按强制报告登记，进入“四位一体”保护流程；应急处置时限按紧急程度计算。",
                             lambda v: partial(intake.to_child_report, report_id=report["id"], base_rev=report["rev"],
                                               values={**v, "person_id": person["id"]}), self,
                             preset={"reported_at": report["received_at"], "urgency": "urgent" if report["urgency"] ==
                                     "urgent" else "normal", "source": _channel(report), "reporter": report["reporter"],
                                     "description": report["description"]}))

    def to_elder(self) -> None:
        person = self._person()
        if person is None:
            return
        report = self.report
        present(TriageDialog(self.session, "visit", ("visit_date", "visitor", "method", "seen_in_person", "findings",
                                                     "needs"),
                             "安排老年人探访", "入户探访后登记探访情况；下次探访日期按县里的规定计算。",
                             lambda v: partial(intake.to_elder_visit, report_id=report["id"], base_rev=report["rev"],
                                               values={**v, "program": "elder", "person_id": person["id"]}), self,
                             preset={"visit_date": dt.date.today().isoformat(), "visitor": self.session.actor.display_name,
                                     "method": "home", "seen_in_person": True}))

    def transfer(self) -> None:
        report = self.report
        present(TriageDialog(self.session, "intake_report", ("transfer_to", "transferred_on", "triage_note"),
                             "转办其他部门", "不属于本乡镇社会救助的事项，转交相关部门办理；对方回执后请登记回执。",
                             lambda v: partial(intake.transfer, report_id=report["id"], base_rev=report["rev"],
                                               department=v["transfer_to"], on=v["transferred_on"],
                                               note=v["triage_note"]), self,
                             preset={"transferred_on": dt.date.today().isoformat()}))

    def unfounded(self) -> None:
        report = self.report
        present(TriageDialog(self.session, "intake_report", ("triage_note",), "核实后无需救助",
                             "写明核实的情况和无需救助的理由。",
                             lambda v: partial(intake.close_unfounded, report_id=report["id"], base_rev=report["rev"],
                                               note=v["triage_note"]), self))

    def receipt(self) -> None:
        report = self.report
        present(TriageDialog(self.session, "intake_report", ("receipt_on", "receipt_note"), "登记转办回执",
                             f"{report['transfer_to']}的回执：收到日期和办理情况。",
                             lambda v: partial(intake.record_receipt, report_id=report["id"], base_rev=report["rev"],
                                               on=v["receipt_on"], note=v["receipt_note"]), self,
                             preset={"receipt_on": dt.date.today().isoformat()}))

    def open_relief(self) -> None:
        if self.report["relief_case_id"]:
            open_case(self.session, self.report["relief_case_id"], self)


def _channel(report: dict[str, Any]) -> str:
    return _REPORT.field("channel").choice_label(report["channel"])


def report_html(report: dict[str, Any], session: Session) -> str:
    """What was reported and where it went, for the report's dialog."""
    village = session.store.get("village", report["village_id"])["name"] if report["village_id"] else ""
    late = rules.untriaged_late(report, dt.datetime.now())
    due = f"<span style='color:#c62828'>已超过分办时限 {report['triage_due']}</span>" if late \
        else f"分办时限 {report['triage_due']}"
    lines = [
        f"<b>{report['subject_name']}</b>　{village}　{report['address'] or ''}　"
        f"紧急程度 {_REPORT.field('urgency').choice_label(report['urgency'])}",
        f"{report['received_at']} 受理　渠道 {_channel(report)}　报告人 {report['reporter'] or '—'}　"
        f"{report['reporter_phone'] or ''}",
        f"困难情况：{report['description']}",
    ]
    if not report["triage"]:
        lines.append(f"<b>待分办</b>　{due}")
    else:
        went = f"<b>{_TRIAGE_LABELS[report['triage']]}</b>（{report['triaged_by']}，{report['triaged_at']}）"
        if report["triage"] == "transfer":
            went += f"　转办 {report['transfer_to']}（{report['transferred_on']}）　" + (
                f"回执 {report['receipt_on']}：{report['receipt_note'] or ''}" if report["receipt_on"] else "回执未回")
        lines.append("去向：" + went + (f"　{report['triage_note']}" if report["triage_note"] else ""))
    return "<br>".join(lines)


def open_report(session: Session, report_id: str | None, parent: QWidget | None = None) -> QDialog:
    """A new report to take (report_id None), or an open one to triage."""
    return present(NewReportDialog(session, parent) if report_id is None else ReportDialog(session, report_id, parent))
