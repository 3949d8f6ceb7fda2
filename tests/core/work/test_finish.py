"""An answer is complete only when the server says so: finish_reason per variant (issue 18)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assistant.core.prompts.request import GenerationRequest
from assistant.core.providers.client import VARIANT_HEADER
from assistant.core.providers.params import GenerationParams
from assistant.core.storage.history import HistoryStore
from assistant.core.work.finish import judge
from assistant.core.work.generation import DoneEvent, GenerationRun, continuation
from assistant.core.work.runs import RunStatus
from tests.core.work.test_generation import LoopbackResolver, request
from tests.fakeserver import FakeOpenAIServer, RecordedRequest

REPLY = "Otters hold hands — 手をつなぐ 🦦 while they sleep."


def run_n(server: FakeOpenAIServer, store: HistoryStore | None, n: int = 1) -> DoneEvent:
    base = request()
    params = GenerationParams(n=n, max_tokens=50)
    req = GenerationRequest(base.mode_id, base.fields, base.messages, base.profile, params)
    return GenerationRun(req, LoopbackResolver(server), store).run(
        lambda event: None, threading.Event()
    )


def recorded(store: HistoryStore, done: DoneEvent) -> tuple[str, str | None, list[str]]:
    assert done.record_id is not None
    record = store.get(done.record_id)
    assert record is not None
    return record.status, record.error, record.answers


def test_a_stream_without_finish_reason_is_cut_short(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = REPLY
    openai_server.finish_reason = None  # every byte of text arrives, the finish never does
    store = HistoryStore(tmp_path / "h.sqlite3")
    done = run_n(openai_server, store)
    assert done.status == RunStatus.CUT_SHORT and done.error_kind == "cut_short"
    assert done.answers == [REPLY]
    assert done.finish_reasons == (None,)
    assert done.error is not None and done.error.startswith("The answer was cut short.")
    assert "Loopback" in done.error
    assert recorded(store, done) == ("cut_short", done.error, [REPLY])


def test_stop_is_complete_with_no_notice(openai_server: FakeOpenAIServer, tmp_path: Path) -> None:
    openai_server.reply = REPLY
    store = HistoryStore(tmp_path / "h.sqlite3")
    done = run_n(openai_server, store)
    assert (done.status, done.error, done.notice) == ("complete", None, None)
    assert done.finish_reasons == ("stop",)
    assert recorded(store, done) == ("complete", None, [REPLY])


def test_length_is_complete_and_says_max_tokens(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = REPLY
    openai_server.finish_reason = "length"
    store = HistoryStore(tmp_path / "h.sqlite3")
    done = run_n(openai_server, store)
    assert done.status == "complete" and done.error is None
    assert done.finish_reasons == ("length",)
    assert done.notice is not None and "Max tokens limit (50)" in done.notice
    assert "Continue" in done.notice
    assert recorded(store, done) == ("complete", done.notice, [REPLY])


def test_content_filter_says_the_provider_filtered_it(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = REPLY
    openai_server.finish_reason = "content_filter"
    done = run_n(openai_server, None)
    assert done.status == "complete" and done.finish_reasons == ("content_filter",)
    assert done.notice is not None and "Loopback filtered the answer" in done.notice


@pytest.mark.parametrize("refuse_n", [False, True], ids=["one-request", "one-per-variant"])
def test_each_variant_carries_its_own_finish_state(
    openai_server: FakeOpenAIServer, tmp_path: Path, refuse_n: bool
) -> None:
    openai_server.reply = REPLY
    openai_server.refuse_n = refuse_n
    reasons: list[str | None] = ["stop", None, "length"]
    if refuse_n:  # each single request is choice 0 of its own stream, sent in parallel

        def per_request(request: RecordedRequest | None, index: int) -> str | None:
            if request is None or request.body.get("n", 1) > 1:
                return None  # the refused request streams nothing
            return reasons[int(request.headers[VARIANT_HEADER.lower()]) - 1]

        openai_server.finish_reason = per_request
    else:
        openai_server.finish_reason = reasons
    store = HistoryStore(tmp_path / "h.sqlite3")
    done = run_n(openai_server, store, n=3)
    assert done.finish_reasons == tuple(reasons)
    assert done.answers == [REPLY] * 3
    assert done.status == "cut_short"
    assert done.error is not None and "(variant 2)" in done.error
    assert recorded(store, done)[0] == "cut_short"


def test_judge_names_only_the_variants_concerned() -> None:
    verdict = judge(["length", "stop", "content_filter"], "P", 99)
    assert verdict.status == "complete"
    assert verdict.message is not None
    assert "The answer (variant 1) stopped at the Max tokens limit (99)" in verdict.message
    assert "P filtered the answer (variant 3)" in verdict.message
    assert judge(["stop"], "P", 99).message is None
    assert judge(["eos"], "P", 99).status == "complete"  # any reason the server gives is an end
    one = judge([None], "P", 9).message
    assert one is not None and "(variant" not in one


@pytest.mark.parametrize("reply", ["", "\n"], ids=["no-text", "a-newline"])
def test_a_continue_with_nothing_left_completes_the_answer(
    openai_server: FakeOpenAIServer, tmp_path: Path, reply: str
) -> None:
    """After a cut right at the end the model has nothing to add: its finish makes it whole."""
    openai_server.reply = reply
    store = HistoryStore(tmp_path / "h.sqlite3")
    req = continuation(request(), REPLY)
    done = GenerationRun(req, LoopbackResolver(openai_server), store).run(
        lambda event: None, threading.Event()
    )
    assert (done.status, done.error, done.finish_reasons) == ("complete", None, ("stop",))
    assert recorded(store, done) == ("complete", None, [REPLY + reply])


def test_a_continue_with_no_text_and_no_finish_is_not_whole(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.reply = ""
    openai_server.finish_reason = None
    req = continuation(request(), REPLY)
    done = GenerationRun(req, LoopbackResolver(openai_server), None).run(
        lambda event: None, threading.Event()
    )
    assert done.status == "failed" and done.answers == [REPLY]
