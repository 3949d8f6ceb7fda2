"""The answer on screen as follow-ups watch it: its selection (the follow-up box says what a
follow-up would refine) and its context menu (Refine the selection… / Follow up…)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPoint
from PySide6.QtWidgets import QMenu, QPlainTextEdit

from assistant.ui.qt_keys import set_keys

if TYPE_CHECKING:
    from assistant.ui.followups import FollowUps

translate = QCoreApplication.translate  # lupdate reads translate(context, text)


def watch_selection(followups: FollowUps) -> None:
    """Follow the selection of the answer on screen (the box says what a follow-up refines)."""
    view = followups.panel.answer_area.views[0]
    if not view.property("followUpWatched"):
        view.setProperty("followUpWatched", True)
        view.selectionChanged.connect(lambda v=view: _selection_changed(followups, v))
        set_keys(view, "contextMenuPolicy", "CustomContextMenu")
        view.customContextMenuRequested.connect(
            lambda position, v=view: _show_context_menu(followups, v, position)
        )
    _selection_changed(followups, view)


def answer_menu(followups: FollowUps, view: QPlainTextEdit, position: QPoint) -> QMenu:
    """The answer's own menu (Copy, Select All) and, under a selection, Refine the
    selection… (the follow-up box, ready for the instruction)."""
    menu = view.createStandardContextMenu(position)
    if followups.box.isEnabled() and not followups.is_chat():
        menu.addSeparator()
        selected = view.textCursor().hasSelection()
        text = (
            translate("FollowUps", "Refine the selection…")
            if selected
            else translate("FollowUps", "Follow up…")
        )
        menu.addAction(text, followups.box.focus)
    return menu


def _show_context_menu(followups: FollowUps, view: QPlainTextEdit, position: QPoint) -> None:
    menu = answer_menu(followups, view, position)
    menu.exec(view.viewport().mapToGlobal(position))
    menu.deleteLater()


def _selection_changed(followups: FollowUps, view: QPlainTextEdit) -> None:
    thread = followups.shown_thread
    if view is not followups.panel.answer_area.views[0] or thread is None:
        return
    chars = len(view.textCursor().selectedText())
    mode = followups.window.services.modes.get(thread.mode)
    code = mode is not None and mode.output == "code"
    what = translate("FollowUps", "code") if code else translate("FollowUps", "text")
    followups.box.set_selection(chars, what)
