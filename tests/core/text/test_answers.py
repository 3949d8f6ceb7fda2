from hypothesis import given
from hypothesis import strategies as st

from assistant.core.text.answers import code_to_insert


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
