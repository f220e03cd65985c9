"""The children's editors: the child's archive (with its agreements, visits, protection cases and
the history of every changed fact), the entrustment agreement, the child visit and the protection
case with its chain of steps.

All write through `store.children` (the store's single write path underneath), show every problem
at its field in Chinese, save with Ctrl+Enter and cancel with Esc; a viewer sees them read-only.
A child's data is sensitive personal information: opening an archive, an agreement or a case is
written to the access log once, when the dialog opens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import qtawesome as qta
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app import paths
from station_app.core import agreement_rules, child_rules
from station_app.core.entities import REPORT_STAGES, entity
from station_app.core.errors import KnownError, ValidationError
from station_app.core.privacy import ADULT_AGE
from station_app.core.protection_workflow import note_problem
from station_app.jobs import children as child_jobs
from station_app.store import access_log, children, people
from station_app.ui import print_preview
from station_app.ui.changes import FollowsChanges
from station_app.ui.dialogs import ask
from station_app.ui.fieldform import ERROR_STYLE, FieldForm
from station_app.ui.history import history_table
from station_app.ui.models import Column, ListTableModel, field_text
from station_app.ui.operations import run_job, run_write
from station_app.ui.person_picker import PersonPicker
from station_app.ui.program_dialogs import (
    RecordDialog,
    VisitDialogBase,
    person_summary,
    present_editor,
)
from station_app.ui.record_list import RecordTable
from station_app.ui.roster_pickers import director_in_post, offer_directors
from station_app.ui.screen_fit import FitScroll
from station_app.ui.session import Session

# Three to a row, in the order a worker asks: who the child is, the parents, who cares for them.
PROFILE_FIELDS = ("category", "sub_type", "risk_level",
                  "status", "exit_reason", "parents_situation",
                  "entered_on", "exited_on", "boarding",
                  "school", "grade", "guardian_ability",
                  "father_whereabouts", "mother_whereabouts", "guardian_name",
                  "father_phone", "mother_phone",
                  "guardian_relation", "guardian_phone", "caregiver_name",
                  "caregiver_relation", "caregiver_phone", "risk_reason",
                  "services", "notes")
AGREEMENT_FIELDS = ("guardian_name", "guardian_relation", "guardian_phone", "caregiver_name", "caregiver_relation",
                    "caregiver_phone", "caregiver_id_number", "caregiver_address", "signed_date", "expiry_date",
                    "witness_id", "notes")
VISIT_FIELDS = ("visit_date", "visitor", "method", "seen_in_person", "next_due", "referral", "director_id", "checks",
                "findings", "problems", "actions", "needs", "referral_note", "follow_up")
REPORT_FIELDS = ("source", "reporter", "reported_at", "urgency", "description", "notes")
LATE_STYLE = "color: #c62828; font-weight: bold;"
_VISIT = entity("visit")
_AGREEMENT = entity("agreement")
_STAGES = dict(REPORT_STAGES)


def _child_picker(session: Session) -> PersonPicker:
    return PersonPicker(session, "输入姓名、拼音首字母或身份证号查找已登记的未成年人",
                        fits=lambda years: years < ADULT_AGE, mark=lambda row: "（已有在册档案）" if row["is_child"] else "")


def _table(columns: tuple[Column, ...], rows: list[dict[str, Any]]) -> RecordTable:
    table = RecordTable()
    table.setModel(ListTableModel(columns, rows, parent=table))
    return table


def _reload(table: RecordTable, rows: list[dict[str, Any]]) -> None:
    model = table.model()
    assert isinstance(model, ListTableModel)
    model.set_rows(rows)


def print_and_open(parent: QWidget, session: Session, title: str, job: Callable[..., Path], *args: object,
           on_done: Callable[[Path], None] | None = None) -> None:
    """Run a print job of jobs.children as this user, then show the PDF it wrote in the print preview."""
    def done(path: Path) -> None:
        print_preview.show_printed(parent, path)
        if on_done is not None:
            on_done(path)
    run_job(parent, title, job, session.actor, *args, db_path=session.db_path, on_done=done)


_AGREEMENT_COLUMNS = (
    Column("委托方（监护人）", "guardian_name", sample="欧阳晓明"),
    Column("受托方（照护人）", "caregiver_name", sample="欧阳晓明"),
    Column("签订日期", lambda r: r.get("signed_date") or "—", sample="2026-11-23"),
    Column("到期日期", lambda r: r.get("expiry_date") or "长期", sample="2026-11-23"),
    Column("状态", lambda r: agreement_rules.ROW_LABELS[r["state"]], sample="即将到期",
           warn=lambda r: r["state"] != agreement_rules.VALID),
)
_VISIT_COLUMNS = (
    Column("走访日期", "visit_date", sample="2026-11-23"),
    Column("走访人", "visitor", sample="欧阳晓明"),
    Column("方式", lambda r: field_text(_VISIT.field("method"), r["method"]), sample="入户"),
    Column("查看内容", lambda r: field_text(_VISIT.field("checks"), r.get("checks")), sample="监护情况、安全、就学"),
    Column("发现的问题", lambda r: (r.get("problems") or "").replace("\n", " "), sample="成绩下滑，情绪低落",
           warn=lambda r: bool(r.get("problems"))),
    Column("下次走访", "next_due", sample="2026-11-23"),
)
_REPORT_COLUMNS = (
    Column("报告时间", "reported_at", sample="2026-11-23 09:00"),
    Column("来源", "source", sample="学校老师"),
    Column("紧急程度", lambda r: entity("child_report").field("urgency").choice_label(r["urgency"]), sample="紧急"),
    Column("当前环节", lambda r: _STAGES.get(r["stage"], r["stage"]), sample="应急处置"),
    Column("下一环节时限", lambda r: r.get("step_due") or "", sample="2026-11-23 09:00",
           warn=lambda r: child_rules.is_late(r.get("step_due"), dt.datetime.now())),
)


class ChildProfileDialog(FollowsChanges, RecordDialog):
    """Register (record None: pick the child first) or open a child's archive. Its agreements,
    visits and protection cases, saved from their own dialogs, show here as soon as they are stored."""

    CONCERNS = frozenset({"agreement", "visit", "child_report", "child_report_step"})

    def __init__(self, session: Session, record: dict[str, Any] | None = None, parent: QWidget | None = None, *,
                 person_id: str | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.record = record
        if record is not None:
            access_log.viewed(session.database, session.actor, "child_profile", record)
        writer = session.actor.can_write
        person_id = record["person_id"] if record else person_id
        details = QWidget()
        layout = QVBoxLayout(details)
        self._person_section(layout, session, person_id, _child_picker, "儿童")
        self.form = FieldForm("child_profile", PROFILE_FIELDS, columns=3)
        layout.addWidget(self.form)
        layout.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.addTab(FitScroll(details), "档案")
        if record is not None:
            self._add_record_tabs(record, writer)
        outer = QVBoxLayout(self)
        outer.addWidget(self.tabs)
        outer.addLayout(self._buttons(writer))
        # On the roll from today unless the worker types the day it began; leaving it, likewise.
        self.form.set_values(dict(record or {"status": "active", "category": "left_behind",
                                             "entered_on": dt.date.today().isoformat()}))
        if not writer:
            self._read_only(self.form, PROFILE_FIELDS)
        name = people.person_rows(session.database, [person_id])[person_id]["name"] if person_id else ""
        self.setWindowTitle(f"儿童档案 — {name}" if record else "新建儿童档案")
        self.resize(max(self.sizeHint().width(), 1000), self.sizeHint().height())
        (self.picker.search if self.picker else self.form.editor("category")).setFocus()
        if record is not None:
            self.follow_changes(session.changes)

    def _add_record_tabs(self, record: dict[str, Any], writer: bool) -> None:
        database = self.session.database
        # Agreements
        box = QWidget()
        layout = QVBoxLayout(box)
        self.agreements = _table(_AGREEMENT_COLUMNS, children.agreement_list(database, record["id"], dt.date.today()))
        self.agreements.opened.connect(self._open_agreement)
        self.new_agreement_button = QPushButton(qta.icon("fa6s.file-signature"), "新增协议")
        self.new_agreement_button.setEnabled(writer)
        self.new_agreement_button.clicked.connect(lambda: self._open_agreement(None))
        self.print_agreement_button = QPushButton(qta.icon("fa6s.print"), "打印协议书")
        self.print_agreement_button.setToolTip("打印所选协议（预填各方信息，供签字）")
        self.print_agreement_button.clicked.connect(self.print_agreement)
        self.agreement_status = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.agreement_status, 1)
        buttons.addWidget(self.new_agreement_button)
        buttons.addWidget(self.print_agreement_button)
        layout.addLayout(buttons)
        layout.addWidget(self.agreements)
        self.tabs.addTab(box, "委托照护协议")
        self._show_agreement_status()
        # Visits
        box = QWidget()
        layout = QVBoxLayout(box)
        self.visits = _table(_VISIT_COLUMNS, children.person_visits(database, record["person_id"]))
        self.visits.opened.connect(self._open_visit)
        self.new_visit_button = QPushButton(qta.icon("fa6s.clipboard-check"), "登记走访")
        self.new_visit_button.setEnabled(writer and record["status"] == "active")
        self.new_visit_button.clicked.connect(lambda: self._open_visit(None))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_visit_button)
        layout.addLayout(buttons)
        layout.addWidget(self.visits)
        self.tabs.addTab(box, "走访记录")
        # Protection cases
        box = QWidget()
        layout = QVBoxLayout(box)
        self.reports = _table(_REPORT_COLUMNS, children.person_reports(database, record["person_id"]))
        self.reports.opened.connect(self._open_report)
        self.new_report_button = QPushButton(qta.icon("fa6s.triangle-exclamation"), "登记强制报告")
        self.new_report_button.setEnabled(writer)
        self.new_report_button.clicked.connect(lambda: self._open_report(None))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_report_button)
        layout.addLayout(buttons)
        layout.addWidget(self.reports)
        self.tabs.addTab(box, "保护个案")
        self.tabs.addTab(history_table(self.session, "child_profile", record["id"]), "修改记录")

    def _show_agreement_status(self) -> None:
        """The child's state (the same words as the children's list) and what the rows below add to
        it: until when the signed agreement holds, and any agreement still waiting for signatures."""
        assert self.record is not None
        today = dt.date.today()
        status = children.agreement_status(self.session.database, self.record, today)
        rows = children.agreement_list(self.session.database, self.record["id"], today)
        text = child_rules.AGREEMENT_LABELS[status]
        held = max((r.get("expiry_date") or "长期" for r in rows if r["state"] in (agreement_rules.VALID,
                                                                                  agreement_rules.EXPIRING)),
                   default=None)
        if held:
            text += "，长期有效" if held == "长期" else f"，有效至 {held}"
        pending = sum(r["state"] == agreement_rules.PENDING for r in rows)
        if pending:
            text += f"；另有 {pending} 份待签字（签字后请打开协议填写签订日期）"
        bad = status in (child_rules.AGREEMENT_MISSING, child_rules.AGREEMENT_EXPIRED, child_rules.AGREEMENT_EXPIRING)
        self.agreement_status.setText(text)
        self.agreement_status.setStyleSheet(LATE_STYLE if bad else "")

    def refresh(self) -> None:
        """Re-read the agreements, visits and cases (one of them was saved)."""
        assert self.record is not None
        database, record = self.session.database, self.record
        _reload(self.agreements, children.agreement_list(database, record["id"], dt.date.today()))
        self._show_agreement_status()
        _reload(self.visits, children.person_visits(database, record["person_id"]))
        _reload(self.reports, children.person_reports(database, record["person_id"]))

    def _open_agreement(self, agreement_id: str | None) -> None:
        assert self.record is not None
        existing = self.session.store.get("agreement", agreement_id) if agreement_id else None
        open_agreement(self.session, self.record, existing, self)

    def print_agreement(self) -> None:
        key = self.agreements.current_key()
        if key is None and self.agreements.model().rowCount():
            self.agreements.select_row(0)
            key = self.agreements.current_key()
        if key is None:
            self.agreement_status.setText("还没有协议：请先“新增协议”（各方信息会从档案预填）")
            return
        print_and_open(self, self.session, "正在生成委托照护协议书", child_jobs.agreement, key,
               paths.print_path(self.session.data_dir, f"委托照护协议书-{self._name()}"))

    def _name(self) -> str:
        return people.person_rows(self.session.database, [self.person_id])[self.person_id]["name"]

    def _open_visit(self, visit_id: str | None) -> None:
        assert self.record is not None
        existing = self.session.store.get("visit", visit_id) if visit_id else None
        open_visit(self.session, self.record["person_id"], existing, self)

    def _open_report(self, report_id: str | None) -> None:
        assert self.record is not None
        open_report(self.session, self.record["person_id"], report_id, self)

    def save(self) -> None:
        values = self.form.values()
        if self._take_person(values, "儿童"):
            self.write(children.save_profile, values, self.record, refused=self._profile_refused)

    def _profile_refused(self, exc: KnownError) -> None:
        self.tabs.setCurrentIndex(0)
        self._person_refused(exc)
        self._refused(self.form, (*PROFILE_FIELDS, "person_id"), exc)


class AgreementDialog(RecordDialog):
    """Add (record None: pre-filled from the archive) or correct an entrustment agreement."""

    def __init__(self, session: Session, profile: dict[str, Any], record: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.profile = profile
        self.record = record
        if record is not None:
            access_log.viewed(session.database, session.actor, "agreement", record)
        writer = session.actor.can_write
        self.form = FieldForm("agreement", AGREEMENT_FIELDS, columns=2)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(person_summary(session.database, profile["person_id"])))
        hint = QLabel("签订日期留空即为“待签字”：可先打印协议书，签字后再填签订日期。")
        hint.setStyleSheet("color: #555555;")
        layout.addWidget(hint)
        layout.addWidget(FitScroll(self.form))
        layout.addLayout(self._buttons(writer))
        self.form.set_values(dict(record or children.draft_agreement(session.database, profile, dt.date.today())))
        _offer_directors(self.form, "witness_id", session, profile["person_id"], record)
        if not writer:
            self._read_only(self.form, AGREEMENT_FIELDS)
        self.setWindowTitle("委托照护协议" if record else "新增委托照护协议")
        self.resize(max(self.sizeHint().width(), 800), self.sizeHint().height())
        self.form.editor("guardian_name").setFocus()

    def save(self) -> None:
        """Save, after asking when another signed agreement of the child covers part of the same term."""
        values = {**self.form.values(), "child_profile_id": self.profile["id"]}
        if self.form.show_errors(agreement_rules.parties_problem(values)):
            return
        overlaps = children.overlapping_agreements(self.session.database, values, (self.record or {}).get("id"),
                                                   dt.date.today())
        if not overlaps:
            self._write(values)
            return
        held = "；".join(f"{a['guardian_name']} 委托 {a['caregiver_name']}，{a['signed_date']} 签订，"
                        + (f"{a['expiry_date']} 到期" if a.get("expiry_date") else "长期有效") for a in overlaps)
        ask(self, "协议期限重叠",
            f"该儿童已有签订的委托照护协议与这份协议的期限重叠：\n{held}\n\n"
            "如果是到期前续签，可以继续保存；如果是重复登记，请返回，打开原协议修改。",
            "仍然保存", lambda: self._write(values))

    def _write(self, values: dict[str, Any]) -> None:
        self.write(children.save_agreement, values, self.record,
                   refused=lambda exc: self._refused(self.form, AGREEMENT_FIELDS, exc))


def _offer_directors(form: FieldForm, name: str, session: Session, person_id: str,
                     record: dict[str, Any] | None) -> None:
    """The child's village director is the default witness or reviewer; a stored choice stays."""
    village = people.person_rows(session.database, [person_id])[person_id].get("village_id")
    chosen = record.get(name) if record else director_in_post(session.database, village)
    offer_directors(form, name, session.database, village, chosen)


