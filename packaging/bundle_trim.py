"""What the standalone bundle leaves out: the Qt modules Station never loads, and their files.

PySide6's wheels carry all of Qt (QML, Quick, WebEngine, 3D, Multimedia…); PyInstaller's hooks
follow plugins and shared-library links into most of it, which made the bundle 401 MB. The
program uses QtCore, QtGui, QtWidgets, QtCharts, QtPdf, QtPdfWidgets and QtPrintSupport (and what
those link to: DBus, Network, OpenGL, Svg for icons, the xcb/Wayland platform plugins).
`station.spec` excludes the Python modules named here and drops the binaries and data files
`unused` picks out; `tests/test_packaging.py` checks that no module the code imports is dropped.
Plain Python, no PyInstaller import: the spec and the tests both read it.
"""

from __future__ import annotations

import re

# Qt module names (as in PySide6.Qt<name>, libQt6<name>.so, Qt6<name>.dll) the program never loads;
# each also covers the modules whose names begin with it (Quick → QuickControls2, Quick3D…).
UNUSED_QT = (
    "Qml", "Quick", "VirtualKeyboard", "WebEngine", "WebChannel", "WebSockets", "WebView", "3D", "Multimedia",
    "SpatialAudio", "Designer", "Help", "UiTools", "Bluetooth", "Nfc", "Location", "Positioning", "Sensors",
    "SerialBus", "SerialPort", "RemoteObjects", "Scxml", "StateMachine", "TextToSpeech", "DataVisualization",
    "Graphs", "CanvasPainter", "HttpServer", "NetworkAuth", "Sql", "Test", "Lottie", "Labs", "ShaderTools",
    "Concurrent", "Xml", "FFmpeg",
)

# Plugin folders that only the modules above load.
UNUSED_PLUGIN_DIRS = (
    "qmltooling", "qmllint", "qmlls", "multimedia", "sceneparsers", "geometryloaders", "renderers", "renderplugins",
    "position", "sensors", "texttospeech", "sqldrivers", "webview", "designer", "canbus", "assetimporters",
    "scxmldatamodel", "virtualkeyboard",
)

# Qt's translations: the program installs only the Chinese one (ui.app.install_qt_translation).
KEPT_TRANSLATION = "_zh_CN.qm"

_QT_FILE = re.compile(r"^(?:lib)?Qt6?(?P<module>[A-Za-z0-9]+?)(?:\.abi3)?\.(?:so|dll|pyd|dylib)(?:\.\d+)*$")


def unused_module(module: str) -> bool:
    """True for a Qt module name (without `Qt`) the bundle leaves out."""
    return module.startswith(UNUSED_QT)


def python_excludes(available: list[str]) -> list[str]:
    """The `PySide6.Qt…` modules among `available` (module names) to exclude from the analysis."""
    return [name for name in available if name.startswith("PySide6.Qt") and unused_module(name[len("PySide6.Qt"):])]


def unused(destination: str) -> bool:
    """True for a file of the bundle (its path inside the bundle) that no part of Station loads."""
    path = "/" + destination.replace("\\", "/")
    name = path.rsplit("/", 1)[-1]
    parts = path.split("/")
    if "translations" in parts and name.endswith(".qm"):
        return not name.endswith(KEPT_TRANSLATION)
    if "qml" in parts or "pyside6qml" in name.lower() or "webengine" in path.lower() or "virtualkeyboard" in name.lower():
        return True
    if "plugins" in parts and any(folder in parts for folder in UNUSED_PLUGIN_DIRS):
        return True
    match = _QT_FILE.match(name)
    return bool(match) and unused_module(match.group("module"))
