"""Exporting a list to Excel: ask the purpose, copy the list as shown, write the file in a worker.

The cell texts are read on the UI thread (the list's formatters and its lazily fetched rows live
there) in short slices under a progress dialog with 取消, so even 100,000 rows keep the window
responsive; writing the workbook and logging the export run in a worker (jobs.exports.export_list).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from station_app.jobs import exports
from station_app.ui.dialogs import present
from station_app.ui.fieldform import ERROR_STYLE
from station_app.ui.models import ColumnTableModel
from station_app.ui.operations import run_job
from station_app.ui.plain_form import ok_cancel
from station_app.ui.session import Session

SLICE = 500  # rows read between two looks at the event loop


class ExportDialog(QDialog):
    """The purpose of an export (required) and, for the head, whether full numbers are needed."""

    def __init__(self, session: Session, list_name: str, rows: int, has_masked: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导出 Excel")
        intro = QLabel(f"将导出“{list_name}”共 {rows:,} 行。导出的文件含个人信息，请说明用途；"
                       "文件首行会注明用途、导出人和时间，本次导出记入访问日志。")
        intro.setWordWrap(True)
        self.purpose = QComboBox()
        self.purpose.setEditable(True)
        self.purpose.addItems(["", *exports.PURPOSES])
        self.purpose.lineEdit().setPlaceholderText("选择或填写用途")
        self.purpose.editTextChanged.connect(lambda _t: self.error.setText(""))
        purpose_label = QLabel("导出用途(&U)")
        purpose_label.setBuddy(self.purpose)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.full_values = QCheckBox("包含完整身份证号和电话（仅在用途确实需要时勾选）")
        self.full_values.setVisible(has_masked and exports.may_export_full_values(session.actor))
        buttons = ok_cancel(self, "选择保存位置并导出", self._accept)
        layout = QVBoxLayout(self)
        for widget in (intro, purpose_label, self.purpose, self.error, self.full_values, buttons):
            layout.addWidget(widget)
        self.purpose.setFocus()

    @property
    def purpose_text(self) -> str:
        return self.purpose.currentText().strip()

    @property
    def full(self) -> bool:
        """Full ID and phone numbers asked for (and offered to this role)."""
        return not self.full_values.isHidden() and self.full_values.isChecked()

    def _accept(self) -> None:
        if not self.purpose_text:
            self.error.setText("请填写导出用途")
            self.purpose.setFocus()
            return
        self.accept()


def read_rows(model: ColumnTableModel, *, full: bool, parent: QWidget | None) -> list[list[str]] | None:
    """Every row's cell texts as the list shows them (or with full numbers); None if cancelled."""
    total = model.rowCount()
    progress = QProgressDialog("正在读取列表…", "取消", 0, total, parent)
    progress.setWindowTitle("导出 Excel")
    progress.setMinimumDuration(300)
    rows: list[list[str]] = []
    for start in range(0, total, SLICE):
        for i in range(start, min(start + SLICE, total)):
            row = model.row(i)
            rows.append([c.text(row, full=full) for c in model.columns] if row is not None
                        else ["（无法读取）"] + [""] * (len(model.columns) - 1))
        progress.setValue(len(rows))
        QApplication.processEvents()
        if progress.wasCanceled():
            progress.close()
            return None
    progress.close()
    return rows


def export_list(parent: QWidget, session: Session, model: ColumnTableModel, list_name: str,
                choose_file: bool = True) -> None:
    """The whole export as a person goes through it, from the purpose to the saved file."""
    has_masked = any(c.full is not None for c in model.columns)
    present(ExportDialog(session, list_name, model.rowCount(), has_masked, parent),
            lambda dialog: _export(parent, session, model, list_name, dialog.purpose_text, dialog.full, choose_file))


def _export(parent: QWidget, session: Session, model: ColumnTableModel, list_name: str, purpose: str, full: bool,
            choose_file: bool) -> None:
    """The purpose is given: choose the file, read the rows, write and log the export."""
    default = session.data_dir / "exports" / exports.suggested_name(list_name)
    default.parent.mkdir(parents=True, exist_ok=True)
    path = default
    if choose_file:
        chosen, _filter = QFileDialog.getSaveFileName(parent, "保存 Excel 文件", str(default), "Excel 文件 (*.xlsx)")
        if not chosen:
            return
        path = Path(chosen if chosen.endswith(".xlsx") else chosen + ".xlsx")
    rows = read_rows(model, full=full, parent=parent)
    if rows is None:
        return
    table = exports.ListExport(list_name, [c.header for c in model.columns], rows)
    run_job(parent, "正在导出 Excel", exports.export_list, session.actor, table, path, purpose, full,
            db_path=session.db_path, on_done=lambda out: _exported(parent, out, len(rows)))


def _exported(parent: QWidget, out: Path, rows: int) -> None:
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    if QMessageBox.question(parent, "导出完成", f"已导出 {rows:,} 行到：\n{out}\n\n现在打开这个文件吗？", buttons,
                            QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))
