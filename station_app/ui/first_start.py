"""The first-start window: on a PC with no station yet, set up a new station, bring an existing
one over from its backup (a new or replaced PC), or rebuild it from the county when the backups
are gone too. Setting up goes on in the set-up wizard; the restore and the rebuild open over this
window (`ui.restore_dialog`, `ui.rebuild_dialog`) and this window closes once either is done.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from station_app.ui.dialogs import present
from station_app.ui.rebuild_dialog import RebuildDialog
from station_app.ui.restore_dialog import RestoreDialog


class FirstStartDialog(QDialog):
    """Accepted with `restored` False for a new station, True once a backup was restored or the
    station rebuilt from the county."""

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
        self.rebuild_button = QPushButton("从县服务器恢复\n电脑和备份都丢失或损坏：用县民政局生成的恢复登记码，取回同步到县里的数据")
        self.rebuild_button.clicked.connect(self.choose_rebuild)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(intro)
        for button in (self.new_button, self.restore_button, self.rebuild_button):
            button.setMinimumHeight(64)
            layout.addWidget(button)
        self.setMinimumWidth(520)

    def choose_restore(self) -> None:
        present(RestoreDialog(self._data_dir, self), self._restored)

    def choose_rebuild(self) -> None:
        present(RebuildDialog(self._data_dir, self), self._restored)

    def _restored(self, _dialog: QDialog) -> None:
        self.restored = True
        self.accept()
