"""Rendered Markdown (headings, lists, tables, highlighted code blocks) that never fetches anything.

The HTML is made on a :class:`Worker` (markdown-it and pygments are pure Python) and set in the
GUI thread. While an answer streams, ``set_markdown`` may be called at any rate: one render runs
at a time, and the next one waits at least ``MIN_INTERVAL_MS`` (or twice what the last render
cost) and takes the newest text, so a long answer never keeps the GUI busy. ``loadResource`` is
closed: no image, style sheet or file is ever loaded (images are rendered as links anyway, and
raw HTML in an answer is shown as text).
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from assistant.ui.theme import DARK_STYLE, is_dark_palette
from assistant.ui.worker import Worker

MIN_INTERVAL_MS = 150
_STYLE_SHEET = """
table { border-collapse: collapse; margin: 6px 0; }
th, td { border: 1px solid #9a9a9a; padding: 3px 6px; }
th { font-weight: 600; }
pre { margin: 6px 0; padding: 6px; }
code { font-family: monospace; }
blockquote { margin-left: 12px; color: #666666; }
"""


class MarkdownView(QTextBrowser):
    """Shows a Markdown text rendered; follows a growing text without stalling."""

    sig_rendered = Signal()
    """The newest text asked for is on screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("markdownView")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(_open_link)
        self.document().setDefaultStyleSheet(_STYLE_SHEET)
        self._asked = ""
        self._shown: str | None = None
        self._worker: Worker | None = None
        self._cost_ms = 0.0
        self._last_shown = 0.0
        self.renders = 0
        """How many times a text was rendered and shown (the pace of a streamed answer)."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._render_newest)

    def loadResource(self, _kind: int, _url: QUrl | str) -> Any:
        """Nothing is ever loaded: no image, no style sheet, no file, no network."""
        return None

    @property
    def markdown(self) -> str:
        """The text shown (or about to be)."""
        return self._asked

    def is_current(self) -> bool:
        """True when the newest text asked for is on screen."""
        return self._shown == self._asked

    def set_markdown(self, text: str) -> None:
        """Show ``text`` rendered, now or after the pace allows (the newest text wins)."""
        self._asked = text
        if self._shown == text or self._timer.isActive() or self._busy():
            return
        wait_ms = self._interval_ms() - (time.monotonic() - self._last_shown) * 1000
        self._timer.start(max(0, round(wait_ms)))

    def _busy(self) -> bool:
        return self._worker is not None and self._worker.is_running

    def _interval_ms(self) -> float:
        return max(float(MIN_INTERVAL_MS), 2 * self._cost_ms)

    def _render_newest(self) -> None:
        text = self._asked
        if self._shown == text or self._busy():
            return
        from assistant.core.text.markdown_html import DEFAULT_STYLE, markdown_to_html

        style = DARK_STYLE if is_dark_palette(self.palette()) else DEFAULT_STYLE
        started = time.perf_counter()
        worker = Worker(lambda _report, _abort: markdown_to_html(text, style), self)
        worker.sig_returned.connect(lambda html: self._show(text, html, started))
        worker.sig_errored.connect(lambda error: self._show(text, f"<pre>{error}</pre>", started))
        self._worker = worker
        worker.start()

    def _show(self, text: str, html: str, started: float) -> None:
        bar = self.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        value = bar.value()
        self.setHtml(html)
        bar.setValue(bar.maximum() if at_end and self._shown else value)
        self._shown = text
        self.renders += 1
        self._cost_ms = (time.perf_counter() - started) * 1000
        self._last_shown = time.monotonic()
        if self._asked != text:
            self._timer.start(round(self._interval_ms()))
        else:
            self.sig_rendered.emit()


def _open_link(url: QUrl) -> None:
    """A clicked web link opens in the person's browser (never inside the app)."""
    if url.scheme() in ("http", "https", "mailto"):
        QDesktopServices.openUrl(url)
