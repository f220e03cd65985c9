"""Print preview: every printed form opens here before it reaches paper.

The PDF a print job wrote is shown page by page (QtPdf renders it, so what is on screen is what
the printer gets), with 打印 (the system print dialog), 另存为 PDF (e.g. onto a USB stick for the
township office's printer) and 用其他程序打开. Printing renders page images at the printer's
resolution one page at a time, with progress and 取消, so a 200-page batch never freezes the window.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class PrintPreview(QDialog):
    def __init__(self, pdf: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf = Path(pdf)
        self.setWindowTitle(f"打印预览 — {self.pdf.stem}")
        self.document = QPdfDocument(self)
        self.document.load(str(self.pdf))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pages = QLabel(f"共 {self.document.pageCount()} 页")
        self.print_button = QPushButton("打印(&P)…")
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.setDefault(True)
        self.save_button = QPushButton("另存为 PDF(&S)…")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.open_button = QPushButton("用其他程序打开")
        close = QPushButton("关闭")
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        self.open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf))))
        close.clicked.connect(self.accept)
        bar = QHBoxLayout()
        bar.addWidget(self.pages)
        bar.addStretch(1)
        for button in (self.print_button, self.save_button, self.open_button, close):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        screen = self.screen().availableGeometry() if self.screen() else None
        self.resize(QSize(860, screen.height() - 80 if screen else 900))

    @property
    def ready(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready and self.document.pageCount() > 0

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.pdf.stem)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Send every page (or the dialog's range) to `printer`; how many pages went, 0 if cancelled."""
        first, last = printer.fromPage(), printer.toPage()
        pages = list(range(first - 1, last) if first > 0 else range(self.document.pageCount()))
        progress = QProgressDialog("正在打印…", "取消", 0, len(pages), self)
        progress.setWindowTitle("打印")
        progress.setMinimumDuration(300)
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, "打印", "无法连接打印机，请检查打印机是否开启并已连接。")
            return 0
        printed = 0
        try:
            for n, page in enumerate(pages):
                if progress.wasCanceled():
                    printer.abort()
                    return 0
                if n:
                    printer.newPage()
                target = painter.viewport()
                image = self.document.render(page, target.size())
                painter.drawImage(target, image)
                printed += 1
                progress.setValue(n + 1)
                QApplication.processEvents()
        finally:
            painter.end()
            progress.close()
        return printed

    def save_as(self) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(self, "另存为 PDF", str(Path.home() / self.pdf.name), "PDF 文件 (*.pdf)")
        if not chosen:
            return None
        target = Path(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")
        shutil.copyfile(self.pdf, target)
        return target


def show_printed(parent: QWidget | None, pdf: Path) -> PrintPreview:
    """Open the preview of a freshly printed form (not modal: the worker may keep it beside the list)."""
    preview = PrintPreview(pdf, parent)
    preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    preview.show()
    return preview
