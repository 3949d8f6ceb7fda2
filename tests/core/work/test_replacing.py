"""Answers that replace the input: the proposal taken from the answer, and when to refuse."""

from __future__ import annotations

from assistant.core.prompts.modes import builtin_modes
from assistant.core.work.replacing import deletes_too_much, proposal, refusal

MODES = builtin_modes()


def test_the_modes_whose_answer_replaces_the_input() -> None:
    replacing = {mode.id: mode.answer_replaces for mode in MODES.values() if mode.answer_replaces}
    assert replacing == {"code-fix": "code", "code-optimize": "code", "rewrite": "text"}


def test_a_code_proposal_is_the_block_of_the_language_with_the_input_line_endings() -> None:
    original = "x = 1\r\ny = 2\r\n"
    answer = "Fixed:\n```js\nlet a\n```\n```python\nx = 1\ny = 3\n```\n"
    found = proposal(MODES["code-fix"], {"code": original, "language": "python"}, answer)
    assert found is not None and found.by_lines and found.field == "code"
    assert found.proposed == "x = 1\r\ny = 3\r\n"
    detected = proposal(MODES["code-optimize"], {"code": "def f():\n    pass\n"}, answer)
    assert detected is not None and detected.proposed == "x = 1\ny = 3\n"  # python, detected


def test_a_prose_proposal_is_the_answer_itself() -> None:
    answer = "\nA better text with ```code``` kept.\n\n"
    found = proposal(MODES["rewrite"], {"text": "A text."}, answer)
    assert found is not None and not found.by_lines
    assert found.proposed == "A better text with ```code``` kept."
    assert proposal(MODES["code-explain"], {"code": "x"}, answer) is None


def test_refusals_name_the_reason() -> None:
    assert refusal("complete", ("stop",)) is None
    assert "cut short" in (refusal("cut_short", (None,)) or "")
    assert "cut short" in (refusal("failed", (None,)) or "")
    assert "cut short" in (refusal("interrupted") or "")
    assert "stopped" in (refusal("stopped", (None,)) or "")
    assert "Max tokens" in (refusal("complete", ("length",)) or "")
    assert "content_filter" in (refusal("complete", ("content_filter",)) or "")
    assert "Max tokens reached" in (refusal("complete", (), "Max tokens reached.") or "")
    assert "still being written" in (refusal("streaming") or "")


def test_deleting_more_than_half_of_the_lines() -> None:
    ten = "".join(f"line {i}\n" for i in range(10))
    assert not deletes_too_much(ten, ten.replace("line 3", "LINE 3"))
    assert not deletes_too_much(ten, "".join(f"line {i}\n" for i in range(5)))
    assert deletes_too_much(ten, "".join(f"line {i}\n" for i in range(4)))


def test_the_byte_order_mark_and_blank_edges() -> None:
    found = proposal(MODES["code-fix"], {"code": "\ufeffx = 1\n"}, "```python\nx = 2\n```")
    assert found is not None and found.proposed == "\ufeffx = 2\n"
    prose = proposal(MODES["rewrite"], {"text": "Old.\n"}, "\n\n  \nNew text.  \n\n")
    assert prose is not None and prose.proposed == "New text.\n"


def test_a_code_answer_without_a_fenced_block_is_taken_whole_with_a_warning() -> None:
    found = proposal(MODES["code-fix"], {"code": "x = 1\n"}, "x = 2\n")
    assert found is not None and found.proposed == "x = 2\n"
    assert "no fenced code block" in found.warning
    fenced = proposal(MODES["code-fix"], {"code": "x = 1\n"}, "```\nx = 2\n```")
    assert fenced is not None and fenced.warning == ""
