"""Qt enum values set by key name (ui/qt_keys.py) are the values ``Qt`` names."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QToolButton
from pytestqt.qtbot import QtBot

from assistant.ui.qt_keys import ALIGN_RIGHT, TOOLTIP_ROLE, USER_ROLE, set_keys, set_shortcut


def test_the_plain_ints_are_the_qt_values() -> None:
    assert Qt.ItemDataRole.UserRole.value == USER_ROLE
    assert Qt.ItemDataRole.ToolTipRole.value == TOOLTIP_ROLE
    assert Qt.AlignmentFlag.AlignRight.value == ALIGN_RIGHT


def test_keys_set_the_enum_and_the_flags(qtbot: QtBot) -> None:
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    set_keys(editor, "textInteractionFlags", "TextSelectableByMouse|TextSelectableByKeyboard")
    flags = Qt.TextInteractionFlag
    assert (
        editor.textInteractionFlags()
        == flags.TextSelectableByMouse | flags.TextSelectableByKeyboard
    )
    button = QToolButton()
    qtbot.addWidget(button)
    set_keys(button, "arrowType", "DownArrow")
    set_keys(button, "toolButtonStyle", "ToolButtonTextBesideIcon")
    assert button.arrowType() == Qt.ArrowType.DownArrow
    assert button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon


def test_an_unknown_key_or_property_is_an_error(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    with pytest.raises(ValueError, match=r"QLabel\.textInteractionFlags"):
        set_keys(label, "textInteractionFlags", "SelectableByThought")
    with pytest.raises(ValueError, match=r"QLabel\.nothing"):
        set_keys(label, "nothing", "AlignLeft")


@pytest.mark.parametrize(
    "key", ["Ctrl+,", "Ctrl+H", QKeySequence.StandardKey.Save, QKeySequence.StandardKey.Quit]
)
def test_a_shortcut_is_the_one_set_shortcut_sets(key: str | QKeySequence.StandardKey) -> None:
    ours, theirs = QAction("ours"), QAction("theirs")
    set_shortcut(ours, key)
    theirs.setShortcut(key)
    assert ours.shortcuts() == theirs.shortcuts()
    assert ours.shortcut() == theirs.shortcut()
