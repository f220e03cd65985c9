"""Before the window opens on Linux: are the system libraries Qt's X11 plugin needs installed?

Without them Qt aborts with an English message about "xcb" that a township office cannot act on.
The plugin's own dependencies are read with `ldd`; libxcb-cursor, which Qt 6.5+ loads at run time,
is looked up by name. What is missing is named as the Debian packages to install.
"""

from __future__ import annotations

import ctypes.util
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

# Loaded by Qt with dlopen, so ldd cannot see it.
_LOADED_AT_RUN_TIME = ("xcb-cursor",)
_NOT_FOUND = re.compile(r"^\s*(\S+) => not found", re.MULTILINE)


def uses_x11(environ: Mapping[str, str]) -> bool:
    """Qt will pick its X11 plugin: on Linux, with an X display and no other platform chosen."""
    platform = environ.get("QT_QPA_PLATFORM", "")
    return sys.platform.startswith("linux") and bool(environ.get("DISPLAY")) and platform in ("", "xcb") \
        and not environ.get("WAYLAND_DISPLAY")


def package_for(soname: str) -> str:
    """Debian's package for a library: libxcb-icccm.so.4 → libxcb-icccm4, libxkbcommon-x11.so.0 →
    libxkbcommon-x11-0 (a dash where the name ends in a digit), libEGL.so.1 → libegl1."""
    name, _, version = soname.partition(".so")
    version = version.lstrip(".").split(".")[0]
    return f"{name.lower()}{'-' if name[-1].isdigit() else ''}{version}"


def missing_in(ldd_output: str) -> list[str]:
    """The libraries `ldd` says it could not find, each once."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def missing_packages() -> list[str]:
    """The Debian packages to install before Qt's X11 plugin can load; empty when all is there."""
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    sonames: list[str] = []
    for library in (qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6"):
        if library.exists():
            try:
                output = subprocess.run(["ldd", str(library)], capture_output=True, text=True, timeout=10).stdout
            except (OSError, subprocess.SubprocessError):
                return []  # no ldd: let Qt speak for itself rather than guess
            sonames += missing_in(output)
    sonames += [f"lib{name}.so.0" for name in _LOADED_AT_RUN_TIME if ctypes.util.find_library(name) is None]
    return list(dict.fromkeys(package_for(s) for s in sonames))


def message(packages: list[str]) -> str:
    return ("无法打开程序窗口：这台电脑缺少显示窗口所需的系统组件。\n"
            "请让管理员在终端中运行以下命令安装后再启动：\n"
            f"  sudo apt-get install {' '.join(packages)}")
