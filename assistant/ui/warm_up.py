"""After the window's first paint, import what the first Generate needs, in a background thread.

``import openai`` takes about a second on a small machine (``python -X importtime``), so it stays
off the start-up path (the window shows without it); but the first Generate would then pay it
between Ctrl+Enter and the first word. Importing it while the person looks at the window and
types hides that cost; if Generate comes first, its worker waits for the same import (Python's
import lock).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import threading
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QLineEdit, QWidget

FIRST_GENERATE_MODULES = (
    "jinja2.sandbox",
    "assistant.ui.context_check",
    "keyring",
    "openai",
    "openai.resources.chat.chat",
    "openai.lib.streaming.chat",
    "httpcore2",
    "h11",
    "truststore",
    "jiter",
    "assistant.core.storage.threads",
    "assistant.core.prompts.quick_actions",
)
"""What the first Generate imports and nothing before it does (``python -X importtime``): the
prompt templates' sandbox and the context check (GUI thread), the key store's backend, the OpenAI
SDK with the chat resources, its transport and parsers (worker), and the thread and quick actions
the follow-up box shows once the answer ends. A name that does not exist in another SDK version
is skipped."""


def import_in_background(
    modules: Sequence[str], calls: Sequence[Callable[[], object]] = ()
) -> threading.Thread:
    """Start importing ``modules``, then making ``calls``, in a thread of their own (failures are
    left to the real use, which reports them).

    The garbage collector pauses meanwhile: the imports make objects that are nearly all kept, and
    collecting during ``import openai`` alone took ~55 ms of its ~450 ms (``gc.callbacks``).
    """

    def run() -> None:
        collecting = gc.isenabled()
        gc.disable()
        try:
            for name in modules:
                with contextlib.suppress(Exception):
                    importlib.import_module(name)
            for call in calls:
                with contextlib.suppress(Exception):
                    call()
        finally:
            if collecting:
                gc.enable()

    thread = threading.Thread(target=run, name="warm-imports")
    thread.start()
    return thread


class _AfterFirstPaint(QObject):
    """Calls back once the window is on screen (after the paint its first expose asks for)."""

    def __init__(self, window: QWindow, callback: Callable[[], object]) -> None:
        super().__init__(window)
        self._callback = callback
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        exposed = isinstance(watched, QWindow) and watched.isExposed()
        if event.type() == QEvent.Type.Expose and exposed:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


def after_first_paint(widget: QWidget, callback: Callable[[], object]) -> None:
    """Call ``callback`` once ``widget``'s window has been painted for the first time."""
    handle = widget.windowHandle()
    if handle is None:  # not shown yet: nothing will be painted before it is
        widget.winId()
        handle = widget.windowHandle()
    if handle is not None:
        _AfterFirstPaint(handle, callback)


class _OnFirstShow(QObject):
    """Calls ``then(widget)`` at a widget's first show."""

    def __init__(self, widget: QWidget, then: Callable[[QWidget], None]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            watched.removeEventFilter(self)
            self._then(watched)
            self.deleteLater()
        return False


def once_painted(widget: QWidget, callback: Callable[[], object]) -> None:
    """Call ``callback`` once ``widget``'s window is first painted, whether it is shown yet or not
    (for what the window's parts can do without until the person sees it)."""
    if widget.isVisible():
        after_first_paint(widget, callback)
    else:
        _OnFirstShow(widget, lambda shown: after_first_paint(shown, callback))


def warm_after_first_paint(
    widget: QWidget,
    modules: Sequence[str] = FIRST_GENERATE_MODULES,
    calls: Sequence[Callable[[], object]] = (),
) -> None:
    """Import ``modules`` and make ``calls`` (such as finding the system keyring) in the
    background once ``widget`` (shown) is first painted."""
    after_first_paint(widget, lambda: import_in_background(modules, calls))


def _now_or_once_painted(widget: QWidget, callback: Callable[[], object]) -> None:
    """``callback`` at once if ``widget``'s window is on screen, else after its first paint."""
    window = widget.window()
    handle = window.windowHandle()
    if handle is not None and handle.isExposed():
        QTimer.singleShot(0, widget, callback)
    else:
        after_first_paint(window, callback)


def when_on_screen(widget: QWidget, callback: Callable[[], object]) -> None:
    """Call ``callback`` once ``widget`` is first shown and its window painted: for what a
    widget's first frame can do without (never called for a widget never shown)."""
    _OnFirstShow(widget, lambda shown: _now_or_once_painted(shown, callback))


def clear_button_when_on_screen(edit: QLineEdit) -> None:
    """``edit.setClearButtonEnabled(True)`` once it is on screen: the button's icon is looked up
    in the desktop's icon theme (under X11 ~10 M instructions and a scan of its folders each,
    callgrind), which a window's first paint can do without."""

    def enable() -> None:
        with contextlib.suppress(RuntimeError):  # deleted before its window was painted
            edit.setClearButtonEnabled(True)

    when_on_screen(edit, enable)
