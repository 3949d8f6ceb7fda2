"""Install the built-in model off the GUI thread, and a small progress widget that shows it.

:class:`ModelInstaller` runs ``models.install_default`` with a :class:`~assistant.ui.worker.Worker`
in Qt's thread pool; its public signals are emitted in the GUI thread, so any receiver, lambdas
included, runs there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from assistant.core.engine import models
from assistant.ui.worker import Report, Worker

UNKNOWN = -1.0
"""Fraction sent with ``sig_progress`` when the amount of work left is unknown."""

_STEPS = 200  # progress is relayed at most this often per phase (0.5 % steps)


def _install(report: Report, cancel: threading.Event, local_only: bool = False) -> Path:
    """The worker's job: install the default model, reporting (message, fraction) in steps."""
    last: tuple[str, int] | None = None

    def progress(message: str, fraction: float | None) -> None:
        nonlocal last
        step = -1 if fraction is None else round(fraction * _STEPS)
        key = (message if step < 0 else message.split(":", 1)[0], step)
        if key != last:
            last = key
            report((message, UNKNOWN if fraction is None else fraction))

    return models.install_default(progress, cancel, local_only=local_only)


class ModelInstaller(QObject):
    """Installs the default model in the background; ``cancel()`` stops it, ``start()`` retries."""

    sig_progress = Signal(str, float)
    """(message, fraction 0..1, or -1 when unknown)."""
    sig_done = Signal(str)
    """The model is installed at this path."""
    sig_failed = Signal(str)
    """The install failed or was cancelled; the message is for the person. Retrying is safe."""

    def __init__(
        self, parent: QObject | None = None, local_only: Callable[[], bool] = lambda: False
    ) -> None:
        super().__init__(parent)
        self._local_only = local_only
        """Settings → Local only, read at each start: refuses before pip runs."""
        self._worker: Worker | None = None
        self._running = False
        self._cancel = threading.Event()

    @property
    def running(self) -> bool:
        return self._running

    @property
    def cancelled(self) -> bool:
        """True when the last install was cancelled by :meth:`cancel`."""
        return self._cancel.is_set()

    def start(self) -> None:
        """Start (or retry) the install; ignored while one runs."""
        if self._running:
            return
        self._running = True
        self._cancel = threading.Event()
        worker = Worker(partial(_install, local_only=self._local_only()), self, abort=self._cancel)
        worker.sig_yielded.connect(self._relay_progress)
        worker.sig_returned.connect(self._relay_done)
        worker.sig_errored.connect(self._relay_error)
        worker.sig_finished.connect(worker.deleteLater)
        self._worker = worker
        worker.start()

    def cancel(self) -> None:
        """Ask the running install to stop; ``sig_failed`` follows with a 'cancelled' message."""
        self._cancel.set()

    def shutdown(self, timeout: float = 10.0) -> None:
        """Cancel and wait (bounded) until the pool thread has left; call before deleting."""
        if self._running and self._worker is not None:
            self._cancel.set()
            self._worker.wait(timeout)

    def _relay_progress(self, batch: list[tuple[str, float]]) -> None:
        for message, fraction in batch:
            if self._running:
                self.sig_progress.emit(message, fraction)

    def _relay_done(self, path: Path) -> None:
        self._running = False
        self.sig_done.emit(str(path))

    def _relay_error(self, error: Exception) -> None:
        self._running = False
        if isinstance(error, models.ModelInstallError):
            self.sig_failed.emit(str(error))
        else:  # unexpected: still end the install visibly
            self.sig_failed.emit(str(error) or type(error).__name__)


class InstallProgressWidget(QWidget):
    """A message, a progress bar (busy when the amount is unknown), Cancel and Retry buttons."""

    def __init__(self, installer: ModelInstaller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.installer = installer
        self.message = QLabel()
        self.message.setObjectName("installMessage")
        self.message.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setObjectName("installProgress")
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel download"))
        self.cancel_button.clicked.connect(self.cancel)
        self.retry_button = QPushButton(self.tr("Retry"))
        self.retry_button.clicked.connect(self.start)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)
        installer.sig_progress.connect(self._on_progress)
        installer.sig_done.connect(self._on_done)
        installer.sig_failed.connect(self._on_failed)
        self._show_idle()

    @Slot()
    def start(self) -> None:
        """Start or retry the install and show it running."""
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Preparing the download…"))
        self.bar.setRange(0, 0)
        self.bar.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setVisible(True)
        self.retry_button.setVisible(False)
        self.installer.start()

    @Slot()
    def cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.message.setText(self.tr("Cancelling…"))
        self.installer.cancel()

    def _show_idle(self) -> None:
        self.bar.setVisible(False)
        self.cancel_button.setVisible(False)
        self.retry_button.setVisible(False)

    @Slot(str, float)
    def _on_progress(self, message: str, fraction: float) -> None:
        if self.installer.cancelled:
            return
        self.message.setText(message)
        if fraction < 0:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(min(max(fraction, 0.0), 1.0) * 1000))

    @Slot(str)
    def _on_done(self, path: str) -> None:
        self.message.setText(self.tr("The built-in model is installed."))
        self.message.setToolTip(path)
        self.bar.setRange(0, 1000)
        self.bar.setValue(1000)
        self.cancel_button.setVisible(False)
        self.retry_button.setVisible(False)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.message.setText(message)
        self.message.setStyleSheet("color: #b3261e;")
        self.bar.setVisible(False)
        self.cancel_button.setVisible(False)
        self.retry_button.setVisible(True)
