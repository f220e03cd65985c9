"""The Qt binding itself must not corrupt the interpreter (a pinned-version guard).

PySide6 6.12.0 on Python 3.11 drops one reference to None on every Qt call that returns nothing;
after enough clicks Python aborts with "deallocating None". This fails if such a build comes back.
"""

import sys

from PySide6.QtWidgets import QLabel


def test_qt_calls_leave_the_refcount_of_none_alone(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(10_000):
        label.setText("张三")
    assert abs(sys.getrefcount(None) - before) < 100
