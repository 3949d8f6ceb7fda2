"""Incremental pygments highlighting of a QTextDocument.

Each block stores the lexer state it ends in (``setCurrentBlockState``); Qt re-highlights the next
block only while states keep changing, so an edit re-lexes a few blocks, not the document. Huge
changes (a pasted megabyte, a language switch on a long text) are spread over event-loop turns:
after ``PASS_SECONDS`` of lexing for one change, the remaining blocks are marked pending, left
plain, and highlighted by a zero-delay timer a pass at a time, so the UI never freezes (a time
budget, not a character count: lexing speed differs tenfold between languages and machines).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Slot
from PySide6.QtGui import QPalette, QSyntaxHighlighter, QTextDocument

from assistant.core.text.highlight import CODE_BLOCK, LineLexer
from assistant.ui.theme import Theme

if TYPE_CHECKING:
    from PySide6.QtGui import QTextBlock

PENDING_STATE = -2
"""Block state of blocks whose highlighting is deferred to a later pass."""

PASS_SECONDS = 0.012
"""Lexing time per event-loop turn: short enough that a 60 Hz repaint still fits in between."""


class PygmentsHighlighter(QSyntaxHighlighter):
    """Highlights a document with pygments, resuming the lexer state block by block."""

    def __init__(
        self,
        document: QTextDocument,
        language: str = "text",
        theme: Theme | None = None,
    ) -> None:
        super().__init__(None)  # type: ignore[call-overload]  # no document yet, see below
        self.blocks_highlighted = 0
        """Blocks lexed so far (for tests and benchmarks; reset it freely)."""
        self._lexer = LineLexer(language)
        self._theme = theme or Theme()
        self._deadline = 0.0
        self._deferring = False  # the pass is over: the rest of this run is only marked pending
        self._first_pending: int | None = None
        self._resume_timer = QTimer(self)
        self._resume_timer.setSingleShot(True)
        self._resume_timer.setInterval(0)
        self._resume_timer.timeout.connect(self._resume_pass)
        document.documentLayout()  # a document emits contentsChange only once it has a layout
        # connected before setDocument, so every edit refills the budget before Qt highlights it
        document.contentsChange.connect(self._refill_budget)
        self.setParent(document)
        self.setDocument(document)

    @property
    def language(self) -> str:
        """Canonical language name (a pygments alias, "markdown" or "text")."""
        return self._lexer.language

    @property
    def theme(self) -> Theme:
        """The colours in use."""
        return self._theme

    @property
    def pending(self) -> bool:
        """True while some blocks still wait for their deferred highlighting."""
        return self._first_pending is not None

    def set_language(self, name: str) -> None:
        """Highlight as ``name`` (pygments alias, "markdown", or plain for unknown names)."""
        lexer = LineLexer(name)
        if lexer.language == self._lexer.language:
            return
        self._lexer = lexer
        self._first_pending = None
        self._refill_budget()
        self.rehighlight()

    def follow_palette(self, palette: QPalette) -> None:
        """Switch between the light and dark style when the desktop palette changes."""
        theme = Theme.for_palette(palette)
        if theme.style_name != self.theme.style_name:
            self.set_theme(theme)

    def set_theme(self, theme: Theme) -> None:
        """Switch colours and re-highlight."""
        self._theme = theme
        self._refill_budget()
        self.rehighlight()

    def finish_pending(self) -> None:
        """Highlight all deferred blocks now (before an export or a screenshot)."""
        while self._first_pending is not None:
            self._resume(seconds=float("inf"))

    def highlightBlock(self, text: str) -> None:
        """Lex one block from the previous block's state, or defer it when over budget."""
        if self._deferring:  # fast path: Qt calls this for each of maybe 100 000 blocks
            self.setCurrentBlockState(PENDING_STATE)
            return
        previous = self.previousBlockState()
        if previous == PENDING_STATE or time.perf_counter() > self._deadline:
            self._defer_current_block()
            return
        self.blocks_highlighted += 1
        spans, state = self._lexer.highlight_line(text, previous)
        base = None
        for start, length, token in spans:
            if token is CODE_BLOCK:
                base = self._theme.code_block_format()
                self.setFormat(start, length, base)
                continue
            fmt = self._theme.format(token, in_code_block=base is not None)
            if fmt is not None:
                self.setFormat(start, length, fmt)
        self.setCurrentBlockState(state)

    @Slot()
    def _refill_budget(self) -> None:
        self._deadline = time.perf_counter() + PASS_SECONDS
        self._deferring = False

    def _defer_current_block(self) -> None:
        self._deferring = True
        self.setCurrentBlockState(PENDING_STATE)
        number = self.currentBlock().blockNumber()
        if self._first_pending is None or number < self._first_pending:
            self._first_pending = number
        if not self._resume_timer.isActive():
            self._resume_timer.start()

    @Slot()
    def _resume_pass(self) -> None:
        self._resume(PASS_SECONDS)

    def _resume(self, seconds: float) -> None:
        """Highlight from the first pending block for up to ``seconds``."""
        block = self._find_first_pending()
        self._first_pending = None
        if block is None:
            return
        self._deadline = time.perf_counter() + seconds
        self._deferring = False
        self.rehighlightBlock(block)

    def _find_first_pending(self) -> QTextBlock | None:
        document = self.document()
        if document is None or self._first_pending is None:
            return None
        number = min(self._first_pending, document.blockCount() - 1)
        block = document.findBlockByNumber(max(number, 0))
        while block.previous().isValid() and block.previous().userState() == PENDING_STATE:
            block = block.previous()
        while block.isValid() and block.userState() != PENDING_STATE:
            block = block.next()
        return block if block.isValid() else None
