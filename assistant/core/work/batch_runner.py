"""Running a batch job: N rows at a time through the one client, with one backoff for the job.

The job runs on one event loop (in the thread that calls :meth:`BatchRunner.run`, which blocks)
with N workers, tasks rather than threads: 64 threads over the synchronous client cost 5-60 %
more CPU per row than a plain asyncio loop over the SDK sending the same requests, and up to a
third fewer rows per second on two cores (tests/benchmarks/batch.py, same runs; the spread is
the machine's other load). Each worker takes the next row, builds its request with the plan
(the one request builder), streams it with
:func:`assistant.core.providers.async_chat.astream_chat` over one shared ``AsyncOpenAI`` client
(made once per job, not per row), and hands the result to the sink as soon as the row ends: the
sink calls of one turn of the loop are made together (:class:`.batch_writes.TurnWrites`).
Pause, Resume and Stop come from other threads: they set ``threading.Event`` flags, read before
each row and every :data:`POLL_SECONDS` by a watch task; Stop cancels the tasks.

The SDK retries nothing (``max_retries=0`` on the endpoint): this loop does, so that a 429 with
Retry-After holds *every* worker (:class:`SharedBackoff`: the whole job slows down), other
passing failures (5xx, timeouts, dropped streams, cut-short answers) are retried per row with
backoff, and failures that every row would meet (no quota left, bad key, unknown model, no
server) stop the job with their message while what is done stays done. Pause lets rows in flight
finish and sends no new ones; Stop also abandons the rows in flight (they are sent again later).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assistant.core.base.i18n import tr
from assistant.core.prompts.request import GenerationRequest, RequestError
from assistant.core.providers.async_chat import astream_chat
from assistant.core.providers.connection import Endpoint, open_async_client
from assistant.core.providers.errors import ProviderError
from assistant.core.providers.events import Delta, Finished, Usage
from assistant.core.providers.retries import backoff
from assistant.core.work.batch_input import InputRow
from assistant.core.work.batch_output import RowResult
from assistant.core.work.batch_plan import BatchPlan
from assistant.core.work.batch_writes import RowSink, SinkCall, TurnWrites
from assistant.core.work.finish import judge
from assistant.core.work.status import RunStatus

if TYPE_CHECKING:
    import openai

_CONTEXT = "batch"
DONE = "done"
FAILED = "failed"
MAX_RATE_LIMIT_WAITS = 12
"""How many 429 answers one row may meet before it fails (each waits the job's backoff)."""
JOB_STOPPING_KINDS = frozenset({"quota", "auth", "forbidden", "not_found", "no_model", "engine"})
"""Failures every row would meet: the job stops instead of failing row after row."""
POLL_SECONDS = 0.05
"""How often the loop looks at Stop and Pause, which other threads set."""


@dataclass(frozen=True)
class RowStarted:
    """Row ``number`` is being sent (again when ``attempt`` > 1)."""

    number: int
    attempt: int


@dataclass(frozen=True)
class RowFinished:
    """A row ended, done or failed."""

    result: RowResult


@dataclass(frozen=True)
class JobNotice:
    """Something the person should read now (the job slows down, or stops)."""

    text: str


BatchEvent = RowStarted | RowFinished | JobNotice


@dataclass
class BatchSummary:
    """What a run of the job did."""

    done: int = 0
    failed: int = 0
    left: int = 0
    """Rows not run (the job was stopped)."""
    tokens: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    requests: int = 0
    elapsed_s: float = 0.0
    stopped: str = ""
    """Why the job stopped early ('' when it ran to its end)."""


class SharedBackoff:
    """One wait for the whole job: a 429's Retry-After holds every worker until it passes."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until = 0.0
        self._lock = threading.Lock()

    def hold(self, seconds: float) -> bool:
        """No request leaves for ``seconds`` from now; True when this starts a wait or makes it
        a second or more longer (worth saying), False for the echoes of the same 429 storm."""
        with self._lock:
            now = self._clock()
            until = now + seconds
            if until <= self._until:
                return False
            news = self._until <= now or until - self._until >= 1.0
            self._until = until
            return news

    def remaining(self) -> float:
        with self._lock:
            return max(0.0, self._until - self._clock())


class BatchRunner:
    """Runs rows with ``concurrency`` workers; ``run()`` blocks until they are all done or the
    job stops, emitting :data:`BatchEvent` from the job's event loop (the thread that called
    ``run``). ``pause``, ``resume`` and ``stop`` may be called from any thread."""

    def __init__(
        self,
        plan: BatchPlan,
        rows: Iterable[InputRow],
        sink: RowSink,
        emit: Callable[[BatchEvent], None],
        concurrency: int = 4,
        cancel: threading.Event | None = None,
    ) -> None:
        self.plan = plan
        self._rows: deque[InputRow] = deque(rows)
        self._max_retries = 0
        self._endpoint = Endpoint("", "", None)
        self._sink = sink
        self._emit = emit
        self._concurrency = max(1, concurrency)
        self.cancel = cancel or threading.Event()
        """Stop: rows in flight are abandoned (sent again next time)."""
        self._halted = False  # no new rows (the job stopped by itself)
        self._running = threading.Event()
        self._running.set()
        self.backoff = SharedBackoff()
        self.summary = BatchSummary()
        self._writes = TurnWrites(sink)
        self._go: asyncio.Event | None = None
        """Set while workers may take rows (made on the job's loop)."""

    def pause(self) -> None:
        """Rows in flight finish; no new row is sent until :meth:`resume`."""
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def stop(self) -> None:
        """Abandon the rows in flight and send no more."""
        self.cancel.set()
        self._running.set()

    def run(self, endpoint: Endpoint) -> BatchSummary:
        """Run every row against ``endpoint`` (or until stopped); returns the summary."""
        started = time.monotonic()
        self._max_retries = endpoint.max_retries
        self._endpoint = replace(endpoint, max_retries=0)  # every retry goes through this loop
        asyncio.run(self._run_all())
        self.summary.left += len(self._rows)
        self.summary.elapsed_s = time.monotonic() - started
        if self.cancel.is_set() and not self.summary.stopped:
            self.summary.stopped = tr("stopped", _CONTEXT)
        return self.summary

    async def _run_all(self) -> None:
        client = open_async_client(self._endpoint)
        try:
            count = min(self._concurrency, max(1, len(self._rows)))
            self._go = asyncio.Event()
            workers = [asyncio.create_task(self._work(client)) for _ in range(count)]
            watch = asyncio.create_task(self._watch(workers))
            await asyncio.gather(*workers)
            watch.cancel()
        finally:
            self._flush()
            await client.close()

    async def _watch(self, workers: list[asyncio.Task[None]]) -> None:
        """Resume and Stop, set from another thread, wake the paused workers (so does the job
        stopping by itself: nothing is left for them); Stop cancels them (and their requests)."""
        assert self._go is not None
        while not self.cancel.is_set():
            if self._running.is_set() or self._halted:
                self._go.set()
            await asyncio.sleep(POLL_SECONDS)
        self._go.set()
        for worker in workers:
            worker.cancel()

    # -- workers ---------------------------------------------------------------------------------
    async def _work(self, client: openai.AsyncOpenAI) -> None:
        row: InputRow | None = None
        try:
            while True:
                row = None
                while not (self._running.is_set() or self.cancel.is_set() or self._halted):
                    assert self._go is not None
                    self._go.clear()  # paused: wait (without polling) until the watch says go
                    await self._go.wait()
                if self.cancel.is_set() or self._halted or not self._rows:
                    return
                row = self._rows.popleft()
                await self._run_row(row, client)
        except asyncio.CancelledError:  # Stop: the row in flight goes back to the queue
            if row is not None:
                self._give_back(row)
        except Exception as exc:  # a bug outside a request (those fail their row): stop
            self._stop_job(f"{type(exc).__name__}: {exc}")
            if row is not None:
                self._give_back(row)

    async def _run_row(self, row: InputRow, client: openai.AsyncOpenAI) -> None:
        try:
            request = self.plan.request(row)
        except RequestError as exc:
            self._finish(RowResult(row.number, row.values, FAILED, error="; ".join(exc.problems)))
            return
        attempt = rate_waits = 0
        while True:
            while (wait := self.backoff.remaining()) > 0:
                await asyncio.sleep(wait)
            if self.cancel.is_set() or self._halted:
                self._give_back(row)
                return
            self._write("sent", row.number)
            self.summary.requests += 1
            self._emit(RowStarted(row.number, attempt + rate_waits + 1))
            try:
                answer, usage, reasons = await self._send(request, client)
            except ProviderError as exc:
                if self.cancel.is_set():
                    self._give_back(row)
                    return
                if exc.kind in JOB_STOPPING_KINDS or (
                    exc.kind == "connection" and attempt >= self._max_retries
                ):
                    self._stop_job(exc.message)
                    self._give_back(row)
                    return
                if exc.kind == "rate_limit" and rate_waits < MAX_RATE_LIMIT_WAITS:
                    self._hold(exc.retry_after or backoff(rate_waits))
                    rate_waits += 1
                    continue
                if exc.retryable and attempt < self._max_retries:
                    await asyncio.sleep(backoff(attempt))
                    attempt += 1
                    continue
                self._finish(RowResult(row.number, row.values, FAILED, error=exc.message))
                return
            except Exception as exc:  # a bug or an unexpected library error: this row fails
                error = tr("Unexpected error: {error}").replace(
                    "{error}", f"{type(exc).__name__}: {exc}"
                )
                self._finish(RowResult(row.number, row.values, FAILED, error=error))
                return
            if self.cancel.is_set():
                self._give_back(row)
                return
            verdict = judge(reasons, self._endpoint.provider_name, request.params.max_tokens)
            if verdict.status == RunStatus.CUT_SHORT and attempt < self._max_retries:
                attempt += 1
                continue
            failed = verdict.status == RunStatus.CUT_SHORT
            self._finish(
                RowResult(
                    row.number,
                    row.values,
                    FAILED if failed else DONE,
                    answer,
                    usage.total_tokens,
                    (verdict.message or "") if failed else "",
                    usage.prompt_tokens,
                    usage.completion_tokens,
                )
            )
            return

    async def _send(
        self, request: GenerationRequest, client: openai.AsyncOpenAI
    ) -> tuple[str, Usage, list[str | None]]:
        """(answer, usage, finish reasons) of one request."""
        parts: list[str] = []
        usage = Usage(0, 0, 0)
        reasons: dict[int, str | None] = {}
        events = astream_chat(
            self._endpoint, request.messages, request.params, request.model, client
        )
        async for event in events:
            if isinstance(event, Delta):
                parts.append(event.text)
            elif isinstance(event, Usage):
                usage = event
            elif isinstance(event, Finished):
                reasons[event.index] = event.reason
        return "".join(parts), usage, [reasons.get(0)]

    def _finish(self, result: RowResult) -> None:
        self._write("finished", result)

    def _give_back(self, row: InputRow) -> None:
        self._write("returned", row.number)
        self.summary.left += 1

    # -- the sink --------------------------------------------------------------------------------
    def _write(self, call: SinkCall, value: object) -> None:
        """Record ``sink.<call>(value)`` with the others of this turn of the loop."""
        if self._writes.add(call, value):
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        """This turn's sink calls in one go, then the rows that finished counted and announced."""
        finished, lost = self._writes.flush()
        if self._writes.failure:
            self._stop_job(self._writes.failure)
        self.summary.left += lost
        for result in finished:
            if result.status == DONE:
                self.summary.done += 1
            else:
                self.summary.failed += 1
            self.summary.tokens += result.tokens
            self.summary.tokens_in += result.prompt_tokens
            self.summary.tokens_out += result.completion_tokens
        for result in finished:
            self._emit(RowFinished(result))

    def _hold(self, seconds: float) -> None:
        if self.backoff.hold(seconds):
            text = tr(
                "{provider} is limiting the request rate (429): the whole job waits {seconds} s.",
                _CONTEXT,
            )
            provider = self._endpoint.provider_name
            seconds_text = str(max(1, round(seconds)))
            self._emit(
                JobNotice(text.replace("{provider}", provider).replace("{seconds}", seconds_text))
            )

    def _stop_job(self, message: str) -> None:
        if self._halted:
            return
        self._halted = True
        self.summary.stopped = message
        text = tr("The job stopped: {message} Rows done so far are kept.", _CONTEXT)
        self._emit(JobNotice(text.replace("{message}", message)))
