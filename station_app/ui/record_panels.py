"""Lists of the records that belong to something, with 登记…, 修改… and 删除 beside them: a person's or
a household's assistance statuses, a household's means checks, a relief case's rigid expenses.

Each panel says which records it lists, which dialog edits one and how one is taken out; the list,
its buttons, the confirmation and following the change signal are here once. Saves run off the UI
thread through the store, whose checks hold what may be written (a viewer's buttons stay off).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

import qtawesome as qta
from PySide6.QtWidgets import QDialog, QHBoxLayout, QMessageBox, QPushButton, QVBoxLayout, QWidget

from station_app.core import assistance
from station_app.core.entities import entity
from station_app.core.fields import format_money
from station_app.core.relief import AMENDABLE
from station_app.store import assistance as assistance_store
from station_app.store import relief, relief_expenses
from station_app.store.records import RecordStore
from station_app.ui.changes import FollowsChanges
from station_app.ui.dialogs import present
from station_app.ui.entry_dialog import EntryDialog
from station_app.ui.models import Column, ListTableModel, Row, choice_text
from station_app.ui.operations import run_write
from station_app.ui.record_list import RecordTable
from station_app.ui.session import Session


class RecordPanel(FollowsChanges, QWidget):
    """A list of records of `ENTITY` with buttons to add, change and take one out."""

    ENTITY: ClassVar[str]
    COLUMNS: ClassVar[tuple[Column, ...]]
    NOUN: ClassVar[str]  # what one record is called on the buttons

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = ListTableModel(self.COLUMNS, parent=self)
        self.table = RecordTable()
        self.table.setModel(self.model)
        self.add_button = QPushButton(qta.icon("fa6s.plus"), f"登记{self.NOUN}…")
        self.edit_button = QPushButton(qta.icon("fa6s.pen-to-square"), "修改…")
        self.remove_button = QPushButton(qta.icon("fa6s.trash-can"), "删除")
        self.buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            button.setAutoDefault(False)
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)
        self.add_button.clicked.connect(lambda: present(self.editor(None)))
        self.edit_button.clicked.connect(self._edit)
        self.remove_button.clicked.connect(self._remove)
        self.table.opened.connect(lambda _key: self._edit())
        self.table.selectionModel().selectionChanged.connect(self._enable)
        self.refresh()
        self.follow_changes(session.changes)

    def rows(self) -> list[Row]:
        raise NotImplementedError

    def editor(self, record: Row | None) -> QDialog:
        raise NotImplementedError

    def writable(self) -> bool:
        return self.session.actor.can_write_entity(self.ENTITY)

    def removal(self, record: Row) -> Callable[[RecordStore], Any]:
        return partial(RecordStore.delete, entity_name=self.ENTITY, record_id=record["id"], base_rev=record["rev"])

    def refresh(self) -> None:
        self.model.set_rows(self.rows())
        self._enable()

    def current(self) -> Row | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if self.table.current_key() is not None else None

    def _enable(self) -> None:
        writable = self.writable()
        self.add_button.setEnabled(writable)
        self.edit_button.setEnabled(self.current() is not None)  # a viewer opens it to read
        self.remove_button.setEnabled(writable and self.current() is not None)

    def _edit(self) -> None:
        record = self.current()
        if record is not None:
            present(self.editor(record))

    def _remove(self) -> None:
        record = self.current()
        if record is None or QMessageBox.question(
                self, f"删除{self.NOUN}", f"确定删除这条{entity(self.ENTITY).label}记录吗？删除会记入修改记录。"
        ) != QMessageBox.StandardButton.Yes:
            return
        run_write(self, self.session, self.removal(record), busy=self.remove_button)


class RecordEditor(EntryDialog):
    """Add (record None) or change a record of a panel's entity; a viewer only reads it."""

    def __init__(self, session: Session, entity_name: str, names: tuple[str, ...], title: str, hint: str,
                 record: Row | None, parent: QWidget | None = None, *, fixed: dict[str, Any] | None = None,
                 choices: dict[str, list[tuple[str, str]]] | None = None,
                 defaults: dict[str, Any] | None = None) -> None:
        self.session = session
        self.entity_name = entity_name
        self.record = record
        self.fixed = fixed or {}  # what the panel decides: whose record it is
        super().__init__(entity_name, names, title, hint, "保存", parent, choices=choices)
        shown = dict(record) if record is not None else defaults  # `defaults`: what a new record starts with
        if shown:
            self.form.set_values(shown)
        self.ok_button.setEnabled(session.actor.can_write_entity(entity_name))

    def write(self, values: dict[str, Any]) -> Callable[[RecordStore], Any]:
        values = {**values, **self.fixed}
        if self.record is None:
            return partial(RecordStore.create, entity_name=self.entity_name, data=values)
        return partial(RecordStore.update, entity_name=self.entity_name, record_id=self.record["id"], changes=values,
                       base_rev=self.record["rev"])


# -- assistance statuses -----------------------------------------------------------------------------

STATUS_FIELDS = ("kind", "level", "starts_on", "ends_on", "certificate_no", "issued_by", "notes")


