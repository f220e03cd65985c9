"""The people page, the person dialog and the household view, as a worker uses them."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialog, QMessageBox  # noqa: E402

from station_app.core.idnumber import mask  # noqa: E402
from station_app.store import people  # noqa: E402
from station_app.ui import print_preview  # noqa: E402
from station_app.ui import people_page  # noqa: E402
from station_app.ui.household_dialog import HouseholdDialog  # noqa: E402
from station_app.ui.people_page import PeoplePage  # noqa: E402
from station_app.ui.person_dialog import PersonDialog  # noqa: E402
from tests.helpers import count  # noqa: E402
from tests.ui_helpers import column_texts, press_refused, wait_for_list  # noqa: E402

pytest_plugins = ["tests.ui_fixtures"]

pytestmark = pytest.mark.gui
# Showing a window on the offscreen platform makes Qt say this; it says nothing about our code.
ZHANG_SAN_ID = "11010519491231002X"


@pytest.fixture
def zhang_san(session, demo_people) -> dict:
    return session.store.create("person", {"name": "张三", "id_number": ZHANG_SAN_ID, "phone": "13912345678"})


@pytest.fixture
def page(qtbot, session, demo_people, zhang_san) -> PeoplePage:
    widget = PeoplePage(session)
    qtbot.addWidget(widget)
    wait_for_list(qtbot, widget.model)
    return widget


class Answers:
    """Stands in for QMessageBox's static dialogs: records what was said, answers as told."""

    def __init__(self, monkeypatch, answer=QMessageBox.StandardButton.Yes) -> None:
        self.said: list[tuple[str, str]] = []
        for kind in ("question", "warning", "information"):
            monkeypatch.setattr(QMessageBox, kind, self._say(kind, answer))

    def _say(self, kind, answer):
        def said(_parent, _title, text, *_args):
            self.said.append((kind, text))
            return answer
        return staticmethod(said)

    def texts(self, kind: str) -> list[str]:
        return [text for k, text in self.said if k == kind]


def on_screen(qtbot, page: PeoplePage) -> None:
    """Show the page in an active window with the table focused: keyboard shortcuts need that."""
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.table.setFocus()


def select(page: PeoplePage, name: str) -> dict:
    row = column_texts(page.model, "姓名").index(name)
    page.table.select_row(row)
    return page.model.row(row)


# -- the list ----------------------------------------------------------------------------------


def test_typing_pinyin_initials_finds_zhang_san(qtbot, page):
    qtbot.keyClicks(page.filter_bar.search, "zs")
    qtbot.waitUntil(lambda: page.model.rowCount() < 300)
    wait_for_list(qtbot, page.model)
    names = column_texts(page.model, "姓名")
    assert "张三" in names
    assert page.filter_bar.count.text() == f"共 {len(names)} 人"
    qtbot.keyClicks(page.filter_bar.search, "qqq")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    assert page.filter_bar.count.text() == "共 0 人"


def test_the_village_filter_narrows_the_list(qtbot, page, session):
    village = people.villages(session.database)[0]
    page.filter_bar.village.setCurrentIndex(page.filter_bar.village.findData(village["id"]))
    wait_for_list(qtbot, page.model)
    shown = set(column_texts(page.model, "村（社区）"))
    assert shown == {village["name"]}


def test_the_table_shows_masked_ids_unless_asked(qtbot, page):
    row = column_texts(page.model, "姓名").index("张三")
    shown = page.model.index(row, page.model.masked_columns[0])
    assert shown.data() == mask(ZHANG_SAN_ID) == "1101**********002X"
    page.full_ids.setChecked(True)
    assert shown.data() == ZHANG_SAN_ID


def test_a_viewer_sees_no_full_ids_and_no_editing_buttons(qtbot, viewer_session, demo_people, zhang_san):
    page = PeoplePage(viewer_session)
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    select(page, "张三")
    assert page.full_ids.isHidden()
    assert not page.add_button.isEnabled()
    assert not page.edit_button.isEnabled() and not page.delete_button.isEnabled()
    assert page.household_button.isEnabled()  # looking is allowed


def test_a_viewers_delete_is_refused_by_the_store(qtbot, viewer_session, demo_people, zhang_san, monkeypatch):
    page = PeoplePage(viewer_session)
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    select(page, "张三")
    answers = Answers(monkeypatch)
    before = count(viewer_session.database, "outbox")
    page.delete_selected()  # as if the disabled button had been got round
    qtbot.waitUntil(lambda: bool(answers.texts("warning")), timeout=10000)
    assert any("只读" in text for text in answers.texts("warning"))
    assert count(viewer_session.database, "outbox") == before
    assert viewer_session.store.get("person", zhang_san["id"])["deleted"] == 0


