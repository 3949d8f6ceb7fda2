"""Variants as separate requests, several at once, when a server does not answer ``n`` in one.

llama.cpp's server refuses ``n > 1`` (``400 Field 'n'``) and some compatible servers ignore it
(one choice comes back). :func:`separate_requests` then carries each missing variant in its own
single request, at most :data:`MAX_PARALLEL_REQUESTS` at once, and merges their events into one
stream as they arrive. Each request has its own retry loop (:mod:`.retries`), so a 429 in one of
them waits its Retry-After while the others go on. The built-in engine answers them with its
parallel slots (``core/engine/host.py``).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator, Sequence

from assistant.core.providers.events import StreamEvent

MAX_PARALLEL_REQUESTS = 4
"""Requests of one generation in flight at once (the built-in engine has as many slots)."""

_POLL_S = 0.05


class _End:
    """A worker's request ended without an error."""


_END = _End()

VariantRequest = Callable[[int, threading.Event], Iterator[StreamEvent]]
"""``request(index, cancel)``: the events of variant ``index`` as its own request."""


def separate_requests(
    request: VariantRequest,
    indices: Sequence[int],
    cancel: threading.Event,
    limit: int = MAX_PARALLEL_REQUESTS,
) -> Generator[StreamEvent, None, dict[int, BaseException]]:
    """The events of ``request(index)`` for every index, as they come, at most ``limit`` at once.

    Returns (as the generator's value) the errors of the requests that failed, by index. Closing
    the generator early, or setting ``cancel``, stops every request (their connections close).
    """
    stop = threading.Event()  # set by cancel, or when the consumer closes this generator
    slots = threading.Semaphore(max(1, limit))
    arrived: queue.Queue[tuple[int, StreamEvent | BaseException | _End]] = queue.Queue()

    def work(index: int) -> None:
        with slots:
            try:
                if not stop.is_set():
                    for event in request(index, stop):
                        arrived.put((index, event))
            except BaseException as exc:  # handed to the consumer, which decides
                arrived.put((index, exc))
            else:
                arrived.put((index, _END))

    threads = [
        threading.Thread(target=work, args=(index,), name=f"variant-{index}", daemon=True)
        for index in indices
    ]
    for thread in threads:
        thread.start()
    pending = set(indices)
    errors: dict[int, BaseException] = {}
    try:
        while pending:
            if cancel.is_set():
                stop.set()
            try:
                index, item = arrived.get(timeout=_POLL_S)
            except queue.Empty:
                continue
            if isinstance(item, _End):
                pending.discard(index)
            elif isinstance(item, BaseException):
                pending.discard(index)
                errors[index] = item
            else:
                yield item
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return errors
