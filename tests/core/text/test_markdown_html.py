"""Markdown answers as HTML that loads nothing."""

from __future__ import annotations

from assistant.core.text.markdown_html import as_markdown, markdown_to_html


def test_tables_code_and_strikethrough() -> None:
    html = markdown_to_html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n\n```py\nx = 1\n```\n")
    assert "<table>" in html and "<td>1</td>" in html
    assert "<s>old</s>" in html
    assert '<pre class="code"' in html and "style=" in html  # pygments inline styles, "py" known


def test_images_become_links_and_raw_html_is_text() -> None:
    html = markdown_to_html(
        '![a cat](https://example.com/cat.png)\n\n<img src="https://x/y.png">\n'
    )
    assert "<img" not in html
    assert '<a href="https://example.com/cat.png">a cat</a>' in html
    assert "&lt;img src=" in html


def test_a_dark_style_is_used_when_asked() -> None:
    light = markdown_to_html("```python\nx = 1\n```\n")
    dark = markdown_to_html("```python\nx = 1\n```\n", "github-dark")
    assert light != dark


def test_code_answers_are_rendered_as_one_code_block() -> None:
    assert as_markdown("# Title\n", "markdown") == "# Title\n"
    code = "# a comment\nx = '```'\n"
    fenced = as_markdown(code, "python")
    assert fenced == "````python\n" + code + "\n````\n"
    html = markdown_to_html(fenced)
    assert "<h1>" not in html and "a comment" in html