class ChildVisitDialog(VisitDialogBase):
    """Record (record None) or correct a visit to a child; the village child director is picked
    from the roster."""

    def __init__(self, session: Session, person_id: str, record: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, person_id, record, parent)
        _offer_directors(self.form, "director_id", session, person_id, record)

    FIELDS = VISIT_FIELDS
    DUE_INPUTS = ("visit_date", "problems", "next_due")
    DEFAULTS = {"method": "home", "seen_in_person": True, "checks": [c for c, _ in _VISIT.field("checks").choices]}
    TITLES = ("登记走访", "修改走访记录")
    LEFT_OUT = {"referral": ("care",)}  # elderly care is for the rounds

    def profile_line(self) -> str:
        profile = children.profile_of(self.session.database, self.person_id) or {}
        spec = entity("child_profile")
        guardian = profile.get("guardian_name")
        who = f"　监护人：{guardian}（{profile.get('guardian_relation') or ''}）{profile.get('guardian_phone') or ''}" \
            if guardian else ""
        return (f"类别：{field_text(spec.field('category'), profile.get('category')) or '未填'}"
                f"　风险：{field_text(spec.field('risk_level'), profile.get('risk_level')) or '未评'}{who}")

    def proposal(self, values: dict[str, Any], day: dt.date) -> tuple[dt.date, str]:
        problems = bool(values["problems"].strip())
        proposed = children.suggested_next_due(self.session.database, self.person_id, day, problems)
        follow = "（发现问题：需跟进，提前走访）" if problems else ""
        return proposed, f"按县里规定的走访频次，下次走访应在 {proposed.isoformat()} 前{follow}"

    store_visit = staticmethod(children.save_visit)


