"""The answer pane's three faces: the highlighted source as it streams, the rendered Markdown, and,
for modes whose answer replaces the input (``answer_replaces`` in the mode file: ``code-fix``,
``code-optimize``, ``rewrite``), the changes against the input with Apply.

*Rendered* (Ctrl+Shift+M) follows the answer on screen while it streams (a light poll of its
text; the rendering itself is paced by :class:`MarkdownView`). *Changes* (Ctrl+Shift+E) shows the
diff of the answer's proposal against the input the run was sent with; a finished code answer of
such a mode opens it by itself. The rendered view, the review widget and the diff are built at
their first use, not before the window's first paint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QPlainTextEdit, QStackedWidget, QWidget

from assistant.core.prompts.modes import Mode
from assistant.core.work.status import RunStatus
from assistant.ui.answer_area import AnswerArea
from assistant.ui.qt_keys import set_keys

if TYPE_CHECKING:
    from assistant.ui.apply_review import ApplyReview
    from assistant.ui.markdown_view import MarkdownView
    from assistant.ui.mode_panel import ModePanel

POLL_MS = 100
NOTES_CHARS = 800

FieldEditor = Callable[[str, str], QPlainTextEdit | None]
"""(mode id, field name) -> the editor of that field, brought on screen (None: there is none)."""


@dataclass
class _Shown:
    """The answer on screen: its mode, the input it was sent with, and how it ended."""

    mode: Mode
    values: Mapping[str, object]
    status: str = RunStatus.STREAMING
    finish_reasons: Sequence[str | None] = ()
    notice: str | None = None


class AnswerPages(QStackedWidget):
    """The answer area, its rendered view and the review of its changes, one at a time."""

    sig_status = Signal(str)
    """A line for the status bar."""

    def __init__(self, area: AnswerArea, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.area = area
        self._markdown: MarkdownView | None = None
        self._review: ApplyReview | None = None
        self._shown: _Shown | None = None
        self.field_editor: FieldEditor = lambda _mode, _field: None
        self.addWidget(area)
        self.rendered_action = self._toggle(self.tr("Rendered"), "Ctrl+Shift+M", self._rendered)
        self.rendered_action.setToolTip(
            self.tr("Show the answer as rendered Markdown (Ctrl+Shift+M)")
        )
        self.changes_action = self._toggle(self.tr("Changes"), "Ctrl+Shift+E", self._changes)
        self.changes_action.setToolTip(
            self.tr("Show the answer as changes to the input, to apply them (Ctrl+Shift+E)")
        )
        self.changes_action.setEnabled(False)
        self.apply_action = QAction(self.tr("Apply to input"), self)
        self.apply_action.setShortcuts([QKeySequence("Ctrl+Shift+A")])
        self.apply_action.triggered.connect(self.apply)
        for action in (self.rendered_action, self.changes_action, self.apply_action):
            set_keys(action, "shortcutContext", "WindowShortcut")
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._follow)
        area.currentChanged.connect(lambda _index: self._follow())

    def _toggle(self, text: str, keys: str, slot: Callable[[bool], None]) -> QAction:
        action = QAction(text, self)
        action.setCheckable(True)
        action.setShortcuts([QKeySequence(keys)])
        action.toggled.connect(slot)
        return action

    @property
    def rendered(self) -> MarkdownView:
        """The rendered page (made at its first use)."""
        if self._markdown is None:
            from assistant.ui.markdown_view import MarkdownView

            self._markdown = MarkdownView()
            self.addWidget(self._markdown)
        return self._markdown

    @property
    def review(self) -> ApplyReview:
        """The changes page (made at its first use)."""
        if self._review is None:
            from assistant.ui.apply_review import ApplyReview

            self._review = ApplyReview(self._editor_of)
            self._review.sig_status.connect(self.sig_status)
            self.addWidget(self._review)
        return self._review

    def _editor_of(self, field: str) -> QPlainTextEdit | None:
        shown = self._shown
        return self.field_editor(shown.mode.id, field) if shown else None

    # --- what is on screen ---------------------------------------------------------------------

    def answer_started(self, mode: Mode, values: Mapping[str, object]) -> None:
        """A new answer streams in: back to its source (or its rendering), no changes yet."""
        self._shown = _Shown(mode, dict(values))
        self.changes_action.setChecked(False)
        self.changes_action.setEnabled(False)
        self._follow()

    def answer_ended(
        self, status: str, finish_reasons: Sequence[str | None] = (), notice: str | None = None
    ) -> None:
        """The answer on screen ended; a finished code fix opens its changes by itself."""
        shown = self._shown
        if shown is None:
            return
        shown.status, shown.finish_reasons, shown.notice = status, tuple(finish_reasons), notice
        self._follow()
        replaces = self._replaces()
        self.changes_action.setEnabled(replaces)
        if not replaces or status != RunStatus.COMPLETE:
            return
        from assistant.core.work.replacing import proposal, refusal

        found = proposal(shown.mode, shown.values, self.area.current_text())
        wanted = found is not None and found.by_lines and found.proposed != found.original
        if wanted and refusal(status, finish_reasons, notice) is None:
            self.changes_action.setChecked(True)

    def record_shown(
        self, mode: Mode, values: Mapping[str, object], status: str, notice: str | None
    ) -> None:
        """A past answer is on screen (history, recovery)."""
        self.answer_started(mode, values)
        complete = status == RunStatus.COMPLETE
        self.answer_ended(status, (), notice if complete else None)

    def _replaces(self) -> bool:
        shown = self._shown
        return shown is not None and shown.mode.answer_replaces is not None

    # --- the pages -----------------------------------------------------------------------------

    def _rendered(self, on: bool) -> None:
        if on:
            self.changes_action.setChecked(False)
            self.setCurrentWidget(self.rendered)
            self._poll.start()
            self._follow()
        else:
            self._poll.stop()
            if self._markdown is not None and self.currentWidget() is self._markdown:
                self.setCurrentWidget(self.area)

    def _follow(self) -> None:
        """The rendered view takes the text of the answer on screen (it paces itself)."""
        if self._markdown is None or self.currentWidget() is not self._markdown:
            return
        text, shown = self.area.current_text(), self._shown
        if shown is not None and shown.mode.output != "markdown":
            from assistant.core.text.markdown_html import as_markdown

            text = as_markdown(text, self.area.current_view().language())
        self.rendered.set_markdown(text)

    def _changes(self, on: bool) -> None:
        if not on:
            if self.currentWidget() is self._review:
                self.setCurrentWidget(self.area)
            return
        shown = self._shown
        if shown is None or not self._replaces():
            self.changes_action.setChecked(False)
            return
        from assistant.core.text.answers import text_around_block
        from assistant.core.work.replacing import proposal, refusal

        answer = self.area.current_text()
        found = proposal(shown.mode, shown.values, answer)
        if found is None:
            self.changes_action.setChecked(False)
            return
        self.rendered_action.setChecked(False)
        notes = ""
        if found.by_lines:  # what the model said besides the code
            language = shown.mode.code_language(shown.mode.coerce(shown.values)) or ""
            notes = text_around_block(answer, language)[:NOTES_CHARS]
        reason = refusal(shown.status, shown.finish_reasons, shown.notice)
        self.review.review(found, reason, notes)
        self.setCurrentWidget(self.review)

    def apply(self) -> None:
        """Apply the changes on screen (Ctrl+Shift+A); from elsewhere, show them first."""
        if self.currentWidget() is self._review and self._review is not None:
            self._review.apply()
        elif self._replaces():
            self.changes_action.setChecked(True)
            shown = self._shown
            if shown is not None and self.currentWidget() is self._review:
                from assistant.core.work.replacing import refusal

                reason = refusal(shown.status, shown.finish_reasons, shown.notice)
                self.sig_status.emit(reason or self.tr("Choose the changes, then Apply."))


def form_editor(mode_panel: ModePanel, mode_id: str, field: str) -> QPlainTextEdit | None:
    """The editor of ``field`` in the form of ``mode_id``, brought on screen."""
    mode_panel.select_mode(mode_id)
    widget = mode_panel.form(mode_id).widget(field)
    return widget if isinstance(widget, QPlainTextEdit) else None
