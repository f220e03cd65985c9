"""The household view: who lives together, and every program record that concerns each of them.

A grandmother who is on the elderly rounds and is also her grandson's guardian appears once,
with both roles beside her name: the view joins what the programs record separately, so a
worker sees the family as the family sees itself.
"""

from __future__ import annotations

from typing import Any

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from station_app.core.entities import CHILD_PROFILE, HOUSEHOLD, PERSON, entity
from station_app.core.idnumber import mask
from station_app.store import people
from station_app.ui.changes import FollowsChanges
from station_app.ui.dialogs import present
from station_app.ui.models import Column, ListTableModel, age, choice_text, field_text
from station_app.ui.person_dialog import open_person
from station_app.ui.record_panels import StatusPanel
from station_app.ui.record_list import RecordTable
from station_app.ui.session import Session

# What a record's one-line summary shows, and which date dates it.
SUMMARY_FIELDS = {
    "child_profile": ("category", "risk_level", "status", "guardian_name"),
    "elder_profile": ("categories", "risk_level", "ability_level", "status"),
    "child_report": ("urgency", "stage", "description"),
    "visit": ("program", "method", "visitor", "findings"),
    "relief_case": ("case_no", "case_type", "status", "amount_approved"),
    "intake_report": ("channel", "description", "triage"),
    "care_agreement": ("carer_name", "signed_on", "expires_on"),
}
DATE_FIELDS = {"visit": "visit_date", "relief_case": "applied_on", "child_report": "reported_at",
               "intake_report": "received_at", "care_agreement": "signed_on"}
# Profiles and cases before the (many) visits.
ORDER = ("child_profile", "elder_profile", "child_report", "intake_report", "relief_case", "care_agreement", "visit")
# Roles a member holds in another member's child record.
CARE_ROLES = (("guardian_person_id", "监护人"), ("caregiver_person_id", "受委托照护人"))
# Short names of what a member is in, for the members list.
ROLE_NAMES = {"child_profile": "留守儿童", "elder_profile": "特殊困难老年人", "child_report": "强制报告",
              "relief_case": "临时救助", "intake_report": "主动发现", "care_agreement": "特困照料"}

MEMBER_COLUMNS = (
    Column("姓名", "name", sample="欧阳晓明明"),
    Column("与户主关系", choice_text("person", "relation_to_head"), sample="与户主关系"),
    Column("性别", choice_text("person", "gender"), sample="男"),
    Column("年龄", lambda r: age(r.get("birth_date")), sample="100", align_right=True),
    Column("身份证号", lambda r: mask(r.get("id_number")), sample="21041119501231123X"),
    Column("参与项目", "roles", sample="特殊困难老年人、走访 12 次、留守儿童监护人（王小明、王小红）"),
)
RECORD_COLUMNS = (
    Column("类别", "kind", sample="留守儿童档案（受委托照护人）"),
    Column("日期", "date", sample="2026-11-23"),
    Column("内容", "summary", sample="儿童类别 农村留守儿童；风险等级 低；状态 在册；监护人姓名 王建国"),
)


def summarize(entity_name: str, record: dict[str, Any]) -> str:
    """One line a worker can read: the record's key fields with their labels."""
    spec = entity(entity_name)
    parts = []
    for name in SUMMARY_FIELDS.get(entity_name, ()):
        text = field_text(spec.field(name), record.get(name))
        if text:
            parts.append(f"{spec.field(name).label} {text}")
    return "；".join(parts)


