"""Care for dispersed 特困 people: the care agreement (照料服务协议: carer, duties, fee, term) with
its care visits, and the care visit itself, recorded like an elderly rounds' visit with the next
one proposed from the county's interval.

The agreement is printed for the three parties to sign (照料服务协议书); its date of signing is
filled in once it is signed, as with the children's agreements.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import qtawesome as qta
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station_app import paths
from station_app.core.errors import KnownError
from station_app.core.fields import format_money
from station_app.core.ledger import CARE_DUTIES, care_term_end
from station_app.jobs import ledger as ledger_jobs
from station_app.store import care, people
from station_app.ui.changes import FollowsChanges
from station_app.ui.child_dialogs import print_and_open
from station_app.ui.elder_dialogs import VISIT_COLUMNS, VISIT_FIELDS
from station_app.ui.ledger_dialogs import LedgerDialog, table_of
from station_app.ui.models import ListTableModel
from station_app.ui.person_picker import PersonPicker
from station_app.ui.program_dialogs import VisitDialogBase, present_editor
from station_app.ui.session import Session


def _care_picker(session: Session) -> PersonPicker:
    return PersonPicker(session, "输入姓名、拼音首字母或身份证号查找已登记的被照料人",
                        mark=lambda row: "（在老年人探访名单）" if row["is_elder"] else "")


class CareAgreementDialog(FollowsChanges, LedgerDialog):
    """Add (record None: pick the person, unless given) or open a care agreement; an existing one
    lists the person's care visits, records a new one and prints the agreement to sign."""

    ENTITY = "care_agreement"
    FIELDS = ("carer_name", "carer_relation", "carer_phone", "carer_id_number", "carer_address", "fee", "signed_on",
              "expires_on", "duties", "notes")
    TITLES = ("新增照料服务协议", "照料服务协议")
    SAVE = staticmethod(care.save_agreement)
    CONCERNS = frozenset({"visit"})

    def __init__(self, session: Session, record: dict[str, Any] | None = None, parent: QWidget | None = None, *,
                 person_id: str | None = None) -> None:
        self._given_person = record["person_id"] if record else person_id
        super().__init__(session, record, parent)
        if self.picker is not None:
            self.picker.search.setFocus()
        if record is not None:
            self.follow_changes(session.changes)

    def build(self, layout: QVBoxLayout) -> None:
        top = QVBoxLayout()
        self._person_section(top, self.session, self._given_person, _care_picker, "被照料人")
        hint = QLabel("签订日期留空即为“待签字”：可先打印协议书，三方签字后再填签订日期。")
        hint.setStyleSheet("color: #555555;")
        top.addWidget(hint)
        layout.insertLayout(0, top)
        if self.record is None:
            return
        self.visits = table_of(VISIT_COLUMNS, care.person_visits(self.session.database, self.record["person_id"]), 5)
        self.visits.opened.connect(self._open_visit)
        self.visit_button = QPushButton(qta.icon("fa6s.clipboard-check"), "登记照料探访")
        self.visit_button.setEnabled(self.writer)
        self.visit_button.clicked.connect(lambda: self._open_visit(None))
        self.print_button = QPushButton(qta.icon("fa6s.print"), "打印协议书")
        self.print_button.clicked.connect(self.print_agreement)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>照料探访记录</b>（了解照料人是否按协议照料）"), 1)
        for button in (self.visit_button, self.print_button):
            button.setAutoDefault(False)
            bar.addWidget(button)
        layout.addLayout(bar)
        layout.addWidget(self.visits)

    def defaults(self) -> dict[str, Any]:
        today = dt.date.today()
        if self._given_person:
            return care.draft(self.session.database, self._given_person, today)
        return {"duties": CARE_DUTIES,
                "expires_on": care_term_end(today, care.rules(self.session.database, today)).isoformat()}

    def refresh(self) -> None:
        """A care visit was saved: read the person's visits again."""
        assert self.record is not None
        model = self.visits.model()
        assert isinstance(model, ListTableModel)
        model.set_rows(care.person_visits(self.session.database, self.record["person_id"]))

    def _open_visit(self, visit_id: str | None) -> None:
        assert self.record is not None
        existing = self.session.store.get("visit", visit_id) if visit_id else None
        open_care_visit(self.session, self.record["person_id"], existing, self)

    def print_agreement(self) -> None:
        assert self.record is not None
        name = people.person_rows(self.session.database, [self.record["person_id"]])[self.record["person_id"]]["name"]
        print_and_open(self, self.session, "正在生成照料服务协议书", ledger_jobs.care_agreement, self.record["id"],
                       paths.print_path(self.session.data_dir, f"照料服务协议书-{name}"))

    def save(self) -> None:
        values = self.form.values()
        if self._take_person(values, "被照料人"):
            self.write(care.save_agreement, values, self.record, refused=self._agreement_refused)

    def _agreement_refused(self, exc: KnownError) -> None:
        self._person_refused(exc)
        self._refused(self.form, (*self.FIELDS, "person_id"), exc)


class CareVisitDialog(VisitDialogBase):
    """Record (record None) or correct a care visit: how the person lives and is cared for."""

    FIELDS = VISIT_FIELDS
    DUE_INPUTS = ("visit_date", "next_due")
    DEFAULTS = {"method": "home", "seen_in_person": True}
    LEFT_OUT = {"method": ("school",)}
    TITLES = ("登记照料探访", "修改照料探访记录")

    def profile_line(self) -> str:
        deals = [a for a in care.agreements(self.session.database, self.person_id) if a.get("signed_on")]
        if not deals:
            return "尚无已签订的照料服务协议"
        deal = deals[0]
        fee = f"　照料服务费 {format_money(deal['fee'])} 元/月" if deal.get("fee") is not None else ""
        return (f"照料人：{deal['carer_name']}（{deal.get('carer_relation') or '关系未填'}）"
                f"　协议：{deal['signed_on']} 至 {deal.get('expires_on') or '长期'}{fee}")

    def proposal(self, values: dict[str, Any], day: dt.date) -> tuple[dt.date, str]:
        proposed = care.suggested_next_due(self.session.database, day)
        return proposed, f"按县里规定的照料探访间隔，下次探访应在 {proposed.isoformat()} 前"

    store_visit = staticmethod(care.save_visit)


def open_care_agreement(session: Session, agreement_id: str | None, parent: QWidget | None = None, *,
                        person_id: str | None = None) -> QDialog:
    record = session.store.get("care_agreement", agreement_id) if agreement_id else None
    return present_editor(CareAgreementDialog(session, record, parent, person_id=person_id))


def open_care_visit(session: Session, person_id: str, record: dict[str, Any] | None = None,
                    parent: QWidget | None = None) -> QDialog:
    return present_editor(CareVisitDialog(session, person_id, record, parent))
