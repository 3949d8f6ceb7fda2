"""The follow-up box under an answer: an instruction line, Send, and the quick actions that fit
the answer's output kind (prose or code); with a selection in the answer it refines only that."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.ui.qt_keys import set_keys
from assistant.ui.warm_up import clear_button_when_on_screen

if TYPE_CHECKING:
    from assistant.core.prompts.quick_actions import QuickAction


class FollowUpBox(QWidget):
    """Instruction line, quick-action menu and Send; says when only the selection is refined."""

    sig_send = Signal(str, object)
    """(instruction, QuickAction or None) The person sent a follow-up: typed, or picked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followUpBox")
        self.edit = QLineEdit()
        self.edit.setObjectName("followUpEdit")
        clear_button_when_on_screen(self.edit)
        self.edit.returnPressed.connect(self.send)
        self.edit.textChanged.connect(self._update_send)
        self.menu = QMenu(self)
        self.menu.setObjectName("quickActionsMenu")
        self.quick_button = QToolButton()
        self.quick_button.setObjectName("quickActionsButton")
        self.quick_button.setText(self.tr("Quick actions"))
        self.quick_button.setToolTip(self.tr("Ready-made follow-ups for this kind of answer"))
        self.quick_button.setMenu(self.menu)
        set_keys(self.quick_button, "popupMode", "InstantPopup")
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setObjectName("followUpSendButton")
        self.send_button.setEnabled(False)
        self.send_button.clicked.connect(self.send)
        self.scope_label = QLabel()
        self.scope_label.setObjectName("followUpScope")
        self.scope_label.setWordWrap(True)
        self.scope_label.setVisible(False)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.quick_button)
        row.addWidget(self.send_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 2, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.scope_label)
        column.addLayout(row)
        self._busy = False
        self._asking: QuickAction | None = None  # a quick action waiting for its language
        self._chat = False
        self._no_answer = False
        self._ask(None)

    def set_quick_actions(self, actions: Sequence[QuickAction]) -> None:
        """The menu lists ``actions`` (those that fit the answer's output kind)."""
        self.menu.clear()
        for quick in actions:
            action = QAction(quick.label, self.menu)
            action.setObjectName(f"quickAction-{quick.id}")
            action.setToolTip(quick.instruction)
            action.triggered.connect(lambda _c=False, q=quick: self.pick(q))
            self.menu.addAction(action)
        self.quick_button.setEnabled(bool(actions))
        self._ask(None)

    def pick(self, quick: QuickAction) -> None:
        """A quick action was chosen: sent at once, or (Translate to…) once the person has typed
        the language in the line and pressed Enter."""
        if quick.needs_language:
            self._ask(quick)
            self.edit.clear()
            self.edit.setFocus()
            return
        self._emit(quick.instruction, quick)

    @Slot()
    def send(self) -> None:
        """Send the typed instruction (nothing when it is blank or a run is on)."""
        text = self.edit.text().strip()
        quick = self._asking
        if quick is not None:
            if text:
                self._emit(quick.instruction_for(text), quick)
            return
        self._emit(text, None)

    def _emit(self, instruction: str, quick: QuickAction | None) -> None:
        if instruction and not self._busy and self.isEnabled():
            self.sig_send.emit(instruction, quick)

    def _ask(self, quick: QuickAction | None) -> None:
        """Wait for the language of ``quick`` (None: back to a typed instruction)."""
        self._asking = quick
        if quick is None and self._chat:
            self.edit.setPlaceholderText(self.tr("Your next message (Enter sends)"))
        elif quick is None:
            self.edit.setPlaceholderText(
                self.tr("Follow up: “make it shorter”, “add error handling”… (Enter sends)")
            )
        else:
            self.edit.setPlaceholderText(
                self.tr("{0} which language? Type it and press Enter").format(quick.label)
            )

    def sent(self) -> None:
        """The follow-up went out: clear the line for the next one."""
        self.edit.clear()
        self._ask(None)

    def set_busy(self, busy: bool) -> None:
        """While a run streams nothing is sent (typing the next instruction stays possible)."""
        self._busy = busy
        self._update_send()

    def set_chat(self, chat: bool) -> None:
        """In chat mode the line is where the next message is typed."""
        self._chat = chat
        self._ask(self._asking)

    def set_no_answer(self, no_answer: bool) -> None:
        """Say (notice and tooltip) that the version on screen has no text to follow up on, e.g.
        a failed run; the window disables the box meanwhile."""
        self._no_answer = no_answer
        tip = (
            self.tr(
                "There is no answer to follow up on: the run gave no text. "
                "Regenerate instead (Generate, Ctrl+Enter)."
            )
            if no_answer
            else ""
        )
        self.setToolTip(tip)
        self.quick_button.setToolTip(
            tip or self.tr("Ready-made follow-ups for this kind of answer")
        )
        self.scope_label.setText(tip)
        self.scope_label.setVisible(no_answer)

    def set_selection(self, characters: int, kind: str = "") -> None:
        """Say that the next follow-up refines only the selection (``characters`` > 0)."""
        if self._no_answer:
            return
        if characters <= 0:
            self.scope_label.setVisible(False)
            return
        text = self.tr("Refines only the selected {0} ({1} characters); the rest stays as it is.")
        self.scope_label.setText(text.format(kind or self.tr("text"), characters))
        self.scope_label.setVisible(True)

    def focus(self) -> None:
        """Put the cursor in the instruction line (its keyboard shortcut)."""
        self.edit.setFocus()
        self.edit.selectAll()

    def _update_send(self) -> None:
        self.send_button.setEnabled(bool(self.edit.text().strip()) and not self._busy)