class StatusPanel(RecordPanel):
    """救助保障身份 of one person (`person_id`) or one household (`household_id`)."""

    CONCERNS = frozenset({"assistance_status", "reference_value"})
    ENTITY = "assistance_status"
    NOUN = "救助身份"
    COLUMNS = (
        Column("类别", "kind_label", sample="事实无人抚养儿童"),
        Column("等级", "level", sample="B类"),
        Column("起始日期", "starts_on", sample="2026-01-01"),
        Column("终止日期", lambda r: r["ends_on"] or "长期", sample="2026-12-31", warn=lambda r: r["expiring"]),
        Column("证书编号", "certificate_no", sample="顺低保2026017"),
        Column("认定机关", "issued_by", sample="顺城区民政局"),
    )

    def __init__(self, session: Session, *, person_id: str | None = None, household_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        self.holder = {"person_id": person_id} if person_id else {"household_id": household_id}
        super().__init__(session, parent)

    def rows(self) -> list[Row]:
        today = dt.date.today()
        rule = assistance_store.kinds_rule(self.session.database, today)
        found = assistance_store.statuses(self.session.database, person_ids=[self.holder.get("person_id") or ""],
                                          household_ids=[self.holder.get("household_id") or ""])
        return [{**s, "kind_label": assistance.kind_label(rule, s["kind"]),
                 "expiring": assistance.expiring(s, rule, today)} for s in found]

    def editor(self, record: Row | None) -> QDialog:
        rule = assistance_store.kinds_rule(self.session.database, dt.date.today())
        subject = "person" if "person_id" in self.holder else "household"
        kinds = [(k.code, k.label) for k in assistance.kinds(rule) if subject in k.applies_to]
        # The start is the day the status was granted (today unless the worker types the decision's
        # day); the end is the certificate's "有效期至", blank for a status without one.
        return RecordEditor(self.session, self.ENTITY, STATUS_FIELDS, "救助保障身份",
                            "类别由县民政局下发。起始日期不能晚于今天；终止日期按证书有效期填写（可以是以后的日期，"
                            "长期有效的不填），到期前会出现在“待办提醒”中。月报按这两个日期统计月末在保的对象。",
                            record, self, fixed=self.holder, choices={"kind": kinds},
                            defaults={"starts_on": dt.date.today().isoformat()})


# -- household means checks --------------------------------------------------------------------------

MEANS_FIELDS = ("authorized_on", "requested_on", "requested_to", "result_on", "document_no", "income", "assets",
                "verdict", "notes")


def _money(name: str) -> Callable[[Row], str]:
    return lambda r: format_money(r.get(name))


class MeansPanel(RecordPanel):
    """家庭经济状况核对 of a relief case's household: the authorization letter, the request, the result."""

    CONCERNS = frozenset({"means_check"})
    ENTITY = "means_check"
    NOUN = "核对"
    COLUMNS = (
        Column("授权书签字", "authorized_on", sample="2026-11-16"),
        Column("提请核对", "requested_on", sample="2026-11-16"),
        Column("核对机构", "requested_to", sample="顺城区社会救助家庭经济状况核对中心"),
        Column("结果日期", "result_on", sample="2026-11-20"),
        Column("核对结论", choice_text("means_check", "verdict"), sample="超出救助条件"),
        Column("家庭年收入", _money("income"), sample="123,456.00", align_right=True),
        Column("报告编号", "document_no", sample="顺核字〔2026〕118号"),
    )

    def __init__(self, session: Session, case: Row, parent: QWidget | None = None) -> None:
        self.case = case
        super().__init__(session, parent)

    def writable(self) -> bool:
        return super().writable() and bool(self.case["household_id"])

    def rows(self) -> list[Row]:
        return list(assistance_store.means_checks(self.session.database, self.case["household_id"]))

    def editor(self, record: Row | None) -> QDialog:
        return RecordEditor(self.session, self.ENTITY, MEANS_FIELDS, "家庭经济状况核对",
                            "每位成年家庭成员在核对授权书上签字后提请核对；核对机构出具结果后，登记结论、日期和报告编号。",
                            record, self, fixed={"household_id": self.case["household_id"],
                                                 "relief_case_id": self.case["id"]})


# -- a 支出型 case's rigid expenses --------------------------------------------------------------------

EXPENSE_FIELDS = ("category", "amount", "description", "evidence", "incurred_on")


class ExpenseEditor(RecordEditor):
    """An expense of the case, written with the case's suggested amount brought in line."""

    def write(self, values: dict[str, Any]) -> Callable[[RecordStore], Any]:
        if self.record is None:
            return partial(relief_expenses.add, case_id=self.fixed["relief_case_id"], data=values)
        return partial(relief_expenses.change, expense_id=self.record["id"], base_rev=self.record["rev"],
                       changes=values)


class ExpensePanel(RecordPanel):
    """刚性支出 of a 支出型 case, open to change while the case is being verified."""

    CONCERNS = frozenset({"rigid_expense"})
    ENTITY = "rigid_expense"
    NOUN = "刚性支出"
    COLUMNS = (
        Column("类别", choice_text("rigid_expense", "category"), sample="教育"),
        Column("金额（元）", _money("amount"), sample="123,456.00", align_right=True),
        Column("支出事项", "description", sample="透析治疗医保报销后自付部分"),
        Column("凭证", "evidence", sample="抚顺市中心医院收费票据12张"),
        Column("发生日期", "incurred_on", sample="2026-11-20"),
    )

    def __init__(self, session: Session, case: Row, parent: QWidget | None = None) -> None:
        self.case = case
        super().__init__(session, parent)

    def writable(self) -> bool:
        return super().writable() and self.case["status"] in AMENDABLE

    def rows(self) -> list[Row]:
        return relief.expenses(self.session.database, self.case["id"])

    def removal(self, record: Row) -> Callable[[RecordStore], Any]:
        return partial(relief_expenses.remove, expense_id=record["id"], base_rev=record["rev"])

    def editor(self, record: Row | None) -> QDialog:
        return ExpenseEditor(self.session, self.ENTITY, EXPENSE_FIELDS, "刚性支出",
                             "医疗、教育、灾害等刚性支出，写明凭证；建议金额按县里的支出型救助办法重新计算。", record, self,
                             fixed={"relief_case_id": self.case["id"]})
