"""Pygments lexing of one line resumed from the state the line before ended in (no Qt).

:func:`lex_line` returns a line's tokens and its end state: for a ``RegexLexer`` the state stack
(``/* */`` comments that span lines carried over in it), for an ``ExtendedRegexLexer`` its whole
context (stack, heredocs, indents) frozen into a hashable value; other lexers have no state.
``core/text/highlight.py`` interns these states as small ints for the editor.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING, Any

from pygments.token import Comment, Error, String, Whitespace
from pygments.token import _TokenType as TokenType

if TYPE_CHECKING:
    from pygments.lexer import ExtendedRegexLexer, Lexer, LexerContext, RegexLexer

MAX_LINE_CHARS = 10_000
"""Longer lines are lexed only up to here (keeps one pathological line from freezing the UI)."""

ROOT: tuple[str, ...] = ("root",)
"""The state stack a line starts in when nothing is carried over."""


def lex_line(
    lexer: Lexer | None, text: str, state: Hashable | None
) -> tuple[list[tuple[int, TokenType, str]], Hashable | None]:
    """Tokens of one line (lexed with its newline) and the lexer state at its end."""
    if lexer is None:
        return [], None
    from pygments.lexer import ExtendedRegexLexer, RegexLexer  # imported with the lexer

    line = text[:MAX_LINE_CHARS] + "\n"
    if isinstance(lexer, ExtendedRegexLexer):
        return _lex_extended(lexer, line, state)
    if isinstance(lexer, RegexLexer):
        stack = state if isinstance(state, tuple) and state else ROOT
        if _has_one_regex_block_comments(lexer):
            return _lex_block_comments(lexer, line, stack)
        tokens, end_stack = _lex_regex_full(lexer, line, stack)
        return tokens, end_stack
    return list(lexer.get_tokens_unprocessed(line)), None


def _lex_regex_full(
    lexer: RegexLexer, text: str, stack: tuple[str, ...]
) -> tuple[list[tuple[int, TokenType, str]], tuple[str, ...]]:
    """Tokens and end stack, with the lexer's own token post-processing when it has one."""
    tokens, end_stack = _lex_regex(lexer, text, stack)
    if _overrides_with_stack(type(lexer)):  # e.g. C/C++ mark std types
        tokens = list(lexer.get_tokens_unprocessed(text, stack=stack))
    return tokens, tuple(end_stack)


_IN_COMMENT = "/*"
"""First item of a regex state inside a ``/* */`` comment spanning lines (not a state name)."""


_ONE_REGEX_COMMENTS: dict[type, bool] = {}


def _has_one_regex_block_comments(lexer: RegexLexer) -> bool:
    """True if ``/* */`` comments are one regex (C, Java, JS, CSS…): they cannot span lines."""
    known = _ONE_REGEX_COMMENTS.get(type(lexer))
    if known is None:
        sample = "/* a */"
        known = any(
            isinstance(action, TokenType) and action in Comment and new_state is None
            for rules in lexer._tokens.values()  # per instance: some lexers pick tables at init
            for rexmatch, action, new_state in rules
            if (found := rexmatch(sample, 0)) and found.end() == len(sample) and not rexmatch("a")
        )
        _ONE_REGEX_COMMENTS[type(lexer)] = known
    return known


def _lex_block_comments(
    lexer: RegexLexer, line: str, stack: tuple[str, ...]
) -> tuple[list[tuple[int, TokenType, str]], tuple[str, ...]]:
    """Lex a line, carrying an unclosed ``/*`` comment over to the next line in the state."""
    head: list[tuple[int, TokenType, str]] = []
    offset = 0
    if stack[0] == _IN_COMMENT:
        stack = stack[1:] or ROOT
        close = line.find("*/")
        if close < 0:
            return [(0, Comment.Multiline, line)], (_IN_COMMENT, *stack)
        offset = close + 2
        head = [(0, Comment.Multiline, line[:offset])]
    tokens, end_stack = _lex_regex_full(lexer, line[offset:], stack)
    opening = next(
        (pos for pos, token, value in tokens if _opens_comment(token, value, pos + offset, line)),
        None,
    )
    if opening is None:
        return head + _shifted(tokens, offset), end_stack
    before, before_stack = _lex_regex_full(lexer, line[offset : offset + opening], stack)
    start = offset + opening
    comment = (start, Comment.Multiline, line[start:])
    return [*head, *_shifted(before, offset), comment], (_IN_COMMENT, *before_stack)


