"""Text that no installed font can show: the app says so once per script, naming the fix."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.ui.font_check import FONT_HINT, GlyphWarning, WritingSystem, scripts_in
from tests.ui.windows import open_window


def test_scripts_are_found_by_their_characters() -> None:
    assert scripts_in("plain ASCII, café, naïve — “quotes”") == set()
    assert scripts_in("你好") == {WritingSystem.SimplifiedChinese}
    assert scripts_in("ひらがな") == {WritingSystem.Japanese}
    assert scripts_in("한국어") == {WritingSystem.Korean}
    assert scripts_in("漢字とかな") == {WritingSystem.SimplifiedChinese, WritingSystem.Japanese}


def test_a_missing_font_is_reported_once_per_script() -> None:
    messages: list[str] = []
    warning = GlyphWarning(messages.append, has_font=lambda system: False)
    assert warning.check("答案：你好") is True
    assert len(messages) == 1
    assert "中文" in messages[0] and FONT_HINT in messages[0]
    assert warning.check("更多中文") is False  # said once
    assert warning.check("ひらがな") is True  # another script: said once too
    assert len(messages) == 2 and "日本語" in messages[1]


def test_nothing_is_said_when_a_font_has_the_glyphs_or_there_is_no_cjk(qapp: QApplication) -> None:
    messages: list[str] = []
    warning = GlyphWarning(messages.append)  # the fonts really installed here
    assert warning.check("你好，世界") is False  # the test set-up installs a CJK font
    assert GlyphWarning(messages.append, has_font=lambda s: False).check("hello") is False
    assert messages == []


def test_the_window_warns_with_a_box_and_the_status_line(qtbot: QtBot) -> None:
    win = open_window(qtbot, Settings())
    win.check_ui_glyphs()  # English UI: nothing to say
    assert win.findChild(QMessageBox, "missingFontWarning") is None
    win.glyph_warning = GlyphWarning(win._warn_missing_font, has_font=lambda system: False)
    assert win.glyph_warning.check("中文回答")
    box = win.findChild(QMessageBox, "missingFontWarning")
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert FONT_HINT in box.text()
    assert FONT_HINT in win.status.status_label.text()
    box.close()
    QApplication.processEvents()
