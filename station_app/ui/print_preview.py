"""Print preview: every printed form opens here before it reaches paper.

The PDF a print job wrote is shown page by page (QtPdf renders it, so what is on screen is what
the printer gets), with 打印 (the system print dialog), 另存为 PDF (e.g. onto a USB stick for the
township office's printer) and 用其他程序打开. Printing renders each page at the printer's
resolution and paints it in a worker thread (Qt allows painting on a QPrinter outside the GUI
thread), with progress and 取消, so a 200-page batch never freezes the window.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station_app.core.errors import KnownError
from station_app.core.jobs import Cancelled, JobState
from station_app.ui.dialogs import present
from station_app.ui.operations import JobHandle, run_job


class PrintPreview(QDialog):
    printed = Signal(int)  # pages sent to the printer

    def __init__(self, pdf: Path, parent: QWidget | None = None, *, keep: bool = True) -> None:
        """`keep=False` for a secret (the recovery code): no copy can be saved or opened elsewhere, and
        the PDF and the private folder it was written to are deleted when the preview closes."""
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
        for button in (self.print_button, self.save_button, self.open_button, close) if keep \
                else (self.print_button, close):
            bar.addWidget(button)
        if not keep:
            self.finished.connect(self._forget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        screen = self.screen().availableGeometry() if self.screen() else None
        self.resize(QSize(860, screen.height() - 80 if screen else 900))

    def _forget(self) -> None:
        self.document.close()
        shutil.rmtree(self.pdf.parent, ignore_errors=True)

    @property
    def ready(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready and self.document.pageCount() > 0

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.pdf.stem)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印")
        present(dialog, lambda _dialog: self.print_to(printer))

    def print_to(self, printer: QPrinter) -> JobHandle:
        """Send every page (or the dialog's range) to `printer` in a worker; `printed` tells how many."""
        self._printer = printer  # kept alive until the job is done with it
        return run_job(self, "正在打印", print_pages, self.pdf, printer, on_done=self.printed.emit,
                       on_error=lambda exc: QMessageBox.warning(self, "打印", str(exc)))

    def save_as(self) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(self, "另存为 PDF", str(Path.home() / self.pdf.name), "PDF 文件 (*.pdf)")
        if not chosen:
            return None
        target = Path(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")
        shutil.copyfile(self.pdf, target)
        return target


def print_pages(state: JobState, pdf: Path, printer: QPrinter) -> int:
    """Render the PDF's pages (the printer's page range, or all) onto `printer`; how many went."""
    document = QPdfDocument()  # this thread's own: a QObject belongs to the thread that made it
    document.load(str(pdf))
    first, last = printer.fromPage(), printer.toPage()
    pages = list(range(first - 1, last) if first > 0 else range(document.pageCount()))
    size = document.pagePointSize(pages[0]) if pages else None
    if size is not None and size.width() > size.height():  # a list printed on its side (the route sheet)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    painter = QPainter()
    if not painter.begin(printer):
        raise KnownError("无法连接打印机，请检查打印机是否开启并已连接。")
    try:
        for n, page in enumerate(pages):
            state.report(n, len(pages), f"正在打印第 {n + 1} / {len(pages)} 页")  # raises Cancelled on 取消
            if n:
                printer.newPage()
            target = painter.viewport()
            painter.drawImage(target, document.render(page, target.size()))
    except Cancelled:
        printer.abort()
        raise
    finally:
        painter.end()
    return len(pages)


def show_printed(parent: QWidget | None, pdf: Path, *, keep: bool = True) -> PrintPreview:
    """Open the preview of a freshly printed form (not modal: the worker may keep it beside the list)."""
    preview = PrintPreview(pdf, parent, keep=keep)
    preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    preview.show()
    return preview
