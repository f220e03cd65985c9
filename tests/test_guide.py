"""The user's guide ships with the program and opens offline from 帮助 → 用户手册, pictures and all;
its pictures are the ones `make guide` takes (packaging/guide/scenes.py), none missing and none left over."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QUrl  # noqa: E402
from PySide6.QtGui import QTextDocument  # noqa: E402

from station_app import paths  # noqa: E402
from station_app.ui.guide_window import GuideDialog  # noqa: E402
from station_app.ui.main_window import MainWindow  # noqa: E402
from tests.ui_helpers import wait_shown  # noqa: E402

pytest_plugins = ["tests.ui_fixtures"]
pytestmark = pytest.mark.gui

GUIDE = paths.resource("guide", "index.html")


def pictures() -> list[str]:
    return re.findall(r'<img src="([^"]+)"', GUIDE.read_text(encoding="utf-8"))


def test_every_picture_the_guide_shows_is_shipped_and_every_shipped_one_is_shown():
    shown = pictures()
    assert len(shown) >= 15 and len(set(shown)) == len(shown)
    shipped = {f"images/{p.name}" for p in (GUIDE.parent / "images").glob("*.png")}
    assert set(shown) == shipped


def test_help_opens_the_guide_offline_with_its_pictures(qtbot, session):
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show_on_screen()
    help_menu = window.menuBar().actions()[-1].menu()
    guide = next(a for a in help_menu.actions() if a.text() == "用户手册")
    assert guide.shortcut().toString() == "F1"
    guide.trigger()
    dialog = wait_shown(qtbot, GuideDialog)
    text = dialog.browser.toPlainText()
    assert "社工站用户手册" in text and "临时救助和先行救助" in text
    document = dialog.browser.document()
    for picture in pictures():
        image = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(picture))
        assert image is not None and not image.isNull(), picture
    guide.trigger()  # again: the same window comes to the front, not a second one
    assert len([w for w in window.findChildren(GuideDialog)]) == 1
