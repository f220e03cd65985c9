"""Qt's own dialogs speak Chinese: no English label in the file and print dialogs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402
from PySide6.QtPrintSupport import QPrintDialog, QPrinter  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel, QTreeView, QWidget  # noqa: E402

from station_app.ui.app import make_application  # noqa: E402

pytestmark = pytest.mark.gui
ENGLISH = re.compile(r"[A-Za-z]{3,}")


def english_words(dialog: QWidget) -> list[str]:
    shown = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)]
    return [text for text in shown if ENGLISH.search(text.replace("&", ""))]


def test_the_file_dialog_has_no_english_label_and_says_folder_in_chinese(qtbot, tmp_path):
    make_application()
    (tmp_path / "备份").mkdir()
    dialog = QFileDialog(None, "选择文件", str(tmp_path), "Excel 文件 (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    assert english_words(dialog) == []
    model = dialog.findChild(QTreeView, "treeView").model()
    qtbot.waitUntil(lambda: model.rowCount(model.index(str(tmp_path))) == 1)
    folder = model.index(0, 2, model.index(str(tmp_path)))
    assert model.data(folder, Qt.ItemDataRole.DisplayRole) == "文件夹"


def test_the_print_dialog_has_no_english_label(qtbot):
    make_application()
    dialog = QPrintDialog(QPrinter())
    qtbot.addWidget(dialog)
    assert english_words(dialog) == []


def test_a_word_qt_now_writes_with_a_mnemonic_is_still_found():
    make_application()
    assert QCoreApplication.translate("QFileDialog", "&Look in:") == "查找范围："
    assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder") == "文件夹"
    assert QCoreApplication.translate("QFileDialog", "no such words here") == "no such words here"
