"""The rendered view: Markdown shown rendered (headings, lists, tables, highlighted code), paced
while an answer streams, and never fetching anything (images are links)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QTextCursor, QTextImageFormat
from pytestqt.qtbot import QtBot

from assistant.ui.main_window import MainWindow
from assistant.ui.markdown_view import MarkdownView
from tests.fakeserver import FakeOpenAIServer
from tests.ui.test_main_window import choose_mode, fill, generate_and_wait

ANSWER = """# Tea for coders

Some **bold** advice:

- green tea
- black tea

| Tea | Caffeine |
|-----|----------|
| Green | low |
| Black | high |

```python
def brew(minutes: int) -> str:
    return "tea"
```
"""


LONG = "".join(
    f"## Section {n}\n\nPoint {n} is about {word} and why {n * 7} cups of {word} help.\n\n"
    f"- {word} {n} first\n- {word} {n * 3} second\n\n"
    for n, word in enumerate(["sencha", "oolong", "assam", "rooibos", "matcha", "chai"] * 2)
)


def rendered(qtbot: QtBot, text: str) -> MarkdownView:
    view = MarkdownView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    with qtbot.waitSignal(view.sig_rendered, timeout=10_000):
        view.set_markdown(text)
    return view


def blocks(view: MarkdownView) -> list[Any]:
    block = view.document().begin()
    out = []
    while block.isValid():
        out.append(block)
        block = block.next()
    return out


def test_headings_lists_tables_and_highlighted_code(qtbot: QtBot) -> None:
    view = rendered(qtbot, ANSWER)
    found = {b.text(): b for b in blocks(view)}
    assert found["Tea for coders"].blockFormat().headingLevel() == 1
    assert found["green tea"].textList() is not None
    cursor = QTextCursor(found["Green"])
    assert cursor.currentTable() is not None and cursor.currentTable().rows() == 3
    code = found['    return "tea"']
    colours = {fragment.charFormat().foreground().color().name() for fragment in _fragments(code)}
    assert len(colours) > 1  # pygments' colours, inline
    assert "```" not in view.toPlainText() and "|---" not in view.toPlainText()


def _fragments(block: Any) -> list[Any]:
    out = []
    it = block.begin()
    while not it.atEnd():
        out.append(it.fragment())
        it += 1
    return out


def test_raw_html_is_text_and_images_are_links_and_nothing_is_fetched(
    qtbot: QtBot, openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    picture = tmp_path / "local.png"
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(0xFF0000)
    assert image.save(str(picture))
    text = (
        f"![the logo]({openai_server.url}/logo.png) and ![local]({picture.as_uri()})\n\n"
        f'<img src="{openai_server.url}/raw.png">'
        f' <link rel="stylesheet" href="{openai_server.url}/s.css">\n'
    )
    view = rendered(qtbot, text)
    shown = view.toPlainText()
    assert "the logo" in shown and "local" in shown
    assert '<img src="' in shown  # the model's HTML, shown as text
    html = view.document().toHtml()
    assert f'href="{openai_server.url}/logo.png"' in html
    assert not any(
        fragment.charFormat().isImageFormat()
        for block in blocks(view)
        for fragment in _fragments(block)
    )
    assert view.loadResource(2, picture.as_uri()) is None
    assert QTextImageFormat().isValid()
    assert openai_server.requests == []


def test_the_toggle_shows_the_answer_rendered_while_it_streams(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    pages = window.answer_panel.pages
    qtbot.keyClick(
        window,
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert pages.rendered_action.isChecked() and pages.currentWidget() is pages.rendered
    choose_mode(window, "article")
    fill(window, topic="Tea")
    openai_server.reply = LONG
    openai_server.delta_size = 8
    openai_server.delta_delay = 0.01
    seen_while_streaming: list[str] = []

    def rendered_during_stream() -> None:
        if window.answer_panel.is_running():
            seen_while_streaming.append(pages.rendered.toPlainText())

    pages.rendered.sig_rendered.connect(rendered_during_stream)
    with qtbot.waitSignal(window.controller.sig_done, timeout=20_000):
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: "Section 1" in pages.rendered.toPlainText(), timeout=10_000)
        assert window.answer_panel.is_running()  # rendered before the answer was complete
    qtbot.waitUntil(lambda: pages.rendered.is_current() and pages.rendered.markdown == LONG)
    assert "Section 11" in pages.rendered.toPlainText()
    assert seen_while_streaming and "Section 11" not in seen_while_streaming[0]
    deltas = len(LONG) // 8
    assert pages.rendered.renders < deltas / 4  # paced, not once per delta
    pages.rendered_action.trigger()
    assert pages.currentWidget() is pages.area
    assert window.answer_area.current_text() == LONG


def test_switching_variants_or_reopening_shows_that_answer_rendered(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    choose_mode(window, "article")
    fill(window, topic="Tea")
    openai_server.reply = "# First\n"
    done = generate_and_wait(qtbot, window)
    openai_server.reply = "# Second\n"
    generate_and_wait(qtbot, window)
    pages = window.answer_panel.pages
    pages.rendered_action.setChecked(True)
    qtbot.waitUntil(lambda: pages.rendered.toPlainText().strip() == "Second")
    window.open_record(done.record_id)
    qtbot.waitUntil(lambda: pages.rendered.toPlainText().strip() == "First")


def test_a_code_answer_is_rendered_as_code_not_as_markdown(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    choose_mode(window, "code-complete")
    fill(window, code="def add(a, b):\n    ", language="python")
    openai_server.reply = "# add them\n    return a + b\n"
    generate_and_wait(qtbot, window)
    pages = window.answer_panel.pages
    pages.rendered_action.setChecked(True)
    qtbot.waitUntil(lambda: "return a + b" in pages.rendered.toPlainText())
    first = blocks(pages.rendered)[0]
    assert first.text() == "# add them"
    assert first.blockFormat().headingLevel() == 0
