"""设置: the station's details, one's own password, and — for the head — security settings and users.

Everyone sees the station and their own account. Only the head sees the idle-lock and lock-out
settings and the user list; the store refuses anyone else anyway, so hiding them is a courtesy,
not the protection.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station_app.core.entities import entity
from station_app.core.passwords import RULE_TEXT
from station_app.core.roles import ROLE_LABELS, ROLES, WORKER
from station_app.jobs import accounts
from station_app.store import settings, users
from station_app.ui.changes import FollowsChanges
from station_app.ui.dialogs import present
from station_app.ui.history import local_time
from station_app.ui.login import ChangePasswordDialog
from station_app.ui.models import Column, ListTableModel, Row
from station_app.ui.operations import run_job
from station_app.ui.plain_form import FormDialog
from station_app.ui.record_list import RecordTable
from station_app.ui.session import Session


def user_status(row: Row, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    if not row["active"]:
        return "已停用"
    if row["locked_until"] and dt.datetime.fromisoformat(row["locked_until"]) > now:
        return f"已锁定（至 {dt.datetime.fromisoformat(row['locked_until']).astimezone():%H:%M}）"
    if row["must_change_password"]:
        return "下次登录须改密码"
    return "正常"


class AddUserDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("新增用户", session.db_path, parent, changes=session.changes)
        self._actor = session.actor
        self.form.add_line("username", "用户名", placeholder="登录时使用，如 liuxm", max_length=40)
        self.form.add_line("display_name", "姓名", max_length=30)
        role = self.form.add_choice("role", "角色", ROLES)
        role.setCurrentIndex(role.findData(WORKER))
        self.form.add_line("password", "初始密码", password=True, max_length=128)
        self.form.add_line("confirm", "再输入一次", password=True, max_length=128)
        self.form.add_note(RULE_TEXT + "请把初始密码当面告诉本人。")

    def submit(self) -> None:
        if self.passwords_match("password", "confirm"):
            self.run("新增用户", accounts.create_user, self._actor, self.form.values())


class ResetPasswordDialog(FormDialog):
    """A temporary password for a user: after a forgotten password, or to re-enable an account
    (disabling deleted its copy of the database key, so it needs a new password to open it)."""

    def __init__(self, session: Session, user: Row, parent: QWidget | None = None, *, enable: bool = False) -> None:
        super().__init__(f"{'启用' if enable else '重置'} {user['display_name']} 的{'账号' if enable else '密码'}",
                         session.db_path, parent,
                         ("启用账号需要设置一个临时密码。" if enable else "设置一个临时密码。")
                         + "该用户下次登录时必须改成自己的新密码；账号如被锁定也会同时解锁。", session.changes)
        self._actor, self._user_id, self._enable = session.actor, user["id"], enable
        self.form.add_line("password", "临时密码", password=True, max_length=128)
        self.form.add_line("confirm", "再输入一次", password=True, max_length=128)
        self.form.add_note(RULE_TEXT)

    def submit(self) -> None:
        if self.passwords_match("password", "confirm"):
            self.run("重置密码", accounts.set_temporary_password, self._actor, self._user_id, self.form.values()["password"],
                     self._enable)


class UserAdmin(FollowsChanges, QGroupBox):
    """The head's list of station users, with add, disable/enable and reset password."""

    CONCERNS = frozenset({"users"})
    CHEAP_REFRESH = True  # a few rows

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("用户管理", parent)
        self.session = session
        self.model = ListTableModel((
            Column("用户名", "username", sample="zhangsan.01"),
            Column("姓名", "display_name", sample="欧阳晓明明"),
            Column("角色", lambda r: ROLE_LABELS.get(r["role"], r["role"]), sample="只读查看"),
            Column("状态", user_status, sample="已锁定（至 23:59）", warn=lambda r: user_status(r) != "正常"),
            Column("创建时间", lambda r: local_time(r["created_at"]), sample="2026-11-23 14:05"),
        ), parent=self)
        self.table = RecordTable()
        self.table.setModel(self.model)
        self.table.setMinimumHeight(220)
        self.add_button = QPushButton("新增用户…")
        self.toggle_button = QPushButton("停用")
        self.reset_button = QPushButton("重置密码…")
        self.add_button.clicked.connect(self.add_user)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.reset_button.clicked.connect(self.reset_password)
        self.table.opened.connect(lambda _key: self.reset_password())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.toggle_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.refresh()
        self.follow_changes(session.changes)

    def refresh(self) -> None:
        selected = self.table.current_key()
        self.model.set_rows(users.list_users(self.session.database))
        for row in range(self.model.rowCount()):
            if self.model.row_key(row) == selected:
                self.table.select_row(row)

    def _selected(self) -> Row | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if self.table.current_key() is not None else None

    def _update_buttons(self) -> None:
        user = self._selected()
        self.toggle_button.setEnabled(user is not None and user["id"] != self.session.actor.user_id)
        self.toggle_button.setText("启用" if user is not None and not user["active"] else "停用")
        self.reset_button.setEnabled(user is not None)

    def add_user(self) -> None:
        present(AddUserDialog(self.session, self))

    def reset_password(self) -> None:
        user = self._selected()
        if user is not None:
            present(ResetPasswordDialog(self.session, user, self))

    def toggle_active(self) -> None:
        user = self._selected()
        if user is None:
            return
        if not user["active"]:
            present(ResetPasswordDialog(self.session, user, self, enable=True))
            return
        if QMessageBox.question(
                self, "停用账号", f"停用后「{user['display_name']}」将不能登录，已登记的数据不受影响。确定停用吗？"
        ) == QMessageBox.StandardButton.Yes:
            run_job(self, "正在停用账号", accounts.disable_user, self.session.actor, user["id"],
                    db_path=self.session.db_path, changes=self.session.changes, show_progress=False)


