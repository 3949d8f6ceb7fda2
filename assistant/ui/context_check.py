"""Warn before sending a prompt that does not fit the model's context window.

:func:`allow_send` is called by the main window just before a request goes out. When the estimate
plus the answer budget exceeds the window it asks :func:`confirm_context` (module level, so tests
can replace it): Trim selects the excess at the end of the main editor, Send anyway sends the
input as it is, Cancel does nothing. Input is never truncated silently.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit, QPushButton, QWidget

from assistant.core.providers.tokens import ContextCheck, TokenCounter, chars_to_cut, check_context
from assistant.core.work.generation import GenerationRequest


class Choice(Enum):
    """What the person chose in the context warning."""

    TRIM = "trim"
    SEND = "send"
    CANCEL = "cancel"


class ContextDialog(QMessageBox):
    """ "The prompt is about N tokens; <model> reads at most M (answer budget K)." + 3 buttons."""

    def __init__(
        self,
        parent: QWidget | None,
        estimate: int,
        window: int,
        answer_budget: int,
        model: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contextDialog")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(self.tr("The input is too long"))
        self.setText(
            self.tr("The prompt is about {0} tokens; {1} reads at most {2} (answer budget {3}).")
            .replace("{0}", f"{estimate:,}")
            .replace("{1}", model or self.tr("the model"))
            .replace("{2}", f"{window:,}")
            .replace("{3}", f"{answer_budget:,}")
        )
        self.setInformativeText(
            self.tr(
                "Trim the input, lower Max tokens, or send it anyway (the server may refuse it "
                "or cut it)."
            )
        )
        self.trim_button: QPushButton = self.addButton(
            self.tr("Trim the input"), QMessageBox.ButtonRole.AcceptRole
        )
        self.send_button: QPushButton = self.addButton(
            self.tr("Send anyway"), QMessageBox.ButtonRole.DestructiveRole
        )
        self.cancel_button: QPushButton = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.trim_button)
        self.setEscapeButton(self.cancel_button)

    def choice(self) -> Choice:
        """The button that closed the dialog (Cancel when none)."""
        clicked = self.clickedButton()
        if clicked is self.trim_button:
            return Choice.TRIM
        if clicked is self.send_button:
            return Choice.SEND
        return Choice.CANCEL


def confirm_context(
    parent: QWidget | None, estimate: int, window: int, answer_budget: int, model: str = ""
) -> Choice:
    """Ask what to do with a prompt over the window (modal)."""
    dialog = ContextDialog(parent, estimate, window, answer_budget, model)
    dialog.exec()
    choice = dialog.choice()
    dialog.deleteLater()
    return choice


def select_excess(editor: QPlainTextEdit, chars: int) -> int:
    """Focus ``editor`` and select about ``chars`` characters at its end; returns the count."""
    document = editor.document()
    end = max(0, document.characterCount() - 1)
    count = max(0, min(chars, end))
    cursor = QTextCursor(document)
    cursor.setPosition(end)
    cursor.setPosition(end - count, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    editor.ensureCursorVisible()
    editor.setFocus()
    return count


def allow_send(
    parent: QWidget,
    request: GenerationRequest,
    editor: QPlainTextEdit | None,
    engine: TokenCounter | None,
    configured_context: int | None,
    on_status: Callable[[str], None] | None = None,
) -> bool:
    """True to send ``request``; asks first when it does not fit the context window."""
    check = check_context(
        request.messages,
        request.profile,
        request.model,
        request.params.max_tokens,
        engine,
        configured_context,
    )
    if check is None or not check.over:
        return True
    choice = confirm_context(
        parent, check.estimate, check.window, check.answer_budget, request.model
    )
    if choice is Choice.SEND:
        return True
    if choice is Choice.TRIM:
        _trim(parent, check, editor, request.model, on_status)
    return False


def _trim(
    parent: QWidget,
    check: ContextCheck,
    editor: QPlainTextEdit | None,
    model: str,
    on_status: Callable[[str], None] | None,
) -> None:
    text = editor.toPlainText() if editor is not None else ""
    cut = chars_to_cut(text, check.excess_tokens, model)
    if editor is not None and cut and cut < len(text):
        selected = select_excess(editor, cut)
        message = QCoreApplication.translate(
            "ContextDialog",
            "Selected the last {0} characters of the input (about {1} tokens too many): "
            "delete them or shorten the text, then generate again.",
        )
    else:
        selected = cut
        message = QCoreApplication.translate(
            "ContextDialog",
            "The input is about {1} tokens too long: shorten the fields by about {0} "
            "characters, or lower Max tokens.",
        )
    text_out = message.replace("{0}", f"{selected:,}").replace("{1}", f"{check.excess_tokens:,}")
    if on_status is not None:
        on_status(text_out)
