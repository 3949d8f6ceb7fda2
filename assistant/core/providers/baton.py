"""One stream at a time does Python work: several fast streams share the GIL with the GUI fairly.

A stream read as fast as the server sends is CPU-bound in Python (the SDK parses every chunk).
With several at once, each of their threads competes for the GIL, and a GUI thread asking for
it waits a switch interval (5 ms) per competitor, several times per turn of its event loop: four
columns streaming at loopback speed stalled the window for 70 ms at p99 against 13 ms for one
answer (tests/benchmarks/compare.py). A stream holds the baton from the moment its bytes arrive
until it asks for the next ones (keepalive.py), its consumer's work included; it is given back
around network reads and disk waits (work/saving.py). So the others wait on a lock, not for the
GIL, and the GUI meets one competitor as with one answer. The price is paid only where the CPU,
not the network, limits the streams: taking turns, four loopback streams end later than when
they fight for the GIL (the compare benchmark's wall time); streams slower than parsing never
wait for each other.

The baton is never a reason to wait long: who waits for it :data:`PATIENCE_S` takes it over (a
stream whose consumer blocks while holding it, or a thread gone without giving it back, cannot
hold the others up for longer).
"""

from __future__ import annotations

import threading
import time

PATIENCE_S = 0.05
"""The longest a stream waits for the baton before taking it over."""


class StreamBaton:
    """Held by one thread at a time around a stream's Python work; given back around network
    reads. Its state changes under one lock, so take-overs and give-backs cannot race."""

    def __init__(self, patience_s: float = PATIENCE_S) -> None:
        self._changed = threading.Condition(threading.Lock())
        self._patience_s = patience_s
        self._holder: int | None = None

    def take(self) -> None:
        """Wait for the baton; after the patience it passes to this thread anyway (its holder
        keeps it too long: blocked, or gone without giving it back)."""
        me = threading.get_ident()
        with self._changed:
            if self._holder == me:
                return
            deadline = time.monotonic() + self._patience_s
            while self._holder is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            self._holder = me

    @property
    def is_free(self) -> bool:
        """Nobody holds the baton."""
        return self._holder is None

    def give_back(self) -> None:
        """Release the baton if this thread holds it."""
        with self._changed:
            if self._holder == threading.get_ident():
                self._holder = None
                self._changed.notify()


BATON = StreamBaton()
"""The baton shared by every stream of the process."""