class SecuritySettings(QGroupBox):
    """Idle lock and lock-out policy (head only); saved, they reach the running idle lock through
    the change signal."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("安全设置", parent)
        self.session = session
        self.spins: dict[str, QSpinBox] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for setting in settings.ALL:
            spin = QSpinBox()
            spin.setRange(setting.minimum, setting.maximum)
            spin.setValue(settings.get_int(session.database, setting))
            spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("0000") + 60)
            self.spins[setting.key] = spin
            form.addRow(setting.label, spin)
        save = QPushButton("保存设置")
        save.clicked.connect(self.save)
        form.addRow("", save)
        self.recovery_button = QPushButton("生成新的恢复码…")
        self.recovery_button.setToolTip("旧恢复码丢失或可能泄露时使用；生成后旧恢复码立即作废")
        self.recovery_button.clicked.connect(self.new_recovery_code)
        self.access_button = QPushButton("查看访问日志…")
        self.access_button.setToolTip("谁在何时查看了儿童档案、保护个案、救助案件，或导出了个人信息")
        self.access_button.clicked.connect(self.show_access_log)
        tools = QHBoxLayout()
        tools.addWidget(self.recovery_button)
        tools.addWidget(self.access_button)
        tools.addStretch(1)
        form.addRow("数据保护", tools)

    def new_recovery_code(self) -> None:
        if QMessageBox.question(self, "生成新的恢复码", "生成新的恢复码后，原来保管的恢复码立即作废。确定生成吗？"
                                ) != QMessageBox.StandardButton.Yes:
            return
        run_job(self, "正在生成恢复码", accounts.issue_recovery_code, self.session.actor, db_path=self.session.db_path,
                on_done=self._show_code)

    def _show_code(self, code: str) -> None:
        from station_app.ui.recovery import RecoveryCodeDialog

        present(RecoveryCodeDialog(code, self.session.station["name"], self))

    def show_access_log(self) -> None:
        from station_app.ui.access_log_dialog import AccessLogDialog

        present(AccessLogDialog(self.session, self))

    def save(self) -> None:
        values = {setting.key: self.spins[setting.key].value() for setting in settings.ALL}
        run_job(self, "正在保存设置", accounts.save_security_settings, self.session.actor, values,
                db_path=self.session.db_path, changes=self.session.changes, show_progress=False,
                on_done=lambda _none: QMessageBox.information(self, "安全设置", "设置已保存。"))


class SettingsPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self._station_box())
        column.addWidget(self._account_box())
        self.security: SecuritySettings | None = None
        self.user_admin: UserAdmin | None = None
        if session.actor.can_manage_users:
            self.security = SecuritySettings(session)
            self.user_admin = UserAdmin(session)
            column.addWidget(self.security)
            column.addWidget(self.user_admin)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def _station_box(self) -> QGroupBox:
        box = QGroupBox("社工站信息")
        form = QFormLayout(box)
        station: dict[str, Any] = self.session.station
        for f in entity("station").fields:
            value = QLabel(str(station.get(f.name) or "—"))
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f.label, value)
        form.addRow("", QLabel("社工站信息随数据报送县民政局，如需更改请联系县民政局。"))
        return box

    def _account_box(self) -> QGroupBox:
        actor = self.session.actor
        box = QGroupBox("我的账号")
        row = QHBoxLayout(box)
        row.addWidget(QLabel(f"{actor.display_name}（{ROLE_LABELS.get(actor.role, actor.role)}），用户名 {actor.username}"))
        row.addStretch(1)
        change = QPushButton("修改密码…")
        change.clicked.connect(self.change_password)
        row.addWidget(change)
        return box

    def change_password(self) -> None:
        present(ChangePasswordDialog(self.session.database, self.session.actor, self),
                lambda _d: QMessageBox.information(self, "修改密码", "密码已修改，下次登录请使用新密码。"))
