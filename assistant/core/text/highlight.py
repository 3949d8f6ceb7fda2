"""Incremental, line-by-line syntax highlighting with pygments (no Qt).

Each line is lexed on its own, resuming the lexer from the state the previous line ended in (the
qtconsole/calibre approach), so an editor only re-lexes the lines whose incoming state changed.
States are small ints interned from the lexer's state stack, so a ``QSyntaxHighlighter`` can keep
them with ``setCurrentBlockState``. Span positions are in UTF-16 code units, as Qt counts them.

Markdown mode tracks ``` / ~~~ fences in the state and hands fenced lines to the fence's language.
Pygments' lexer machinery (~25 ms, ``python -X importtime``) is imported with the first lexer.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Iterator
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from pygments.token import Comment, Generic, Keyword, Name, String, Text, Whitespace
from pygments.token import _TokenType as TokenType

from assistant.core.text.resumable_lex import ROOT, lex_line

if TYPE_CHECKING:
    from pygments.lexer import Lexer

INITIAL_STATE = 0
"""State of the first line (Qt's ``-1`` "no state" means the same)."""

MARKDOWN = "markdown"
PLAIN = "text"
MARKDOWN_ALIASES = frozenset({"markdown", "md", "gfm", "mkd", "mdown"})
PLAIN_ALIASES = frozenset({"", "text", "plain", "plaintext", "txt", "none"})

CODE_BLOCK = Text.CodeBlock
"""Whole-line span emitted first for lines of a fenced code block (markdown mode)."""

_NO_STYLE = frozenset({Text, Whitespace, Text.Whitespace})


class Span(NamedTuple):
    """A coloured range of one line; ``start``/``length`` in UTF-16 code units."""

    start: int
    length: int
    token: TokenType


class StateTable:
    """Interns hashable lexer states as small positive ints (0 stays the initial state)."""

    def __init__(self) -> None:
        self._ids: dict[Hashable, int] = {}
        self._states: list[Hashable] = [None]

    def intern(self, state: Hashable) -> int:
        """The id of ``state`` (a new one the first time it is seen)."""
        found = self._ids.get(state)
        if found is None:
            found = len(self._states)
            self._ids[state] = found
            self._states.append(state)
        return found

    def lookup(self, state_id: int) -> Hashable | None:
        """The state behind ``state_id``; None for the initial state or an unknown id."""
        if 0 < state_id < len(self._states):
            return self._states[state_id]
        return None

    def __len__(self) -> int:
        return len(self._states) - 1


def resolve_language(name: str | None) -> str:
    """``"markdown"``, ``"text"`` (plain, also for unknown names) or the pygments alias."""
    key = (name or "").strip().lower()
    if key in MARKDOWN_ALIASES:
        return MARKDOWN
    if key in PLAIN_ALIASES or key not in _known_aliases():
        return PLAIN
    return key


@lru_cache(maxsize=1)
def _known_aliases() -> frozenset[str]:
    """Every pygments lexer alias, read from its table (no lexer module is imported)."""
    from pygments.lexers import get_all_lexers

    return frozenset(
        alias for _name, aliases, _f, _m in get_all_lexers(plugins=False) for alias in aliases
    )


@lru_cache(maxsize=128)
def _lexer_for(name: str) -> Lexer | None:
    """A pygments lexer for an alias, or None when pygments has none."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except (ClassNotFound, ValueError, TypeError):
        return None


class LineLexer:
    """Highlights one line at a time, resuming from the previous line's state.

    ``language`` is a pygments alias (``"python"``, ``"c++"``…), ``"markdown"``, or anything else
    for plain text. Lexers that are not regex based are applied per line without state.
    """

    def __init__(self, language: str = PLAIN) -> None:
        self.language = resolve_language(language)
        self._states = StateTable()

    @property
    def _lexer(self) -> Lexer | None:
        """The pygments lexer, built on first use (compiling one takes up to 0.1 s)."""
        return None if self.language in (PLAIN, MARKDOWN) else _lexer_for(self.language)

    def highlight_line(self, text: str, state: int) -> tuple[list[Span], int]:
        """Spans of ``text`` (one line, no newline) and the state the line ends in."""
        if not text and state <= INITIAL_STATE:  # an empty editor (Qt: -1): no lexer yet
            return [], INITIAL_STATE
        try:
            if self.language == MARKDOWN:
                spans, end_state = self._markdown_line(text, self._states.lookup(state))
            else:
                stack = self._states.lookup(state)
                tokens, end_stack = lex_line(self._lexer, text, stack)
                spans, end_state = _spans(text, tokens), end_stack
            return spans, self._intern(end_state)
        except Exception:  # a lexer bug must never break the editor: show the line plain
            return [], INITIAL_STATE

    def _intern(self, state: Hashable | None) -> int:
        if state is None or state == ROOT:
            return INITIAL_STATE
        return self._states.intern(state)

    # -- markdown ---------------------------------------------------------------------------

    def _markdown_line(self, text: str, state: Hashable | None) -> tuple[list[Span], Hashable]:
        if isinstance(state, _Fence):
            return _fenced_line(text, state)
        opening = _FENCE_OPEN.match(text)
        if opening and not (opening["fence"][0] == "`" and "`" in opening["info"]):
            fence = opening["fence"]
            language = _fence_language(opening["info"])
            spans = [Span(0, _utf16_len(text), CODE_BLOCK), *_spans(text, [(0, Comment, text)])]
            return spans, _Fence(fence[0], len(fence), language, None)
        return _spans(text, _markdown_tokens(text)), None


class _Fence(NamedTuple):
    """Markdown state inside a fenced code block."""

    char: str
    length: int
    language: str
    inner: Hashable | None


def _fenced_line(text: str, fence: _Fence) -> tuple[list[Span], Hashable]:
    code_block = Span(0, _utf16_len(text), CODE_BLOCK)
    closing = _FENCE_CLOSE.match(text)
    if closing and closing[1][0] == fence.char and len(closing[1]) >= fence.length:
        return [code_block, *_spans(text, [(0, Comment, text)])], None
    lexer = _lexer_for(fence.language) if fence.language != PLAIN else None
    tokens, inner = lex_line(lexer, text, fence.inner)
    return [code_block, *_spans(text, tokens)], fence._replace(inner=inner)


def _fence_language(info: str) -> str:
    """The language named by a fence's info string (``python``, ``{.py}``, ``c++ title=x``)."""
    word = re.match(r"[\s{.]*([\w+#.-]*)", info)
    return resolve_language(word[1] if word else "")


class _Pattern:
    """A regular expression compiled at its first use (the first highlighted answer), not when
    the module is imported before the window's first paint."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern)

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.compiled.match(text, pos)

    def finditer(self, text: str, pos: int = 0) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text, pos)


_FENCE_OPEN = _Pattern(r"[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_FENCE_CLOSE = _Pattern(r"[ \t]*(`{3,}|~{3,})[ \t]*$")
_HEADING = _Pattern(r" {0,3}#{1,6}(?:[ \t].*)?$")
_RULE = _Pattern(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = _Pattern(r" {0,3}>+")
_LIST = _Pattern(r"[ \t]*(?:[*+-]|\d{1,9}[.)])(?=[ \t]|$)")
_INLINE = _Pattern(
    r"(?P<code>(`+)(?!`).+?(?<!`)\2(?!`))"
    r"|(?P<strong>\*\*(?=\S).+?(?<=\S)\*\*|__(?=\S).+?(?<=\S)__)"
    r"|(?P<emph>\*(?=[^\s*]).*?(?<=[^\s*])\*|(?<!\w)_(?=[^\s_]).*?(?<=[^\s_])_(?!\w))"
    r"|(?P<strike>~~(?=\S).+?(?<=\S)~~)"
    r"|(?P<link>!?\[(?P<label>[^\]]*)\]\((?P<url>[^)\s]*)(?:[ \t]+\"[^\"]*\")?\))"
    r"|(?P<autolink><[a-zA-Z][\w+.-]*:[^\s<>]*>)"
)
_INLINE_TOKENS: dict[str, TokenType] = {
    "code": String.Backtick,
    "strong": Generic.Strong,
    "emph": Generic.Emph,
    "strike": Generic.Deleted,
    "autolink": Name.Attribute,
}


def _markdown_tokens(text: str) -> list[tuple[int, TokenType, str]]:
    """Light markdown styling of a line outside code fences."""
    if _HEADING.match(text):
        return [(0, Generic.Heading, text)]
    if _RULE.match(text):
        return [(0, Generic.Subheading, text)]
    tokens: list[tuple[int, TokenType, str]] = []
    pos = 0
    for marker in (_QUOTE, _LIST):
        found = marker.match(text, pos)
        if found:
            tokens.append((found.start(), Keyword, found.group()))
            pos = found.end()
    for found in _INLINE.finditer(text, pos):
        kind = found.lastgroup if found.lastgroup in _INLINE_TOKENS else None
        if found["link"] is not None:
            label_end = found.end("label") + 1
            tokens.append((found.start(), Name.Tag, text[found.start() : label_end]))
            tokens.append((label_end, Name.Attribute, text[label_end : found.end()]))
        elif kind is not None:
            tokens.append((found.start(), _INLINE_TOKENS[kind], found.group()))
    return tokens


# -- spans ------------------------------------------------------------------------------------


def _spans(text: str, tokens: Iterable[tuple[int, TokenType, str]]) -> list[Span]:
    """Merge adjacent same-type tokens, drop unstyled ones, clip to the line, count UTF-16."""
    limit = len(text)
    merged: list[list[Any]] = []
    for start, token, value in tokens:
        end = min(start + len(value), limit)
        if end <= start or start < 0 or token in _NO_STYLE:
            continue
        if merged and merged[-1][2] is token and merged[-1][1] == start:
            merged[-1][1] = end
        else:
            merged.append([start, end, token])
    to_utf16 = _utf16_offsets(text)
    return [Span(to_utf16(s), to_utf16(e) - to_utf16(s), t) for s, e, t in merged]


def _utf16_offsets(text: str) -> Any:
    """A function mapping code-point offsets of ``text`` to UTF-16 offsets."""
    if not text or max(text) <= "\uffff":
        return _identity
    prefix = [0]
    for char in text:
        prefix.append(prefix[-1] + (2 if char > "\uffff" else 1))
    return prefix.__getitem__


def _identity(offset: int) -> int:
    return offset


def _utf16_len(text: str) -> int:
    return _utf16_offsets(text)(len(text))


def iter_states(lexer: LineLexer, lines: Iterable[str]) -> Iterator[tuple[list[Span], int]]:
    """Highlight consecutive lines, threading the state (for tests, exports, the CLI)."""
    state = INITIAL_STATE
    for line in lines:
        spans, state = lexer.highlight_line(line, state)
        yield spans, state
