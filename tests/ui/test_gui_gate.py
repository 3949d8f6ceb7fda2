"""The GUI's right of way: workers pause between events while the GUI inserts text."""

from __future__ import annotations

import threading
import time

from assistant.ui.gui_gate import MAX_WAIT_S, GuiGate


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
