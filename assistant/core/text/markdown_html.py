"""Markdown answers as HTML that loads nothing: the app's rendered view and its HTML export.

markdown-it-py (CommonMark with tables and strikethrough) with raw HTML disabled (a model's HTML is
shown as text), fenced code highlighted by pygments with inline styles, and images rendered as a
link labelled with their alt text, so showing an answer never fetches anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from assistant.core.text.languages import lexer_alias

DEFAULT_STYLE = "default"


def _code_highlighter(style: str) -> Any:
    """markdown-it's ``highlight`` option: a pygments ``<pre>`` with inline styles, or "" to
    let markdown-it escape the code as is (no language, or one pygments does not know)."""

    def highlight_code(code: str, language: str, _attrs: str) -> str:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound

        if not language:
            return ""
        try:
            lexer = get_lexer_by_name(lexer_alias(language) or language)
        except ClassNotFound:
            return ""
        formatter = HtmlFormatter(noclasses=True, nowrap=True, style=style)
        background = formatter.style.background_color or "#f6f8fa"
        body = highlight(code, lexer, formatter)
        return (
            f'<pre class="code" style="background: {escape(background)}">'
            f'<code class="language-{escape(language)}">{body}</code></pre>'
        )

    return highlight_code


def _image_as_link(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Images would be fetched from the network: show them as links instead."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    src = str(token.attrGet("src") or "")
    label = alt or src
    return f'<a href="{escapeHtml(src)}">{escapeHtml(label)}</a>'


@lru_cache(maxsize=4)
def markdown_renderer(style: str = DEFAULT_STYLE) -> MarkdownIt:
    """The renderer (one per pygments style; safe to share between threads once built)."""
    md = MarkdownIt("commonmark", {"html": False, "highlight": _code_highlighter(style)})
    md.enable("table")
    md.enable("strikethrough")
    md.add_render_rule("image", _image_as_link)
    return md


def markdown_to_html(text: str, style: str = DEFAULT_STYLE) -> str:
    """The HTML body of a Markdown text."""
    return markdown_renderer(style).render(text)


def as_markdown(text: str, language: str) -> str:
    """An answer as Markdown to render: Markdown as it is, code (``language`` names it) as one
    fenced block, so that a ``#`` comment does not become a heading."""
    if language in ("markdown", ""):
        return text
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}\n"
