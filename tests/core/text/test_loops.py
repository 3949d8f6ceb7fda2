"""The loop detector: fires on real loops of the built-in model, never on repetitive good output.

``loop_samples.json`` holds real answers of SmolLM2-135M-Instruct Q4_1 (the shipped model) through
the built-in engine: the shipped modes' prompts at their own temperatures, seed 1, max_tokens 700,
plain sampling and DRY (0.8/1.75/2). ``loops`` says whether a person reading it sees one span
repeated to the end (5 of 18); the others include answers that drift into nonsense without
repeating, which the guard must leave alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.text.loops import DATA_RUN_FACTOR, MIN_RUN_CHARS, RepetitionGuard, find_loop

SAMPLES = json.loads(Path(__file__).with_name("loop_samples.json").read_text(encoding="utf-8"))

# --- legitimately repetitive output: never a loop ---------------------------------------------

MARKDOWN_TABLE = "| Model | Size | Context | Licence |\n|---|---|---|---|\n" + "".join(
    f"| model-{i} | {i * 0.5:.1f} B | 32768 | apache-2.0 |\n" for i in range(1, 60)
)
EMPTY_TABLE = "| Day | Task | Done |\n|-----|------|------|\n" + "|     |      |      |\n" * 80
HTML_TABLE = "<table>\n" + "  <tr><td></td><td></td><td></td></tr>\n" * 60 + "</table>\n"
CHECKLIST = "## Packing list\n\n" + "- [ ] \n" * 50
SIMILAR_LINES = "\n".join(f"- Buy {n} apples at the market on day {n}" for n in range(1, 80))
TEST_CASES = "def test_fib():\n" + "".join(
    f"    assert fib({n}) == {[0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55][n % 11]}\n" for n in range(60)
)
PARAMETRIZE = (
    "@pytest.mark.parametrize('value', [\n"
    + "".join(f"    ('case {n}', {n}, True),\n" for n in range(60))
    + "])\n"
)
CSS = "".join(
    f".col-{n} {{\n  margin: 0;\n  padding: 0;\n  width: {n * 8}%;\n  box-sizing: border-box;\n}}\n"
    for n in range(1, 40)
)
CHORUS = (
    "We light the lanterns, we sing along,\nThe harbour calls us all night long,\n"
    "Hold on, hold on, the sea is wide,\nWe sail together side by side.\n"
)
SONG = (
    "Verse one: the boats came in at dawn, the nets were full and the gulls were loud.\n\n"
    + CHORUS * 2
    + "\nVerse two: the storm came in at noon, the sails were torn and the sky was grey.\n\n"
    + CHORUS
)
SEPARATORS = "=" * 80 + "\n" + "-" * 80 + "\n" + ("#" * 40 + "\n") * 30
ZEROS = "grid = [\n" + "    [0, 0, 0, 0, 0, 0, 0, 0],\n" * 8 + "]\n"
ZERO_BOARD = "board = [\n" + "    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],\n" * 16 + "]\n"
C_BITMAP = "uint8_t image[8][32] = {\n" + ("    {" + ",".join(["0"] * 32) + "},\n") * 8 + "};\n"
BYTE_TABLE = (
    "static const uint8_t blank[128] = {\n"
    + "    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,\n" * 16
    + "};\n"
)
MASK = "mask = [\n" + "    [False, False, False, False, False, False, False, False],\n" * 12 + "]\n"
ELIF_CHAIN = "def name(n):\n" + "".join(
    f"    elif n == {n}:\n        return 'item {n}'\n" for n in range(1, 70)
)
CHINESE = (
    "春天来了，花开了。" * 2
    + "我们在公园里散步，看到很多人在放风筝。孩子们笑着跑来跑去，老人们坐在长椅上聊天。"
    + "".join(f"第{n}天，我们去了不同的地方。" for n in range(1, 40))
)
LEGIT = {
    "markdown table": MARKDOWN_TABLE,
    "empty markdown table": EMPTY_TABLE,
    "empty html table": HTML_TABLE,
    "checklist": CHECKLIST,
    "similar lines": SIMILAR_LINES,
    "test cases": TEST_CASES,
    "parametrize": PARAMETRIZE,
    "css": CSS,
    "song with a chorus twice": SONG,
    "separators": SEPARATORS,
    "small zero grid": ZEROS,
    "16 x 16 zero board": ZERO_BOARD,
    "c bitmap of zeros": C_BITMAP,
    "byte table": BYTE_TABLE,
    "boolean mask": MASK,
    "elif chain": ELIF_CHAIN,
    "chinese": CHINESE,
}


@pytest.mark.parametrize("name", sorted(LEGIT))
def test_legitimately_repetitive_output_is_not_a_loop(name: str) -> None:
    text = LEGIT[name]
    assert find_loop(text) is None
    guard = RepetitionGuard(check_every=1)  # every prefix a stream could show
    assert [step for step in _chunks(text, 7) if guard.feed(step)] == []


@pytest.mark.parametrize("sample", [s for s in SAMPLES if not s["loops"]], ids=lambda s: s["id"])
def test_real_answers_that_end_by_themselves_are_not_loops(sample: dict[str, str]) -> None:
    guard = RepetitionGuard(check_every=1)
    assert [step for step in _chunks(sample["text"], 5) if guard.feed(step)] == []


# --- real loops -------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", [s for s in SAMPLES if s["loops"]], ids=lambda s: s["id"])
def test_real_loops_of_the_built_in_model_are_found(sample: dict[str, str]) -> None:
    text = sample["text"]
    loop = find_loop(text)
    assert loop is not None
    assert loop.repeats >= 3
    words, span = text[loop.start :].split(), loop.span.split()
    assert words[: 3 * len(span)] == span * 3  # from where it starts, the span again and again
    guard = RepetitionGuard()
    stopped_at = None
    for count, step in enumerate(_chunks(text, 4)):
        if guard.feed(step) is not None:
            stopped_at = (count + 1) * 4
            break
    assert stopped_at is not None
    assert stopped_at < len(text)  # caught before the model stopped by itself (Max tokens)


def test_a_sentence_loop_is_found_after_a_few_copies() -> None:
    intro = "The function computes Fibonacci numbers recursively. It calls itself twice.\n\n"
    sentence = (
        "The Fibonacci sequence is used to calculate Fibonacci numbers, which is a multi-step "
        "process that involves recursion. "
    )
    assert find_loop(intro + sentence * 2) is None
    loop = find_loop(intro + sentence * 4)
    assert loop is not None
    assert loop.span.strip() == sentence.strip()
    assert loop.start == len(intro)


def test_line_loop_spacing_does_not_matter() -> None:
    line = "- Add the flour to the bowl and stir"
    text = "Steps:\n" + "".join(line + ("\n" if n % 2 else "  \n\n") for n in range(20))
    loop = find_loop(text)
    assert loop is not None
    assert loop.span == line


def test_short_phrase_needs_a_long_run() -> None:
    assert find_loop("It is very " + "very " * 20) is None
    loop = find_loop("It is very " + "very " * (MIN_RUN_CHARS // 5 + 2))
    assert loop is not None
    assert loop.span == "very"


def test_a_runaway_run_of_numbers_is_still_a_loop() -> None:
    data = "values = [" + "0, " * (DATA_RUN_FACTOR * MIN_RUN_CHARS // 3 + 2)
    loop = find_loop(data)
    assert loop is not None and loop.span == "0,"
    assert find_loop("values = [" + "0, " * (MIN_RUN_CHARS // 3 + 2)) is None  # code, so far


def test_chinese_loop_without_spaces() -> None:
    text = "这段代码计算斐波那契数列。" + "斐波那契数列是一个递归的过程，它调用自己两次。" * 20
    loop = find_loop(text)
    assert loop is not None
    assert "斐波那契数列是一个递归的过程" in loop.span


def test_a_word_cut_mid_stream_does_not_hide_the_loop() -> None:
    sentence = "The answer is computed by calling the function again with a smaller number. "
    assert find_loop(sentence * 8 + "The ans") is not None


def test_guard_keeps_variants_apart() -> None:
    guard = RepetitionGuard(check_every=1)
    sentence = "Each call adds the two previous numbers of the sequence together. "
    found = [guard.feed(sentence, index=n % 2) for n in range(7)]
    assert found == [None] * 7  # each variant has it only 3-4 times, 280 chars: too short
    assert (guard.fed(0), guard.fed(1)) == (len(sentence) * 4, len(sentence) * 3)


def test_guard_reports_where_the_loop_starts_in_a_long_stream() -> None:
    intro = "".join(f"Point {n}: a distinct remark about the code.\n" for n in range(300))
    sentence = "The function calls itself again with a smaller number each time. "
    text = intro + sentence * 12
    guard = RepetitionGuard()
    found = [loop for step in _chunks(text, 5) if (loop := guard.feed(step)) is not None]
    assert found and found[0].start == len(intro)  # counted over all of it, not the tail


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(
        st.text(alphabet="abcdefghij klmnop0123456789,.", min_size=8, max_size=60),
        min_size=1,
        max_size=40,
        unique=True,
    )
)
def test_distinct_lines_are_never_a_loop(lines: list[str]) -> None:
    """Lines that all differ (whatever their content) are not a loop, even if long."""
    text = "\n".join(f"{n}. {line}" for n, line in enumerate(lines))
    assert find_loop(text) is None


@settings(max_examples=60, deadline=None)
@given(
    prefix=st.text(min_size=0, max_size=200),
    span=st.text(alphabet="abcdefghijklmnop ,.", min_size=12, max_size=120).filter(
        lambda s: len(s.split()) >= 2 and sum(c.isalpha() for c in s) >= 2
    ),
)
def test_any_span_repeated_long_enough_is_a_loop(prefix: str, span: str) -> None:
    line = span.strip()
    copies = max(3, MIN_RUN_CHARS // len(line) + 2)
    text = prefix + "\n" + (line + "\n") * copies
    assert find_loop(text) is not None


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]
