"""The recovery code: shown once to the head to print and lock away, and used when a password is lost.

`RecoveryCodeDialog` shows a freshly issued code (at set-up, after the conversion to encryption,
or when the head issues a new one) and does not close until the head confirms it is written down
or printed: a code nobody kept is no way back. `RecoverDialog` takes the code and a new password
for the station's head at the log-in window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station_app.core.passwords import RULE_TEXT
from station_app.core.roles import Actor
from station_app.jobs import accounts
from station_app.ui import print_preview
from station_app.ui.operations import run_job
from station_app.ui.plain_form import FormDialog


class RecoveryCodeDialog(QDialog):
    def __init__(self, code: str, station_name: str, parent: QWidget | None = None, *, converted: bool = False) -> None:
        super().__init__(parent)
        self._code, self._station = code, station_name
        self.printed: Path | None = None
        self.setWindowTitle("请保管数据库恢复码")
        intro = QLabel(
            ("数据库已转换为加密存储。" if converted else "") +
            "社工站的数据已加密保存。下面的恢复码是忘记站长密码时打开数据库的唯一办法："
            "请现在打印或抄写，锁入站内保险柜。本窗口关闭后恢复码不再显示。"
            + ("\n其他用户需要由站长在“设置 → 用户账号”中重设临时密码后才能登录。" if converted else ""))
        intro.setWordWrap(True)
        self.code_label = QLabel(code)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(self.font().pointSizeF() * 1.6)
        font.setBold(True)
        self.code_label.setFont(font)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.print_button = QPushButton("打印恢复码(&P)")
        self.print_button.clicked.connect(self._print)
        self.kept = QCheckBox("我已打印或抄写恢复码，并会妥善保管(&K)")
        self.close_button = QPushButton("完成")
        self.close_button.setEnabled(False)
        self.kept.toggled.connect(self.close_button.setEnabled)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(self.code_label)
        layout.addSpacing(8)
        layout.addWidget(self.kept)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

    def _print(self) -> None:
        run_job(self, "正在生成恢复码页", accounts.print_recovery_sheet, self._code, self._station, on_done=self._printed)

    def _printed(self, path: Path) -> None:
        self.printed = path
        print_preview.show_printed(self, path, keep=False)

    def reject(self) -> None:
        """Esc does not close it before the head confirmed the code is kept."""
        if self.kept.isChecked():
            super().reject()


class RecoverDialog(FormDialog):
    """忘记密码: the recovery code opens the database and sets a new password for the head."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__("用恢复码重设站长密码", None, parent,
                         "请输入保管在站内的恢复码（每组4个字符，可不输入短横线），再为站长设置新密码。")
        self._path = path
        self.form.add_line("code", "恢复码", placeholder="XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX", max_length=60)
        self.form.add_line("new_password", "站长新密码", password=True, max_length=128)
        self.form.add_line("confirm", "再输入一次", password=True, max_length=128)
        self.form.add_note(RULE_TEXT)

    def submit(self) -> None:
        values = self.form.values()
        if not values["code"].strip():
            self.form.show_errors({"code": "请输入恢复码"})
            return
        if not self.passwords_match("new_password", "confirm"):
            return
        self.run("正在验证恢复码", accounts.reset_head_password, self._path, values["code"], values["new_password"])

    @property
    def actor(self) -> Actor | None:
        """The head who got the new password, once accepted."""
        return self.answer
