"""Regression: many Qt calls that return nothing must not crash the interpreter.

PySide6 6.12.0 on CPython 3.11 drops a reference to ``None`` per void call and dies with
``Fatal Python error: none_dealloc`` after a few thousand (FACTS.md). Run in a subprocess so a
crash fails this test instead of killing pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = r"""
import sys
from PySide6.QtWidgets import QApplication, QSlider
from PySide6.QtGui import QTextCursor, QTextDocument

app = QApplication([])
document = QTextDocument()  # no view: keeps 10 000 inserts cheap
slider = QSlider()
slider.setRange(0, 100)
cursor = QTextCursor(document)
before = sys.getrefcount(None)
for n in range(10_000):
    cursor.insertText("x")
    slider.setValue(n % 100)
app.processEvents()
after = sys.getrefcount(None)
print("calls", 20_000, "none_refcount_delta", after - before)
"""


def test_twenty_thousand_void_calls_do_not_crash() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=90
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "none_dealloc" not in result.stderr
    delta = int(result.stdout.split("none_refcount_delta")[1])
    if sys.version_info < (3, 12):  # None is immortal from 3.12 and its count never moves
        assert delta > -1_000, f"None lost {-delta} references: the PySide6 6.12 leak is back"
