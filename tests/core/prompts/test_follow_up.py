"""Follow-up requests, quick actions and refining a selection (Qt-free, no network)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.core.base import i18n
from assistant.core.prompts.modes import builtin_modes
from assistant.core.prompts.quick_actions import QUICK_ACTIONS, quick_action, quick_actions
from assistant.core.prompts.request import RequestError, build_follow_up
from assistant.core.prompts.selection import clean_reply, selection_message, splice
from assistant.core.prompts.threads import Selection, Thread, Turn, Version
from assistant.core.providers.profiles import ProviderProfile

MODES = builtin_modes()
PROFILE = ProviderProfile("Loopback", "compatible", "http://127.0.0.1:9/v1", "fake-model")
SYSTEM = {"role": "system", "content": "You write {{ raw }} \\n text."}
FIRST = {"role": "user", "content": "Write about tides {x}"}


def version(number: int, turn: int, text: str, reply: str | None = None) -> Version:
    return Version(number, turn, text, text if reply is None else reply, "complete")


def thread(*follow_ups: tuple[str, int, str], current: int | None = None) -> Thread:
    """A thread whose first answer is "v1"; each follow-up is (instruction, base, answer)."""
    turns = [Turn(0, "request", "", FIRST["content"])]
    versions = [version(1, 0, "v1")]
    for number, (instruction, base, answer) in enumerate(follow_ups, start=1):
        turns.append(Turn(number, "instruction", instruction, instruction, base))
        versions.append(version(number + 1, number, answer))
    return Thread(7, "article", [SYSTEM, FIRST], turns, versions, current or len(versions))


def test_a_follow_up_carries_the_thread_in_order() -> None:
    chat = thread(("shorter", 1, "v2"), ("more formal", 2, "v3"))
    request = build_follow_up(MODES["article"], chat, "add a {call} to action", PROFILE)
    assert request.messages == [
        SYSTEM,
        FIRST,
        {"role": "assistant", "content": "v1"},
        {"role": "user", "content": "shorter"},
        {"role": "assistant", "content": "v2"},
        {"role": "user", "content": "more formal"},
        {"role": "assistant", "content": "v3"},
        {"role": "user", "content": "add a {call} to action"},
    ]
    assert request.follow_up is not None
    assert request.follow_up.base_version == 3 and request.follow_up.record_id == 7
    assert request.params.n == 1 and request.mode_id == "article"


def test_a_follow_up_on_a_restored_version_leaves_the_other_branch_out() -> None:
    chat = thread(("shorter", 1, "v2"), ("longer", 1, "v3"), current=2)
    request = build_follow_up(MODES["article"], chat, "again", PROFILE)
    contents = [m["content"] for m in request.messages]
    assert contents == [SYSTEM["content"], FIRST["content"], "v1", "shorter", "v2", "again"]
    older = build_follow_up(MODES["article"], chat, "again", PROFILE, base_version=3)
    assert [m["content"] for m in older.messages][2:] == ["v1", "longer", "v3", "again"]


def test_bad_follow_ups_are_request_errors() -> None:
    chat = thread()
    with pytest.raises(RequestError):
        build_follow_up(MODES["article"], chat, "  ", PROFILE)
    with pytest.raises(RequestError):
        build_follow_up(MODES["article"], chat, "x", PROFILE, base_version=9)
    with pytest.raises(RequestError):
        build_follow_up(MODES["article"], chat, "x", PROFILE, selection=Selection(1, 5))
    with pytest.raises(RequestError):
        build_follow_up(MODES["article"], chat, "x", PROFILE, kind="selection")


def test_a_selection_sends_only_the_span_verbatim() -> None:
    text = "Intro.\n\nThe ```middle``` {part}.\n\nOutro."
    chat = Thread(1, "article", [FIRST], [Turn(0, "request", "", "q")], [version(1, 0, text)])
    start = text.index("The")
    span = Selection(start, text.index("\n\nOutro"))
    request = build_follow_up(MODES["article"], chat, "make it punchy", PROFILE, selection=span)
    sent = request.messages[-1]["content"]
    assert "The ```middle``` {part}." in sent and "make it punchy" in sent
    assert "Intro." not in sent and "Outro." not in sent
    assert request.follow_up is not None and request.follow_up.kind == "selection"
    assert request.follow_up.base_text == text


def test_after_a_selection_version_the_model_gets_the_whole_text() -> None:
    turns = [
        Turn(0, "request", "", "q"),
        Turn(1, "selection", "punchy", "sent", 1, Selection(0, 2)),
    ]
    versions = [version(1, 0, "ab cd"), version(2, 1, "XY cd", reply="XY")]
    chat = Thread(1, "article", [FIRST], turns, versions, 2)
    request = build_follow_up(MODES["article"], chat, "shorter", PROFILE)
    assert request.messages[-2] == {"role": "assistant", "content": "XY"}  # what it wrote
    last = request.messages[-1]["content"]
    assert "XY cd" in last and last.endswith("shorter")


@given(
    st.text(),
    st.text(),
    st.text(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
)
def test_splice_keeps_the_rest_byte_for_byte(
    before: str, part: str, after: str, reply: str
) -> None:
    text = before + part + after
    selection = Selection(len(before), len(before) + len(part))
    result = splice(text, selection, reply)
    assert result.startswith(before) and result.endswith(after)
    assert result[len(before) : len(result) - len(after)] == clean_reply(reply, part)


def test_clean_reply_drops_a_fence_the_part_did_not_have_and_keeps_its_spacing() -> None:
    part = "\n    return a + b\n"
    reply = "```python\nreturn a - b\n```"
    assert clean_reply(reply, part) == "\n    return a - b\n"  # the part's indent and newlines
    assert clean_reply("```\nx\n```", "```\ny\n```") == "```\nx\n```"
    assert clean_reply("  New words. ", " Old words.\n") == " New words.\n"


def test_selection_message_is_not_a_template_for_the_persons_text() -> None:
    message = selection_message("use {part} and {instruction}", "a {instruction} b")
    assert "use {part} and {instruction}" in message
    assert "a {instruction} b" in message


def test_quick_actions_per_output_kind() -> None:
    prose = [a.id for a in quick_actions("markdown")]
    code = [a.id for a in quick_actions("code")]
    assert prose == [
        "shorter",
        "longer",
        "simpler",
        "formal",
        "casual",
        "fix-grammar",
        "translate",
    ]
    assert code == ["add-comments", "type-hints", "handle-errors", "write-tests", "explain"]
    assert quick_action("explain") is not None and quick_action("explain").kind == "question"  # type: ignore[union-attr]
    translate = quick_action("translate")
    assert translate is not None
    assert "German" in translate.instruction_for(language="German")
    with pytest.raises(ValueError):
        translate.instruction_for()


def test_labels_are_translated_but_instructions_stay_english() -> None:
    i18n.install(lambda context, text: f"<{context}:{text}>")
    try:
        shorter = QUICK_ACTIONS[0]
        assert shorter.label == "<QuickActions:Shorter>"
        assert shorter.instruction_for().startswith("Make it shorter")
    finally:
        i18n.install(None)
    assert all(action.label == action.source_label for action in QUICK_ACTIONS)
