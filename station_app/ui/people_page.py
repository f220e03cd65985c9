"""The people list: find anyone in the township while typing, and open, add or remove them.

Every action a worker needs is a button with its shortcut (Ctrl+N new, Enter edit, Del delete,
Ctrl+P print the registration card, Ctrl+F search). Buttons mirror the actor's role so a viewer is not invited to do what the store
will refuse anyway; the store remains the one that actually says no.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QMenu, QMessageBox, QPushButton, QWidget

from station_app import paths
from station_app.core.entities import entity
from station_app.core.errors import KnownError
from station_app.core.status_roster import ROSTER
from station_app.jobs import people as people_jobs
from station_app.store import people
from station_app.store.records import RecordStore
from station_app.ui import print_preview
from station_app.ui.dialogs import present
from station_app.ui.flow_layout import FlowLayout
from station_app.ui.household_dialog import open_household
from station_app.ui.models import PersonTableModel
from station_app.ui.operations import run_job, run_write, show_error
from station_app.ui.person_dialog import open_person
from station_app.ui.record_list import ListPage
from station_app.ui.session import Session

READ_ONLY_TIP = "只读账号不能新增、修改或删除人员"


def _button(icon: str, text: str, shortcut: QKeySequence | None = None) -> QPushButton:
    button = QPushButton(qta.icon(icon), text)
    if shortcut is not None:
        button.setShortcut(shortcut)
        button.setToolTip(f"{text}（{shortcut.toString(QKeySequence.SequenceFormat.NativeText)}）")
    return button


class PeoplePage(ListPage):
    """Search, filter and manage the station's people."""

    CONCERNS = frozenset({"person", "household", "village", "child_profile", "elder_profile"})

    export_name = "人员名单"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, PersonTableModel(session.database, session.actor), "共 {n} 人", parent)
        writer = session.actor.can_write
        self.add_button = _button("fa6s.user-plus", "新增人员", QKeySequence(QKeySequence.StandardKey.New))
        self.edit_button = _button("fa6s.pen-to-square", "编辑")
        self.edit_button.setToolTip("编辑所选人员（Enter 或双击）")
        self.delete_button = _button("fa6s.trash-can", "删除")
        self.delete_button.setToolTip("删除所选人员（Del）")
        self.household_button = _button("fa6s.people-roof", "查看家庭")
        self.print_button = _button("fa6s.print", "打印登记表", QKeySequence(QKeySequence.StandardKey.Print))
        self.import_button = _button("fa6s.file-import", "从Excel导入…")
        self.import_button.setToolTip("把原有的 Excel 台账中的人员，或县里的救助对象名册（低保、特困等）导入（先检查，再导入）")
        self.import_button.setEnabled(writer)
        menu = QMenu(self.import_button)
        menu.addAction("人员台账…", self.import_ledger)
        menu.addAction("救助对象名册（低保、特困、低收入等）…", self.import_roster)
        self.import_button.setMenu(menu)
        self.full_ids = QCheckBox("显示完整身份证号和电话")
        self.full_ids.setVisible(session.actor.can_see_full_id)
        if not writer:
            for button in (self.add_button, self.edit_button, self.delete_button):
                button.setToolTip(READ_ONLY_TIP)
        actions = FlowLayout()
        for button in (self.add_button, self.edit_button, self.delete_button, self.household_button,
                       self.print_button, self.import_button):
            actions.addWidget(button)
        actions.add_stretch()
        actions.addWidget(self.full_ids)
        self.body.insertLayout(1, actions)

        self.table.opened.connect(self._open)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.add_button.clicked.connect(self.add_person)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.household_button.clicked.connect(self.show_household)
        self.print_button.clicked.connect(self.print_card)
        self.full_ids.toggled.connect(self.model.set_show_full_ids)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table, self.delete_button.click,
                  Qt.ShortcutContext.WidgetShortcut)
        self.refresh()

    def _update_buttons(self) -> None:
        chosen = self.table.current_key() is not None
        writer = self.session.actor.can_write
        self.add_button.setEnabled(writer)
        self.edit_button.setEnabled(writer and chosen)
        self.delete_button.setEnabled(writer and chosen)
        self.household_button.setEnabled(chosen)
        self.print_button.setEnabled(chosen)

    # -- actions ---------------------------------------------------------------------------

    def add_person(self) -> None:
        open_person(self.session, None, self, village_id=self.filter_bar.village_id, on_saved=self.show_record)

    def import_ledger(self) -> None:
        from station_app.ui.import_dialog import ImportDialog  # openpyxl: only when someone imports

        present(ImportDialog(self.session, self))

    def import_roster(self) -> None:
        """The county's roster of assistance statuses: each line a status on a registered person or household."""
        from station_app.ui.import_dialog import ImportDialog  # openpyxl: only when someone imports

        present(ImportDialog(self.session, self, ROSTER))

    def edit_selected(self) -> None:
        self._open(self.table.current_key())

    def _open(self, person_id: str | None) -> None:
        if person_id is not None:
            open_person(self.session, person_id, self, on_saved=self.show_record)

    def delete_selected(self) -> None:
        """Ask, then tombstone the selected person (the deletion itself syncs to the county)."""
        position = self.table.currentIndex().row()
        row = self.model.row(position) if self.table.current_key() is not None else None
        if row is None:
            return
        keys = self.model.keys
        neighbour = keys[position + 1] if position + 1 < len(keys) else keys[position - 1] if position else None
        linked = Counter(entity(name).label for name, _ in people.person_records(self.session.database, row["id"]))
        if linked:
            # The store would refuse anyway; say so before asking, and say what to do instead.
            QMessageBox.information(self, "删除人员", f"「{row['name']}」还有"
                                    + "、".join(f"{label} {n} 条" for label, n in linked.items())
                                    + "，不能删除。如确属误登记，请先删除或办结这些记录。")
            return
        question = f"确定要删除「{row['name']}」吗？\n\n删除后此人不再出现在名单中，删除记录会同步到县民政局。"
        answer = QMessageBox.question(self, "删除人员", question, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            run_write(self, self.session, RecordStore.delete, "person", row["id"], row["rev"], busy=self.delete_button,
                      on_done=lambda _deleted: self.show_record(neighbour))

    def print_card(self) -> None:
        """The selected person's registration card as a PDF in the data folder's prints/, shown in
        the print preview."""
        person_id = self.table.current_key()
        if person_id is None:
            return
        name = self.model.row(self.table.currentIndex().row())["name"]
        out = paths.print_path(self.session.data_dir, f"登记表-{name}")
        self.printed = None
        run_job(self, "正在生成登记表", people_jobs.person_cards, self.session.actor, [person_id], out,
                self.model.full_ids_shown, db_path=self.session.db_path, on_done=self._printed)

    def _printed(self, path: Path) -> None:
        self.printed = path
        print_preview.show_printed(self, path)

    def show_household(self) -> None:
        person_id = self.table.current_key()
        if person_id is None:
            return
        try:
            household_id = self.session.store.get("person", person_id)["household_id"]
        except KnownError as exc:
            show_error(self, exc)
            return
        if not household_id:
            QMessageBox.information(self, "查看家庭", "此人尚未登记所属家庭。可以在“编辑”中选择所属家庭。")
            return
        open_household(self.session, household_id, self, person_id=person_id)
