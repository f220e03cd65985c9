"""月报: the month's figures for the county, each one opening the list of records it counted.

The figures are computed in a worker (the elderly rounds' roster takes a moment at 100,000
people); 打印 opens the PDF in the print preview, 导出 Excel writes the figures with one sheet
of records per figure. The month shows whether it was submitted (未上报 / 已上报 / 已更正) and,
beside each figure, the number submitted; 上报 (the head's) freezes the figures and sends them
to the county with the next sync, a later 上报 is a correction with its reason.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station_app import paths
from station_app.core import report_versions as rules
from station_app.core.reports import Figure
from station_app.jobs import reports
from station_app.jobs.reports import MonthFigures
from station_app.store import monthly_report, report_versions
from station_app.ui import print_preview
from station_app.ui.dialogs import present
from station_app.ui.models import Column, ListTableModel
from station_app.ui.operations import run_job, run_write
from station_app.ui.record_list import RecordTable
from station_app.ui.session import Session

FIGURE_COLUMNS = (
    Column("项目", "section", sample="特殊困难老年人探访"),
    Column("指标", "label", sample="本月探访完成（次，按应访次数计）"),
    Column("数值", "text", sample="1,234 / 1,456 次（84.7%）", align_right=True),
    Column("已上报", "submitted", sample="1,234 / 1,456 次（84.7%）", align_right=True,
           warn=lambda r: r["differs"]),
)


def months_before(today: dt.date, count: int = 12) -> list[str]:
    months, day = [], today.replace(day=1)
    for _ in range(count):
        months.append(f"{day:%Y-%m}")
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return months


class MonthlyReportDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.figures: list[Figure] = []
        self.shown: MonthFigures | None = None
        self.today = today or dt.date.today()
        self.setWindowTitle("月报")
        self.resize(820, 600)
        self.month = QComboBox()
        today = today or dt.date.today()
        for month in months_before(today):
            self.month.addItem(f"{month[:4]}年{int(month[5:])}月", month)
        self.month.setCurrentIndex(self.month.findData(monthly_report.previous_month(today)))
        self.month.currentIndexChanged.connect(self.refresh)
        self.model = ListTableModel(FIGURE_COLUMNS, key="label", parent=self)
        self.table = RecordTable()
        self.table.setModel(self.model)
        self.table.opened.connect(self.show_records)
        self.print_button = QPushButton("打印(&P)…")
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.clicked.connect(self.print_report)
        self.excel_button = QPushButton("导出 Excel(&E)…")
        self.excel_button.clicked.connect(self.export_excel)
        self.submit_button = QPushButton("上报(&S)…")
        self.submit_button.setToolTip("把本月数字（连同每个数字统计的记录）上报县民政局；上报后如需修改，再次上报即为更正")
        self.submit_button.clicked.connect(self.submit)
        self.submit_button.setEnabled(False)
        self.state = QLabel()
        self.state.setWordWrap(True)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(QLabel("月份"))
        top.addWidget(self.month)
        top.addStretch(1)
        for button in (self.submit_button, self.print_button, self.excel_button, close):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(QLabel("双击（或按 Enter）一项数字，可查看它统计了哪些记录。"))
        layout.addWidget(self.table, 1)
        self.refresh()

    @property
    def chosen_month(self) -> str:
        return self.month.currentData()

    def refresh(self) -> None:
        run_job(self, "正在统计月报", reports.month_figures, self.chosen_month, db_path=self.session.db_path, on_done=self._shown)

    def _shown(self, shown: MonthFigures) -> None:
        self.shown, self.figures = shown, shown.figures
        before = {f.key: f for f in shown.submitted.figures} if shown.submitted else {}
        differs = set(report_versions.changed(shown.figures, shown.submitted)) if shown.submitted else set()
        self.model.set_rows([{"section": f.section, "label": f.label, "text": f.text,
                              "submitted": before[f.key].text if f.key in before else "",
                              "differs": f.key in differs} for f in shown.figures])
        self.state.setText(_state_text(shown, bool(differs)))
        self.submit_button.setEnabled(self.session.actor.can_write_entity("report_version")
                                      and rules.month_problem(self.chosen_month, self.today) is None
                                      and (shown.submitted is None or bool(differs)))
        self.submit_button.setText("上报更正(&S)…" if shown.submitted else "上报(&S)…")

    def submit(self) -> None:
        """Submit the month (version 1), or a correction with its reason."""
        shown, month = self.shown, self.chosen_month
        if shown is None:
            return
        name = f"{month[:4]}年{int(month[5:])}月"
        reason: str | None = None
        if shown.submitted is None:
            answer = QMessageBox.question(self, "上报月报", f"上报{name}的月报？上报后数字即冻结，随下次同步（或U盘数据包）"
                                                         "报送县民政局；如需修改，只能再次上报更正并写明原因。")
            if answer != QMessageBox.StandardButton.Yes:
                return
        else:
            reason, ok = QInputDialog.getMultiLineText(
                self, "上报更正", f"{name}已上报第{shown.submitted.version['version']}版。请写明更正原因（县里会看到）：")
            if not ok or not reason.strip():
                return
        run_write(self, self.session, report_versions.submit, month, reason, busy=self.submit_button,
                  on_done=lambda _version: self.refresh())

    def show_records(self, label: str) -> None:
        figure = next(f for f in self.figures if f.label == label)
        run_job(self, "正在列出记录", reports.records, figure, db_path=self.session.db_path,
                on_done=lambda found: present(RecordsDialog(figure, *found, parent=self)))

    def print_report(self) -> None:
        out = paths.print_path(self.session.data_dir, f"月报-{self.chosen_month}")
        run_job(self, "正在生成月报", reports.print_report, self.session.actor, self.chosen_month, out,
                db_path=self.session.db_path, on_done=lambda path: print_preview.show_printed(self, path))

    def export_excel(self) -> None:
        default = self.session.data_dir / "exports" / f"月报-{self.chosen_month}（含个人信息）.xlsx"
        default.parent.mkdir(parents=True, exist_ok=True)
        chosen, _filter = QFileDialog.getSaveFileName(self, "导出月报", str(default), "Excel 文件 (*.xlsx)")
        if chosen:
            run_job(self, "正在导出月报", reports.export_xlsx, self.session.actor, self.chosen_month,
                    Path(chosen), db_path=self.session.db_path)


class RecordsDialog(QDialog):
    """The records behind one figure."""

    def __init__(self, figure: Figure, headers: list[str], rows: list[list], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{figure.label}：{figure.text}")
        self.resize(760, 520)
        self.model = ListTableModel(
            [Column(h, (lambda i: lambda r: r["cells"][i])(i), sample="2104**********123X") for i, h in enumerate(headers)],
            [{"id": n, "cells": row} for n, row in enumerate(rows)], parent=self)
        table = RecordTable()
        table.setModel(self.model)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"共 {len(rows):,} 条记录（身份证号已遮挡）"))
        layout.addWidget(table)


def _state_text(shown: MonthFigures, differs: bool) -> str:
    """The month's state in a sentence: 未上报, or which version went up when and by whom."""
    text = f"<b>{shown.state}</b>"
    if shown.submitted is not None:
        v = shown.submitted.version
        text += f"（第{v['version']}版，{v['submitted_by']}，{v['submitted_at']}）"
        if differs:
            text += "　<span style='color:#c62828'>当前数字与已上报的不同（标红的项目），核实后可上报更正</span>"
    if shown.notes:
        text += "<br>月末后更正的日期：" + "；".join(shown.notes)
    return text
