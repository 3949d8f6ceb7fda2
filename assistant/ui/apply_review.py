"""An answer that replaces the input, as a diff against it: accept or reject each hunk, then Apply
writes the result into the input editor as one undo step.

Apply is refused, with the reason on screen, when the answer did not end by itself (cut short,
stopped, Max tokens); it asks first when the result would drop more than half of the input's lines
or when the input was edited since the answer was made. The input before Apply stays in the
history (the run's record holds the input it was sent with) and one Ctrl+Z in the editor brings
it back.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assistant.core.text.diffs import line_count
from assistant.core.work.replacing import Proposal, deletes_too_much
from assistant.ui.diff_view import DiffView
from assistant.ui.qt_keys import set_keys

_NOTICE_STYLE = (
    "QLabel#applyNotice { background: #fff4e5; color: #663c00; border: 1px solid #ffd59e;"
    " border-radius: 4px; padding: 4px; }"
)


class ApplyReview(QWidget):
    """The diff of an answer against the input it replaces, with Apply."""

    sig_status = Signal(str)
    """A line for the status bar."""
    sig_applied = Signal()
    """The chosen changes were written into the input editor."""

    def __init__(
        self, editor: Callable[[str], QPlainTextEdit | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("applyReview")
        self._editor = editor
        self._proposal: Proposal | None = None
        self._refusal: str | None = None
        self.diff_view = DiffView(choosable=True)
        self.diff_view.sig_shown.connect(self._update_button)
        self.diff_view.sig_choice_changed.connect(self._update_button)
        self.notice = QLabel()
        self.notice.setObjectName("applyNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(_NOTICE_STYLE)
        self.notice.setVisible(False)
        set_keys(self.notice, "textInteractionFlags", "TextSelectableByMouse")
        self.notes = QLabel()
        self.notes.setObjectName("answerNotes")
        self.notes.setWordWrap(True)
        self.notes.setVisible(False)
        self.apply_button = QPushButton(self.tr("Apply to input"))
        self.apply_button.setObjectName("applyButton")
        self.apply_button.setToolTip(
            self.tr("Write the accepted changes into the input editor (Ctrl+Shift+A; undo: Ctrl+Z)")
        )
        self.apply_button.clicked.connect(self.apply)
        self.apply_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout()
        row.addWidget(self.notice, 1)
        row.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.diff_view, 1)
        layout.addWidget(self.notes)

    @property
    def proposal(self) -> Proposal | None:
        return self._proposal

    def review(self, proposal: Proposal, refusal: str | None, notes: str = "") -> None:
        """Show what ``proposal`` changes; ``refusal`` (a reason) keeps Apply off; the
        proposal's warning, if any, is shown where a refusal would be."""
        self._proposal = proposal
        self._refusal = refusal
        self.notice.setText(refusal or proposal.warning)
        self.notice.setVisible(bool(refusal or proposal.warning))
        self.notes.setText(notes)
        self.notes.setVisible(bool(notes))
        self.diff_view.show_diff(proposal.original, proposal.proposed, by_lines=proposal.by_lines)
        self._update_button()

    def _update_button(self) -> None:
        diff = self.diff_view.diff
        ready = diff is not None and not self.diff_view.is_busy() and bool(diff.hunks)
        self.apply_button.setEnabled(ready and self._refusal is None)

    def apply(self) -> None:
        """Write the accepted hunks into the input editor (asking first when it is risky)."""
        proposal, diff = self._proposal, self.diff_view.diff
        if self._refusal:
            self.sig_status.emit(self._refusal)
            return
        if proposal is None or diff is None or self.diff_view.is_busy():
            return
        editor = self._editor(proposal.field)
        if editor is None:
            self.sig_status.emit(self.tr("The input this answer replaces is not on screen."))
            return
        result = self.diff_view.result()
        steps: list[tuple[str, str]] = []
        if editor.toPlainText() != proposal.original:
            steps.append(("inputChanged", self._changed_question()))
        if deletes_too_much(proposal.original, result):
            steps.append(("deletesMuch", self._deletion_question(proposal.original, result)))
        self._confirm_then(steps, lambda: self._write(editor, result))

    def _changed_question(self) -> str:
        return self.tr(
            "The input was edited after this answer was made. Apply replaces it with the"
            " answer's version of the input as it was sent (Ctrl+Z in the editor undoes it)."
            " Apply anyway?"
        )

    def _deletion_question(self, original: str, result: str) -> str:
        before, after = line_count(original), line_count(result)
        return self.tr(
            "Applying deletes more than half of the input's lines ({0} lines become {1})."
            " Apply anyway?"
        ).format(before, after)

    def _confirm_then(self, steps: list[tuple[str, str]], then: Callable[[], None]) -> None:
        """Ask each question in turn (a window-modal box); ``then`` runs after the last yes."""
        if not steps:
            then()
            return
        (name, question), rest = steps[0], steps[1:]
        box = QMessageBox(self)
        box.setObjectName(name)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Apply to input"))
        box.setText(question)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)

        def answered(button: int) -> None:
            box.deleteLater()
            if button == QMessageBox.StandardButton.Yes:
                self._confirm_then(rest, then)
            else:
                self.sig_status.emit(self.tr("Nothing was applied."))

        box.finished.connect(answered)
        box.open()

    def _write(self, editor: QPlainTextEdit, result: str) -> None:
        """Replace the editor's text with ``result`` as one undo step."""
        cursor = editor.textCursor()
        position = cursor.position()
        cursor.beginEditBlock()
        cursor.select(cursor.SelectionType.Document)
        cursor.insertText(result)
        cursor.endEditBlock()
        cursor.setPosition(min(position, editor.document().characterCount() - 1))
        editor.setTextCursor(cursor)
        editor.setFocus()
        diff = self.diff_view.diff
        total = len(diff.hunks) if diff else 0
        self.sig_status.emit(
            self.tr(
                "Applied {0} of {1} changes to the input. Ctrl+Z in the editor undoes it; the"
                " input as it was sent stays in the history."
            ).format(len(self.diff_view.accepted()), total)
        )
        self.sig_applied.emit()
