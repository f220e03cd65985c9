"""从 Excel 导入人员 (or the county's roster of assistance statuses, 导入救助对象名册): choose a sheet, map
its columns, see every row's problems, import the valid rows.

Reading the workbook, checking the rows and importing run in workers (a ledger may have thousands
of rows); nothing is written until 导入 is pressed, and then the valid new rows go in one
transaction. The rows with problems can be saved as an Excel report to fix and import again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.core import ledger_import as rules
from station_app.core.idnumber import mask
from station_app.jobs import imports
from station_app.store import ledger_import
from station_app.ui.models import Column, ListTableModel
from station_app.ui.operations import run_job
from station_app.ui.record_list import RecordTable
from station_app.ui.session import Session

SKIP = "（不导入）"

PREVIEW_COLUMNS = (
    Column("行号", "number", sample="99999", align_right=True),
    Column("结果", "status", sample="已在档案中，跳过", warn=lambda r: bool(r["problems"])),
    Column("姓名", "name", sample="欧阳晓明明"),
    Column("身份证号", "id_number", sample="21041119501231123X"),
    Column("问题", "problems", sample="村（社区）“后山村”不在本站的村（社区）名单中"),
)


class ImportDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None, kind: rules.LedgerKind = rules.PEOPLE) -> None:
        super().__init__(parent)
        self.session = session
        self.kind = kind
        self.sheets: list[ledger_import.Sheet] = []
        self.checks: list[rules.RowCheck] = []
        self.setWindowTitle(kind.title)
        self.resize(980, 680)
        self.file_label = QLabel("请选择要导入的 Excel 台账（.xlsx）")
        choose = QPushButton("选择文件(&O)…")
        choose.setShortcut(QKeySequence.StandardKey.Open)
        choose.clicked.connect(self.choose_file)
        self.sheet = QComboBox()
        self.sheet.currentIndexChanged.connect(self._show_sheet)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(QLabel("工作表"))
        top.addWidget(self.sheet)
        top.addWidget(choose)
        self.mapping = QTableWidget(0, 3)
        self.mapping.setHorizontalHeaderLabels(["表中的列", "示例", "导入为"])
        self.mapping.horizontalHeader().setStretchLastSection(True)
        self.mapping.verticalHeader().hide()
        self.check_button = QPushButton("检查(&C)")
        self.check_button.clicked.connect(self.check)
        self.summary = QLabel()
        self.preview = ListTableModel(PREVIEW_COLUMNS, key="number", parent=self)
        self.preview_table = RecordTable()
        self.preview_table.setModel(self.preview)
        self.report_button = QPushButton("保存问题行(&R)…")
        self.report_button.clicked.connect(self.save_report)
        self.import_button = QPushButton("导入(&I)")
        self.import_button.clicked.connect(self.do_import)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        for button in (self.check_button, self.report_button, self.import_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel("核对每一列对应的字段（已按列名自动建议；不需要的列选“不导入”），然后点“检查”。"
                                "检查不写入任何数据。"))
        layout.addWidget(self.mapping, 2)
        layout.addWidget(self.preview_table, 3)
        layout.addLayout(buttons)
        self._enable()

    def _enable(self) -> None:
        ready = bool(self.checks) and any(c.record is not None for c in self.checks)
        self.check_button.setEnabled(bool(self.sheets))
        self.import_button.setEnabled(ready and self.session.actor.can_write_entity(self.kind.entity))
        self.import_button.setText(f"导入 {sum(c.record is not None for c in self.checks)} 行(&I)" if ready else "导入(&I)")
        self.report_button.setEnabled(any(c.problems for c in self.checks))

    # -- the file and its columns ------------------------------------------------------------------

    def choose_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(self, "选择 Excel 台账", str(Path.home()), "Excel 文件 (*.xlsx)")
        if chosen:
            self.load(Path(chosen))

    def load(self, path: Path) -> None:
        self.file_label.setText(f"正在读取 {path.name}…")
        run_job(self, "正在读取 Excel", imports.read_ledger, path, self.kind,
                on_done=lambda sheets: self._loaded(path, sheets))

    def _loaded(self, path: Path, sheets: list[ledger_import.Sheet]) -> None:
        self.sheets = sheets
        self.file_label.setText(str(path))
        self.sheet.blockSignals(True)
        self.sheet.clear()
        for s in sheets:
            self.sheet.addItem(f"{s.name}（{len(s.rows)} 行）")
        self.sheet.blockSignals(False)
        self._show_sheet()

    def _show_sheet(self) -> None:
        self.checks = []
        self.preview.set_rows([])
        self.summary.setText("")
        if not self.sheets:
            return
        sheet = self.sheets[self.sheet.currentIndex()]
        suggested = rules.suggest(sheet.headers, self.kind.headers)
        self.mapping.setRowCount(len(sheet.headers))
        for i, header in enumerate(sheet.headers):
            sample = next((str(rules.cell_value(r[i])) for _n, r in sheet.rows if i < len(r) and r[i] not in (None, "")),
                          "")
            for column, text in ((0, header), (1, sample)):
                self.mapping.setItem(i, column, _item(text))
            combo = QComboBox()
            combo.addItem(SKIP, None)
            for name in self.kind.importable:
                combo.addItem(self.kind.labels[name], name)
            combo.setCurrentIndex(max(combo.findData(suggested.get(i)), 0))
            combo.currentIndexChanged.connect(lambda _i: self._mapping_changed())
            self.mapping.setCellWidget(i, 2, combo)
        self.mapping.resizeColumnsToContents()
        self._enable()

    def _mapping_changed(self) -> None:
        self.checks = []
        self.preview.set_rows([])
        self.summary.setText("列的对应已改变，请重新检查。")
        self._enable()

    def chosen_mapping(self) -> dict[int, str]:
        mapping = {}
        for i in range(self.mapping.rowCount()):
            name = self.mapping.cellWidget(i, 2).currentData()  # type: ignore[union-attr]
            if name and name not in mapping.values():
                mapping[i] = name
        return mapping

    # -- checking and importing --------------------------------------------------------------------

    def check(self) -> None:
        mapping = self.chosen_mapping()
        if self.kind.required not in mapping.values():
            QMessageBox.warning(self, self.kind.title, f"请指定哪一列是“{self.kind.labels[self.kind.required]}”。")
            return
        sheet = self.sheets[self.sheet.currentIndex()]
        run_job(self, "正在检查每一行", imports.check_rows, sheet, mapping, self.kind, db_path=self.session.db_path,
                on_done=self._checked)

    def _checked(self, checks: list[rules.RowCheck]) -> None:
        self.checks = checks
        self.preview.set_rows([{
            "number": c.number, "status": c.status, "name": c.raw.get("name") or "",
            "id_number": mask(str(c.raw.get("id_number") or "")), "problems": "；".join(c.problems),
        } for c in checks])
        self.summary.setText(rules.summary(checks))
        self._enable()

    def do_import(self) -> None:
        new = sum(c.record is not None for c in self.checks)
        if QMessageBox.question(self, self.kind.title, f"将导入 {new} {self.kind.noun}（有问题的行和已在档案中的不导入）。"
                                "确定导入吗？") != QMessageBox.StandardButton.Yes:
            return
        run_job(self, "正在导入", imports.import_rows, self.session.actor, self.checks, self.kind,
                db_path=self.session.db_path, changes=self.session.changes, on_done=self._imported)

    def _imported(self, created: int) -> None:
        self.checks = []
        self._enable()
        QMessageBox.information(self, self.kind.title, f"已导入 {created} {self.kind.noun}。")
        self.check()  # the rows now show as already in the archive

    def save_report(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(self, "保存问题行", str(Path.home() / "导入问题.xlsx"),
                                                      "Excel 文件 (*.xlsx)")
        if chosen:
            run_job(self, "正在保存问题行", imports.problem_report, self.checks, self.chosen_mapping(), Path(chosen),
                    self.kind, on_done=lambda path: QMessageBox.information(
                        self, "保存问题行", f"问题行已保存到：\n{path}\n改正后可以再次导入，已导入的不会重复。"))


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item
