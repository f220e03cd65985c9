"""从县服务器恢复 on a new PC, when the old PC and its backups are gone: the county's one-time
re-enrollment code, a new head account, then every record the county holds for the station comes
back in a worker (`sync.rebuild`). The window then says what was lost (the work after the last
acknowledged change) and shows the new recovery code once.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from station_app import paths
from station_app.core.errors import KnownError
from station_app.sync import rebuild
from station_app.ui.dialogs import present
from station_app.ui.fieldform import ERROR_STYLE
from station_app.ui.operations import run_job, show_error
from station_app.ui.plain_form import PlainForm, button, button_row, wrapped_label
from station_app.ui.recovery import RecoveryCodeDialog

FIELDS = (("server", "县服务器地址", "如 https://mz.example.gov.cn:8443"),
          ("code", "恢复登记码", "县民政局为本站生成的一次性恢复登记码"),
          ("fingerprint", "服务器公钥指纹", "县里提供的指纹（建议核对，可不填）"),
          ("username", "新站长用户名", "在这台电脑上登录用"), ("name", "站长姓名", ""))


class RebuildDialog(QDialog):
    """Accepted once the station is rebuilt in the data folder and its recovery code was kept."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self.rebuilt: rebuild.Rebuilt | None = None
        self.setWindowTitle("从县服务器恢复社工站")
        self.setMinimumWidth(560)
        intro = wrapped_label("原来的电脑和备份都没有了时，用县民政局生成的恢复登记码，把本站同步到县里的全部数据取回这台电脑。"
                       "原来电脑上没有同步到县里的工作无法恢复；恢复后原来的电脑不能再同步。")
        self.form = PlainForm()
        for name, label, placeholder in FIELDS:
            self.form.add_line(name, label, placeholder=placeholder, max_length=200 if name == "server" else 60)
        self.form.add_line("password", "新密码", password=True, max_length=128)
        self.form.add_line("again", "再输入一次", password=True, max_length=128)
        self.findings = wrapped_label()
        self.start_button = button("开始恢复", self.start, default=True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addWidget(self.findings)
        layout.addStretch(1)
        layout.addLayout(button_row(self, self.start_button))

    def start(self) -> None:
        values = {k: v.strip() if k not in ("password", "again") else v for k, v in self.form.values().items()}
        errors = {k: f"请填写{label}" for k, label, _ in FIELDS if k != "fingerprint" and not values[k]}
        if not values["password"]:
            errors["password"] = "请设置新站长的密码"
        elif values["again"] != values["password"]:
            errors["again"] = "两次输入的密码不一致"
        if errors:
            self.form.show_errors(errors)
            return
        self.start_button.setEnabled(False)
        self._say("正在从县服务器恢复，请稍候…（中途断网可再次运行继续）")
        run_job(self, "正在从县服务器恢复…", rebuild.rebuild_into, paths.database_path(self._data_dir),
                values["server"], values["code"], (values["username"], values["name"], values["password"]),
                values["fingerprint"] or None, on_done=self._done, on_error=self._refused)

    def _done(self, result: tuple[rebuild.Rebuilt, str]) -> None:
        self.rebuilt, code = result
        self._say(self.rebuilt.summary())
        present(RecoveryCodeDialog(code, self.rebuilt.station, self), lambda _d: self.accept())

    def _refused(self, exc: BaseException) -> None:
        self.start_button.setEnabled(True)
        if not isinstance(exc, KnownError):
            show_error(self, exc)
            return
        self._say("不能恢复：" + exc.message, refused=True)

    def _say(self, text: str, *, refused: bool = False) -> None:
        self.findings.setText(text)
        self.findings.setStyleSheet(ERROR_STYLE if refused else "")