def record_rows(member: dict[str, Any], members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every record about `member`, plus the child records of others that name them as carer."""
    rows = []
    for entity_name, record in member["records"]:
        date = record.get(DATE_FIELDS.get(entity_name, "")) or record["updated_at"]
        rows.append({"id": record["id"], "kind": entity(entity_name).label, "date": date[:10],
                     "summary": summarize(entity_name, record), "rank": ORDER.index(entity_name)})
    for other, record, role in care_links(member, members):
        rows.append({"id": record["id"], "kind": f"{CHILD_PROFILE.label}（{role}）", "date": record["updated_at"][:10],
                     "summary": f"儿童 {other['name']}；" + summarize("child_profile", record), "rank": 0})
    rows.sort(key=lambda r: r["date"], reverse=True)
    rows.sort(key=lambda r: r["rank"])
    return rows


def care_links(member: dict[str, Any], members: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any], str]]:
    """(child, child record, role) for each child in the household this member cares for."""
    links = []
    for other in members:
        for entity_name, record in other["records"]:
            if entity_name != "child_profile":
                continue
            links += [(other, record, role) for column, role in CARE_ROLES if record.get(column) == member["id"]]
    return links


def member_roles(member: dict[str, Any], members: list[dict[str, Any]]) -> str:
    """What a member is in, in a few words: "特殊困难老年人、走访 12 次、留守儿童监护人（王小明）"."""
    roles = [ROLE_NAMES[name] for name in dict.fromkeys(name for name, _ in member["records"]) if name in ROLE_NAMES]
    visits = sum(1 for name, _ in member["records"] if name == "visit")
    if visits:
        roles.append(f"走访 {visits} 次")
    cared_for: dict[str, list[str]] = {}
    for child, _record, role in care_links(member, members):
        cared_for.setdefault(role, []).append(child["name"])
    roles += [f"留守儿童{role}（{'、'.join(names)}）" for role, names in cared_for.items()]
    return "、".join(roles)


class HouseholdDialog(FollowsChanges, QDialog):
    """A household, its members and their records; double-click a member to open them. A member
    edited from here (or anything else about the family) shows as soon as it is stored."""

    CONCERNS = frozenset({"person", "household", "village", "child_profile", "elder_profile", "relief_case", "visit",
                          "intake_report"})

    def __init__(self, session: Session, household_id: str, parent: QWidget | None = None, *,
                 person_id: str | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.household_id = household_id
        self._members: list[dict[str, Any]] = []

        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        info_box = QGroupBox("家庭信息")
        QVBoxLayout(info_box).addWidget(self.info)
        self.members_box = QGroupBox("家庭成员")
        self.members = RecordTable()
        self.members.setModel(ListTableModel(MEMBER_COLUMNS, parent=self))
        QVBoxLayout(self.members_box).addWidget(self.members)
        self.records_box = QGroupBox("项目记录")
        self.records = RecordTable()
        self.records.setModel(ListTableModel(RECORD_COLUMNS, parent=self))
        QVBoxLayout(self.records_box).addWidget(self.records)
        self.statuses_box = QGroupBox("家庭的救助保障身份（低保、低收入家庭等）")
        QVBoxLayout(self.statuses_box).addWidget(StatusPanel(session, household_id=household_id))

        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton("打开人员", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setIcon(qta.icon("fa6s.user"))
        self.open_button.setAutoDefault(False)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        self.open_button.clicked.connect(lambda: self._open_member(self.members.current_key()))

        layout = QVBoxLayout(self)
        layout.addWidget(info_box)
        layout.addWidget(self.members_box, 2)
        layout.addWidget(self.statuses_box, 1)
        layout.addWidget(self.records_box, 3)
        layout.addWidget(buttons)

        self.members.opened.connect(self._open_member)
        self.members.selectionModel().selectionChanged.connect(self._show_records)
        self.refresh(person_id)
        self.resize(1080, 720)
        self.follow_changes(session.changes)

    def refresh(self, person_id: str | None = None) -> None:
        """Re-read the household, selecting `person_id` (else the member selected before)."""
        person_id = person_id or self.members.current_key()
        overview = people.household_overview(self.session.database, self.household_id)
        household, village = overview["household"], overview["village"]
        self._members = overview["members"]
        self.setWindowTitle(f"家庭 — {household['head_name']}家")
        values = {"village_id": village["name"] if village else "",
                  **{name: household[name] for name in ("head_name", "address", "phone", "notes")}}
        self.info.setText("　　".join(f"{HOUSEHOLD.field(name).label}：{value}" for name, value in values.items() if value))
        self.members_box.setTitle(f"家庭成员（{len(self._members)} 人）")
        rows = [{**m, "roles": member_roles(m, self._members)} for m in self._members]
        model = self.members.model()
        assert isinstance(model, ListTableModel)
        model.set_rows(rows)
        ids = [m["id"] for m in self._members]
        self.members.select_row(ids.index(person_id) if person_id in ids else 0)
        self._show_records()

    def _show_records(self) -> None:
        current = self.members.current_key()
        member = next((m for m in self._members if m["id"] == current), None)
        self.open_button.setEnabled(member is not None)
        model = self.records.model()
        assert isinstance(model, ListTableModel)
        if member is None:
            self.records_box.setTitle("项目记录")
            model.set_rows([])
            return
        rows = record_rows(member, self._members)
        self.records_box.setTitle(f"{member['name']}（{PERSON.field('relation_to_head').choice_label(member['relation_to_head']) or '成员'}）的项目记录（{len(rows)} 条）")
        model.set_rows(rows)

    def _open_member(self, person_id: str | None) -> None:
        if person_id is not None:
            open_person(self.session, person_id, self)


def open_household(session: Session, household_id: str, parent: QWidget | None = None, *,
                   person_id: str | None = None) -> HouseholdDialog:
    return present(HouseholdDialog(session, household_id, parent, person_id=person_id))
