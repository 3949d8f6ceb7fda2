"""One generation from start to end, shared by the GUI worker and the CLI.

``GenerationRun.run`` resolves the provider to an endpoint (starting the built-in engine if needed),
streams the answer, reports progress through a callback, and records everything in the history store
as it happens: streamed text is passed on only once it is saved (see :mod:`.saving`), so if the
process dies the history holds at least everything that was shown.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator
from typing import Any, Protocol

from assistant.core.base.i18n import tr
from assistant.core.prompts.request import GenerationRequest
from assistant.core.providers.client import (
    Delta,
    Endpoint,
    Finished,
    RetryNotice,
    SeparateRequests,
    Usage,
    stream_chat,
)
from assistant.core.providers.errors import ErrorKind, ProviderError
from assistant.core.providers.prices import Cost, run_cost
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.text.loops import RepetitionGuard
from assistant.core.work.events import DoneEvent, ProgressEvent, RunEvent, StatusEvent
from assistant.core.work.finish import judge
from assistant.core.work.saving import SavedBeforeShown
from assistant.core.work.status import RunStatus


class EndpointResolver(Protocol):
    """Turns a provider profile into an endpoint (may block: starts the built-in engine)."""

    def resolve(self, profile: ProviderProfile, on_status: Callable[[str], None]) -> Endpoint: ...


class Recorder(Protocol):
    """The part of the history store a run writes to."""

    def start(
        self,
        mode: str,
        fields: dict[str, Any],
        messages: list[dict[str, str]],
        provider: str,
        base_url: str,
        model: str,
        params: dict[str, Any],
    ) -> int: ...

    def update_answer(self, record_id: int, answers: list[str]) -> None: ...

    def finish(
        self,
        record_id: int,
        status: str,
        usage: dict[str, int | float | str | None] | None = None,
        error: str | None = None,
        timings: dict[str, float | None] | None = None,
        *,
        answers: list[str] | None = None,
    ) -> None: ...


class _Progress:
    """Each variant's text so far, kept as pieces and joined when read (adding a piece to a
    string held in a list copied the whole answer per delta: quadratic in its length)."""

    def __init__(self, answers: list[str]) -> None:
        self._pieces = [[text] for text in answers]
        self.tokens = 0
        self.first_token_s: float | None = None

    @property
    def answers(self) -> list[str]:
        """Each variant's text."""
        for pieces in self._pieces:
            if len(pieces) > 1:
                pieces[:] = ["".join(pieces)]
        return [pieces[0] for pieces in self._pieces]

    def rate(self, elapsed: float) -> float:
        """Tokens per second since the first token (model loading and queueing excluded)."""
        if self.first_token_s is None or self.tokens < 2:
            return 0.0
        span = elapsed - self.first_token_s
        return (self.tokens - 1) / span if span > 0 else 0.0

    def new_text(self, prefix: str) -> list[str]:
        """What this run added to each variant (variant 0 may start with a prefix)."""
        first, *others = self.answers
        return [first[len(prefix) :], *others]

    def add(self, delta: Delta, elapsed: float) -> None:
        while len(self._pieces) <= delta.index:
            self._pieces.append([""])
        self._pieces[delta.index].append(delta.text)
        self.tokens += 1
        if self.first_token_s is None:
            self.first_token_s = elapsed


