"""SIGTERM (a session logging out, ``kill``, a service manager) and SIGINT (Ctrl+C in the terminal
that started it) close the app as its window's close button does: drafts saved, running requests
stopped, the engine ended, exit code 0.

Python runs a signal handler only between bytecodes, which Qt's C++ event loop never reaches
while idle: the handler is woken through ``signal.set_wakeup_fd`` and a socket the event loop
watches (a pipe: ``socket`` is not imported before the first paint).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

from PySide6.QtCore import QObject, QSocketNotifier
from PySide6.QtWidgets import QApplication


class TerminateWatch(QObject):
    """Closes every window and quits when the process receives SIGTERM or SIGINT."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._reader, self._writer = os.pipe()
        os.set_blocking(self._reader, False)
        os.set_blocking(self._writer, False)
        self._notifier = QSocketNotifier(self._reader, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)
        self._terminated = False
        signal.set_wakeup_fd(self._writer, warn_on_full_buffer=False)
        signal.signal(signal.SIGTERM, self._on_terminate)
        signal.signal(signal.SIGINT, self._on_terminate)

    def _on_terminate(self, signum: int, frame: object) -> None:
        self._terminated = True

    def _woken(self) -> None:
        with contextlib.suppress(OSError):
            os.read(self._reader, 512)
        if self._terminated:
            self._terminated = False
            self._app.closeAllWindows()
            self._app.quit()


def quit_on_terminate(app: QApplication) -> TerminateWatch | None:
    """Watch for SIGTERM and SIGINT (POSIX; not on Windows): returns the watch, or None."""
    if sys.platform == "win32":
        return None
    return TerminateWatch(app)
