"""待办提醒: who is due a visit, most overdue first, so a worker can plan the day's rounds; advances
from the reserve fund whose paperwork is due (Enter opens the case); reports of people in
difficulty waiting for triage (Enter opens the report); assistance statuses running out (Enter
opens the person or the household).

The list comes from the visits themselves (the latest visit's next-due date per person and
program) plus everyone on a program never visited yet. Like every list it is found off the UI
thread, filtered by the same search and village choice as the people list, and its rows are
fetched a page at a time as it scrolls. Enter or a double click opens the person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial

import qtawesome as qta
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QWidget

from station_app.core import child_rules
from station_app.core.entities import PROGRAMS, REPORT_STAGES, RISK_LEVELS
from station_app.store import children, due
from station_app.store.database import StationDatabase
from station_app.ui.care_dialogs import open_care_agreement
from station_app.ui.child_dialogs import open_report
from station_app.ui.child_dialogs import open_visit as open_child_visit
from station_app.ui.dialogs import present
from station_app.ui.elder_dialogs import RoundDialog, open_visit
from station_app.ui.flow_layout import FlowLayout
from station_app.ui.household_dialog import open_household
from station_app.ui.intake_dialogs import open_report as open_intake_report
from station_app.ui.models import Column, QueryTableModel, Row
from station_app.ui.person_dialog import open_person
from station_app.ui.record_list import ListPage
from station_app.ui.relief_dialog import open_case
from station_app.ui.session import Session

_PROGRAM_LABELS = {**dict(PROGRAMS), "relief": "先行救助补办手续", "protection": "儿童保护个案",
                   "care": "照料服务协议到期", "intake": "主动发现待分办", "status": "救助身份到期"}
_RISK_LABELS = dict(RISK_LEVELS)
FOLLOW_UP_LABELS = {"hazard": "安全隐患复查", "not_seen": "未见本人",
                    **{f"step_{code}": f"待{label}" for code, label in REPORT_STAGES}}
VISIT_DIALOGS = {"elder": open_visit, "child": open_child_visit}


class _Grouping:
    """Whether the next query groups by village; read once by the worker that runs it."""

    by_village = False


def _find_due(database: StationDatabase, _sort: str, _descending: bool, *, text: str,
              village_id: str | None, grouping: _Grouping | None = None) -> list[due.DueKey]:
    # The order is the point of this list (most overdue first), so header clicks do not change it.
    return due.due_keys(database, dt.date.today(), text=text, village_id=village_id,
                        by_village=grouping is not None and grouping.by_village)


def days_overdue(row: Row) -> int:
    return (dt.date.today() - dt.date.fromisoformat(row["due"])).days


def _status(row: Row) -> str:
    """Days for visits and paperwork; for a protection step its time limit, to the hour."""
    if row.get("step_due"):
        late = child_rules.is_late(row["step_due"], dt.datetime.now())
        return f"{'已超时' if late else '时限'} {row['step_due'][5:]}"
    return status_text(days_overdue(row))


def _late(row: Row) -> bool:
    if row.get("step_due"):
        return child_rules.is_late(row["step_due"], dt.datetime.now())
    return days_overdue(row) > 0


def status_text(days: int) -> str:
    if days > 0:
        return f"逾期 {days} 天"
    return "今天到期" if days == 0 else f"{-days} 天后到期"


COLUMNS: Sequence[Column] = (
    Column("状态", _status, sample="已超时 11-23 09:00", warn=_late),
    Column("姓名", "name", sample="欧阳晓明明"),
    Column("项目", lambda r: r.get("program_label") or _PROGRAM_LABELS.get(r["program"], r["program"]),
           sample="先行救助补办手续"),
    Column("村（社区）", "village_name", sample="南口前村村"),
    Column("应访日期", "due", sample="2026-11-30"),
    Column("上次走访", lambda r: r["last_visit"] or "尚未走访", sample="2026-11-30"),
    Column("走访人", "last_visitor", sample="欧阳晓明"),
    Column("风险", lambda r: _RISK_LABELS.get(r["risk_level"] or "", ""), sample="风险",
           warn=lambda r: r["risk_level"] == "high"),
    Column("跟进", lambda r: "、".join(FOLLOW_UP_LABELS[x] for x in r.get("follow_up") or ()),
           sample="安全隐患复查、未见本人", warn=lambda r: bool(r.get("follow_up"))),
    Column("联系电话", "phone", sample="13912345678"),
)


class DuePage(ListPage):
    CONCERNS = frozenset({"visit", "elder_profile", "child_profile", "agreement", "child_report", "child_report_step",
                          "relief_case", "person", "village", "reference_value", "care_agreement",
                          "intake_report", "assistance_status"})

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        self.grouping = _Grouping()
        model = QueryTableModel(COLUMNS, lambda keys: due.due_rows(session.database, keys),
                                partial(_find_due, grouping=self.grouping), session.db_path)
        super().__init__(session, model, "共 {n} 人次", parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)  # a red alert makes the line longer than a 1024-px window
        self.body.insertWidget(1, self.summary)
        self.model.loaded.connect(self._summarise)
        self.table.opened.connect(self._open)
        self._add_rounds_actions()
        self.refresh()

    def _summarise(self) -> None:
        today = dt.date.today()
        keys: Sequence[due.DueKey] = self.model.keys  # type: ignore[assignment]
        overdue = sum(1 for k in keys if k.days_overdue(today) > 0)
        due_today = sum(1 for k in keys if k.days_overdue(today) == 0)
        advances = sum(1 for k in keys if k.program == "relief" and k.days_overdue(today) > 0)
        flagged = f" · <span style='color:#c62828'>先行救助逾期未补办 {advances} 件</span>" if advances else ""
        waiting = sum(1 for k in keys if k.program == "intake")
        if waiting:
            flagged = f" · <b style='color:#c62828'>主动发现报告待分办 {waiting} 件</b>{flagged}"
        late = len(children.late_cases(self.session.database, dt.datetime.now()))
        if late:
            flagged = f" · <b style='color:#c62828'>⚠ 儿童保护个案超过办理时限 {late} 件，请立即处置</b>{flagged}"
        self.summary.setText(f"逾期 {overdue} 人次 · 今天到期 {due_today} 人次 · "
                             f"{due.HORIZON_DAYS}天内到期 {len(keys) - overdue - due_today} 人次{flagged}"
                             "（逾期最久的在最前，双击打开人员档案或救助案件）")

    def _open(self, key: due.DueKey) -> None:
        """The protection case, the relief case for an advance, the care agreement about to end, the
        report to triage, the household whose status runs out, else the person (to visit, or whose
        status runs out)."""
        if key.program == "protection":
            open_report(self.session, key.person_id, key.record_id, self)
        elif key.program == "care":
            open_care_agreement(self.session, key.record_id, self)
        elif key.program == "intake":
            open_intake_report(self.session, key.record_id, self)
        elif key.program == "status" and not key.person_id:
            status = self.session.store.get("assistance_status", key.record_id or "")
            open_household(self.session, status["household_id"], self)
        elif key.record_id and key.program == "relief":
            open_case(self.session, key.record_id, self)
        else:
            open_person(self.session, key.person_id, self)

    # -- the elderly rounds: plan a round, enter its visits --------------------------------------

    def _add_rounds_actions(self) -> None:
        self.round_button = QPushButton(qta.icon("fa6s.route"), "安排探访路线…")
        self.round_button.setToolTip("选村（社区）和日期，打印当天应探访老人的路线单（Ctrl+Shift+P）")
        self.round_button.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.visit_button = QPushButton(qta.icon("fa6s.clipboard-check"), "登记走访/探访")
        self.visit_button.setToolTip("为所选儿童或老人登记走访（Ctrl+R）")
        self.visit_button.setShortcut(QKeySequence("Ctrl+R"))
        self.visit_button.setEnabled(False)
        self.group_box = QCheckBox("按村（社区）分组")
        self.group_box.setToolTip("按村（社区）排列，便于一个村一个村地安排探访；每村内逾期最久的在前")
        actions = FlowLayout()
        actions.addWidget(self.round_button)
        actions.addWidget(self.visit_button)
        actions.add_stretch()
        actions.addWidget(self.group_box)
        self.group_box.toggled.connect(self._group)
        self.body.insertLayout(1, actions)
        self.round_button.clicked.connect(self.plan_round)
        self.visit_button.clicked.connect(self.record_visit)
        self.table.selectionModel().selectionChanged.connect(self._update_visit_button)
        self.model.modelReset.connect(self._update_visit_button)

    def _group(self, on: bool) -> None:
        self.grouping.by_village = on
        self._search()

    def _update_visit_button(self) -> None:
        key = self.table.current_key()
        self.visit_button.setEnabled(self.session.actor.can_write and isinstance(key, due.DueKey)
                                     and key.program in VISIT_DIALOGS)

    def plan_round(self) -> None:
        present(RoundDialog(self.session, self.filter_bar.village_id, self))

    def record_visit(self) -> None:
        key = self.table.current_key()
        if isinstance(key, due.DueKey) and key.program in VISIT_DIALOGS:
            VISIT_DIALOGS[key.program](self.session, key.person_id, parent=self)