class GenerationRun:
    """Runs one request to its end; safe to call from a worker thread."""

    def __init__(
        self,
        request: GenerationRequest,
        resolver: EndpointResolver,
        recorder: Recorder | None = None,
        clock: Callable[[], float] = time.monotonic,
        *,
        stop_loops: bool = True,
    ) -> None:
        self.request = request
        self._resolver = resolver
        self._recorder = recorder
        self._clock = clock
        self._stop_loops = stop_loops
        """Stop the request when the answer repeats itself again and again (the loop guard)."""

    def run(
        self,
        emit: Callable[[RunEvent], None],
        cancel: threading.Event,
        pace: Callable[[], None] | None = None,
    ) -> DoneEvent:
        """Stream the answer, calling ``emit`` for every event and ``pace`` (if given) before each
        received one; returns the final event too."""
        request = self.request
        started = self._clock()
        progress = _Progress(answers=[request.prefix] + [""] * (max(1, request.params.n) - 1))
        usage: Usage | None = None
        record_id = self._record_start()
        shown = _Progress(answers=list(progress.answers))  # the text passed on to ``emit``

        def pass_on(event: RunEvent) -> None:
            if isinstance(event, Delta):
                if cancel.is_set():
                    return  # nothing is shown after Stop: a stopped answer is the text shown
                shown.add(event, 0.0)
            emit(event)

        saver: SavedBeforeShown[RunEvent] = SavedBeforeShown(
            lambda: self._record_answer(record_id, progress.answers), pass_on, self._clock
        )
        show = pass_on if record_id is None else saver.add
        status = RunStatus.COMPLETE
        error: str | None = None
        error_kind: ErrorKind | None = None
        notice: str | None = None
        reasons: dict[int, str | None] = {}
        looped = 0  # characters of the answer when the loop guard stopped it
        guard = RepetitionGuard() if self._stop_loops else None
        try:
            endpoint = self._resolver.resolve(request.profile, lambda text: emit(StatusEvent(text)))
            if cancel.is_set():
                raise _Cancelled
            emit(
                StatusEvent(
                    tr("Waiting for {provider}…").replace("{provider}", endpoint.provider_name)
                )
            )

            def on_retry(notice: RetryNotice) -> None:
                emit(StatusEvent(retry_message(notice, endpoint.provider_name)))

            events = stream_chat(
                endpoint, request.messages, request.params, request.model, cancel, on_retry
            )
            try:
                for event in events:
                    if pace is not None:
                        pace()  # per stream event, also while its text waits to be saved
                    now = self._clock()
                    if isinstance(event, Delta):
                        progress.add(event, now - started)
                        show(event)
                        elapsed = now - started
                        show(ProgressEvent(progress.tokens, progress.rate(elapsed), elapsed))
                        if guard and guard.feed(event.text, event.index):
                            looped = len(progress.answers[event.index])
                            if isinstance(events, Generator):
                                events.close()  # closes the response: the server stops too
                            break
                    elif isinstance(event, Usage):
                        usage = event
                        saver.flush()
                        emit(event)
                    elif isinstance(event, Finished):
                        reasons[event.index] = event.reason
                        show(event)  # after the variant's text: a view may print it whole
                    elif isinstance(event, SeparateRequests) and event.reason != "engine":
                        text = separate_message(event.count, endpoint.provider_name)
                        emit(StatusEvent(text, sticky=True))
            except ProviderError as exc:
                if not (exc.kind == "empty" and _nothing_left(request, reasons)):
                    raise
            finally:
                saver.close()
            if cancel.is_set():
                status = RunStatus.STOPPED
            elif looped:
                status, error_kind = RunStatus.CUT_SHORT, "repetition"
                error = repetition_message(looped)
            elif not any(text.strip() for text in progress.new_text(request.prefix)) and not (
                _nothing_left(request, reasons)
            ):
                status, error_kind = RunStatus.FAILED, "empty"
                error = tr("{provider} returned an empty answer. Try again or pick another model.")
                error = error.replace("{provider}", endpoint.provider_name)
            else:
                variants = max(1, request.params.n)
                verdict = judge(
                    [reasons.get(index) for index in range(variants)],
                    endpoint.provider_name,
                    request.params.max_tokens,
                )
                status = verdict.status
                if status == RunStatus.CUT_SHORT:
                    error, error_kind = verdict.message, "cut_short"
                else:
                    notice = verdict.message
        except _Cancelled:
            status = RunStatus.STOPPED
        except ProviderError as exc:
            status = RunStatus.STOPPED if cancel.is_set() else RunStatus.FAILED
            error, error_kind = (None, None) if cancel.is_set() else (exc.message, exc.kind)
        except Exception as exc:  # a bug or an unexpected library error: report, keep the text
            status, error_kind = RunStatus.FAILED, "internal"
            error = tr("Unexpected error: {error}").replace(
                "{error}", f"{type(exc).__name__}: {exc}"
            )
        elapsed = self._clock() - started
        kept = shown if status == RunStatus.STOPPED else progress
        done = DoneEvent(
            status=status,
            answers=list(kept.answers),
            usage=usage,
            error=error,
            error_kind=error_kind,
            record_id=record_id,
            elapsed_s=elapsed,
            first_token_s=progress.first_token_s,
            finish_reasons=tuple(reasons.get(i) for i in range(max(1, request.params.n))),
            notice=notice,
            cost=_cost(request, usage),
        )
        self._record_finish(done)
        emit(done)
        return done

    # --- history -------------------------------------------------------------------------------

    def _record_start(self) -> int | None:
        if self._recorder is None:
            return None
        request = self.request
        try:
            return self._recorder.start(
                mode=request.mode_id,
                fields=request.fields,
                messages=request.messages,
                provider=request.profile.name,
                base_url=request.profile.base_url,
                model=request.model,
                params=request.params.to_dict(),
            )
        except Exception:  # history must never stop a generation
            return None

    def _record_answer(self, record_id: int | None, answers: list[str]) -> None:
        if self._recorder is None or record_id is None:
            return
        try:
            self._recorder.update_answer(record_id, list(answers))
        except Exception:
            return

    def _record_finish(self, done: DoneEvent) -> None:
        if self._recorder is None or done.record_id is None:
            return
        usage: dict[str, int | float | str | None] | None = None
        if done.usage is not None:
            usage = {
                "prompt_tokens": done.usage.prompt_tokens,
                "completion_tokens": done.usage.completion_tokens,
                "total_tokens": done.usage.total_tokens,
                "cached_tokens": done.usage.cached_tokens,
            }
            if done.cost is not None:
                usage |= {"cost": float(done.cost.amount), "currency": done.cost.currency}
        timings = {
            "first_token_ms": None if done.first_token_s is None else done.first_token_s * 1000,
            "total_ms": done.elapsed_s * 1000,
        }
        try:
            self._recorder.finish(
                done.record_id,
                done.status,
                usage,
                done.error or done.notice,
                timings,
                answers=done.answers,
            )
        except Exception:
            return


