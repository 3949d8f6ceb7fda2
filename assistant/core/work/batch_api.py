"""A batch job through the OpenAI Batch API: upload, create, poll, download, merge by row.

Every row's request (from the one request builder) becomes one line of a JSONL file with
``custom_id`` ``row-N``; the file is uploaded (``purpose="batch"``), a batch is created on
``/v1/chat/completions``, and its id goes into the job state at once, so a job started again polls
the same batch instead of paying for a second one. Polling starts at once, then every second for
ten polls, then the wait doubles up to ``poll_max``; each status is reported
(:class:`BatchApiStatus`). When the batch ends, the output and error files are downloaded and
merged into the job's output by ``custom_id`` (a line per row, done or failed). Rows the provider
never answered (an expired batch) stay to be sent: the batch id is then cleared so the next run
sends them in a new batch.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from assistant.core.base.i18n import tr
from assistant.core.prompts.request import GenerationRequest, RequestError
from assistant.core.providers.connection import Endpoint, error_context, open_client
from assistant.core.providers.errors import ProviderError, provider_error
from assistant.core.providers.retries import RetryWaitCancelled, call_with_retries
from assistant.core.work.batch_input import InputRow
from assistant.core.work.batch_output import RowResult
from assistant.core.work.batch_plan import BatchPlan
from assistant.core.work.batch_runner import (
    DONE,
    FAILED,
    BatchEvent,
    BatchSummary,
    JobNotice,
    RowFinished,
)
from assistant.core.work.batch_state import JobState
from assistant.core.work.batch_writes import RowSink
from assistant.core.work.finish import judge
from assistant.core.work.status import RunStatus

_CONTEXT = "batch"
CHAT_PATH = "/v1/chat/completions"
ENDED = frozenset({"completed", "failed", "expired", "cancelled"})
QUICK_POLLS = 10
"""Polls a second apart before the wait doubles (up to ``poll_max``)."""


@dataclass(frozen=True)
class BatchApiStatus:
    """The provider's batch, as last polled."""

    batch_id: str
    status: str
    completed: int
    failed: int
    total: int


def custom_id(number: int) -> str:
    return f"row-{number}"


def request_line(number: int, request: GenerationRequest) -> dict[str, Any]:
    """The Batch API line of one row's request."""
    params = request.params
    body: dict[str, Any] = {
        "model": request.model,
        "messages": request.messages,
        "temperature": params.temperature,
        "max_tokens": params.max_tokens,
        "top_p": params.top_p,
    }
    if params.stop:
        body["stop"] = list(params.stop)
    return {"custom_id": custom_id(number), "method": "POST", "url": CHAT_PATH, "body": body}


