"""What the window's first paint does without: modules imported only on first use or after it.

The real entry point (``assistant.app.main``) runs in a fresh process with a fresh app folder; the
modules loaded when the window has been painted for the first time are listed and checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QApplication
from assistant.ui import warm_up

warm_up.import_in_background = lambda *_args: None  # the list is of what the paint needed

def report():
    print("\\n".join(sorted(sys.modules)), flush=True)
    os._exit(0)

class Probe(QObject):
    def eventFilter(self, watched, event):
        exposed = isinstance(watched, QWindow) and watched.isExposed()
        if event.type() == QEvent.Type.Expose and exposed:
            QTimer.singleShot(0, report)
        return False

probe = Probe()
original_exec = QApplication.exec

def exec_with_probe(*_args):
    QApplication.instance().installEventFilter(probe)
    return original_exec()

QApplication.exec = staticmethod(exec_with_probe)
from assistant.app import main
main([sys.argv[0]])
"""

NOT_BEFORE_FIRST_PAINT = (
    "openai",  # ~1 s: imported in the background after the paint
    "pygments.lexer",  # with the first lexer (a fenced block or a code field with text)
    "pygments.lexers",
    "pygments.styles",  # with the first highlighted token
    "email",  # an HTTP-date Retry-After
    "socket",  # a connection error, the first history record's owner
    "uuid",  # the first run and record
    "hashlib",  # installing the built-in model
    "subprocess",
)


def modules_at_first_paint(home: Path) -> set[str]:
    """Every module loaded once the app's window is painted for the first time."""
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "settings.json").write_text(json.dumps({"welcome_done": True}))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_the_first_paint_imports_nothing_it_does_not_use(app_home: Path) -> None:
    loaded = modules_at_first_paint(app_home)
    assert "assistant.ui.main_window" in loaded  # the window was really built and shown
    early = sorted(name for name in NOT_BEFORE_FIRST_PAINT if name in loaded)
    assert early == [], f"imported before the window's first paint: {early}"
