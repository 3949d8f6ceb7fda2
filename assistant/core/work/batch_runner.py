"""Running a batch job: N rows at a time through the one client, with one backoff for the job.

Each worker thread takes the next row, builds its request with the plan (the one request
builder), streams it with :func:`assistant.core.providers.client.stream_chat` over one shared SDK
client (made once per job, not per row), and hands the result to the sink as soon as the row ends.
The SDK retries nothing (``max_retries=0`` on the endpoint): this loop does, so that a 429 with
Retry-After holds *every* worker (:class:`SharedBackoff`: the whole job slows down), other
passing failures (5xx, timeouts, dropped streams, cut-short answers) are retried per row with
backoff, and failures that every row would meet (no quota left, bad key, unknown model, no
server) stop the job with their message while what is done stays done. Pause lets rows in flight
finish and sends no new ones; Stop also abandons the rows in flight (they are sent again later).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from assistant.core.base.i18n import tr
from assistant.core.prompts.request import GenerationRequest, RequestError
from assistant.core.providers.client import Delta, Finished, Usage, stream_chat
from assistant.core.providers.connection import Endpoint, open_client
from assistant.core.providers.errors import ProviderError
from assistant.core.providers.retries import backoff
from assistant.core.work.batch_input import InputRow
from assistant.core.work.batch_output import RowResult
from assistant.core.work.batch_plan import BatchPlan
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


class RowSink(Protocol):
    """Where the runner records rows as they go (the job state and output file, or nothing)."""

    def sent(self, number: int) -> None: ...

    def returned(self, number: int) -> None: ...

    def finished(self, result: RowResult) -> None: ...


class NullSink:
    """Records nothing (the window keeps rows in its own model)."""

    def sent(self, number: int) -> None:
        """Nothing to record."""

    def returned(self, number: int) -> None:
        """Nothing to record."""

    def finished(self, result: RowResult) -> None:
        """Nothing to record."""


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

    def wait(self, cancel: threading.Event) -> None:
        """Block until no hold is left (or ``cancel`` is set)."""
        while (left := self.remaining()) > 0 and not cancel.is_set():
            cancel.wait(min(left, 0.25))


class BatchRunner:
    """Runs rows with ``concurrency`` workers; ``run()`` blocks until they are all done or the
    job stops, emitting :data:`BatchEvent` from the worker threads."""

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
        self._rows: queue.SimpleQueue[InputRow] = queue.SimpleQueue()
        for row in rows:
            self._rows.put(row)
        self._max_retries = 0
        self._endpoint = Endpoint("", "", None)
        self._sink = sink
        self._emit = emit
        self._concurrency = max(1, concurrency)
        self.cancel = cancel or threading.Event()
        """Stop: rows in flight are abandoned (sent again next time)."""
        self._halt = threading.Event()  # no new rows (the job stopped by itself)
        self._running = threading.Event()
        self._running.set()
        self.backoff = SharedBackoff()
        self.summary = BatchSummary()
        self._lock = threading.Lock()

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
        client = open_client(self._endpoint)
        try:
            workers = [
                threading.Thread(target=self._work, args=(client,), name=f"batch-{i}", daemon=True)
                for i in range(min(self._concurrency, max(1, self._rows.qsize())))
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        finally:
            client.close()
        self.summary.left = self._rows.qsize() + self.summary.left
        self.summary.elapsed_s = time.monotonic() - started
        if self.cancel.is_set() and not self.summary.stopped:
            self.summary.stopped = tr("stopped", _CONTEXT)
        return self.summary

    # -- workers ---------------------------------------------------------------------------------
    def _work(self, client: openai.OpenAI) -> None:
        while True:
            while not self._running.is_set() and not self.cancel.is_set():
                self._running.wait(0.25)
            if self.cancel.is_set() or self._halt.is_set():
                return
            try:
                row = self._rows.get_nowait()
            except queue.Empty:
                return
            try:
                self._run_row(row, client)
            except Exception as exc:  # the output or the state cannot be written (disk full…)
                self._stop_job(f"{type(exc).__name__}: {exc}")
                with self._lock:
                    self.summary.left += 1
                return

    def _run_row(self, row: InputRow, client: openai.OpenAI) -> None:
        try:
            request = self.plan.request(row)
        except RequestError as exc:
            self._finish(RowResult(row.number, row.values, FAILED, error="; ".join(exc.problems)))
            return
        attempt = rate_waits = 0
        while True:
            self.backoff.wait(self.cancel)
            if self.cancel.is_set() or self._halt.is_set():
                self._give_back(row)
                return
            self._sink.sent(row.number)
            with self._lock:
                self.summary.requests += 1
            self._emit(RowStarted(row.number, attempt + rate_waits + 1))
            try:
                answer, usage, reasons = self._send(request, client)
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
                    self.cancel.wait(backoff(attempt))
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

    def _send(
        self, request: GenerationRequest, client: openai.OpenAI
    ) -> tuple[str, Usage, list[str | None]]:
        """(answer, usage, finish reasons) of one request."""
        parts: list[str] = []
        usage = Usage(0, 0, 0)
        reasons: dict[int, str | None] = {}
        events = stream_chat(
            self._endpoint,
            request.messages,
            request.params.merged(n=1),
            request.model,
            self.cancel,
            client=client,
        )
        for event in events:
            if isinstance(event, Delta):
                parts.append(event.text)
            elif isinstance(event, Usage):
                usage = event
            elif isinstance(event, Finished):
                reasons[event.index] = event.reason
        return "".join(parts), usage, [reasons.get(0)]

    def _finish(self, result: RowResult) -> None:
        self._sink.finished(result)
        with self._lock:
            if result.status == DONE:
                self.summary.done += 1
            else:
                self.summary.failed += 1
            self.summary.tokens += result.tokens
            self.summary.tokens_in += result.prompt_tokens
            self.summary.tokens_out += result.completion_tokens
        self._emit(RowFinished(result))

    def _give_back(self, row: InputRow) -> None:
        self._sink.returned(row.number)
        with self._lock:
            self.summary.left += 1

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
        with self._lock:
            first = not self._halt.is_set()
            self._halt.set()
            if first:
                self.summary.stopped = message
        if first:
            text = tr("The job stopped: {message} Rows done so far are kept.", _CONTEXT)
            self._emit(JobNotice(text.replace("{message}", message)))