class ReportDialog(RecordDialog):
    """Register a mandatory report (report_id None) or work a protection case step by step."""

    def __init__(self, session: Session, person_id: str, report_id: str | None = None,
                 parent: QWidget | None = None, now: dt.datetime | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.person_id = person_id
        self.now = now
        self.report = session.store.get("child_report", report_id) if report_id else None
        writer = session.actor.can_write
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(person_summary(session.database, person_id)))
        self.form = FieldForm("child_report", REPORT_FIELDS, columns=2)
        layout.addWidget(FitScroll(self.form))
        if self.report is None:
            self.form.set_values({"reported_at": child_rules.format_time(self._now()), "urgency": "normal"})
            layout.addLayout(self._buttons(writer))
            self.setWindowTitle("登记强制报告")
            self.form.editor("source").setFocus()
        else:
            access_log.viewed(session.database, session.actor, "child_report", self.report)
            self.form.set_values(dict(self.report))
            self._read_only(self.form, REPORT_FIELDS)
            self.stage = QLabel()
            layout.addWidget(self.stage)
            self.steps = _table(self._step_columns(), children.report_steps(session.database, self.report["id"]))
            layout.addWidget(self.steps)
            self.step_box = self._step_form()
            layout.addWidget(self.step_box)
            self.step_box.setVisible(writer and self.report["stage"] != "closed")
            layout.addLayout(self._buttons(writer, saves=False))
            self._show_stage()
            self.setWindowTitle("保护个案")
        self.resize(max(self.sizeHint().width(), 860), self.sizeHint().height())

    def _now(self) -> dt.datetime:
        return self.now or dt.datetime.now().replace(second=0, microsecond=0)

    def _step_columns(self) -> tuple[Column, ...]:
        def late(r: dict[str, Any]) -> bool:
            return bool(r.get("due_at")) and r["done_at"] > r["due_at"]
        return (Column("环节", lambda r: _STAGES.get(r["step"], r["step"]), sample="监护干预"),
                Column("办理时间", "done_at", sample="2026-11-23 09:00"),
                Column("办理人", "actor_name", sample="欧阳晓明"),
                Column("时限", lambda r: (r.get("due_at") or "") + ("（超时）" if late(r) else ""),
                       sample="2026-11-23 09:00（超时）", warn=late),
                Column("办理情况", lambda r: (r.get("note") or "").replace("\n", " "), sample="已入户核实情况，联系派出所"))

    def _step_form(self) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.next_step = QComboBox()
        self.step_time = QLineEdit(child_rules.format_time(self._now()))
        self.step_time.setPlaceholderText("如 2026-11-23 14:30")
        self.step_actor = QLineEdit(self.session.actor.display_name)
        self.step_note = QPlainTextEdit()
        self.step_note.setTabChangesFocus(True)
        self.step_note.setFixedHeight(60)
        self.step_error = QLabel()
        self.step_error.setStyleSheet(ERROR_STYLE)
        self.step_button = QPushButton(qta.icon("fa6s.check"), "记录此环节")
        self.step_button.setToolTip("记录此环节（Ctrl+Enter）")
        self.step_button.clicked.connect(self.record_step)
        for column, (text, editor) in enumerate((("下一环节", self.next_step), ("办理时间", self.step_time),
                                                 ("办理人", self.step_actor))):
            label = QLabel(text)
            label.setBuddy(editor)
            grid.addWidget(label, 0, column * 2)
            grid.addWidget(editor, 0, column * 2 + 1)
        note_label = QLabel('办理情况 <span style="color:#c62828">*</span>')
        note_label.setBuddy(self.step_note)
        grid.addWidget(note_label, 1, 0)
        grid.addWidget(self.step_note, 1, 1, 1, 5)
        grid.addWidget(self.step_error, 2, 1, 1, 4)
        grid.addWidget(self.step_button, 2, 5)
        return box

    def _show_stage(self) -> None:
        assert self.report is not None
        report = self.report
        text = f"当前环节：<b>{_STAGES[report['stage']]}</b>"
        due = report.get("step_due")
        waiting = child_rules.due_step(report["stage"])
        late = child_rules.is_late(due, self._now())
        if due and waiting:
            text += f"　{_STAGES[waiting]}时限：{due}" + ("　<b>已超时！</b>" if late else "")
        self.stage.setText(text)
        self.stage.setStyleSheet(LATE_STYLE if late else "")
        font = QFont(self.stage.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.stage.setFont(font)
        self.next_step.clear()
        for step in child_rules.next_steps(report["stage"]):
            self.next_step.addItem(_STAGES[step], step)
        self.step_box.setVisible(self.session.actor.can_write and report["stage"] != "closed")

    def record_step(self) -> None:
        """Say what is missing, or ask — naming the step — before it goes on the case's record for good."""
        assert self.report is not None
        step = self.next_step.currentData()
        problem = note_problem(step, self.step_note.toPlainText())
        if problem:
            self.step_error.setText("；".join(problem.values()))
            self.step_note.setFocus()
            return
        label = _STAGES[step]
        ask(self, "记录办理环节",
            f"确定记录“{label}”环节吗？\n\n办理时间：{self.step_time.text()}　办理人：{self.step_actor.text()}\n\n"
            f"记录后个案进入“{label}”环节。办理记录只增不改，记录后不能撤回。",
            f"记录“{label}”", self._write_step, no="返回修改")

    def _write_step(self) -> None:
        assert self.report is not None
        run_write(self, self.session, children.record_step, self.report, self.next_step.currentData(),
                  self.step_time.text(), self.step_actor.text(), self.step_note.toPlainText(), busy=self.step_button,
                  on_done=self._step_recorded, on_refused=self._step_refused)

    def _step_recorded(self, report: dict[str, Any]) -> None:
        self.report = report
        self.step_error.setText("")
        self.step_note.clear()
        _reload(self.steps, children.report_steps(self.session.database, report["id"]))
        self._show_stage()

    def _step_refused(self, exc: KnownError) -> None:
        errors = exc.errors if isinstance(exc, ValidationError) else {"": exc.message}
        self.step_error.setText("；".join(errors.values()))

    def save(self) -> None:
        if self.report is not None:
            self.record_step()
            return
        values = {**self.form.values(), "person_id": self.person_id}
        self.write(children.open_report, values, refused=lambda exc: self._refused(self.form, REPORT_FIELDS, exc))


def open_profile(session: Session, record: dict[str, Any] | None, parent: QWidget | None = None, *,
                 person_id: str | None = None, on_saved: Callable[[dict[str, Any]], None] | None = None) -> QDialog:
    """Show the archive (a new one when `record` is None); `on_saved(profile)` once it is saved."""
    return present_editor(ChildProfileDialog(session, record, parent, person_id=person_id), on_saved)


def open_agreement(session: Session, profile: dict[str, Any], record: dict[str, Any] | None = None,
                   parent: QWidget | None = None) -> QDialog:
    return present_editor(AgreementDialog(session, profile, record, parent))


def open_visit(session: Session, person_id: str, record: dict[str, Any] | None = None,
               parent: QWidget | None = None) -> QDialog:
    return present_editor(ChildVisitDialog(session, person_id, record, parent))


def open_report(session: Session, person_id: str, report_id: str | None = None,
                parent: QWidget | None = None) -> QDialog:
    """Register a report (report_id None) or work a protection case."""
    return present_editor(ReportDialog(session, person_id, report_id, parent))
