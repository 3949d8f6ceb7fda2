"""Read-only pane that shows a streamed answer, highlighted, without stalling the UI.

Deltas are queued and inserted in batches (one end cursor, one edit block per flush) on a short
single-shot timer; deltas of any request other than the current one are dropped. The timer fires
at once when the last flush is older than the interval (a slow stream shows each delta as it
arrives), else when the interval is up (a fast stream is inserted at most every 40 ms).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QTimer, Signal, Slot
from PySide6.QtGui import QFontMetricsF, QGuiApplication, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from assistant.core.text.highlight import MARKDOWN
from assistant.ui.gui_gate import GATE
from assistant.ui.highlighter import PygmentsHighlighter
from assistant.ui.qt_keys import set_keys
from assistant.ui.theme import Theme, monospace_font

FLUSH_INTERVAL_MS = 40
TAB_SPACES = 4


class AnswerView(QPlainTextEdit):
    """Streams one answer at a time: ``begin`` → ``append_delta``… → ``finish`` or ``stop``."""

    sig_flushed = Signal(int)
    """Queued text reached the document; carries the answer's length so far (code points)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        set_keys(self, "textInteractionFlags", "TextSelectableByMouse|TextSelectableByKeyboard")
        self._highlighter = PygmentsHighlighter(
            self.document(), MARKDOWN, Theme.for_palette(self.palette())
        )
        self._request_id: str | None = None
        self._streaming = False
        self._queue: list[str] = []
        self._chunks: list[str] = []
        self._chars = 0
        self._end_cursor = QTextCursor(self.document())
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_INTERVAL_MS)
        self._flush_timer.timeout.connect(self.flush)
        self._last_flush = 0.0
        self._apply_font()

    @property
    def highlighter(self) -> PygmentsHighlighter:
        """The highlighter attached to the document."""
        return self._highlighter

    @property
    def request_id(self) -> str | None:
        """Id of the answer shown (or being streamed)."""
        return self._request_id

    @property
    def is_streaming(self) -> bool:
        """True between ``begin`` and ``finish``/``stop``."""
        return self._streaming

    def language(self) -> str:
        """Canonical language of the answer ("markdown", a pygments alias or "text")."""
        return self._highlighter.language

    def begin(self, request_id: str, language: str = MARKDOWN) -> None:
        """Clear the pane and start showing the answer of ``request_id``."""
        self._flush_timer.stop()
        self._queue.clear()
        self._chunks.clear()
        self._chars = 0
        self._request_id = request_id
        self._streaming = True
        self.clear()
        self._highlighter.set_language(language)
        self._apply_font()
        self._end_cursor = QTextCursor(self.document())

    @Slot(str, str)
    def append_delta(self, request_id: str, text: str) -> None:
        """Queue a piece of the answer; pieces of other (stale) requests are dropped."""
        if not self._accepts(request_id) or not text:
            return
        self._queue.append(text)
        if not self._flush_timer.isActive():
            since_ms = (time.monotonic() - self._last_flush) * 1000
            self._flush_timer.start(max(0, round(FLUSH_INTERVAL_MS - since_ms)))

    @Slot(str)
    def finish(self, request_id: str) -> None:
        """The answer is complete: show what is queued now; later pieces are dropped."""
        if not self._accepts(request_id):
            return
        self.flush()
        self._streaming = False

    @Slot(str)
    def stop(self, request_id: str) -> None:
        """Stop showing ``request_id`` at once: queued and late pieces are dropped."""
        if not self._accepts(request_id):
            return
        self._flush_timer.stop()
        self._queue.clear()
        self._streaming = False

    def set_answer(self, text: str, language: str = MARKDOWN, request_id: str = "") -> None:
        """Show a complete answer (e.g. from history) in one go."""
        self.begin(request_id, language)
        self.append_delta(request_id, text)
        self.finish(request_id)

    def text(self) -> str:
        """The whole answer shown so far, exactly as received."""
        if len(self._chunks) > 1:
            self._chunks[:] = ["".join(self._chunks)]
        return self._chunks[0] if self._chunks else ""

    @Slot()
    def flush(self) -> None:
        """Insert all queued text at the end in one edit block."""
        self._flush_timer.stop()
        if not self._queue:
            return
        text = "".join(self._queue)
        self._queue.clear()
        self._last_flush = time.monotonic()
        bar = self.verticalScrollBar()
        follow = bar.value() >= bar.maximum()
        with GATE.busy():  # highlighting calls back into Python once per block
            self._end_cursor.movePosition(QTextCursor.MoveOperation.End)
            self._end_cursor.beginEditBlock()
            self._end_cursor.insertText(text)
            self._end_cursor.endEditBlock()
        self._chunks.append(text)
        self._chars += len(text)
        if follow:
            bar.setValue(bar.maximum())
        self.sig_flushed.emit(self._chars)

    def changeEvent(self, event: QEvent) -> None:
        """Follow the desktop's light/dark switch."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._highlighter.follow_palette(self.palette())

    def _accepts(self, request_id: str) -> bool:
        return self._streaming and request_id == self._request_id

    def _apply_font(self) -> None:
        is_prose = self._highlighter.language == MARKDOWN
        font = QGuiApplication.font() if is_prose else monospace_font()
        self.setFont(font)
        self.setTabStopDistance(QFontMetricsF(monospace_font()).horizontalAdvance(" ") * TAB_SPACES)