def _opens_comment(token: TokenType, value: str, pos: int, line: str) -> bool:
    """True if a token starts a ``/*`` comment that this line does not close."""
    if not value or not line.startswith("/*", pos) or token in String:
        return False
    if token not in Comment:
        return True  # the one-regex comment rule failed: the lexer saw "/" and "*"
    body = value.rstrip("\n")
    return len(body) < 4 or not body.endswith("*/")


def _shifted(
    tokens: list[tuple[int, TokenType, str]], offset: int
) -> list[tuple[int, TokenType, str]]:
    return [(pos + offset, token, value) for pos, token, value in tokens] if offset else tokens


_POST_PROCESSES: dict[type, bool] = {}


def _overrides_with_stack(cls: type[RegexLexer]) -> bool:
    """True if a RegexLexer subclass post-processes tokens and accepts a start stack."""
    known = _POST_PROCESSES.get(cls)
    if known is None:
        from pygments.lexer import RegexLexer

        method = cls.get_tokens_unprocessed
        code = method.__code__
        known = method is not RegexLexer.get_tokens_unprocessed and (
            "stack" in code.co_varnames[: code.co_argcount]
        )
        _POST_PROCESSES[cls] = known
    return known


def _lex_regex(
    lexer: RegexLexer, text: str, stack: Iterable[str]
) -> tuple[list[tuple[int, TokenType, str]], list[str]]:
    """``RegexLexer.get_tokens_unprocessed`` that also returns the final state stack."""
    tokens: list[tuple[int, TokenType, str]] = []
    pos = 0
    tokendefs = lexer._tokens
    statestack = [name for name in stack if name in tokendefs] or ["root"]
    statetokens = tokendefs[statestack[-1]]
    while True:
        for rexmatch, action, new_state in statetokens:
            m = rexmatch(text, pos)
            if m:
                if action is not None:
                    if type(action) is TokenType:
                        tokens.append((pos, action, m.group()))
                    else:
                        tokens.extend(action(lexer, m))
                pos = m.end()
                if new_state is not None:
                    _transition(statestack, new_state)
                    statetokens = tokendefs[statestack[-1]]
                break
        else:
            if pos >= len(text):
                break
            if text[pos] == "\n":
                statestack = ["root"]
                statetokens = tokendefs["root"]
                tokens.append((pos, Whitespace, "\n"))
            else:
                tokens.append((pos, Error, text[pos]))
            pos += 1
    return tokens, statestack


def _transition(statestack: list[str], new_state: Any) -> None:
    """Apply a pygments state transition (as RegexLexer does) to ``statestack`` in place."""
    if isinstance(new_state, tuple):
        for state in new_state:
            if state == "#pop":
                if len(statestack) > 1:
                    statestack.pop()
            elif state == "#push":
                statestack.append(statestack[-1])
            else:
                statestack.append(state)
    elif isinstance(new_state, int):
        if abs(new_state) >= len(statestack):
            del statestack[1:]
        else:
            del statestack[new_state:]
    elif new_state == "#push":
        statestack.append(statestack[-1])


_CONTEXT_FIXED = ("text", "pos", "end")


def _lex_extended(
    lexer: ExtendedRegexLexer, text: str, state: Hashable | None
) -> tuple[list[tuple[int, TokenType, str]], Hashable | None]:
    """Lex with an ExtendedRegexLexer, saving its whole context (stack, heredocs, indents)."""
    context = _new_context(lexer, text)
    if context is None:  # a custom context we cannot rebuild: stateless
        return list(lexer.get_tokens_unprocessed(text)), None
    if isinstance(state, tuple):
        for key, value in state:
            setattr(context, key, _thaw(value))
    tokens = list(lexer.get_tokens_unprocessed(context=context))
    saved = tuple(
        sorted((k, _freeze(v)) for k, v in vars(context).items() if k not in _CONTEXT_FIXED)
    )
    return tokens, saved


def _new_context(lexer: ExtendedRegexLexer, text: str) -> LexerContext | None:
    from pygments.lexer import ExtendedRegexLexer, LexerContext

    method = type(lexer).get_tokens_unprocessed
    if method is ExtendedRegexLexer.get_tokens_unprocessed:
        return LexerContext(text, 0)
    from pygments.lexers.data import YamlLexer, YamlLexerContext

    if isinstance(lexer, YamlLexer):
        return YamlLexerContext(text, 0)
    return None


def _freeze(value: object) -> Hashable:
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, dict):
        return ("__dict__", tuple(sorted((k, _freeze(v)) for k, v in value.items())))
    return value if isinstance(value, Hashable) else repr(value)


def _thaw(value: object) -> object:
    if isinstance(value, tuple):
        if len(value) == 2 and value[0] == "__dict__":
            return {k: _thaw(v) for k, v in value[1]}
        return [_thaw(item) for item in value]
    return value
