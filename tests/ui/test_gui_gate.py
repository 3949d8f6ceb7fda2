"""The GUI's right of way: workers pause between events while the GUI inserts text."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from assistant.ui.gui_gate import MAX_WAIT_S, SHARED_SWITCH_S, GuiGate


def test_worker_waits_while_the_gui_is_busy_and_goes_on_after() -> None:
    gate = GuiGate()
    passed = threading.Event()

    def worker() -> None:
        gate.wait_until_idle()
        passed.set()

    with gate.busy():
        thread = threading.Thread(target=worker)
        thread.start()
        assert not passed.wait(0.05), "the worker went on while the GUI was busy"
    assert passed.wait(1.0)
    thread.join()


def test_a_stuck_gui_cannot_stop_a_stream_for_long() -> None:
    gate = GuiGate()
    with gate.busy():
        started = time.perf_counter()
        gate.wait_until_idle()
        waited = time.perf_counter() - started
    assert MAX_WAIT_S * 0.9 <= waited < MAX_WAIT_S * 5


def test_the_gil_switches_faster_only_while_two_or_more_generations_stream() -> None:
    gate = GuiGate()
    python_s = sys.getswitchinterval()
    gate.stream_began()
    assert sys.getswitchinterval() == python_s  # one stream: Python's own interval
    gate.stream_began()
    assert sys.getswitchinterval() == pytest.approx(SHARED_SWITCH_S)
    gate.stream_began()
    gate.stream_ended()
    assert sys.getswitchinterval() == pytest.approx(SHARED_SWITCH_S)
    gate.stream_ended()
    assert sys.getswitchinterval() == python_s
    gate.stream_ended()
    gate.stream_ended()  # more ends than starts change nothing
    assert sys.getswitchinterval() == python_s
