"""One request to several models at once: the column requests and running them together.

A comparison is a set of runs started together, one per :class:`Contender` (a provider profile
and a model), each with the same messages and parameters. :func:`column_requests` makes their
requests from one built request; :func:`run_together` carries them out at once in threads (the
CLI; the window uses its controller's pool), each run with its own cancel, so one can be stopped
or fail while the others go on. The history side is
:class:`assistant.core.storage.comparisons.ComparisonRecorder` (one record for all).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.core.base.i18n import tr
from assistant.core.prompts.request import GenerationRequest
from assistant.core.providers.events import Usage
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.work.events import DoneEvent, RunEvent
from assistant.core.work.generation import GenerationRun
from assistant.core.work.status import RunStatus


@dataclass(frozen=True)
class Contender:
    """Where one column's request goes: a profile and a model ('' = the profile's)."""

    profile: ProviderProfile
    model: str = ""

    @property
    def model_name(self) -> str:
        return self.model or self.profile.model

    @property
    def label(self) -> str:
        """``PROFILE (MODEL)``, as the CLI's header and the column's title say it."""
        return f"{self.profile.name} ({self.model_name or tr('default model')})"


def column_requests(
    request: GenerationRequest, contenders: Sequence[Contender]
) -> list[GenerationRequest]:
    """``request`` sent to each contender: same messages and parameters, one answer each."""
    return [
        replace(
            request,
            profile=contender.profile,
            params=replace(request.params, n=1, model=contender.model),
        )
        for contender in contenders
    ]


def run_together(
    runs: Sequence[GenerationRun],
    emit: Callable[[int, RunEvent], None],
    cancels: Sequence[threading.Event],
) -> list[DoneEvent]:
    """Carry ``runs`` out at once; ``emit(column, event)`` is called from their threads.

    Returns each run's final event, in column order. Setting ``cancels[k]`` stops run k only.
    """
    results: list[DoneEvent | None] = [None] * len(runs)

    def carry(column: int) -> None:
        try:
            results[column] = runs[column].run(lambda event: emit(column, event), cancels[column])
        except Exception as exc:  # a bug: the column fails, the others go on
            done = failed_done(exc)
            results[column] = done
            emit(column, done)

    threads = [
        threading.Thread(target=carry, args=(column,), name=f"compare-{column}", daemon=True)
        for column in range(len(runs))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(0.1)  # short waits: Ctrl+C reaches the main thread meanwhile
    return [done or failed_done(RuntimeError("no final event")) for done in results]


def failed_done(error: BaseException) -> DoneEvent:
    """The final event of a column whose run died of a bug."""
    message = tr("Unexpected error: {error}").replace("{error}", f"{type(error).__name__}: {error}")
    return DoneEvent(RunStatus.FAILED, [""], None, message, "internal", None, 0.0, None)


def tokens_per_second(done: DoneEvent) -> float | None:
    """Completion tokens per second after the first token (None when not known)."""
    usage: Usage | None = done.usage
    if usage is None or done.first_token_s is None:
        return None
    span = done.elapsed_s - done.first_token_s
    return usage.completion_tokens / span if span > 0 and usage.completion_tokens else None


def figures_text(
    first_token_s: float | None, tokens_per_s: float | None, tokens: int | None, cost: str = ""
) -> str:
    """A column's figures: "first token 0.35 s · 41.2 tok/s · 180 tokens · $0.0012"."""
    parts = []
    if first_token_s is not None:
        parts.append(tr("first token {0} s").replace("{0}", f"{first_token_s:.2f}"))
    if tokens_per_s:
        parts.append(tr("{0} tok/s").replace("{0}", f"{tokens_per_s:.1f}"))
    if tokens is not None:
        parts.append(tr("{0} tokens").replace("{0}", str(tokens)))
    if cost:
        parts.append(cost)
    return " · ".join(parts)
