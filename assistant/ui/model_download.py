"""Download a catalogue model off the GUI thread, and the progress row that shows it.

:class:`ModelDownloader` runs ``download.download_model`` as a :class:`~assistant.ui.worker.Worker`
job; pause keeps the partial file (the next start continues from it), cancel deletes it. Its
signals are emitted in the GUI thread. :class:`DownloadProgressWidget` is a message (bytes, speed,
time left), a bar and Pause / Resume / Cancel buttons.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from assistant.core.engine.download import (
    DownloadControl,
    DownloadError,
    DownloadProgress,
    DownloadResult,
    DownloadSpec,
    discard_partial,
    download_model,
)
from assistant.ui.worker import Report, Worker


class ModelDownloader(QObject):
    """Runs one download at a time; ``pause()`` / ``cancel()`` stop it, ``start()`` resumes."""

    sig_progress = Signal(object)
    """(DownloadProgress): how far the download is."""
    sig_done = Signal(str)
    """The model is verified, registered, and at this path."""
    sig_failed = Signal(str, bool)
    """(message for the person, kept): it stopped; kept means the partial file is there to
    resume from."""

    def __init__(self, local_only: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._local_only = local_only
        self._worker: Worker | None = None
        self._control = DownloadControl()
        self.spec: DownloadSpec | None = None

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.is_running

    def start(self, spec: DownloadSpec) -> bool:
        """Start (or resume) downloading ``spec``; False while another download runs."""
        if self.running:
            return False
        self.spec = spec
        self._control = control = DownloadControl()
        local_only = self._local_only()

        def job(report: Report, abort: threading.Event) -> DownloadResult:
            # every step is queued; the GUI takes each batch at once and shows its last step
            return download_model(spec, report, control, local_only=local_only)

        worker = Worker(job, self, abort=control.event)
        worker.sig_yielded.connect(self._relay_progress)
        worker.sig_returned.connect(self._relay_done)
        worker.sig_errored.connect(self._relay_error)
        worker.sig_finished.connect(worker.deleteLater)
        self._worker = worker
        worker.start()
        return True

    @property
    def paused(self) -> bool:
        """The last download was stopped by :meth:`pause` (not cancelled, not failed)."""
        return self._control.event.is_set() and not self._control.discard

    def pause(self) -> None:
        """Stop, keeping what was fetched; ``sig_failed(message, True)`` follows."""
        self._control.pause()

    def cancel(self) -> None:
        """Stop and delete what was fetched; ``sig_failed(message, False)`` follows."""
        self._control.cancel()

    def discard(self) -> None:
        """Cancel a running download, or delete the partial file of a stopped one."""
        if self.running:
            self.cancel()
        elif self.spec is not None:
            discard_partial(self.spec)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Pause a running download and wait (bounded) for its thread; call before deleting."""
        if self.running and self._worker is not None:
            self._control.pause()
            self._worker.wait(timeout)

    def _relay_progress(self, batch: list[DownloadProgress]) -> None:
        if batch and not self._control.event.is_set():
            self.sig_progress.emit(batch[-1])

    def _relay_done(self, result: DownloadResult) -> None:
        self.sig_done.emit(str(result.path))

    def _relay_error(self, error: BaseException) -> None:
        if isinstance(error, DownloadError):
            self.sig_failed.emit(str(error), error.partial is not None)
        else:  # unexpected: still end the download visibly
            self.sig_failed.emit(str(error) or type(error).__name__, False)


class DownloadProgressWidget(QWidget):
    """What a download is doing: a message, a bar, Pause / Resume and Cancel."""

    sig_discarded = Signal()
    """The partial file of a stopped download was deleted."""

    def __init__(self, downloader: ModelDownloader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.downloader = downloader
        self.message = QLabel()
        self.message.setObjectName("downloadMessage")
        self.message.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setObjectName("downloadProgress")
        self.bar.setRange(0, 1000)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.clicked.connect(self.pause)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.clicked.connect(self.resume)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop and delete what was downloaded"))
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.bar, 1)
        for button in (self.pause_button, self.resume_button, self.cancel_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        downloader.sig_progress.connect(self._on_progress)
        downloader.sig_done.connect(self._on_done)
        downloader.sig_failed.connect(self._on_failed)
        self._show_buttons(running=False, paused=False)
        self.setVisible(False)

    def start(self, spec: DownloadSpec) -> None:
        """Start or resume ``spec`` and show it running."""
        if not self.downloader.start(spec):
            return
        self.setVisible(True)
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Connecting…"))
        self.bar.setRange(0, 0)
        self._show_buttons(running=True, paused=False)

    @Slot()
    def pause(self) -> None:
        self.pause_button.setEnabled(False)
        self.message.setText(self.tr("Pausing…"))
        self.downloader.pause()

    @Slot()
    def resume(self) -> None:
        if self.downloader.spec is not None:
            self.start(self.downloader.spec)

    @Slot()
    def cancel(self) -> None:
        """Stop and delete what was fetched (also when stopped)."""
        if self.downloader.running:
            self.cancel_button.setEnabled(False)
            self.message.setText(self.tr("Cancelling…"))
            self.downloader.cancel()
            return
        self.downloader.discard()
        self.message.setStyleSheet("")
        self.message.setText(self.tr("The partial download was deleted."))
        self.bar.setValue(0)
        self._show_buttons(running=False, paused=False)
        self.sig_discarded.emit()

    def _show_buttons(self, running: bool, paused: bool) -> None:
        self.pause_button.setVisible(running)
        self.pause_button.setEnabled(running)
        self.resume_button.setVisible(paused)
        self.cancel_button.setVisible(running or paused)
        self.cancel_button.setEnabled(True)

    @Slot(object)
    def _on_progress(self, step: DownloadProgress) -> None:
        self.message.setText(step.describe())
        fraction = step.fraction
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(fraction * 1000))

    @Slot(str)
    def _on_done(self, path: str) -> None:
        self.message.setText(self.tr("Downloaded and checked: {path}").replace("{path}", path))
        self.bar.setRange(0, 1000)
        self.bar.setValue(1000)
        self._show_buttons(running=False, paused=False)

    @Slot(str, bool)
    def _on_failed(self, message: str, kept: bool) -> None:
        self.message.setText(message)
        paused = kept and self.downloader.paused
        self.message.setStyleSheet("" if paused else "color: #b3261e;")
        if self.bar.maximum() == 0:
            self.bar.setRange(0, 1000)
        self._show_buttons(running=False, paused=kept)
