"""The keyboard shortcuts and menu entries of follow-ups and versions (listed under *Generate*)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from assistant.ui.followup_box import FollowUpBox
from assistant.ui.qt_keys import set_keys
from assistant.ui.version_stepper import VersionStepper


@dataclass(frozen=True)
class FollowUpActions:
    """Focus the box, send, previous / next version, compare, restore."""

    focus: QAction
    send: QAction
    previous: QAction
    next: QAction
    compare: QAction
    restore: QAction

    def all(self) -> list[QAction]:
        return [self.focus, self.send, self.previous, self.next, self.compare, self.restore]


def follow_up_actions(
    window: QWidget,
    box: FollowUpBox,
    stepper: VersionStepper,
    restore: Callable[[int], None],
) -> FollowUpActions:
    """The actions, with their shortcuts working anywhere in ``window``."""

    def action(text: str, keys: list[str], slot: Callable[[], object]) -> QAction:
        made = QAction(text, window)
        made.setShortcuts([QKeySequence(key) for key in keys])
        set_keys(made, "shortcutContext", "WindowShortcut")
        made.triggered.connect(slot)
        return made

    translate = QCoreApplication.translate  # lupdate reads translate(context, text)
    focus = action(translate("FollowUps", "Follow up"), ["Ctrl+L"], box.focus)
    focus.setToolTip(translate("FollowUps", "Type a follow-up instruction (Ctrl+L)"))
    send_keys = ["Ctrl+Shift+Return", "Ctrl+Shift+Enter"]
    return FollowUpActions(
        focus=focus,
        send=action(translate("FollowUps", "Send follow-up"), send_keys, box.send),
        previous=action(translate("FollowUps", "Previous version"), ["Alt+Left"], stepper.previous),
        next=action(translate("FollowUps", "Next version"), ["Alt+Right"], stepper.next),
        compare=action(
            translate("FollowUps", "Compare with previous version"),
            ["Ctrl+Shift+D"],
            stepper.compare_with_previous,
        ),
        restore=action(
            translate("FollowUps", "Restore this version"), [], lambda: restore(stepper.index)
        ),
    )
