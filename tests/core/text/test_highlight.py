"""Line-by-line lexing that resumes pygments' state, markdown fences, UTF-16 positions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.token import Comment, Generic, Keyword, Name, String, Token
from pygments.token import _TokenType as TokenType

from assistant.core.text.highlight import (
    CODE_BLOCK,
    INITIAL_STATE,
    LineLexer,
    Span,
    iter_states,
    resolve_language,
)


def highlight(language: str, text: str) -> list[tuple[list[Span], int]]:
    return list(iter_states(LineLexer(language), text.splitlines()))


def token_at(spans: list[Span], position: int) -> TokenType | None:
    """The token covering UTF-16 ``position`` (the last one wins, as in Qt)."""
    found: TokenType | None = None
    for span in spans:
        if span.start <= position < span.start + span.length:
            found = span.token
    return found


def test_docstring_colours_every_line_and_ends() -> None:
    lines = highlight("python", 'def f():\n    """Doc\n    def inside\n    """\n    return 1\n')
    assert token_at(lines[0][0], 0) is Keyword
    assert lines[1][1] != INITIAL_STATE  # still inside the string
    assert token_at(lines[2][0], 4) in String  # "def" inside the docstring is string, not keyword
    assert lines[3][1] == INITIAL_STATE
    assert token_at(lines[4][0], 4) is Keyword


def test_resumes_from_a_stored_state_id() -> None:
    lexer = LineLexer("python")
    _, inside = lexer.highlight_line("x = '''start", INITIAL_STATE)
    spans, after = lexer.highlight_line("import os'''", inside)
    assert token_at(spans, 0) in String
    assert after == INITIAL_STATE
    spans, _ = lexer.highlight_line("import os", after)
    assert token_at(spans, 0) in Keyword


def test_qt_no_state_minus_one_means_initial() -> None:
    lexer = LineLexer("python")
    assert lexer.highlight_line("import os", -1) == lexer.highlight_line("import os", 0)


def test_same_stack_interns_to_same_id() -> None:
    lexer = LineLexer("python")
    _, first = lexer.highlight_line('"""a', INITIAL_STATE)
    _, second = lexer.highlight_line('"""b', INITIAL_STATE)
    assert first == second > 0


def test_positions_are_utf16_code_units() -> None:
    ((spans, _),) = highlight("python", 's = "😀😀" + x  # 😀 note')
    by_token = {str(span.token): span for span in spans}
    string = by_token["Token.Literal.String.Double"]
    assert (string.start, string.length) == (4, 6)  # quote, 2 x 2 units, quote
    assert by_token["Token.Name"].start == 13
    comment = by_token["Token.Comment.Single"]
    assert (comment.start, comment.length) == (16, 9)  # '# ', 2 units, ' note'


def test_unknown_language_is_plain_and_known_aliases_resolve() -> None:
    assert resolve_language("no-such-language") == "text"
    assert resolve_language("MD") == "markdown"
    assert resolve_language("py") == "py"
    assert highlight("no-such-language", "def x") == [([], INITIAL_STATE)]


def test_ruby_extended_lexer_and_c_post_processing_work() -> None:
    ((spans, _),) = highlight("ruby", "puts 'x'")
    assert token_at(spans, 5) in String
    ((spans, _),) = highlight("c", "size_t n; /* c */")
    assert token_at(spans, 0) in Keyword.Type  # CLexer's own pass marks std types
    assert token_at(spans, 11) in Comment


def test_block_comments_span_lines_in_one_regex_lexers() -> None:
    for language in ("c", "java", "javascript", "css"):
        lines = highlight(language, "a; /* open\nint x = 1;\n*/ b;\n/* one */ c;")
        spans = [line[0] for line in lines]
        assert token_at(spans[0], 3) in Comment, language
        assert spans[1] == [Span(0, 10, Comment.Multiline)], language
        assert token_at(spans[2], 0) in Comment, language
        assert token_at(spans[2], 3) not in Comment, language
        assert token_at(spans[3], 10) not in Comment, language


def test_comment_markers_inside_strings_do_not_open_comments() -> None:
    lines = highlight("c", 'char *s = "/*"; // /*\nint x;')
    assert lines[0][1] == lines[1][1]
    assert token_at(lines[1][0], 0) in Keyword


MARKDOWN_ANSWER = """# Title
Use *this* and **that**, `code()` and [a link](https://example.org).
- item
```python
s = '''two
def lines'''
```
def after_fence
~~~~ js
var x = 1;
```
~~~
~~~~
````
text
```
still code
````
done
"""


def test_markdown_fences_use_the_language_and_stop_at_the_closing_fence() -> None:
    lines = highlight("markdown", MARKDOWN_ANSWER)
    spans = [line[0] for line in lines]
    assert token_at(spans[0], 2) is Generic.Heading
    assert token_at(spans[1], 5) is Generic.Emph
    assert token_at(spans[1], 16) is Generic.Strong
    assert token_at(spans[1], 27) is String.Backtick
    assert token_at(spans[1], 40) is Name.Tag
    assert token_at(spans[2], 0) is Keyword
    assert spans[4][0] == Span(0, 10, CODE_BLOCK)
    assert token_at(spans[5], 0) in String  # python string resumed across fenced lines
    assert token_at(spans[6], 0) is Comment  # closing fence
    assert lines[6][1] == INITIAL_STATE
    assert CODE_BLOCK not in {span.token for span in spans[7]}
    assert token_at(spans[9], 0) is Token.Keyword.Declaration
    # a ``` line does not close a ~~~~ fence, nor does a shorter ~~~; ~~~~ does
    assert lines[10][1] != INITIAL_STATE
    assert lines[11][1] != INITIAL_STATE
    assert lines[12][1] == INITIAL_STATE
    # ```` fence: ``` inside is content, ```` closes
    assert spans[15][0].token is CODE_BLOCK
    assert lines[16][1] != INITIAL_STATE
    assert lines[17][1] == INITIAL_STATE
    assert CODE_BLOCK not in {span.token for span in spans[18]}


def test_markdown_unknown_fence_language_is_plain_code() -> None:
    lines = highlight("markdown", "```klingon\nqapla' batlh\n```\n")
    assert [span.token for span in lines[1][0]] == [CODE_BLOCK]
    assert lines[2][1] == INITIAL_STATE


def test_markdown_inline_backticks_are_not_a_fence() -> None:
    lines = highlight("markdown", "```not a fence` here\nplain")
    assert lines[0][1] == INITIAL_STATE


ANY_CHAR = st.characters(codec=None, exclude_categories=())  # includes lone surrogates
TRICKY = st.sampled_from("`~'\"#*_[]()<>\\/{}\n\t\u202e\u05d0\x00😀\ud800\udfff")
LINES = st.lists(st.text(alphabet=st.one_of(ANY_CHAR, TRICKY)), max_size=8)
LANGUAGES = ["python", "markdown", "c", "javascript", "ruby", "yaml", "json", "html", "php", "text"]


@settings(max_examples=150, deadline=None)
@given(lines=LINES, language=st.sampled_from(LANGUAGES))
def test_never_raises_and_spans_stay_inside_the_line(lines: list[str], language: str) -> None:
    lexer = LineLexer(language)
    state = INITIAL_STATE
    for line in lines:
        spans, state = lexer.highlight_line(line, state)
        assert isinstance(state, int) and state >= 0
        units = len(line.encode("utf-16-le", "surrogatepass")) // 2
        for span in spans:
            assert span.start >= 0 and span.length > 0 and span.start + span.length <= units
            assert span.token in Token
