"""PygmentsHighlighter on a real QTextDocument: resumed states, incremental edits, deferral."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pygments.token import _TokenType as TokenType
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from assistant.ui import highlighter as highlighter_module
from assistant.ui.highlighter import PENDING_STATE, PygmentsHighlighter
from assistant.ui.theme import DARK_STYLE, LIGHT_STYLE, Theme

Make = Callable[[str, str], tuple[QTextDocument, PygmentsHighlighter]]


@pytest.fixture
def make(qapp: QApplication) -> Make:
    """A document holding ``text`` highlighted as ``language``, all highlighting done."""
    keep: list[object] = []

    def build(text: str, language: str) -> tuple[QTextDocument, PygmentsHighlighter]:
        editor = QPlainTextEdit()  # its lazy plain-text layout, as in the app
        document = editor.document()
        highlighter = PygmentsHighlighter(document, language, Theme(LIGHT_STYLE))
        QTextCursor(document).insertText(text)
        qapp.processEvents()
        highlighter.finish_pending()
        keep.append(editor)
        return document, highlighter

    return build


def format_at(document: QTextDocument, line: int, column: int) -> QTextCharFormat:
    """The highlighter's format at ``column`` (UTF-16) of block ``line``."""
    block = document.findBlockByNumber(line)
    found = QTextCharFormat()
    for change in block.layout().formats():
        if change.start <= column < change.start + change.length:
            found = QTextCharFormat(change.format)
    return found


def colour(style: str, token: TokenType) -> QColor:
    fmt = Theme(style).format(token)
    assert fmt is not None
    return fmt.foreground().color()


def test_docstring_is_string_coloured_on_every_line(make: Make) -> None:
    from pygments.token import Keyword, String

    text = 'def f():\n    """Doc\n    def inside\n    """\n    return 1\n'
    document, _ = make(text, "python")
    string = colour(LIGHT_STYLE, String.Doc)
    assert format_at(document, 0, 0).foreground().color() == colour(LIGHT_STYLE, Keyword)
    assert format_at(document, 2, 4).foreground().color() == string
    assert format_at(document, 3, 5).foreground().color() == string
    assert format_at(document, 4, 4).foreground().color() == colour(LIGHT_STYLE, Keyword)


def test_editing_one_line_rehighlights_only_that_block(make: Make) -> None:
    lines = [f"value_{n} = {n}  # line {n}" for n in range(400)]
    document, highlighter = make("\n".join(lines), "python")
    highlighter.blocks_highlighted = 0
    cursor = QTextCursor(document.findBlockByNumber(200))
    cursor.insertText("other + ")
    assert highlighter.blocks_highlighted == 1


def test_opening_a_string_rehighlights_until_it_closes(make: Make) -> None:
    lines = [f"value_{n} = {n}" for n in range(400)]
    lines[210] = "''' # '''"  # ends outside a string whether it starts inside one or not
    document, highlighter = make("\n".join(lines), "python")
    highlighter.blocks_highlighted = 0
    QTextCursor(document.findBlockByNumber(200)).insertText("opening = '''")
    # blocks 200..210 are lexed; 210 ends in the same state as before, so Qt stops there
    assert highlighter.blocks_highlighted == 11
    from pygments.token import String

    assert format_at(document, 205, 0).foreground().color() == colour(LIGHT_STYLE, String.Single)


def test_markdown_fence_highlights_its_language_and_stops_at_closing_fence(make: Make) -> None:
    from pygments.token import Keyword

    text = "Intro with def\n```python\ndef f(): pass\n```\ndef plain\n"
    document, highlighter = make(text, "markdown")
    keyword = colour(LIGHT_STYLE, Keyword)
    assert highlighter.language == "markdown"
    assert format_at(document, 0, 11).foreground().color() != keyword
    fenced = format_at(document, 2, 0)
    assert fenced.foreground().color() == keyword
    assert fenced.fontFixedPitch()
    assert format_at(document, 4, 0).foreground().color() != keyword
    assert not format_at(document, 4, 0).fontFixedPitch()


def test_emoji_do_not_shift_colours(make: Make) -> None:
    from pygments.token import Comment, Keyword

    document, _ = make('s = "😀😀"; import os  # 😀 c', "python")
    # UTF-16: s=0 "=4 😀=5,6 😀=7,8 "=9 ;=10 import=12..17 #=23 😀=25,26 c=28
    assert format_at(document, 0, 12).foreground().color() == colour(LIGHT_STYLE, Keyword)
    assert format_at(document, 0, 11).foreground().color() != colour(LIGHT_STYLE, Keyword)
    assert format_at(document, 0, 28).foreground().color() == colour(LIGHT_STYLE, Comment.Single)
    assert format_at(document, 0, 29).foreground().color() != colour(LIGHT_STYLE, Comment.Single)


def test_set_language_rehighlights(make: Make) -> None:
    from pygments.token import Keyword

    document, highlighter = make("import os", "text")
    assert not document.firstBlock().layout().formats()
    highlighter.set_language("py")
    highlighter.finish_pending()
    assert format_at(document, 0, 0).foreground().color() == colour(LIGHT_STYLE, Keyword)


def test_huge_paste_is_highlighted_over_several_passes(
    qapp: QApplication, qtbot: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pygments.token import Keyword

    monkeypatch.setattr(highlighter_module, "PASS_SECONDS", 0.001)
    editor = QPlainTextEdit()
    document = editor.document()
    highlighter = PygmentsHighlighter(document, "python", Theme(LIGHT_STYLE))
    qapp.processEvents()
    text = "\n".join(f"import module_{n}" for n in range(3_000))
    QTextCursor(document).insertText(text)
    assert highlighter.pending
    assert highlighter.blocks_highlighted < 3_000  # the paste itself lexed one budget's worth
    assert document.lastBlock().userState() == PENDING_STATE
    qtbot.waitUntil(lambda: not highlighter.pending)  # type: ignore[attr-defined]
    assert format_at(document, 2_999, 0).foreground().color() == colour(LIGHT_STYLE, Keyword)
    assert all(document.findBlockByNumber(n).userState() != PENDING_STATE for n in range(3_000))


def test_dark_palette_picks_the_dark_style(qapp: QApplication) -> None:
    from PySide6.QtGui import QPalette

    palette = QPalette(QColor("#202020"))
    assert Theme.for_palette(palette).style_name == DARK_STYLE
    assert Theme.for_palette(QPalette(QColor("#f0f0f0"))).style_name == LIGHT_STYLE
