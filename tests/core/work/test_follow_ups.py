"""Continue / Regenerate of a follow-up version and the context meter (loopback server, real
SQLite, the real engine's tokenizer in e2e)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assistant.core.engine.local_engine import LocalEngine
from assistant.core.prompts.modes import builtin_modes
from assistant.core.prompts.request import GenerationRequest, build_follow_up
from assistant.core.prompts.threads import Thread, Turn, Version
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.providers.tokens import MESSAGE_OVERHEAD, REPLY_PRIMING, estimate_tokens
from assistant.core.storage.history import HistoryStore
from assistant.core.storage.threads import ThreadStore
from assistant.core.work.follow_ups import (
    SUMMARY_INSTRUCTION,
    continue_version,
    drop_oldest,
    overflow,
    regenerate_version,
    summary_request,
    thread_usage,
    with_summary,
)
from assistant.core.work.generation import GenerationRun
from tests.fakeserver import FakeOpenAIServer, Fault
from tests.fixtures.loopback_run import LoopbackResolver

CHAT = builtin_modes()["chat"]
SYSTEM = {"role": "system", "content": "Be brief."}


def chat_thread(replies: list[str], window: int | None = None) -> Thread:
    """A chat whose turn k asked "question k" and got replies[k]."""
    turns = [Turn(0, "request", "", "question 0")]
    versions = [Version(1, 0, replies[0], replies[0], "complete")]
    for k, reply in enumerate(replies[1:], start=1):
        turns.append(Turn(k, "instruction", f"question {k}", f"question {k}", k))
        versions.append(Version(k + 1, k, reply, reply, "complete"))
    messages = [SYSTEM, {"role": "user", "content": "question 0"}]
    return Thread(3, "chat", messages, turns, versions, len(versions))


def profile(window: int | None) -> ProviderProfile:
    return ProviderProfile("Loopback", "compatible", "http://unused", "fake", context_window=window)


def next_turn(thread: Thread, window: int | None, max_tokens: int = 100) -> GenerationRequest:
    return build_follow_up(
        CHAT, thread, "question next", profile(window), overrides={"max_tokens": max_tokens}
    )


def test_the_meter_counts_the_whole_thread_against_the_window() -> None:
    thread = chat_thread(["a " * 200, "b " * 200])
    usage = thread_usage(thread.messages_for(), profile(4096), "fake")
    assert usage.used == estimate_tokens(thread.messages_for(), "fake")
    assert usage.window == 4096 and not usage.exact
    assert usage.fraction is not None and 0 < usage.fraction < 1
    assert thread_usage(thread.messages_for(), profile(None), "fake").fraction is None


def test_overflow_is_detected_before_sending_with_how_many_turns_to_drop() -> None:
    thread = chat_thread(["a " * 400, "b " * 400, "c " * 40])
    request = next_turn(thread, 4096)
    assert overflow(request) is None
    needed = estimate_tokens(request.messages, "fake") + 100
    tight = next_turn(thread, needed - 50)
    over = overflow(tight)
    assert over is not None and over.excess == 50 and over.drop >= 1
    assert "Drop or summarise the oldest turns" in over.message()
    shorter = drop_oldest(tight.messages, over.drop)
    assert estimate_tokens(shorter, "fake") + 100 <= over.window
    assert shorter[0] == SYSTEM and shorter[-1] == tight.messages[-1]
    fewer = drop_oldest(tight.messages, over.drop - 1)  # the fewest turns to drop
    assert estimate_tokens(fewer, "fake") + 100 > over.window
    much_too_small = overflow(next_turn(thread, 100))  # not even the new turn fits
    assert much_too_small is not None and much_too_small.drop == 0
    assert overflow(next_turn(thread, None)) is None  # unknown window: nothing to say


def test_dropping_keeps_the_system_prompt_and_the_new_turn() -> None:
    messages = next_turn(chat_thread(["r0", "r1", "r2"]), None).messages
    assert [m["content"] for m in drop_oldest(messages, 1)] == [
        "Be brief.",
        "question 1",
        "r1",
        "question 2",
        "r2",
        "question next",
    ]
    assert [m["content"] for m in drop_oldest(messages, 9)] == ["Be brief.", "question next"]


def test_summarising_replaces_the_oldest_turns_with_the_summary() -> None:
    request = next_turn(chat_thread(["r0", "r1", "r2"]), None)
    ask, oldest = summary_request(request, 2)
    assert [m["content"] for m in oldest] == ["question 0", "r0", "question 1", "r1"]
    assert ask.messages == [SYSTEM, *oldest, {"role": "user", "content": SUMMARY_INSTRUCTION}]
    shorter = with_summary(request, 2, "They asked twice {x}.")
    assert [m["role"] for m in shorter.messages] == ["system", "user", "assistant", "user"]
    assert shorter.messages[1]["content"].endswith("They asked twice {x}.\n\nquestion 2")


def test_regenerate_and_continue_write_the_same_turn(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    record_id = store.start(
        "chat", {"message": "hi"}, [SYSTEM, {"role": "user", "content": "hi"}], "L", "", "m", {}
    )
    store.finish(record_id, "complete", answers=["hello"])
    threads = ThreadStore(store)
    openai_server.reply = "first part, second part"
    openai_server.fault = Fault("drop", after_deltas=3, times=1)

    def send(request: GenerationRequest) -> None:
        assert request.follow_up is not None
        recorder = threads.recorder(request.follow_up)
        GenerationRun(request, LoopbackResolver(openai_server), recorder).run(
            lambda event: None, threading.Event()
        )

    thread = threads.thread(record_id)
    assert thread is not None
    send(build_follow_up(CHAT, thread, "go on", profile(None)))
    cut = threads.version(record_id, 2)
    assert cut is not None and cut.status == "failed" and cut.text == "first part, "

    thread = threads.thread(record_id)
    assert thread is not None
    send(continue_version(CHAT, thread, 2, profile(None)))
    sent = openai_server.chat_requests[-1].body["messages"]
    assert [m["content"] for m in sent[:4]] == ["Be brief.", "hi", "hello", "go on"]
    assert sent[4] == {"role": "assistant", "content": "first part, "}
    after = threads.thread(record_id)
    assert after is not None and len(after.versions) == 2 and len(after.turns) == 2
    assert after.version(2).status == "complete"
    assert after.version(2).text == "first part, " + openai_server.reply

    send(regenerate_version(CHAT, after, 2, profile(None)))
    again = threads.thread(record_id)
    assert again is not None
    assert [v.turn for v in again.versions] == [0, 1, 1] and again.current == 3
    assert openai_server.chat_requests[-1].body["messages"][-1]["content"] == "go on"
    with pytest.raises(ValueError):
        regenerate_version(CHAT, again, 1, profile(None))
    store.close()


@pytest.mark.e2e
def test_the_meter_is_exact_for_the_builtin_engine(local_engine: LocalEngine) -> None:
    builtin = ProviderProfile("Built-in", "builtin", "", "")
    thread = chat_thread(["The quick brown fox.", "It jumps over the lazy dog."])
    usage = thread_usage(thread.messages_for(), builtin, "SmolLM2", local_engine)
    assert usage.exact and usage.window == 2048
    contents = [str(m["content"]) for m in thread.messages_for()]
    framing = REPLY_PRIMING + MESSAGE_OVERHEAD * len(contents)
    assert usage.used == framing + sum(local_engine.tokenize(text) for text in contents)
    request = build_follow_up(CHAT, thread, "x " * 3000, builtin, overrides={"max_tokens": 64})
    found = overflow(request, local_engine)
    assert found is not None and found.window == 2048 and found.drop == 0
