"""The modes of issue 11: ids and field names the CLI relies on, and what their prompts ask."""

from __future__ import annotations

import pytest

from assistant.core.prompts.modes import Mode, builtin_modes, render_messages

MODES = builtin_modes()

# The issue's table: id -> (fields in form order, the stdin field, the required fields).
TABLE = {
    "code-fix": (("code", "error", "expected", "language"), "code", {"code"}),
    "code-optimize": (("code", "goal", "language"), "code", {"code"}),
    "code-generate": (("task", "language", "constraints"), "task", {"task"}),
    "code-tests": (("code", "framework", "language"), "code", {"code"}),
    "summarize": (("text", "length", "style", "answer_language"), "text", {"text"}),
    "translate": (("text", "source", "target"), "text", {"text"}),
    "rewrite": (("text", "tone", "length", "audience"), "text", {"text"}),
    "sentiment": (("texts", "scale"), "texts", {"texts"}),
    "classify": (("texts", "labels", "multi_label"), "texts", {"texts", "labels"}),
    "reply": (("message", "policy", "tone", "answer_language"), "message", {"message"}),
    "script": (("topic", "notes", "platform", "minutes"), "notes", {"topic"}),
}
# The issue's "Screenshots and files as input": code-fix also takes images (after its fields).
IMAGE_FIELDS = {"code-fix": ("images",)}


def user_text(mode: Mode, values: dict[str, object]) -> str:
    return render_messages(mode, values)[-1]["content"]


def system_text(mode: Mode, values: dict[str, object]) -> str:
    return render_messages(mode, values)[0]["content"]


@pytest.mark.parametrize("mode_id", sorted(TABLE))
def test_ids_fields_stdin_and_required_marks_match_the_issue(mode_id: str) -> None:
    mode = MODES[mode_id]
    names, main, required = TABLE[mode_id]
    assert mode.field_names == names + IMAGE_FIELDS.get(mode_id, ())
    assert mode.main_field == main
    assert {item.name for item in mode.fields if item.required} == required
    assert mode.description and mode.title and mode.system.strip()


def test_output_kinds() -> None:
    kinds = {mode_id: MODES[mode_id].output for mode_id in TABLE}
    assert kinds["code-generate"] == kinds["code-tests"] == "code"
    assert kinds["sentiment"] == kinds["classify"] == "table"
    assert {kinds[m] for m in ("code-fix", "code-optimize", "summarize", "translate")} == {
        "markdown"
    }
    assert MODES["sentiment"].columns == ("text", "label", "confidence", "reason")
    assert MODES["classify"].columns == ("text", "label", "reason")
    assert MODES["sentiment"].output_language({}) == "json"


def test_answers_that_replace_the_input() -> None:
    replaces = {mode.id: mode.answer_replaces for mode in MODES.values() if mode.answer_replaces}
    assert replaces == {"code-fix": "code", "code-optimize": "code", "rewrite": "text"}


def test_code_fix_sends_the_traceback_and_asks_for_one_whole_block() -> None:
    mode = MODES["code-fix"]
    values = {"code": "def f(x):\n    return x[0]\n", "error": "IndexError: list index"}
    text = user_text(mode, {**values, "expected": "returns None for []"})
    assert "IndexError: list index" in text and "returns None for []" in text
    assert "```python\ndef f(x):" in text  # language detected from the code
    assert "exactly one fenced code block" in system_text(mode, values)


@pytest.mark.parametrize("goal", ["speed", "readability", "memory", "idiomatic"])
def test_code_optimize_states_its_goal(goal: str) -> None:
    text = user_text(MODES["code-optimize"], {"code": "x = 1\n", "goal": goal})
    assert f"Goal: {goal}." in text


def test_code_generate_and_tests_answer_code_in_the_chosen_language() -> None:
    generate = MODES["code-generate"]
    values = generate.coerce({"task": "parse a CSV", "language": "Rust"})
    assert generate.output_language(values) == "rust"
    assert "Write Rust code" in user_text(generate, values)
    tests = MODES["code-tests"]
    assert "using Jest" in user_text(tests, {"code": "x", "framework": "Jest"})
    assert "usual test framework" in user_text(tests, {"code": "x"})
    assert tests.output_language(tests.coerce({"code": "def f():\n    return 1\n"})) == "python"


@pytest.mark.parametrize(("mode_id", "main"), [("summarize", "text"), ("reply", "message")])
def test_prose_answers_in_the_persons_language_unless_one_is_chosen(
    mode_id: str, main: str
) -> None:
    mode = MODES[mode_id]
    assert "same language as the" in user_text(mode, {main: "你好"})
    chosen = user_text(mode, {main: "你好", "answer_language": "English"})
    assert "in English." in chosen and "same language" not in chosen


@pytest.mark.parametrize("mode_id", ["article", "ad-copy", "rewrite", "script"])
def test_other_prose_modes_write_in_the_language_of_the_input(mode_id: str) -> None:
    assert "same language as the" in MODES[mode_id].system


def test_translate_keeps_markdown_and_code_and_answers_the_translation_only() -> None:
    mode = MODES["translate"]
    system = system_text(mode, {"text": "x"})
    assert "translation only" in system
    assert "Markdown structure" in system and "Never translate code" in system
    assert "into 日本語" in user_text(mode, {"text": "hi", "target": "日本語"})
    assert "from Deutsch into" in user_text(mode, {"text": "Hallo", "source": "Deutsch"})
    auto = user_text(mode, {"text": "hi"})
    assert "into English" in auto and "简体中文" in auto
    target = mode.field("target")
    assert target is not None and {"简体中文", "English", "繁體中文"} <= set(target.choices)


def test_rewrite_length_and_tone() -> None:
    mode = MODES["rewrite"]
    shorter = user_text(mode, {"text": "t", "length": "shorter", "tone": "formal"})
    assert "Length: shorter" in shorter and "Tone: formal." in shorter
    assert "keep the tone" in user_text(mode, {"text": "t"})


@pytest.mark.parametrize(
    ("scale", "label"),
    [
        ("positive/neutral/negative", '"neutral"'),
        ("positive/negative", '"positive" or "negative"'),
        ("1-5 stars", '"5"'),
        ("emotions", '"joy"'),
    ],
)
def test_sentiment_asks_for_json_lines_with_the_scales_labels(scale: str, label: str) -> None:
    mode = MODES["sentiment"]
    values = {"texts": "great\nawful", "scale": scale}
    assert label in user_text(mode, values)
    system = system_text(mode, values)
    assert "JSON Lines" in system and '"confidence"' in system and '"reason"' in system


def test_classify_passes_the_labels_and_the_multi_label_choice() -> None:
    mode = MODES["classify"]
    assert mode.validate(mode.coerce({"texts": "a"})) == ["Labels is required."]
    single = user_text(mode, {"texts": "a", "labels": "bug, billing"})
    assert "Labels: bug, billing" in single and "exactly one label" in single
    multi = user_text(mode, mode.coerce({"texts": "a", "labels": "x", "multi_label": "yes"}))
    assert "several labels" in multi


@pytest.mark.parametrize("platform", ["short video", "YouTube", "podcast"])
def test_script_is_timed_for_its_platform(platform: str) -> None:
    mode = MODES["script"]
    text = user_text(mode, {"topic": "Tea", "platform": platform, "minutes": 1})
    assert f"Platform: {platform}" in text and "about 1 minute\n" in text