class BatchApiJob:
    """Runs a job's pending rows as one provider batch (or resumes the one in the job state)."""

    def __init__(
        self,
        plan: BatchPlan,
        rows: Iterable[InputRow],
        endpoint: Endpoint,
        sink: RowSink,
        state: JobState,
        emit: Callable[[BatchEvent | BatchApiStatus], None],
    ) -> None:
        self.plan = plan
        self.rows = {row.number: row for row in rows}
        self.endpoint = endpoint
        self.sink = sink
        self.state = state
        self.emit = emit
        self.summary = BatchSummary()
        self._ctx = error_context(endpoint, plan.profile.model)

    def run(self, cancel: threading.Event, poll_max: float = 30.0) -> BatchSummary:
        """Create (or find again) the batch, poll it to its end and merge its results."""
        started = time.monotonic()
        client = open_client(self.endpoint)
        try:
            batch_id = self.state.batch_id
            if batch_id is None and self.rows:
                batch_id = self._create(client, cancel)
            if batch_id is not None and not cancel.is_set():
                batch = self._poll(client, batch_id, cancel, poll_max)
                if batch is not None:
                    self._merge(client, batch)
        except RetryWaitCancelled:
            pass
        except ProviderError as exc:
            self._stop(exc.message)
        finally:
            client.close()
        self.summary.left = len(self.rows)
        self.summary.elapsed_s = time.monotonic() - started
        if cancel.is_set() and not self.summary.stopped:
            self.summary.stopped = tr("stopped", _CONTEXT)
        return self.summary

    # -- steps -------------------------------------------------------------------------------------
    def _create(self, client: Any, cancel: threading.Event) -> str | None:
        lines = []
        for number, row in sorted(self.rows.items()):
            try:
                lines.append(request_line(number, self.plan.request(row)))
            except RequestError as exc:
                self._finish(RowResult(number, row.values, FAILED, error="; ".join(exc.problems)))
        if not lines:
            return None
        data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
        try:
            uploaded = self._call(
                lambda: client.files.create(file=("batch.jsonl", data), purpose="batch"), cancel
            )
            batch = self._call(
                lambda: client.batches.create(
                    input_file_id=uploaded.id,
                    endpoint=CHAT_PATH,
                    completion_window="24h",
                    metadata={"tool": "assistant batch", "mode": self.plan.mode.id},
                ),
                cancel,
            )
        except ProviderError as exc:
            if exc.status not in (404, 405):
                raise
            text = tr(
                "{provider} offers no Batch API (HTTP {status} for its files and batches). "
                "Run without --via batch-api to send the rows one by one.",
                _CONTEXT,
            )
            provider = self.endpoint.provider_name
            message = text.replace("{provider}", provider).replace("{status}", str(exc.status))
            raise ProviderError("not_found", message, provider=provider) from exc
        self.state.set_batch_id(str(batch.id))
        for line in lines:
            self.sink.sent(int(line["custom_id"].removeprefix("row-")))
        text = tr("batch {id} created with {count} requests", _CONTEXT)
        self.emit(
            JobNotice(text.replace("{id}", str(batch.id)).replace("{count}", str(len(lines))))
        )
        return str(batch.id)

    def _poll(self, client: Any, batch_id: str, cancel: threading.Event, poll_max: float) -> Any:
        wait, polls = 1.0, 0
        while True:
            batch = self._call(lambda: client.batches.retrieve(batch_id), cancel)
            counts = batch.request_counts
            self.emit(
                BatchApiStatus(
                    batch_id,
                    str(batch.status),
                    int(getattr(counts, "completed", 0) or 0),
                    int(getattr(counts, "failed", 0) or 0),
                    int(getattr(counts, "total", 0) or 0),
                )
            )
            if batch.status in ENDED:
                return batch
            polls += 1
            if cancel.wait(min(wait, poll_max)):
                return None
            if polls >= QUICK_POLLS:  # a batch that is not done quickly may take hours
                wait *= 2

    def _merge(self, client: Any, batch: Any) -> None:
        if batch.status == "failed" and not batch.output_file_id:
            errors = getattr(batch.errors, "data", None) or []
            reasons = "; ".join(str(getattr(e, "message", e)) for e in errors) or str(batch.status)
            self.state.set_batch_id(None)
            text = tr("the provider refused the batch: {reasons}", _CONTEXT)
            self._stop(text.replace("{reasons}", reasons))
            return
        for file_id in (batch.output_file_id, batch.error_file_id):
            if file_id:
                content = self._download(client, str(file_id))
                for line in content.text.splitlines():
                    if line.strip():
                        self._merge_line(json.loads(line))
        self.state.set_batch_id(None)  # rows still pending go into a new batch next time
        if self.rows and batch.status != "completed":
            text = tr("the batch ended as {status}; {count} rows were not answered", _CONTEXT)
            self._stop(
                text.replace("{status}", str(batch.status)).replace("{count}", str(len(self.rows)))
            )

    def _merge_line(self, line: dict[str, Any]) -> None:
        number = int(str(line.get("custom_id", "")).removeprefix("row-") or 0)
        row = self.rows.get(number)
        if row is None:
            return  # not ours, or merged already
        response = line.get("response") or {}
        body = response.get("body") or {}
        status = int(response.get("status_code") or 0)
        if status == 200 and body.get("choices"):
            choice = body["choices"][0]
            answer = str((choice.get("message") or {}).get("content") or "")
            usage = body.get("usage") or {}
            verdict = judge([choice.get("finish_reason")], self.endpoint.provider_name, 0)
            failed = verdict.status == RunStatus.CUT_SHORT
            result = RowResult(
                number,
                row.values,
                FAILED if failed else DONE,
                answer,
                int(usage.get("total_tokens") or 0),
                (verdict.message or "") if failed else "",
                int(usage.get("prompt_tokens") or 0),
                int(usage.get("completion_tokens") or 0),
            )
        else:
            error = body.get("error") or line.get("error") or {}
            message = str(error.get("message") or error) if error else f"HTTP {status}"
            text = tr(
                "the provider answered this row with an error ({status}): {message}", _CONTEXT
            )
            result = RowResult(
                number,
                row.values,
                FAILED,
                error=text.replace("{status}", str(status)).replace("{message}", message),
            )
        self._finish(result)

    # -- helpers -----------------------------------------------------------------------------------
    def _download(self, client: Any, file_id: str) -> Any:
        return self._call(lambda: client.files.content(file_id), None)

    def _call(self, send: Callable[[], Any], cancel: threading.Event | None) -> Any:
        try:
            return call_with_retries(
                lambda attempt: send(), self.endpoint.max_retries, cancel or threading.Event()
            )
        except (ProviderError, RetryWaitCancelled):
            raise
        except Exception as exc:
            raise provider_error(exc, self._ctx) from exc

    def _finish(self, result: RowResult) -> None:
        self.rows.pop(result.number, None)
        self.sink.finished(result)
        if result.status == DONE:
            self.summary.done += 1
        else:
            self.summary.failed += 1
        self.summary.tokens += result.tokens
        self.summary.tokens_in += result.prompt_tokens
        self.summary.tokens_out += result.completion_tokens
        self.emit(RowFinished(result))

    def _stop(self, message: str) -> None:
        self.summary.stopped = message
        text = tr("The job stopped: {message} Rows done so far are kept.", _CONTEXT)
        self.emit(JobNotice(text.replace("{message}", message)))
