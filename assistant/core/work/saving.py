"""Streamed text is shown only once it is saved, so a crash loses nothing the person has seen.

:class:`SavedBeforeShown` sits between a run's stream and its ``emit``: streamed events wait until
the answer so far is written to the history, then go out in order. Saves are batched (at most one
per :data:`MIN_INTERVAL_S`, and no more than about a tenth of the time is spent saving), and one
thread shared by every run in the process releases what is waiting when a stream pauses, so text
is never held back for longer than about one interval. (A thread per run brought back the memory
growth that reusing generation threads had removed: see the memory benchmark.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from assistant.core.providers.baton import BATON

MIN_INTERVAL_S = 0.025
SAVE_SHARE = 0.1  # at most this share of the time goes to saving the answer so far

E = TypeVar("E")


class SavedBeforeShown(Generic[E]):
    """Holds events until ``save`` has stored the text they show; then passes them to ``emit``."""

    def __init__(
        self,
        save: Callable[[], None],
        emit: Callable[[E], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._save = save
        self._emit = emit
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: list[E] = []
        self._next_save = 0.0
        self._ticking = False

    def add(self, event: E) -> None:
        """Queue ``event``; save and release the queue when a save is due."""
        self._lock_without_baton()
        try:
            self._pending.append(event)
            if self._clock() >= self._next_save:
                self._release()
        finally:
            self._lock.release()
        if not self._ticking:
            self._ticking = True
            _TICKER.add(self)

    def flush(self) -> None:
        """Save and release whatever waits (before any event that must follow the text)."""
        self._lock_without_baton()
        try:
            self._release()
        finally:
            self._lock.release()

    def close(self) -> None:
        """Release what waits and stop ticking; call before the run's last events."""
        _TICKER.remove(self)
        self.flush()

    def _lock_without_baton(self) -> None:
        """Take the lock; waiting for it (the ticker is saving) is no stream's Python work, so
        a stream's thread gives the stream baton back first (providers/baton.py)."""
        if not self._lock.acquire(blocking=False):
            BATON.give_back()
            self._lock.acquire()

    def _release(self) -> None:
        if not self._pending:
            return
        BATON.give_back()  # the disk write is no stream's Python work either
        started = self._clock()
        self._save()
        cost = self._clock() - started
        self._next_save = started + max(MIN_INTERVAL_S, cost / SAVE_SHARE)
        events, self._pending = self._pending, []
        for event in events:
            self._emit(event)

    def tick(self) -> None:
        """Release what waits if a save is due (called by the shared ticker thread)."""
        with self._lock:
            if self._clock() >= self._next_save:
                self._release()


class _Ticker:
    """One daemon thread that ticks every open saver each interval; it sleeps while none is open."""

    def __init__(self) -> None:
        self._savers: set[SavedBeforeShown[object]] = set()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, saver: SavedBeforeShown[Any]) -> None:
        with self._changed:
            self._savers.add(saver)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="answer-saver", daemon=True)
                self._thread.start()
            self._changed.notify()

    def remove(self, saver: SavedBeforeShown[Any]) -> None:
        with self._changed:
            self._savers.discard(saver)

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._savers:
                    self._changed.wait()
                savers = list(self._savers)
                self._changed.wait(MIN_INTERVAL_S)  # woken early only when a saver is added
            for saver in savers:
                saver.tick()


_TICKER = _Ticker()
