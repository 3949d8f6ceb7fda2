"""The history panel's record actions (Open, Star, Rename, Delete, Export, Copy, Undo, Search),
their shortcuts and its toolbar."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar, QWidget

if TYPE_CHECKING:
    from assistant.ui.history_panel import HistoryPanel

translate = QCoreApplication.translate  # lupdate reads translate(context, text)


@dataclass(frozen=True)
class HistoryActions:
    """The actions of the panel; the first six are on its toolbar."""

    open: QAction
    star: QAction
    rename: QAction
    delete: QAction
    export: QAction
    copy: QAction
    undo: QAction
    search: QAction
    toolbar: QToolBar


def _action(
    panel: HistoryPanel,
    text: str,
    slot: Callable[[], None],
    keys: Sequence[QKeySequence | QKeySequence.StandardKey | str] = (),
    on: QWidget | None = None,
) -> QAction:
    """An action with shortcuts that only work while ``on`` (default: the list) has focus."""
    action = QAction(text, panel)
    action.triggered.connect(slot)
    if keys:
        action.setShortcuts([QKeySequence(k) for k in keys])
        hints = ", ".join(
            QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys[:1]
        )
        action.setToolTip(f"{text.rstrip('…')} ({hints})")
    target = on or panel.view
    action.setShortcutContext(
        Qt.ShortcutContext.WidgetShortcut
        if target is panel.view
        else Qt.ShortcutContext.WidgetWithChildrenShortcut
    )
    target.addAction(action)
    return action


def history_actions(panel: HistoryPanel) -> HistoryActions:
    """The panel's actions on its list (and Undo, Search on the panel), with its toolbar."""
    key = Qt.Key
    open_action = _action(panel, translate("HistoryPanel", "Open"), panel.open_selected)
    open_action.setToolTip(translate("HistoryPanel", "Open in the editor (Enter)"))
    star = _action(panel, translate("HistoryPanel", "Star"), panel.toggle_star, ["Ctrl+D"])
    rename = _action(
        panel,
        translate("HistoryPanel", "Rename"),
        panel.rename_selected,
        [QKeySequence(key.Key_F2)],
    )
    delete = _action(
        panel,
        translate("HistoryPanel", "Delete"),
        panel.delete_selected,
        [QKeySequence(key.Key_Delete)],
    )
    separator = QAction(panel)
    separator.setSeparator(True)
    panel.view.addAction(separator)
    export = _action(panel, translate("HistoryPanel", "Export…"), panel.export_selected)
    export.setToolTip(translate("HistoryPanel", "Export the selected records to a file"))
    copy = _action(panel, translate("HistoryPanel", "Copy as Markdown"), panel.copy_markdown)
    undo = _action(
        panel,
        translate("HistoryPanel", "Undo delete"),
        panel.undo_delete,
        [QKeySequence.StandardKey.Undo],
        on=panel,
    )
    undo.setEnabled(False)
    # Only while the panel is visible (hidden widgets' shortcuts are off).
    search = QAction(translate("HistoryPanel", "Search history"), panel)
    search.setShortcut(QKeySequence.StandardKey.Find)
    search.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    search.triggered.connect(panel.focus_search)
    panel.addAction(search)

    toolbar = QToolBar()
    toolbar.setObjectName("historyToolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for action in (open_action, star, rename, delete, export, copy):
        toolbar.addAction(action)
    return HistoryActions(open_action, star, rename, delete, export, copy, undo, search, toolbar)
