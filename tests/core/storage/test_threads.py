"""Threads in the history: follow-ups against the loopback server into a real SQLite file."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core.prompts.modes import builtin_modes
from assistant.core.prompts.request import build_follow_up
from assistant.core.prompts.threads import FollowUp, Selection, Thread
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.storage.export import render
from assistant.core.storage.history import HistoryStore, Record
from assistant.core.storage.threads import ThreadStore
from assistant.core.work.generation import DoneEvent, GenerationRequest, GenerationRun
from tests.fakeserver import FakeOpenAIServer, Fault
from tests.fixtures.loopback_run import LoopbackResolver

MODES = builtin_modes()
PROFILE = ProviderProfile("Loopback", "compatible", "http://unused", "fake-model")
FIRST = [
    {"role": "system", "content": "Be {{ brief }}."},
    {"role": "user", "content": "Write about tides {x} \\ 🌊"},
]
# What a person and a model may write: braces, backslashes, emoji, NULs, control characters.
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("{}\\\x00🦦$%\n"), st.characters(blacklist_categories=("Cs",))
    ),
    min_size=1,
).filter(lambda text: bool(text.strip()))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    history = HistoryStore(tmp_path / "h.sqlite3")
    yield history
    history.close()


def first_record(store: HistoryStore, answer: str = "Tides rise {twice} a day.") -> int:
    record_id = store.start("article", {"topic": "tides"}, FIRST, "Loopback", "", "m", {})
    store.finish(record_id, "complete", answers=[answer])
    return record_id


def read(store: HistoryStore, record_id: int) -> Thread:
    thread = ThreadStore(store).thread(record_id)
    assert thread is not None
    return thread


def follow_up(
    server: FakeOpenAIServer, store: HistoryStore, request: GenerationRequest
) -> DoneEvent:
    assert request.follow_up is not None
    recorder = ThreadStore(store).recorder(request.follow_up)
    run = GenerationRun(request, LoopbackResolver(server), recorder, stop_loops=False)
    return run.run(lambda event: None, threading.Event())


def test_follow_ups_send_the_earlier_turns_in_order_and_store_versions(
    openai_server: FakeOpenAIServer, store: HistoryStore
) -> None:
    record_id = first_record(store)
    openai_server.reply = "Tides: twice daily."
    request = build_follow_up(MODES["article"], read(store, record_id), "shorter", PROFILE)
    done = follow_up(openai_server, store, request)
    assert done.status == "complete" and done.record_id == record_id
    openai_server.reply = "Tides, Sir, occur twice daily."
    request = build_follow_up(MODES["article"], read(store, record_id), "more formal", PROFILE)
    follow_up(openai_server, store, request)

    sent = openai_server.chat_requests[-1].body["messages"]
    assert sent == [
        *FIRST,
        {"role": "assistant", "content": "Tides rise {twice} a day."},
        {"role": "user", "content": "shorter"},
        {"role": "assistant", "content": "Tides: twice daily."},
        {"role": "user", "content": "more formal"},
    ]
    thread = read(store, record_id)
    assert [v.text for v in thread.versions] == [
        "Tides rise {twice} a day.",
        "Tides: twice daily.",
        "Tides, Sir, occur twice daily.",
    ]
    assert [v.status for v in thread.versions] == ["complete"] * 3
    assert thread.current == 3
    assert [t.instruction for t in thread.turns] == ["", "shorter", "more formal"]
    assert [r.id for r in store.search("Sir")] == [record_id]  # later versions are searchable


def test_any_version_can_be_made_current_and_followed_up(
    openai_server: FakeOpenAIServer, store: HistoryStore
) -> None:
    record_id = first_record(store)
    for reply in ("second", "third"):
        openai_server.reply = reply
        follow_up(
            openai_server,
            store,
            build_follow_up(MODES["article"], read(store, record_id), reply, PROFILE),
        )
    threads = ThreadStore(store)
    threads.set_current(record_id, 2)
    assert read(store, record_id).current == 2
    with pytest.raises(KeyError):
        threads.set_current(record_id, 9)
    request = build_follow_up(MODES["article"], read(store, record_id), "again", PROFILE)
    assert [m["content"] for m in request.messages][-3:] == ["second", "second", "again"]


def test_a_refined_selection_keeps_the_rest_byte_for_byte(
    openai_server: FakeOpenAIServer, store: HistoryStore
) -> None:
    answer = "# Tides\n\nFirst {para}.\n\nSecond \\ para 🌊.\n\nThird para.\n"
    record_id = first_record(store, answer)
    start = answer.index("Second")
    span = Selection(start, answer.index("\n\nThird"))
    openai_server.reply = "```\nA better second paragraph.\n```"
    request = build_follow_up(
        MODES["article"], read(store, record_id), "punchier", PROFILE, selection=span
    )
    follow_up(openai_server, store, request)
    sent = openai_server.chat_requests[-1].body["messages"][-1]["content"]
    assert "Second \\ para 🌊." in sent and "First {para}" not in sent
    version = read(store, record_id).current_version
    assert version.reply == openai_server.reply
    assert version.text == answer[:start] + "A better second paragraph." + answer[span.end :]


def test_a_question_does_not_replace_the_current_version(
    openai_server: FakeOpenAIServer, store: HistoryStore
) -> None:
    record_id = first_record(store)
    openai_server.reply = "It explains tides."
    request = build_follow_up(
        MODES["article"], read(store, record_id), "explain", PROFILE, kind="question"
    )
    follow_up(openai_server, store, request)
    thread = read(store, record_id)
    assert thread.current == 1 and thread.version(2).text == "It explains tides."


def test_a_failed_follow_up_without_text_gives_the_current_place_back(
    openai_server: FakeOpenAIServer, store: HistoryStore
) -> None:
    record_id = first_record(store)
    openai_server.fault = Fault.server_error(503)
    request = build_follow_up(MODES["article"], read(store, record_id), "shorter", PROFILE)
    done = follow_up(openai_server, store, request)
    assert done.status == "failed"
    thread = read(store, record_id)
    assert thread.current == 1
    assert thread.version(2).status == "failed" and thread.version(2).error == done.error


def test_a_version_of_a_dead_process_becomes_interrupted(store: HistoryStore) -> None:
    record_id = first_record(store)
    threads = ThreadStore(store)
    base = FollowUp(record_id, "instruction", "shorter", "shorter", 1, "x")
    _, number = threads.start_version(base)
    threads.update_version(record_id, number, "partial", "partial")
    assert store.mark_interrupted() == []  # this process is alive
    with store.database.connection() as connection:
        connection.execute(
            "UPDATE versions SET owner = ?",
            (f"{socket.gethostname()}:{os.getpid()}:an-earlier-process",),
        )
    assert store.mark_interrupted() == [record_id]
    version = read(store, record_id).current_version
    assert (version.number, version.status, version.text) == (number, "interrupted", "partial")


def test_deleting_a_record_deletes_its_turns_and_versions(store: HistoryStore) -> None:
    record_id = first_record(store)
    ThreadStore(store).start_version(FollowUp(record_id, "instruction", "a", "a", 1, "x"))
    store.delete(record_id)
    store.purge_deleted()
    with store.database.connection() as connection:
        assert connection.execute("SELECT count(*) FROM versions").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM turns").fetchone()[0] == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=4), TEXT)
def test_every_turn_is_stored_exactly_and_survives_reopening(
    turns: list[tuple[str, str]], first_answer: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "h.sqlite3"
        store = HistoryStore(path)
        record_id = first_record(store, first_answer)
        threads = ThreadStore(store)
        for instruction, reply in turns:
            request = build_follow_up(
                MODES["article"], read(store, record_id), instruction, PROFILE
            )
            assert request.follow_up is not None
            recorder = threads.recorder(request.follow_up)
            recorder.start("article", {}, request.messages, "p", "", "m", {})
            recorder.update_answer(record_id, [reply[: len(reply) // 2]])
            recorder.finish(record_id, "complete", answers=[reply])
        store.close()

        reopened = HistoryStore(path)
        thread = read(reopened, record_id)
        record = reopened.get(record_id)
        assert record is not None
        exported = ThreadStore(reopened).attach(record)
        reopened.close()
    markdown, text, page = (render(exported, fmt) for fmt in ("md", "txt", "html"))
    for number, (instruction, reply) in enumerate(turns, start=1):
        shown = reply.strip("\n")
        if number == len(turns):  # the document's end is trimmed of blank space
            shown = shown.rstrip()
        for document in (markdown, text):
            assert instruction.rstrip("\n") in document and shown in document
        assert escape(instruction.rstrip("\n")) in page
    assert f"Chosen version: {len(turns) + 1} of {len(turns) + 1}" in markdown
    expected = [*FIRST, {"role": "assistant", "content": first_answer}]
    for instruction, reply in turns:
        expected += [
            {"role": "user", "content": instruction},
            {"role": "assistant", "content": reply},
        ]
    assert thread.messages_for() == expected


def test_exports_show_every_turn_and_the_chosen_version(
    openai_server: FakeOpenAIServer, store: HistoryStore
) -> None:
    answer = "# Tides\n\nThey *rise* and fall.\n"
    record_id = first_record(store, answer)
    for instruction, reply in (("shorter", "Tides *rise*."), ("more formal", "Tides ascend.")):
        openai_server.reply = reply
        follow_up(
            openai_server,
            store,
            build_follow_up(MODES["article"], read(store, record_id), instruction, PROFILE),
        )
    span = Selection(answer.index("They"), answer.index(" and"))
    openai_server.reply = "The seas rise"
    request = build_follow_up(
        MODES["article"], read(store, record_id), "poetic", PROFILE, base_version=1, selection=span
    )
    follow_up(openai_server, store, request)
    ThreadStore(store).set_current(record_id, 3)
    record = store.get(record_id)
    assert record is not None
    exported = ThreadStore(store).attach(record)

    markdown = render(exported, "md")
    assert "## Follow-ups" in markdown and "*Chosen version: 3 of 4*" in markdown
    assert markdown.index("shorter") < markdown.index("more formal") < markdown.index("poetic")
    assert "#### Version 3 (chosen)" in markdown and "Tides ascend." in markdown
    assert "### Follow-up 3 (on a selection of version 1)" in markdown
    assert "```\nThey *rise*\n```" in markdown  # the selected part, quoted exactly
    assert "The seas rise and fall." in markdown  # version 4, spliced
    text = render(exported, "txt")
    assert "Chosen version: 3 of 4" in text and "Version 3 (chosen)" in text
    page = render(exported, "html")
    assert '<pre class="instruction">more formal</pre>' in page
    assert "<h4>Version 3 (chosen)</h4>" in page and "<em>rise</em>" in page
    assert "<script" not in page
    plain = render(read_record(store, first_record(store)), "md")
    assert "Follow-ups" not in plain  # a record without follow-ups exports as before


def read_record(store: HistoryStore, record_id: int) -> Record:
    record = store.get(record_id)
    assert record is not None
    return ThreadStore(store).attach(record)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(TEXT, TEXT)
def test_what_the_person_wrote_reaches_the_server_exactly(
    openai_server: FakeOpenAIServer, tmp_path: Path, instruction: str, reply: str
) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        store = HistoryStore(Path(folder) / "h.sqlite3")
        record_id = first_record(store)
        openai_server.reply = reply
        request = build_follow_up(MODES["article"], read(store, record_id), instruction, PROFILE)
        follow_up(openai_server, store, request)
        openai_server.reply = "next"
        again = build_follow_up(MODES["article"], read(store, record_id), "again", PROFILE)
        follow_up(openai_server, store, again)
        store.close()
    sent = openai_server.chat_requests[-1].body["messages"]
    assert sent[-3:] == [
        {"role": "user", "content": instruction},
        {"role": "assistant", "content": reply},
        {"role": "user", "content": "again"},
    ]


def test_a_version_starts_empty_unless_it_rewrites_a_selection(store: HistoryStore) -> None:
    record_id = first_record(store, "abc def")
    threads = ThreadStore(store)
    span = Selection(0, 3)
    _, asked = threads.start_version(
        FollowUp(record_id, "question", "explain", "s", 1, "abc def", span)
    )
    _, refined = threads.start_version(
        FollowUp(record_id, "selection", "upper", "s", 1, "abc def", span)
    )
    thread = read(store, record_id)
    assert thread.version(asked).text == ""
    assert thread.version(refined).text == "abc def"  # the base until the reply arrives
    assert thread.current == refined