def _cost(request: GenerationRequest, usage: Usage | None) -> Cost | None:
    """What the run cost by the price table; None when unknown (never fails the run)."""
    try:
        return run_cost(request.profile, request.model, usage)
    except Exception:  # a price table that cannot be read must not fail a generation
        return None


def _nothing_left(request: GenerationRequest, reasons: dict[int, str | None]) -> bool:
    """A Continue the server ended with its finish_reason: no new text means nothing was left."""
    return bool(request.prefix) and reasons.get(0) is not None


def retry_message(notice: RetryNotice, provider: str) -> str:
    """Status line while the SDK waits before retrying."""
    if notice.status:
        text = tr(
            "{provider} is busy (HTTP {status}): retrying in {seconds} s "
            "(attempt {attempt}/{total})…"
        )
    else:  # connection error or timeout
        text = tr("No answer from {provider}: retrying in {seconds} s (attempt {attempt}/{total})…")
    return (
        text.replace("{provider}", provider)
        .replace("{status}", str(notice.status))
        .replace("{seconds}", str(max(1, round(notice.delay))))  # never "retrying in 0 s"
        .replace("{attempt}", str(notice.attempt))
        .replace("{total}", str(notice.max_retries))
    )


def separate_message(count: int, provider: str) -> str:
    """The one status line saying that variants go as separate requests."""
    text = tr("{provider} answers one variant per request: sending {count} requests in parallel.")
    return text.replace("{provider}", provider).replace("{count}", str(count))


def repetition_message(chars: int) -> str:
    """What the loop guard says when it stopped an answer after ``chars`` characters."""
    text = tr("The model started repeating itself; stopped after {chars} characters.")
    return text.replace("{chars}", str(chars))


def continuation(request: GenerationRequest, partial: str) -> GenerationRequest:
    """A request that asks the model to go on from ``partial`` (an interrupted answer)."""
    messages = [
        *request.messages,
        {"role": "assistant", "content": partial},
        {
            "role": "user",
            "content": tr(
                "Continue exactly where your previous answer stopped. Do not repeat anything."
            ),
        },
    ]
    return GenerationRequest(
        request.mode_id,
        request.fields,
        messages,
        request.profile,
        request.params.merged(n=1),
        prefix=partial,
        follow_up=request.follow_up,
    )


class _Cancelled(Exception):
    """Stop was pressed before the request was sent."""
