"""What the window's first paint does without: modules imported only on first use or after it,
Qt types made at their first use, the window icon and the garbage collector, which come once the
window is painted.

The real entry point (``assistant.app.main``) runs in a fresh process with a fresh app folder; a
probe reports from a 0 ms timer queued at the window's first expose (before the app's own
after-paint work, whose filter sees the event later).
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assistant import app as app_module
from assistant.core.config.settings import Settings

SCRIPT = """
import gc, os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QApplication, QLineEdit
from assistant.ui import warm_up

warm_up.import_in_background = lambda *_args: None  # the list is of what the paint needed

def report():
    import PySide6
    from PySide6 import QtCore

    # the Qt types (and their enums) made so far, such as PySide6.QtCore.Qt (the namespace)
    made = [
        f"PySide6.{module}.{name}"
        for module in ("QtCore", "QtGui", "QtWidgets")
        for name in list(getattr(PySide6, module).__dict__)
        if name.startswith("Q")
    ]
    made += {"widget:" + type(widget).__name__ for widget in QApplication.allWidgets()}
    windows = QApplication.topLevelWidgets()
    if any(window.findChildren(QtCore.QFileSystemWatcher) for window in windows):
        made.append("QFileSystemWatcher")
    edits = [widget for widget in QApplication.allWidgets() if isinstance(widget, QLineEdit)]
    if any(edit.isClearButtonEnabled() for edit in edits):
        made.append("clear-button")
    print("collector", "on" if gc.isenabled() else "off")
    print("icon", "none" if QApplication.windowIcon().isNull() else "set")
    print("\\n".join(sorted([*sys.modules, *made])), flush=True)
    QTimer.singleShot(100, after)

def after():
    print("icon", "none" if QApplication.windowIcon().isNull() else "set")
    print("collector", "on" if gc.isenabled() else "off", flush=True)
    os._exit(0)

class Probe(QObject):
    def eventFilter(self, watched, event):
        exposed = isinstance(watched, QWindow) and watched.isExposed()
        if event.type() == QEvent.Type.Expose and exposed:
            QTimer.singleShot(0, report)
            QApplication.instance().removeEventFilter(self)
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
    "PySide6.QtCore.Qt",  # 93 enums made at its first use: ui/qt_keys.py
    "pygments.lexer",  # with the first lexer (a fenced block or a code field with text)
    "pygments.lexers",
    "pygments.styles",  # with the first highlighted token
    "email",  # an HTTP-date Retry-After
    "socket",  # a connection error, the first history record's owner
    "uuid",  # the first run and record
    "hashlib",  # installing the built-in model
    "subprocess",
    "assistant.core.work.generation",  # the generation machinery: the first Generate
    "assistant.core.providers.client",
    "assistant.core.work.runs",  # the run book and a run's events: the first Generate
    "assistant.core.work.events",
    "assistant.core.providers.events",
    "assistant.core.work.finish",  # how a run ended: its end
    "assistant.ui.chat_flow",  # chat mode's view and a thread's overflow notice: their first use
    "assistant.ui.chat_view",
    "html",
    "widget:ChatView",
    "widget:OverflowBar",
    "widget:ColumnHeader",  # a column's header: several answers (or the first Generate)
    "assistant.ui.markdown_view",  # Rendered
    "widget:MarkdownView",
    "assistant.core.prompts.threads",  # follow-ups and versions: the first answer to follow up
    "assistant.core.storage.threads",
    "assistant.core.prompts.selection",
    "assistant.core.prompts.quick_actions",
    "assistant.ui.selection_span",
    "assistant.ui.followup_recovery",  # a follow-up cut short: its recovery
    "assistant.core.prompts.images",  # the image store: the first image attached or shown
    "assistant.core.prompts.mode_files",  # the Modes menu's files: its first use
    "assistant.core.prompts.mode_check",
    "csv",
    "QFileSystemWatcher",  # the mode folder: watched once the window is painted
    "assistant.core.providers.vision",  # the first form with an image field
    "assistant.core.text.file_text",  # the first file inserted into a field
    "tomlkit",  # the mode editor
    "tomllib",  # a mode file of the person's own (the built-in ones come decoded: mode_cache.py)
    "jinja2",  # the first request's templates (warmed up after the paint)
    "markdown_it",  # Rendered, an export
    "importlib.resources",  # package data are read as files (core/base/resources.py)
    "assistant.core.text.text_changes",  # what a paste changed: the first paste
    "assistant.core.engine.gguf_info",  # a model file's details: the first model listed
    "assistant.core.prompts.toml_lines",  # where a mode file's problem is: the first problem
    "assistant.core.text.answers",  # the code of an answer: the first Insert
    "assistant.core.providers.connection",  # the endpoint: the first request
    "assistant.core.providers.errors",
    "PySide6.QtGui.QTextCharFormat",  # the first highlighted token (ui/theme.py)
    "PySide6.QtGui.QTextFormat",
    "PySide6.QtGui.QPainter",  # a code field's line numbers
    "PySide6.QtGui.QImage",  # the first image
    "clear-button",  # its icon from the desktop's icon theme: once the field is on screen
)


