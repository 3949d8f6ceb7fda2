"""Streaming: the GUI path displaying and highlighting an answer versus the raw openai SDK.

Fast: the loopback server (its own process) sends a markdown answer with code blocks in 5-character
deltas as fast as it can. Baseline: the openai SDK consuming the stream in a thread while the GUI
loop idles. App: the real main window (GenerationController, worker thread, AnswerView with its
highlighter, history recording) from Generate until the whole answer is in the document and
highlighted. A 5 ms GUI-thread heartbeat measures stalls in both. Rounds alternate.

Slow: the server (in this process, so it can stamp each delta as it writes it) sends 20 deltas/s;
the latency is from the server writing a delta to that delta being flushed into the document
(``AnswerView.sig_flushed``); the baseline is the same delta reaching the SDK's iterator.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import (
    Figure,
    Heartbeat,
    ServerProcess,
    fresh_home,
    markdown_answer,
    median,
    qt_app,
    run_main,
    stall_max,
    stall_p99,
    wait_until,
)

WALL_TARGET = 1.10
P99_LIMIT_MS = 16.0
MAX_LIMIT_MS = 50.0
LATENCY_LIMIT_MS = 50.0
PROFILE = "Loopback"
MESSAGES = [{"role": "user", "content": "Explain chunked reading."}]


def sdk_stream(base_url: str) -> tuple[float, str]:
    """(seconds, text) for the raw SDK consuming the whole stream."""
    import openai

    client: Any = openai.OpenAI(base_url=base_url, api_key="bench", max_retries=0)
    started = time.perf_counter()
    parts: list[str] = []
    stream = client.chat.completions.create(model="fake-model", messages=MESSAGES, stream=True)
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    return time.perf_counter() - started, "".join(parts)


def baseline_round(base_url: str) -> tuple[float, list[float], str]:
    """The SDK in a thread while the GUI loop idles: (seconds, heartbeat stalls, text)."""
    result: list[Any] = []
    beat = Heartbeat()
    beat.start()
    thread = threading.Thread(target=lambda: result.append(sdk_stream(base_url)))
    thread.start()
    wait_until(lambda: not thread.is_alive(), 300)
    beat.stop()
    seconds, text = result[0]
    return seconds, beat.stalls(), text


def make_window(base_url: str) -> Any:
    """The real main window over a loopback profile, article mode, topic filled in."""
    from assistant.app import build_window
    from assistant.core.config.settings import Settings
    from assistant.core.providers.profiles import ProviderProfile

    settings = Settings(welcome_done=True)
    settings.upsert_profile(
        ProviderProfile(name=PROFILE, kind="compatible", base_url=base_url, model="fake-model")
    )
    settings.active_profile = PROFILE
    window = build_window(settings)
    window.resize(1280, 800)
    window.show()
    for row in range(window.mode_list.count()):
        if window.mode_list.item(row).text().lower().startswith("article"):
            window.mode_list.setCurrentRow(row)
    window.current_form().set_values({"topic": "Reading files in chunks"})
    return window


def generate(window: Any, timeout_s: float = 300) -> tuple[float, str]:
    """Press Generate and wait until the answer is complete, displayed and highlighted."""
    done: list[Any] = []

    def on_done(_request_id: str, event: Any) -> None:
        done.append(event)

    window.controller.sig_done.connect(on_done)
    started = time.perf_counter()
    window.generate()
    view = window.answer_area.current_view()

    def finished() -> bool:
        return bool(done) and not view.is_streaming and not view.highlighter.pending

    wait_until(finished, timeout_s)
    seconds = time.perf_counter() - started
    window.controller.sig_done.disconnect(on_done)
    if done[0].status != "complete":
        raise RuntimeError(f"generation ended {done[0].status}: {done[0].error}")
    return seconds, view.text()


def app_round(window: Any) -> tuple[float, list[float], str]:
    beat = Heartbeat()
    beat.start()
    seconds, text = generate(window)
    beat.stop()
    return seconds, beat.stalls(), text


def fast(quick: bool) -> list[Figure]:
    size = 20_000 if quick else 200_000
    rounds = 1 if quick else 3
    reply = markdown_answer(size)
    app_times: list[float] = []
    base_times: list[float] = []
    app_stalls: list[float] = []
    base_stalls: list[float] = []
    with ServerProcess(reply, delta_size=5, delay=0.0) as server:
        window = make_window(server.base_url)
        sdk_stream(server.base_url)  # warm up imports and connections on both sides
        generate(window)
        for _ in range(rounds):
            seconds, stalls, text = baseline_round(server.base_url)
            assert text == reply, "the SDK did not receive the whole answer"
            base_times.append(seconds)
            base_stalls += stalls
            seconds, stalls, text = app_round(window)
            assert text == reply, "the window did not show the whole answer"
            app_times.append(seconds)
            app_stalls += stalls
        window.close()
    note = f"{size // 1000}KB_5char_deltas,median_of_{rounds}"
    return [
        Figure("stream_wall_s", median(app_times), median(base_times), "s", WALL_TARGET, note=note),
        stall_p99("stream_stall_p99_ms", app_stalls, base_stalls, P99_LIMIT_MS),
        stall_max("stream_stall_max_ms", app_stalls, base_stalls, MAX_LIMIT_MS),
    ]


class _SendStamps:
    """Records when the in-process fake server writes each content delta."""

    def __init__(self) -> None:
        from tests import fakeserver

        self.times: list[float] = []
        self._handler = fakeserver._Handler
        self._original = self._handler._chunk
        stamps = self

        def stamped_chunk(handler: Any, data: bytes) -> None:
            stamps._original(handler, data)
            if b'"content": "' in data and b'"content": ""' not in data:
                stamps.times.append(time.perf_counter())

        self._handler._chunk = stamped_chunk  # type: ignore[method-assign,assignment]

    def restore(self) -> None:
        self._handler._chunk = self._original  # type: ignore[method-assign]


def slow(quick: bool) -> list[Figure]:
    from tests.fakeserver import FakeOpenAIServer

    deltas = 10 if quick else 60
    reply = markdown_answer(deltas * 5)
    stamps = _SendStamps()
    try:
        with FakeOpenAIServer() as server:
            server.reply = reply
            server.delta_size = 5
            server.delta_delay = 0.05
            base_latency = _sdk_latencies(server.base_url, stamps)
            window = make_window(server.base_url)
            flushes: list[tuple[float, int]] = []
            view = window.answer_area.current_view()
            view.sig_flushed.connect(lambda chars: flushes.append((time.perf_counter(), chars)))
            stamps.times.clear()
            generate(window)
            window.close()
    finally:
        stamps.restore()
    app_latency = []
    for number, sent in enumerate(stamps.times):
        end = min((number + 1) * 5, len(reply))
        shown = next(at for at, chars in flushes if chars >= end)
        app_latency.append((shown - sent) * 1000)
    return [
        Figure(
            "stream_20hz_latency_max_ms",
            max(app_latency),
            max(base_latency),
            "ms",
            1.0,
            limit=LATENCY_LIMIT_MS,
            note=f"{deltas}_deltas,median_app={median(app_latency):.1f}ms",
        )
    ]


def _sdk_latencies(base_url: str, stamps: _SendStamps) -> list[float]:
    """Milliseconds from the server writing each delta to the SDK yielding it."""
    import openai

    client: Any = openai.OpenAI(base_url=base_url, api_key="bench", max_retries=0)
    stamps.times.clear()
    arrivals: list[float] = []
    for chunk in client.chat.completions.create(model="fake-model", messages=MESSAGES, stream=True):
        if chunk.choices and chunk.choices[0].delta.content:
            arrivals.append(time.perf_counter())
    return [(got - sent) * 1000 for sent, got in zip(stamps.times, arrivals, strict=True)]


def run(quick: bool = False) -> list[Figure]:
    import os

    os.environ["ASSISTANT_HOME"] = str(fresh_home())
    qt_app()
    return fast(quick) + slow(quick)


if __name__ == "__main__":
    raise SystemExit(run_main(run))
