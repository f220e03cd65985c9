"""Moving a station onto a new PC from its backup: the first-start window's 从备份恢复, with a
user's password or the recovery code, and the backups it refuses before writing anything."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialog  # noqa: E402

from station_app import paths  # noqa: E402
from station_app.core import demo  # noqa: E402
from station_app.core.errors import AuthError, DatabaseError  # noqa: E402
from station_app.core.jobs import JobState  # noqa: E402
from station_app.jobs import accounts, admin, moving  # noqa: E402
from station_app.store import keyring  # noqa: E402
from station_app.store.database import StationDatabase, forget_keys  # noqa: E402
from station_app.store.driver import keyed, sqlite  # noqa: E402
from station_app.store.keyring import keys_path  # noqa: E402
from station_app.ui.first_start import FirstStartDialog  # noqa: E402
from station_app.ui.operations import wait_for_jobs  # noqa: E402
from station_app.ui.restore_dialog import RECOVERY_CODE, RestoreDialog  # noqa: E402
from tests.conftest import HEAD_PASSWORD  # noqa: E402
from tests.ui_helpers import wait_shown, when_modal  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture
def usb(tmp_path, database, head, store) -> Path:
    """The old PC's backup on a USB stick: three people, and the head's recovery code issued."""
    for name in ("张桂兰", "李德福", "王淑芬"):
        store.create("person", {"name": name, "gender": "F", "birth_date": "1950-01-01"})
    stick = tmp_path / "usb"
    database.backup_to(stick / "station-20261101-090000.db")
    return stick


@pytest.fixture
def recovery_code(database, head) -> str:
    return accounts.issue_recovery_code(database, JobState(), head)


@pytest.fixture
def new_pc(tmp_path) -> Path:
    folder = tmp_path / "new-pc"
    folder.mkdir()
    return folder


def backup_file(stick: Path) -> Path:
    return next(stick.glob("*.db"))


def restored_names(data: Path, username: str = "head", password: str = HEAD_PASSWORD) -> list[str]:
    forget_keys()
    database, _actor = accounts.log_in(paths.database_path(data), username, password)
    try:
        assert admin.check_database(database, JobState()).ok
        return sorted(r["name"] for r in database.query("SELECT name FROM person WHERE deleted = 0"))
    finally:
        database.close()


# -- the jobs ----------------------------------------------------------------------------------------


def test_a_backup_folder_restores_onto_an_empty_data_folder_with_a_password(usb, new_pc):
    source = moving.locate(usb)
    info = moving.check_backup(JobState(), source, moving.Unlock("head", HEAD_PASSWORD))
    assert (info.station_name, info.people, info.last_sync) == (demo.STATION["name"], 3, "")
    assert list(new_pc.iterdir()) == []  # the check writes nothing
    moving.restore_backup(JobState(), source, moving.Unlock("head", HEAD_PASSWORD), new_pc)
    assert restored_names(new_pc) == ["张桂兰", "李德福", "王淑芬"]


def test_the_recovery_code_restores_too_typed_as_from_paper(database, head, recovery_code, usb, new_pc):
    database.backup_to(usb / "station-20261102-090000.db")  # the newest copy carries the code
    os.utime(usb / "station-20261102-090000.db", (2_000_000_000, 2_000_000_000))
    typed = recovery_code.replace("-", " ").lower()
    moving.restore_backup(JobState(), moving.locate(usb), moving.Unlock("", typed), new_pc)
    assert restored_names(new_pc) == ["张桂兰", "李德福", "王淑芬"]


def test_a_wrong_password_or_a_missing_key_ring_is_refused_and_nothing_is_written(usb, new_pc):
    with pytest.raises(AuthError, match="用户名或密码不正确"):
        moving.restore_backup(JobState(), moving.locate(usb), moving.Unlock("head", "wrong-password-1"), new_pc)
    keys_path(backup_file(usb)).unlink()
    with pytest.raises(DatabaseError, match="没有成对"):
        moving.locate(usb)
    with pytest.raises(DatabaseError, match="密钥文件"):
        moving.locate(backup_file(usb))
    assert list(new_pc.iterdir()) == []


def another_stations_ring(tmp_path: Path) -> Path:
    """A key ring of another station whose head happens to use the same password."""
    other = StationDatabase.open(tmp_path / "other" / "station.db", keyring.new_key())
    admin.initialise_station(other, {**demo.STATION, "name": "章党镇社会工作服务站"}, "head", "李站长", HEAD_PASSWORD)
    other.close()
    return keys_path(tmp_path / "other" / "station.db")


def foreign_ring(usb: Path, tmp_path: Path) -> None:
    shutil.copy(another_stations_ring(tmp_path), keys_path(backup_file(usb)))


def truncated(usb: Path, _tmp_path: Path) -> None:
    path = backup_file(usb)
    path.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])


def tampered_audit(usb: Path, _tmp_path: Path) -> None:
    """Someone with the key edits an audit entry in the backup (the chain no longer fits)."""
    conn = sqlite.connect(str(backup_file(usb)))
    keyed(conn, keyring.KeyRing.load(keys_path(backup_file(usb))).unlock("head", HEAD_PASSWORD))
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("UPDATE audit_log SET username = 'someone' WHERE seq = 2")
    conn.commit()
    conn.close()


DAMAGE = {
    "foreign key ring": (foreign_ring, "不是同一个社工站"),
    "truncated file": (truncated, "已损坏"),
    "tampered audit chain": (tampered_audit, "审计日志第 2 条"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_or_foreign_backup_is_refused_before_anything_is_written(usb, new_pc, tmp_path, damage):
    spoil, message = DAMAGE[damage]
    spoil(usb, tmp_path)
    source = moving.locate(usb)
    for job in (moving.check_backup, moving.restore_backup):
        args = (new_pc,) if job is moving.restore_backup else ()
        with pytest.raises(DatabaseError, match=message):
            job(JobState(), source, moving.Unlock("head", HEAD_PASSWORD), *args)
    assert list(new_pc.iterdir()) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0.0, 1.0), flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(1, 255)), max_size=3))
def test_a_backup_spoiled_anywhere_is_refused_cleanly_or_restores_whole(usb, tmp_path, cut, flips):
    """Bytes changed or cut off anywhere: a calm refusal with an empty data folder, never a crash,
    never a half-restored station."""
    spoiled = tmp_path / f"spoiled-{os.urandom(4).hex()}"
    spoiled.mkdir()
    original = backup_file(usb).read_bytes()
    data = bytearray(original[: max(1, int(len(original) * (0.5 + cut / 2)))])
    for where, xor in flips:
        data[int(where * (len(data) - 1))] ^= xor
    (spoiled / "station.db").write_bytes(bytes(data))
    shutil.copy(keys_path(backup_file(usb)), spoiled / "station.keys")
    target = tmp_path / f"target-{os.urandom(4).hex()}"
    target.mkdir()
    try:
        moving.restore_backup(JobState(), moving.locate(spoiled), moving.Unlock("head", HEAD_PASSWORD), target)
    except DatabaseError:
        assert list(target.iterdir()) == []
    else:
        assert restored_names(target) == ["张桂兰", "李德福", "王淑芬"]


# -- the first-start window ------------------------------------------------------------------------


def open_restore(qtbot, data: Path) -> tuple[FirstStartDialog, RestoreDialog]:
    first = FirstStartDialog(data)
    qtbot.addWidget(first)
    first.show()
    qtbot.mouseClick(first.restore_button, Qt.MouseButton.LeftButton)
    return first, wait_shown(qtbot, RestoreDialog)


def fill(dialog: RestoreDialog, source: Path, secret: str, username: str = "head") -> None:
    dialog.source.setText(str(source))
    if not username:
        dialog.method.setCurrentIndex(dialog.method.findData(RECOVERY_CODE))
    dialog.username.setText(username)
    dialog.secret.setText(secret)


def press_check(qtbot, dialog: RestoreDialog) -> str:
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.check_button.isEnabled, timeout=10000)
    return dialog.findings.text()


def test_the_first_start_window_restores_a_backup_folder_with_a_password(qtbot, usb, new_pc):
    first, dialog = open_restore(qtbot, new_pc)
    fill(dialog, usb, HEAD_PASSWORD)
    assert not dialog.restore_button.isEnabled()  # only after a check that passed
    found = press_check(qtbot, dialog)
    assert "检查通过" in found and demo.STATION["name"] in found and "在册人员：3 人" in found
    assert "从未与县服务器同步" in found
    assert list(new_pc.iterdir()) == []
    with qtbot.waitSignal(first.accepted, timeout=10000):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert first.restored
    assert wait_for_jobs(10000)
    assert restored_names(new_pc) == ["张桂兰", "李德福", "王淑芬"]


def test_the_first_start_window_restores_with_the_recovery_code(qtbot, database, recovery_code, usb, new_pc):
    copy = database.backup_to(new_pc.parent / "copied" / "station.db")
    first, dialog = open_restore(qtbot, new_pc)
    fill(dialog, copy, recovery_code, username="")
    assert not dialog.username.isEnabled()
    assert "检查通过" in press_check(qtbot, dialog)
    with qtbot.waitSignal(first.accepted, timeout=10000):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert wait_for_jobs(10000)
    assert restored_names(new_pc) == ["张桂兰", "李德福", "王淑芬"]


@pytest.mark.parametrize("damage", DAMAGE)
def test_the_first_start_window_says_why_a_backup_is_refused(qtbot, usb, new_pc, tmp_path, damage):
    spoil, message = DAMAGE[damage]
    spoil(usb, tmp_path)
    first, dialog = open_restore(qtbot, new_pc)
    fill(dialog, usb, HEAD_PASSWORD)
    found = press_check(qtbot, dialog)
    assert found.startswith("不能恢复") and message in found
    assert not dialog.restore_button.isEnabled() and first.result() != QDialog.DialogCode.Accepted
    assert list(new_pc.iterdir()) == []
    dialog.reject()


def test_changing_the_backup_after_a_check_asks_for_a_new_check(qtbot, usb, new_pc, tmp_path):
    _first, dialog = open_restore(qtbot, new_pc)
    fill(dialog, usb, HEAD_PASSWORD)
    press_check(qtbot, dialog)
    assert dialog.restore_button.isEnabled()
    dialog.source.setText(str(tmp_path))
    assert not dialog.restore_button.isEnabled()
    assert "没有成对" in press_check(qtbot, dialog)
    dialog.reject()


def test_a_new_pc_starts_with_the_choice_restores_and_then_logs_in_as_before(qtbot, usb, new_pc):
    from station_app.ui.app import sign_in
    from station_app.ui.login import LoginDialog

    def restore(first: FirstStartDialog) -> None:
        qtbot.mouseClick(first.restore_button, Qt.MouseButton.LeftButton)
        dialog = wait_shown(qtbot, RestoreDialog)
        fill(dialog, usb, HEAD_PASSWORD)
        press_check(qtbot, dialog)
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    def log_in(login: LoginDialog) -> None:
        login.username.setText("head")
        login.password.setText(HEAD_PASSWORD)
        qtbot.keyClick(login.password, Qt.Key.Key_Return)

    when_modal(FirstStartDialog, restore)
    when_modal(LoginDialog, log_in)
    database, actor = sign_in(new_pc)
    try:
        assert actor.username == "head" and database.path == paths.database_path(new_pc)
        assert database.scalar("SELECT COUNT(*) FROM person") == 3
    finally:
        database.close()
