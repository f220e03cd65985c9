"""Deployment files: the bundle leaves out only Qt the program never loads, the county server's
systemd unit starts the real sub-command, and its install script is valid shell."""

from __future__ import annotations

import ast
import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import PySide6
import pytest

from station_app.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"


def bundle_trim():
    spec = importlib.util.spec_from_file_location("bundle_trim", PACKAGING / "bundle_trim.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def qt_modules_imported() -> set[str]:
    """Every `PySide6.Qt…` module the program's code imports."""
    found = set()
    for source in [*(ROOT / "station_app").rglob("*.py"), ROOT / "main.py"]:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            found |= {n for n in names if n.startswith("PySide6.Qt")}
    return found


def test_the_bundle_keeps_every_qt_module_the_program_imports():
    trim = bundle_trim()
    used = qt_modules_imported()
    assert {"PySide6.QtWidgets", "PySide6.QtCharts", "PySide6.QtPdf"} <= used
    available = sorted(f"PySide6.{p.stem.split('.')[0]}" for p in Path(PySide6.__file__).parent.glob("Qt*.abi3.so")) \
        or sorted(used)
    assert not used & set(trim.python_excludes(available + sorted(used)))
    for module in used:
        short = module.removeprefix("PySide6.Qt")
        assert not trim.unused(f"PySide6/Qt/lib/libQt6{short}.so.6")
        assert not trim.unused(f"PySide6\\Qt6{short}.dll")


@pytest.mark.parametrize("unused_module", ["Qml", "Quick", "QuickControls2", "VirtualKeyboard", "WebEngineCore",
                                           "3DCore", "Multimedia", "Quick3D"])
def test_the_bundle_leaves_out_qml_quick_webengine_3d_and_multimedia(unused_module):
    trim = bundle_trim()
    assert trim.python_excludes([f"PySide6.Qt{unused_module}"]) == [f"PySide6.Qt{unused_module}"]
    assert trim.unused(f"PySide6/Qt/lib/libQt6{unused_module}.so.6")
    assert trim.unused(f"PySide6\\Qt6{unused_module}.dll")


def test_the_bundle_keeps_qts_chinese_translation_and_the_platform_plugins_only():
    trim = bundle_trim()
    assert not trim.unused("PySide6/Qt/translations/qtbase_zh_CN.qm")
    assert trim.unused("PySide6/Qt/translations/qtbase_de.qm")
    assert trim.unused("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so")
    for kept in ("PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/qwindows.dll",
                 "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
                 "PySide6/Qt/lib/libQt6XcbQpa.so.6", "PySide6/Qt/lib/libQt6OpenGL.so.6", "PySide6/Qt/lib/libQt6DBus.so.6"):
        assert not trim.unused(kept), kept


def test_the_spec_builds_a_console_program_for_the_sub_commands_beside_the_window_program():
    spec = (PACKAGING / "station.spec").read_text(encoding="utf-8")
    executables = re.findall(r'name="([^"]+)",\s*console=(True|False)', spec)
    assert executables == [("Station", "False"), ("station-cli", "True")]
    assert "COLLECT(gui, cli," in spec  # one folder, one set of libraries


def unit_command() -> list[str]:
    unit = (PACKAGING / "county-server.service").read_text(encoding="utf-8")
    settings = dict(line.split("=", 1) for line in re.findall(r"^(HOST=.*|PORT=.*)$",
                                                                 (PACKAGING / "install-county-server.sh").read_text(),
                                                                 re.MULTILINE))
    exec_start = re.search(r"^ExecStart=(.*)$", unit, re.MULTILINE).group(1)
    for name, value in settings.items():
        exec_start = exec_start.replace(f"${{{name}}}", value)
    return shlex.split(exec_start.replace("$EXTRA_ARGS", ""))


def test_the_systemd_unit_starts_the_county_servers_run_command_with_the_installed_folders():
    command = unit_command()
    install = (PACKAGING / "install-county-server.sh").read_text(encoding="utf-8")
    assert command[:2] == ["/opt/station-county/venv/bin/python", "/opt/station-county/main.py"]
    assert "PREFIX=/opt/station-county" in install
    args = build_parser().parse_args(command[2:])
    assert (args.command, args.server_command) == ("server", "run")
    assert str(args.dir) == "/var/lib/station-county" and f"DATA={args.dir}" in install
    assert str(args.key_file) == "/etc/station-county/county.db.key" and "KEY_FILE=$CONFIG/county.db.key" in install
    assert (args.host, args.port) == ("0.0.0.0", 8443)
    unit = (PACKAGING / "county-server.service").read_text(encoding="utf-8")
    assert "ReadWritePaths=/var/lib/station-county" in unit and "User=station-county" in unit


def test_the_install_script_is_valid_bash_and_keeps_the_key_private():
    script = PACKAGING / "install-county-server.sh"
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = script.read_text(encoding="utf-8")
    assert 'chmod 0600 "$KEY_FILE"' in text and "useradd --system" in text
    assert "county-server.service" in text and "systemctl enable" in text


def test_the_server_requirements_the_script_installs_leave_out_qt_only(tmp_path):
    """The script's filter, run on the real requirements: every server library stays, no Qt."""
    script = (PACKAGING / "install-county-server.sh").read_text(encoding="utf-8")
    pattern = re.search(r"grep -v -i -E '([^']+)'", script).group(1)
    kept = subprocess.run(["grep", "-v", "-i", "-E", pattern, str(ROOT / "requirements.txt")],
                          capture_output=True, text=True, check=True).stdout
    names = {line.split("==")[0].lower() for line in kept.splitlines() if "==" in line}
    assert {"starlette", "uvicorn", "sqlcipher3", "cryptography", "psycopg"} <= names
    assert not {"pyside6-essentials", "pyside6-addons", "shiboken6", "qtawesome", "qtpy"} & names
    assert sys.version_info >= (3, 11)