def run_app(home: Path) -> list[str]:
    """The probe's lines: the collector's state and the modules at the first paint, then the
    collector's state 100 ms later."""
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "settings.json").write_text(json.dumps({"welcome_done": True}))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_first_paint_imports_nothing_it_does_not_use(app_home: Path) -> None:
    loaded = set(run_app(app_home)[2:-2])
    assert "assistant.ui.main_window" in loaded  # the window was really built and shown
    early = sorted(name for name in NOT_BEFORE_FIRST_PAINT if name in loaded)
    assert early == [], f"imported before the window's first paint: {early}"


def test_the_collector_is_off_while_the_window_is_built_and_on_once_painted(
    app_home: Path,
) -> None:
    lines = run_app(app_home)
    assert (lines[0], lines[-1]) == ("collector off", "collector on")


def test_the_window_icon_is_set_once_the_window_is_painted(app_home: Path) -> None:
    lines = run_app(app_home)
    assert (lines[1], lines[-2]) == ("icon none", "icon set")


def test_the_collector_comes_back_even_if_the_window_is_never_painted(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "GC_AFTER_MS", 50)
    window = app_module.build_window(Settings())
    qtbot.addWidget(window)  # never shown, so never exposed
    gc.disable()
    try:
        app_module._after_first_paint(window)
        qtbot.waitUntil(gc.isenabled, timeout=5000)
    finally:
        gc.enable()


def test_a_window_never_painted_gets_the_icon_too(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    monkeypatch.setattr(app_module, "GC_AFTER_MS", 50)
    QApplication.setWindowIcon(QIcon())
    window = app_module.build_window(Settings())
    qtbot.addWidget(window)  # never shown, so never exposed
    gc.disable()
    try:
        app_module._after_first_paint(window)
        qtbot.waitUntil(lambda: not QApplication.windowIcon().isNull(), timeout=5000)
    finally:
        gc.enable()


def test_a_text_field_gets_its_clear_button_once_on_screen(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLineEdit

    from assistant.core.prompts.modes import builtin_modes
    from assistant.ui.mode_form import ModeForm

    form = ModeForm(builtin_modes()["article"])
    qtbot.addWidget(form)
    edits = [edit for edit in form.findChildren(QLineEdit) if edit.objectName() == "field_topic"]
    assert len(edits) == 1 and not edits[0].isClearButtonEnabled()
    form.show()
    qtbot.waitExposed(form)
    qtbot.waitUntil(edits[0].isClearButtonEnabled, timeout=5000)
    later = ModeForm(builtin_modes()["translate"])  # built once the window is on screen
    form.layout().addWidget(later)
    target = [edit for edit in later.findChildren(QLineEdit) if edit.objectName() == "field_target"]
    assert len(target) == 1
    qtbot.waitUntil(target[0].isClearButtonEnabled, timeout=5000)


def test_a_field_deleted_before_its_window_is_painted_is_left_alone(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    from assistant.ui.warm_up import clear_button_when_on_screen

    window = QWidget()
    qtbot.addWidget(window)
    edit, kept = QLineEdit(window), QLineEdit(window)
    QVBoxLayout(window).addWidget(kept)
    clear_button_when_on_screen(edit)
    clear_button_when_on_screen(kept)
    window.show()  # both shown: each waits for the window's first paint
    edit.deleteLater()
    qtbot.waitExposed(window)
    qtbot.waitUntil(kept.isClearButtonEnabled, timeout=5000)  # no error from the deleted one


WARM_UP_SCRIPT = """
import gc, os, sys, threading
from assistant.ui import warm_up

original = warm_up.import_in_background

def observed(modules, calls=()):
    before = gc.isenabled()
    seen = []
    thread = original(["json"], [lambda: seen.append(gc.isenabled())])

    def report():
        thread.join()
        print("before", before, "during", seen, "after", gc.isenabled(), flush=True)
        os._exit(0)

    threading.Thread(target=report).start()
    return thread

warm_up.import_in_background = observed
from assistant.app import main
main([sys.argv[0]])
"""


def test_the_warm_up_runs_after_the_collector_is_back_and_pauses_it(app_home: Path) -> None:
    (app_home / "config").mkdir(parents=True, exist_ok=True)
    (app_home / "config" / "settings.json").write_text(json.dumps({"welcome_done": True}))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", WARM_UP_SCRIPT], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["before", "True", "during", "[False]", "after", "True"]
