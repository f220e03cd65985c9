"""用户手册: the user's guide that ships with the program (resources/guide/), read offline.

The guide is plain HTML with screenshots that `make guide` takes from the real program, shown in a
QTextBrowser: no browser, no network, nothing to install. It opens beside the main window (not
modal), so a worker can follow its steps while doing them; F1 brings it back to the front.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from station_app import paths
from station_app.ui.screen_fit import fit

GUIDE = ("guide", "index.html")
MISSING = ("<h2>找不到用户手册</h2><p>安装目录中缺少用户手册文件（resources/guide/index.html）。"
           "请重新安装社工站程序，或联系县民政局技术人员。</p>")


PICTURE_WIDTH = 720  # the widest a screenshot is shown: a whole window, scaled down, still legible


class GuideBrowser(QTextBrowser):
    """Shows the guide's screenshots no wider than PICTURE_WIDTH, smoothly scaled, so a picture of the
    whole main window fits beside the text on a small screen."""

    def loadResource(self, kind: int, name: QUrl) -> object:  # noqa: N802 - Qt's name
        found = super().loadResource(kind, name)
        if kind == QTextDocument.ResourceType.ImageResource and isinstance(found, QByteArray | bytes):
            image = QImage.fromData(found)
            if image.width() > PICTURE_WIDTH:
                return image.scaledToWidth(PICTURE_WIDTH, Qt.TransformationMode.SmoothTransformation)
            return image
        return found


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("用户手册 — 社工站")
        self.browser = GuideBrowser()
        self.browser.setOpenLinks(True)
        self.browser.setOpenExternalLinks(False)  # offline: the guide links only within itself
        index = paths.resource(*GUIDE)
        if index.is_file():
            self.browser.setSource(QUrl.fromLocalFile(str(index)))
        else:
            self.browser.setHtml(MISSING)
        back = QPushButton("后退(&B)")
        back.setEnabled(False)
        back.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(back.setEnabled)
        home = QPushButton("目录(&H)")
        home.clicked.connect(self.browser.home)
        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(back)
        buttons.addWidget(home)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        fit(self, 960, 760)

    def bring_up(self) -> None:
        """Show the guide beside the main window, or bring it to the front if it is open already."""
        if not self.isVisible():
            fit(self)
            self.show()
        self.raise_()
        self.activateWindow()
