"""Right of way for the GUI thread over stream workers.

A worker parsing a fast stream holds Python's GIL most of the time. When the GUI thread inserts
text, Qt calls back into Python once per highlighted block, and each call waits up to a switch
interval (5 ms) for the GIL: a flush of a few blocks stalls the window for tens of ms. While the
GUI does such work it marks itself busy; workers wait between events until it is done, so the GUI
runs without handing the GIL back and forth.

While several generations stream at once, the GIL also switches every :data:`SHARED_SWITCH_S`
instead of Python's 5 ms, so any GUI callback waits less for it (the streams themselves take
turns with the stream baton, core/providers/baton.py).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

YIELD_EVERY_S = 0.003  # a worker offers the GIL this often (the switch interval is 5 ms)
MAX_WAIT_S = 0.2  # a worker never waits longer than this (a stuck GUI must not stop a stream)
SHARED_SWITCH_S = 0.001
"""The GIL's switch interval while two or more generations stream."""


class GuiGate:
    """Set while the GUI thread does Python-heavy work; workers pause between events."""

    def __init__(self) -> None:
        self._idle = threading.Event()
        self._idle.set()
        self._last_yield = threading.local()  # per worker: when it last offered the GIL
        self._streams = 0
        self._switch_s: float | None = None  # Python's own interval while it is changed

    def stream_began(self) -> None:
        """A generation started (GUI thread)."""
        self._streams += 1
        if self._streams >= 2 and self._switch_s is None:
            self._switch_s = sys.getswitchinterval()
            sys.setswitchinterval(SHARED_SWITCH_S)

    def stream_ended(self) -> None:
        """A generation ended (GUI thread)."""
        self._streams = max(0, self._streams - 1)
        if self._streams < 2 and self._switch_s is not None:
            sys.setswitchinterval(self._switch_s)
            self._switch_s = None

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Mark the GUI busy for the duration of the block (GUI thread)."""
        self._idle.clear()
        try:
            yield
        finally:
            self._idle.set()

    def wait_until_idle(self) -> None:
        """Pause until the GUI is not busy; offer the GIL every few ms (worker threads)."""
        self._idle.wait(MAX_WAIT_S)
        now = time.perf_counter()
        if now - getattr(self._last_yield, "value", 0.0) >= YIELD_EVERY_S:
            self._last_yield.value = now
            time.sleep(0)  # hand the GIL over now if the GUI thread waits for it


GATE = GuiGate()
