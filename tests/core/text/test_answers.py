from hypothesis import given
from hypothesis import strategies as st

from assistant.core.text.answers import (
    code_from_answer,
    code_to_insert,
    fenced_blocks,
    text_around_block,
)


def test_one_fenced_block_is_unwrapped() -> None:
    assert code_to_insert("```python\nreturn a + b\n```\n") == "return a + b"
    assert code_to_insert("~~~~\nx = 1\ny = 2\n~~~~") == "x = 1\ny = 2"


def test_plain_code_and_prose_with_fences_stay() -> None:
    assert code_to_insert("return a + b") == "return a + b"
    text = "Here:\n```py\nx\n```\nand more"
    assert code_to_insert(text) == text


@given(st.text().filter(lambda t: "`" not in t and "~" not in t))
def test_unfenced_text_is_untouched(text: str) -> None:
    assert code_to_insert(text) == text


def test_fenced_blocks_with_languages_and_an_unclosed_last_block() -> None:
    answer = "Fix:\n```python\nx = 1\n```\nUsage:\n~~~bash\nrun it\n~~~\nMore:\n````js\nlet a\n"
    blocks = fenced_blocks(answer)
    assert [(b.language, b.body, b.closed) for b in blocks] == [
        ("python", "x = 1\n", True),
        ("bash", "run it\n", True),
        ("js", "let a\n", False),
    ]


def test_code_from_answer_picks_the_block_of_the_language() -> None:
    answer = (
        "The bug:\n```python\ndef add(a, b):\n    return a + b\n```\n"
        "Run it with:\n```bash\npython -c 'from m import add; print(add(1, 2))' && echo done\n```\n"
    )
    assert code_from_answer(answer, "Python") == "def add(a, b):\n    return a + b\n"
    assert code_from_answer(answer, "py") == "def add(a, b):\n    return a + b\n"
    assert code_from_answer(answer, "shell").startswith("python -c")
    # no language: the longest block
    assert code_from_answer(answer).startswith("python -c")


def test_code_from_answer_without_fences_is_the_answer() -> None:
    assert code_from_answer("just text\n") == "just text\n"
    assert code_from_answer("```\nonly\n```") == "only\n"


def test_a_fence_inside_a_longer_fence_is_body() -> None:
    answer = "````md\n```py\nx\n```\n````\n"
    assert code_from_answer(answer) == "```py\nx\n```\n"


def test_the_notes_around_the_proposed_block() -> None:
    answer = "Fixed it:\n\n```python\nx = 2\n```\n\n- `x` was 1\n"
    assert text_around_block(answer, "python") == "Fixed it:\n\n- `x` was 1"
    assert text_around_block("no code") == ""