def test_delete_asks_first_then_tombstones(qtbot, page, session, zhang_san, monkeypatch):
    on_screen(qtbot, page)
    select(page, "张三")
    answers = Answers(monkeypatch, QMessageBox.StandardButton.No)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert "张三" in answers.texts("question")[0]
    assert session.store.get("person", zhang_san["id"])  # "No" keeps them
    answers = Answers(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(session.changes.changed, timeout=10000):  # deleted in a worker, then announced
        page.delete_button.click()
    wait_for_list(qtbot, page.model)
    assert "张三" not in column_texts(page.model, "姓名")
    assert session.store.get("person", zhang_san["id"], include_deleted=True)["deleted"] == 1
    assert page.table.current_key() is not None  # the next person is selected, ready for the next step


def test_a_person_with_program_records_is_not_offered_for_deletion(qtbot, page, session, zhang_san, monkeypatch):
    session.store.create("elder_profile", {"person_id": zhang_san["id"], "categories": ["alone"], "status": "active"})
    on_screen(qtbot, page)
    select(page, "张三")
    answers = Answers(monkeypatch, QMessageBox.StandardButton.Yes)
    page.delete_button.click()
    assert answers.texts("question") == []
    assert "特殊困难老年人档案 1 条，不能删除" in answers.texts("information")[0]
    assert session.store.get("person", zhang_san["id"])["deleted"] == 0


def test_ctrl_p_prints_the_registration_card_with_the_id_masked(qtbot, page, session, zhang_san, monkeypatch):
    opened = []
    monkeypatch.setattr(print_preview, "show_printed", lambda _parent, pdf: opened.append(str(pdf)))
    on_screen(qtbot, page)
    select(page, "张三")
    qtbot.keyClick(page.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    pdf = Path(opened[0])
    assert pdf.parent == session.data_dir / "prints" and pdf.name.startswith("登记表-张三-")
    text = PdfReader(pdf).pages[0].extract_text()
    assert "人员基本信息登记表" in text and "张三" in text
    assert mask(ZHANG_SAN_ID) in text and ZHANG_SAN_ID not in text


def test_enter_opens_the_selected_person(qtbot, page, zhang_san, monkeypatch):
    opened = []
    monkeypatch.setattr(people_page, "open_person", lambda _s, person_id, *_a, **_k: opened.append(person_id))
    on_screen(qtbot, page)
    select(page, "张三")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened == [zhang_san["id"]]


def test_ctrl_f_goes_to_the_search_box(qtbot, page):
    on_screen(qtbot, page)
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.filter_bar.search.hasFocus()


# -- the person dialog --------------------------------------------------------------------------


def new_person_dialog(qtbot, session) -> PersonDialog:
    dialog = PersonDialog(session)
    qtbot.addWidget(dialog)
    return dialog


def test_a_registered_id_number_offers_the_existing_person(qtbot, session, zhang_san):
    dialog = new_person_dialog(qtbot, session)
    qtbot.keyClicks(dialog.form.editor("id_number"), ZHANG_SAN_ID.lower())
    assert "已登记" in dialog.form.error_text("id_number")
    assert not dialog.duplicate_bar.isHidden() and "张三" in dialog.duplicate_label.text()
    assert dialog.form.values()["gender"] == "F" and dialog.form.values()["birth_date"] == "1949-12-31"
    dialog.open_existing_button.click()
    assert dialog.result() == PersonDialog.OPEN_EXISTING and dialog.existing_id == zhang_san["id"]


def test_the_store_refusing_a_duplicate_offers_the_existing_person_too(qtbot, session, database, zhang_san):
    """Two workers registering the same person at once: the store is the last word."""
    dialog = new_person_dialog(qtbot, session)
    dialog.form.set_values({"name": "张三", "id_number": ZHANG_SAN_ID})  # no typing, so no early check
    assert dialog.duplicate_bar.isHidden()
    before = count(database, "outbox")
    press_refused(qtbot, dialog)
    assert not dialog.duplicate_bar.isHidden() and dialog.existing_id == zhang_san["id"]
    assert "已登记" in dialog.form.error_text("id_number")
    assert count(database, "outbox") == before


def test_an_invalid_id_number_is_refused_at_its_field_and_nothing_is_written(qtbot, session, database):
    dialog = new_person_dialog(qtbot, session)
    dialog.form.editor("name").setText("李四")  # QTest types ASCII only; an IME commits whole words
    dialog.form.set_values({**dialog.form.values(), "gender": "M", "birth_date": "1960-01-01",
                            "id_number": "110105194912310021"})
    before = count(database, "outbox")
    press_refused(qtbot, dialog)
    assert "校验位" in dialog.form.error_text("id_number")
    assert count(database, "outbox") == before
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.saved_id is None


def test_saving_a_new_person_with_household_of_the_chosen_village(qtbot, session, demo_people):
    dialog = new_person_dialog(qtbot, session)
    village = people.villages(session.database)[1]
    households = people.households_in(session.database, village["id"])
    dialog.form.editor("name").setText("王五")
    village_box = dialog.form.editor("village_id")
    village_box.setCurrentIndex(village_box.findData(village["id"]))
    household_box = dialog.form.editor("household_id")
    assert household_box.count() == len(households) + 1  # only this village's households, and "none"
    household_box.setCurrentIndex(1)
    qtbot.keyClicks(dialog.form.editor("id_number"), "21041119500101001x")
    dialog.show()
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        qtbot.keyClick(dialog.form.editor("name"), Qt.Key.Key_Return)  # Enter saves
    saved = session.store.get("person", dialog.saved_id)
    assert (saved["name"], saved["gender"], saved["birth_date"]) == ("王五", "M", "1950-01-01")
    assert saved["household_id"] == households[0]["id"]


def test_a_record_changed_meanwhile_is_not_overwritten(qtbot, session, zhang_san, monkeypatch):
    dialog = PersonDialog(session, zhang_san["id"])
    qtbot.addWidget(dialog)
    session.store.update("person", zhang_san["id"], {"phone": "13800000000"}, zhang_san["rev"])
    answers = Answers(monkeypatch)
    dialog.form.editor("address").setText("前甸村1组")
    press_refused(qtbot, dialog)
    assert any("已被修改" in text for text in answers.texts("warning"))
    assert session.store.get("person", zhang_san["id"])["address"] is None


def test_the_history_tab_lists_changes_in_words(qtbot, session, zhang_san):
    session.store.update("person", zhang_san["id"], {"health": "chronic"}, zhang_san["rev"])
    dialog = PersonDialog(session, zhang_san["id"])
    qtbot.addWidget(dialog)
    last = dialog.tabs.count() - 1  # the history comes last, after the person's assistance statuses
    assert dialog.tabs.tabText(last) == "修改记录"
    history = dialog.tabs.widget(last).model()
    assert column_texts(history, "项目")[0] == "健康状况"
    assert column_texts(history, "内容")[0] == "（空） → 慢性病"
    assert column_texts(history, "操作人")[0] == "王站长"
    assert "身份证号" in column_texts(history, "项目")


def test_a_viewer_opens_a_person_read_only_with_the_id_masked(qtbot, viewer_session, zhang_san):
    dialog = PersonDialog(viewer_session, zhang_san["id"])
    qtbot.addWidget(dialog)
    assert dialog.save_button.isHidden()
    assert dialog.form.editor("name").isReadOnly() and not dialog.form.editor("gender").isEnabled()
    assert dialog.form.editor("id_number").text() == mask(ZHANG_SAN_ID)
    history = dialog.tabs.widget(dialog.tabs.count() - 1).model()
    assert mask(ZHANG_SAN_ID) in column_texts(history, "内容")


# -- the household view -------------------------------------------------------------------------


def test_the_household_shows_members_and_their_records_as_one_person(qtbot, session, demo_people):
    # A grandparent on the elderly rounds who is also a grandchild's guardian.
    found = session.database.query(
        """SELECT p.id, p.name, p.household_id FROM person p
           JOIN elder_profile e ON e.person_id = p.id JOIN child_profile c ON c.guardian_person_id = p.id
           LIMIT 1""")
    assert found, "the demo data should hold such a grandparent"
    grandparent = found[0]
    overview = people.household_overview(session.database, grandparent["household_id"])
    dialog = HouseholdDialog(session, grandparent["household_id"], person_id=grandparent["id"])
    qtbot.addWidget(dialog)
    members = dialog.members.model()
    assert sorted(column_texts(members, "姓名")) == sorted(m["name"] for m in overview["members"])
    roles = column_texts(members, "参与项目")[column_texts(members, "姓名").index(grandparent["name"])]
    assert "特殊困难老年人" in roles and "留守儿童监护人" in roles
    kinds = column_texts(dialog.records.model(), "类别")
    assert "特殊困难老年人档案" in kinds and "留守儿童档案（监护人）" in kinds and "走访/探访记录" in kinds
    assert all("*" in text for text in column_texts(members, "身份证号"))
