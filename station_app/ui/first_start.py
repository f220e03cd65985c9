"""The first-start window: on a PC with no station yet, set up a new station or bring an existing
one over from its backup (a new or replaced PC). Setting up goes on in the set-up wizard; the
restore opens over this window (`ui.restore_dialog`) and this window closes once it is done.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from station_app.ui.dialogs import present
from station_app.ui.restore_dialog import RestoreDialog


class FirstStartDialog(QDialog):
    """Accepted with `restored` False for a new station, True once a backup was restored."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self.restored = False
        self.setWindowTitle("社工站 — 首次使用")
        intro = QLabel("这台电脑上还没有社工站的数据。请选择：")
        intro.setWordWrap(True)
        self.new_button = QPushButton("新建社工站\n第一次使用本程序：填写社工站信息和站长账号")
        self.new_button.clicked.connect(self.accept)
        self.restore_button = QPushButton("从备份恢复\n换了新电脑、电脑损坏或重装系统：用原来的备份和密码（或恢复码）继续工作")
        self.restore_button.clicked.connect(self.choose_restore)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(intro)
        for button in (self.new_button, self.restore_button):
            button.setMinimumHeight(64)
            layout.addWidget(button)
        self.setMinimumWidth(520)

    def choose_restore(self) -> None:
        present(RestoreDialog(self._data_dir, self), self._restored)

    def _restored(self, _dialog: RestoreDialog) -> None:
        self.restored = True
        self.accept()
