"""Before the window opens: missing X11 libraries are named in Chinese as the packages to install."""

from station_app import cli
from station_app.ui import platform_libs

LDD = """\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /x/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-icccm.so.4 => not found
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibEGL.so.1 => /lib/libEGL.so.1 (0x00007f)
"""


def test_ldd_output_gives_the_missing_libraries_once():
    assert platform_libs.missing_in(LDD) == ["libxcb-icccm.so.4", "libxkbcommon-x11.so.0"]


def test_libraries_are_named_as_debian_packages():
    assert [platform_libs.package_for(s) for s in ("libxcb-icccm.so.4", "libxkbcommon-x11.so.0", "libEGL.so.1",
                                                   "libdbus-1.so.3", "libxcb-cursor.so.0")] == \
        ["libxcb-icccm4", "libxkbcommon-x11-0", "libegl1", "libdbus-1-3", "libxcb-cursor0"]


def test_only_an_x11_start_on_linux_is_checked():
    assert platform_libs.uses_x11({"DISPLAY": ":0"})
    assert not platform_libs.uses_x11({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"})
    assert not platform_libs.uses_x11({})
    assert not platform_libs.uses_x11({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"})


def test_the_app_says_in_chinese_what_to_install_instead_of_aborting(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(platform_libs, "uses_x11", lambda environ: True)
    monkeypatch.setattr(platform_libs, "missing_packages", lambda: ["libxcb-cursor0", "libxcb-icccm4"])
    assert cli.main(["--data-dir", str(tmp_path)]) == 2
    said = capsys.readouterr().err
    assert "缺少显示窗口所需的系统组件" in said and "sudo apt-get install libxcb-cursor0 libxcb-icccm4" in said


def test_this_machines_plugin_is_inspected_without_error():
    assert all(package.startswith("lib") for package in platform_libs.missing_packages())
