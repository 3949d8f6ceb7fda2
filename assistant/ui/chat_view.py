"""Chat mode's thread above the answer: the turns so far (the person's messages and the model's
replies), the context meter and the notice when the next turn would not fit.

The newest reply is the answer pane below (it streams there, highlighted); this view shows the
conversation that led to it: the person's messages as typed (escaped), the model's replies as
rendered Markdown (``core/text/markdown_html.py``: no raw HTML, images as links); nothing is
ever loaded from anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from assistant.ui.chat_bars import ContextMeter, OverflowBar

_TOP_WRAPPED = 0x0020 | 0x1000
"""Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap (ui/qt_keys.py: no Qt namespace here)."""

_CSS = (
    "p.who { margin: 8px 0 2px 0; font-weight: 600; }"
    " div.you { background: rgba(90, 130, 220, 0.10); padding: 4px; }"
    " div.model { padding: 4px; }"
)


def transcript_html(exchanges: Sequence[tuple[str, str]], you: str, model: str) -> str:
    """The turns as HTML: (person's message, model's reply) pairs; an empty reply is left out."""
    from assistant.core.text.markdown_html import markdown_to_html

    parts = [f"<style>{_CSS}</style>"]
    for message, reply in exchanges:
        parts.append(f"<p class='who'>{escape(you)}</p>")
        parts.append(f"<div class='you' style='white-space: pre-wrap'>{escape(message)}</div>")
        if reply:
            parts.append(f"<p class='who'>{escape(model)}</p>")
            parts.append(f"<div class='model'>{markdown_to_html(reply)}</div>")
    return "".join(parts)


class _Transcript(QTextBrowser):
    """A read-only rich text view that loads no resource (no image, no file, no URL)."""

    empty_text = ""
    """Shown, wrapped to the view's width, while there is no turn (Qt's placeholder of a
    QTextBrowser is drawn on one line, cut off at the right edge)."""

    def loadResource(self, _kind: int, _name: QUrl | str) -> Any:
        return None

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.empty_text or not self.document().isEmpty():
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        margin = int(self.document().documentMargin())
        area = self.viewport().rect().adjusted(margin, margin, -margin, -margin)
        painter.drawText(area, _TOP_WRAPPED, self.empty_text)
        painter.end()


class ChatView(QWidget):
    """The conversation so far, with the context meter; hidden outside chat mode."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatView")
        self.transcript = _Transcript()
        self.transcript.setObjectName("chatTranscript")
        self.transcript.setOpenLinks(False)
        self.transcript.setOpenExternalLinks(False)
        self.transcript.empty_text = self.tr(
            "The conversation appears here. Send a message with Generate (Ctrl+Enter); the "
            "next ones go on with the same conversation until New chat."
        )
        self.title = QLabel(self.tr("Conversation"))
        self.new_button = QPushButton(self.tr("New chat"))
        self.new_button.setObjectName("newChatButton")
        self.new_button.setToolTip(
            self.tr("Start a new conversation (this one stays in the history)")
        )
        self.meter = ContextMeter()
        self.overflow = OverflowBar()
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.title, 1)
        header.addWidget(self.meter)
        header.addWidget(self.new_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(header)
        column.addWidget(self.transcript, 1)
        column.addWidget(self.overflow)
        self.exchanges: list[tuple[str, str]] = []
        self.setVisible(False)

    def show_turns(self, exchanges: Sequence[tuple[str, str]]) -> None:
        """Show the turns (message, reply) that came before the reply in the answer pane."""
        self.exchanges = list(exchanges)
        html = transcript_html(self.exchanges, self.tr("You"), self.tr("Assistant"))
        self.transcript.setHtml(html)
        bar = self.transcript.verticalScrollBar()
        bar.setValue(bar.maximum())

    def transcript_text(self) -> str:
        """What the transcript shows, as plain text."""
        return self.transcript.toPlainText()
