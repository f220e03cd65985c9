"""从备份恢复 on a new PC: choose the backup (a `.db` with its `.keys`, or a folder holding both),
unlock it with a user's password or the recovery code, see what it holds, then restore it into
the empty data folder. The check and the copy run in workers (`jobs.moving`); a refusal is said
in the window, and nothing is written before the check passes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station_app.core.errors import KnownError
from station_app.jobs import moving
from station_app.store.restoring import BackupInfo
from station_app.ui.fieldform import ERROR_STYLE
from station_app.ui.history import local_time
from station_app.ui.operations import run_job, show_error
from station_app.ui.plain_form import PlainForm, button, button_row, wrapped_label

PASSWORD, RECOVERY_CODE = "password", "code"


def describe(info: BackupInfo) -> str:
    """What a backup holds, as the person deciding to restore it reads it."""
    last_change = local_time(info.last_change) if info.last_change else "无记录"
    last_sync = local_time(info.last_sync) if info.last_sync else "从未与县服务器同步"
    return (f"备份：{info.path.name}\n社工站：{info.station_name}\n在册人员：{info.people:,} 人\n"
            f"最后一次修改：{last_change}\n最后一次同步：{last_sync}")


class RestoreDialog(QDialog):
    """Accepted once the backup is in the data folder; `info` then says what was restored."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._checked_for: tuple[str, ...] | None = None  # the inputs the last passing check was made with
        self.info: BackupInfo | None = None
        self.setWindowTitle("从备份恢复社工站")
        self.setMinimumWidth(560)
        intro = wrapped_label("把原来电脑上的备份（社工站数据库 .db 和同名的密钥文件 .keys，可在U盘上）恢复到这台电脑。"
                       "先检查备份，确认无误后再恢复；检查通过之前不会写入任何文件。")
        self.source = QLineEdit()
        self.source.setPlaceholderText("备份文件（.db）或存放备份的文件夹")
        self.source.textChanged.connect(self._inputs_changed)
        pick_file = QPushButton("选择备份文件…")
        pick_file.clicked.connect(self._pick_file)
        pick_folder = QPushButton("选择文件夹…")
        pick_folder.clicked.connect(self._pick_folder)
        source_row = QHBoxLayout()
        source_row.addWidget(self.source, 1)
        source_row.addWidget(pick_file)
        source_row.addWidget(pick_folder)
        self.form = PlainForm()
        self.method = self.form.add_choice("method", "解锁方式", [(PASSWORD, "用户名和密码"), (RECOVERY_CODE, "恢复码")])
        self.username = self.form.add_line("username", "用户名", placeholder="原电脑上的登录用户名", max_length=40)
        self.secret = self.form.add_line("secret", "密码", password=True, max_length=128)
        self.method.currentIndexChanged.connect(self._method_changed)
        for editor in (self.username, self.secret):
            editor.textChanged.connect(self._inputs_changed)
        self.findings = wrapped_label()
        self.check_button = button("检查备份", self.check, default=True)
        self.restore_button = button("恢复到本机", self.restore)
        self.restore_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(source_row)
        layout.addWidget(self.form)
        layout.addWidget(self.findings)
        layout.addStretch(1)
        layout.addLayout(button_row(self, self.check_button, self.restore_button))

    # -- inputs ----------------------------------------------------------------------------------

    def _pick_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(self, "选择备份文件", self.source.text(), "社工站数据库备份 (*.db)")
        if chosen:
            self.source.setText(chosen)

    def _pick_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "选择存放备份的文件夹（可以是U盘）", self.source.text())
        if chosen:
            self.source.setText(chosen)

    def _method_changed(self) -> None:
        by_code = self.method.currentData() == RECOVERY_CODE
        self.username.setEnabled(not by_code)
        self.secret.setEchoMode(QLineEdit.EchoMode.Normal if by_code else QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX" if by_code else "")
        self._inputs_changed()

    def _inputs(self) -> tuple[str, ...]:
        return (self.source.text().strip(), str(self.method.currentData()), self.username.text().strip(),
                self.secret.text())

    def _inputs_changed(self) -> None:
        self.restore_button.setEnabled(self._checked_for is not None and self._checked_for == self._inputs())

    def _request(self) -> tuple[moving.BackupSource, moving.Unlock] | None:
        """The backup and how to open its key, or None after saying what is missing or wrong."""
        source, method, username, secret = self._inputs()
        errors = {}
        if method == PASSWORD and not username:
            errors["username"] = "请输入原电脑上的用户名"
        if not secret.strip():
            errors["secret"] = "请输入恢复码" if method == RECOVERY_CODE else "请输入密码"
        if errors:
            self.form.show_errors(errors)
        if not source:
            self._say("请先选择备份文件或存放备份的文件夹。", refused=True)
            return None
        try:
            located = moving.locate(Path(source))
        except KnownError as exc:
            self._say(exc.message, refused=True)
            return None
        if errors:
            return None
        return located, moving.Unlock(username if method == PASSWORD else "", secret)

    # -- check, then restore -----------------------------------------------------------------------

    def check(self) -> None:
        request = self._request()
        if request is None:
            return
        self._busy(True)
        asked = self._inputs()
        run_job(self, "正在检查备份…", moving.check_backup, *request,
                on_done=lambda info: self._checked(info, asked), on_error=self._refused)

    def _checked(self, info: BackupInfo, asked: tuple[str, ...]) -> None:
        self._busy(False)
        self._checked_for = asked
        self._say("检查通过，备份完好：\n" + describe(info) + "\n\n确认是本站的数据后，请点“恢复到本机”。")
        self._inputs_changed()

    def restore(self) -> None:
        request = self._request() if self._checked_for == self._inputs() else None
        if request is None:
            return
        self._busy(True)
        run_job(self, "正在恢复社工站数据…", moving.restore_backup, *request, self._data_dir,
                on_done=self._restored, on_error=self._refused)

    def _restored(self, info: BackupInfo) -> None:
        self.info = info
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self._busy(False)
        self._checked_for = None
        self._inputs_changed()
        if not isinstance(exc, KnownError):
            show_error(self, exc)
            return
        self._say("不能恢复：" + exc.message, refused=True)

    def _busy(self, busy: bool) -> None:
        self.check_button.setEnabled(not busy)
        self.restore_button.setEnabled(False)
        if busy:
            self._say("正在处理，请稍候…")

    def _say(self, text: str, *, refused: bool = False) -> None:
        self.findings.setText(text)
        self.findings.setStyleSheet(ERROR_STYLE if refused else "")
