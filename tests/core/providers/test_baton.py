"""The stream baton (providers/baton.py): one stream at a time parses, none holds it across a read.

Real threads and the real loopback server; the patience is raised where a wrongly held baton must
make the test fail rather than be waited out."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from assistant.core.providers.baton import BATON, StreamBaton
from assistant.core.providers.client import Delta, stream_chat
from assistant.core.providers.errors import ProviderError
from assistant.core.providers.params import GenerationParams
from tests.core.providers.test_client import MESSAGES, endpoint, texts
from tests.fakeserver import FakeOpenAIServer, Fault

LONG = 30.0


def test_a_second_thread_waits_until_the_holder_gives_it_back() -> None:
    baton = StreamBaton(patience_s=LONG)
    baton.take()
    order: list[str] = []
    taken = threading.Event()

    def second() -> None:
        baton.take()
        order.append("second took it")
        taken.set()
        baton.give_back()

    thread = threading.Thread(target=second)
    thread.start()
    assert not taken.wait(0.2)  # still waiting: the baton is held
    order.append("first gave it back")
    baton.give_back()
    thread.join(LONG)
    assert order == ["first gave it back", "second took it"]
    assert baton.is_free


def test_taking_twice_and_giving_back_without_holding_change_nothing() -> None:
    baton = StreamBaton(patience_s=LONG)
    baton.take()
    baton.take()  # the holder again: no deadlock
    stranger = threading.Thread(target=baton.give_back)  # not the holder: nothing happens
    stranger.start()
    stranger.join()
    assert not baton.is_free
    baton.give_back()
    assert baton.is_free
    baton.give_back()  # not held any more: nothing happens
    assert baton.is_free


def test_a_baton_kept_by_a_thread_that_is_gone_passes_on_after_the_patience() -> None:
    baton = StreamBaton(patience_s=0.05)
    gone = threading.Thread(target=baton.take)  # takes it and ends without giving it back
    gone.start()
    gone.join()
    assert not baton.is_free
    baton.take()  # waits the patience, then holds it
    baton.give_back()
    assert baton.is_free


@pytest.fixture
def patient_baton(monkeypatch: pytest.MonkeyPatch) -> None:
    """A baton held across a network wait would hold the other stream up for LONG seconds."""
    monkeypatch.setattr(BATON, "_patience_s", LONG)
    assert BATON.is_free


@pytest.mark.usefixtures("patient_baton")
def test_a_stream_waiting_for_the_network_does_not_hold_up_another() -> None:
    with FakeOpenAIServer() as slow, FakeOpenAIServer() as fast:
        slow.fault = Fault("stall", after_deltas=2, seconds=3)
        fast.reply = "The other answer, complete."
        stalled, slow_done = threading.Event(), threading.Event()
        slow_text: list[str] = []

        def slow_stream() -> None:
            ep = endpoint(slow, read_timeout=LONG)
            for event in stream_chat(ep, MESSAGES, GenerationParams(), "fake-model"):
                if isinstance(event, Delta):
                    slow_text.append(event.text)
                    if len(slow_text) == 2:
                        stalled.set()  # its next read waits for the server
            slow_done.set()

        thread = threading.Thread(target=slow_stream)
        thread.start()
        assert stalled.wait(LONG)
        ep = endpoint(fast, read_timeout=LONG)
        fast_events = list(stream_chat(ep, MESSAGES, GenerationParams(), "fake-model"))
        assert texts(fast_events) == {0: "The other answer, complete."}
        assert not slow_done.is_set()  # the fast one ended while the slow one still waited
        thread.join(LONG)
        assert slow_done.is_set()
    assert BATON.is_free


@pytest.mark.usefixtures("patient_baton")
def test_the_baton_is_free_after_streams_that_end_any_way(
    openai_server: FakeOpenAIServer,
) -> None:
    ep = endpoint(openai_server)
    openai_server.reply = "x" * 2000
    openai_server.delta_size = 3
    assert texts(stream_chat(ep, MESSAGES, GenerationParams(), "fake-model")) == {0: "x" * 2000}
    assert BATON.is_free
    abandoned = stream_chat(ep, MESSAGES, GenerationParams(), "fake-model")
    next(iter(abandoned))  # the consumer stops after the first event
    abandoned.close()  # type: ignore[attr-defined]
    assert BATON.is_free
    cancel = threading.Event()
    for _ in stream_chat(ep, MESSAGES, GenerationParams(), "fake-model", cancel):
        cancel.set()
    assert BATON.is_free
    openai_server.fault = Fault("drop", after_deltas=3)
    with pytest.raises(ProviderError):
        list(stream_chat(ep, MESSAGES, GenerationParams(), "fake-model"))
    assert BATON.is_free


def test_many_threads_taking_over_and_giving_back_never_break_the_baton() -> None:
    """Take-overs racing with give-backs (a holder giving it back just as a waiter's patience
    runs out) leave one consistent baton: no error, free at the end."""
    baton = StreamBaton(patience_s=0.001)
    errors: list[BaseException] = []

    def hammer() -> None:
        try:
            for turn in range(400):
                baton.take()
                time.sleep(0.001 * (turn % 3) / 2)  # about the patience: take-overs happen
                baton.give_back()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    python_s = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch between any two bytecodes: races show up
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(LONG)
    finally:
        sys.setswitchinterval(python_s)
    assert errors == []
    assert baton.is_free
