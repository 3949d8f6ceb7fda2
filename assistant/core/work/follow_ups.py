"""Going on with a thread: Continue / Regenerate of a follow-up version, and what a thread costs
in the model's context window (the context meter and its remedies).

API note: :func:`continue_version` (after a crash or a cut) and :func:`regenerate_version`
return ``GenerationRequest``\\ s for ``GenerationRun`` with the history's
``ThreadStore.recorder(request.follow_up)``. :func:`thread_usage` is the meter's figure (exact
for the built-in engine through its tokenizer, estimated elsewhere, see
``core.providers.tokens``); :func:`overflow` says before sending whether the next turn fits, and
the two remedies are :func:`drop_oldest` (a shorter thread to send) and
:func:`summary_request` (ask the model to summarise the oldest turns).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant.core.base.i18n import tr
from assistant.core.prompts.modes import Mode
from assistant.core.prompts.request import GenerationRequest, build_follow_up
from assistant.core.prompts.threads import Thread
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.providers.tokens import (
    REPLY_PRIMING,
    TokenCounter,
    context_window,
    estimate_tokens,
)
from assistant.core.work.generation import continuation

SUMMARY_INSTRUCTION = (
    "Summarise the conversation so far in a few short paragraphs: what was asked, what was "
    "decided, and the facts, names, figures and code that later answers need. Reply with the "
    "summary only."
)
SUMMARY_NOTE = "Summary of the earlier conversation:\n\n{summary}"


def regenerate_version(
    mode: Mode,
    thread: Thread,
    number: int,
    profile: ProviderProfile,
    parameters: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> GenerationRequest:
    """The turn that made version ``number``, asked again (a new version of the same turn)."""
    version = thread.version(number)
    turn = thread.turn(version.turn)
    if turn.number == 0 or turn.base_version is None:
        raise ValueError("the original request is regenerated as a new run, not a follow-up")
    request = build_follow_up(
        mode,
        thread,
        turn.instruction,
        profile,
        parameters,
        overrides,
        base_version=turn.base_version,
        selection=turn.selection,
        kind=turn.kind,
        action=turn.action,
    )
    return _same_turn(request, turn.number, turn.sent)


def continue_version(
    mode: Mode,
    thread: Thread,
    number: int,
    profile: ProviderProfile,
    parameters: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> GenerationRequest:
    """A request that goes on writing version ``number`` from where its text stopped."""
    version = thread.version(number)
    request = regenerate_version(mode, thread, number, profile, parameters, overrides)
    going_on = continuation(request, version.reply)
    assert going_on.follow_up is not None
    return replace(going_on, follow_up=replace(going_on.follow_up, continues=number))


def _same_turn(request: GenerationRequest, turn: int, sent: str) -> GenerationRequest:
    """``request`` sending exactly what turn ``turn`` sent, stored under that turn."""
    assert request.follow_up is not None
    messages = [*request.messages[:-1], {"role": "user", "content": sent}]
    follow_up = replace(request.follow_up, turn=turn, sent=sent)
    return replace(request, messages=messages, follow_up=follow_up)


# --- the context meter --------------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadUsage:
    """Tokens the thread's messages take of the model's window (``window`` None: unknown)."""

    used: int
    window: int | None
    exact: bool
    """Counted by the model's own tokenizer (the built-in engine) rather than estimated."""

    @property
    def fraction(self) -> float | None:
        """Share of the window used (None when the window is unknown)."""
        return None if not self.window else self.used / self.window


@dataclass(frozen=True)
class Overflow:
    """The next turn does not fit: ``excess`` tokens too many; drop ``drop`` oldest exchanges
    (0: even dropping every earlier exchange is not enough)."""

    needed: int
    window: int
    excess: int
    drop: int

    def message(self) -> str:
        """What the app says before sending (never silently)."""
        text = tr(
            "The conversation needs about {needed} tokens with the answer budget; the model "
            "reads at most {window}. Drop or summarise the oldest turns, or start a new thread.",
            "FollowUps",
        )
        return text.replace("{needed}", f"{self.needed:,}").replace("{window}", f"{self.window:,}")


def thread_usage(
    messages: Sequence[Mapping[str, Any]],
    profile: ProviderProfile,
    model: str,
    engine: TokenCounter | None = None,
    configured: int | None = None,
) -> ThreadUsage:
    """Tokens of ``messages`` (a thread's, see ``Thread.messages_for``) against the window."""
    counter = engine if profile.is_builtin and engine is not None else None
    exact = counter is not None and counter.context_window is not None
    used = estimate_tokens(messages, model, counter)
    return ThreadUsage(used, context_window(profile, engine, configured), exact)


def overflow(
    request: GenerationRequest,
    engine: TokenCounter | None = None,
    configured: int | None = None,
) -> Overflow | None:
    """None when the request (the thread plus the new turn) and its answer budget fit the window
    (or the window is unknown); else how much is over and how many exchanges to drop."""
    window = context_window(request.profile, engine, configured)
    if window is None:
        return None
    counter = engine if request.profile.is_builtin else None
    budget = max(0, request.params.max_tokens)
    # Each message is counted once (the engine's tokenizer is a round trip per message).
    costs = [estimate_tokens([m], request.model, counter) - REPLY_PRIMING for m in request.messages]
    needed = REPLY_PRIMING + sum(costs) + budget
    if needed <= window:
        return None
    drop, left = 0, needed
    first = 1 if request.messages and request.messages[0].get("role") == "system" else 0
    dropped = first
    for count, answer in enumerate(_exchanges(request.messages), start=1):
        left -= sum(costs[dropped : answer + 1])
        dropped = answer + 1
        if left <= window:
            drop = count
            break
    return Overflow(needed, window, needed - window, drop)


def _exchanges(messages: Sequence[Mapping[str, Any]]) -> list[int]:
    """Indexes of the assistant messages before the new turn: dropping the k oldest exchanges
    drops everything up to the k-th of them (the system prompt and the new turn stay)."""
    return [i for i, m in enumerate(messages[:-1]) if m.get("role") == "assistant"]


def drop_oldest(messages: Sequence[Mapping[str, Any]], count: int) -> list[dict[str, Any]]:
    """``messages`` without the ``count`` oldest exchanges (a user message and the model's reply);
    the system prompt and the new turn stay."""
    listed = [dict(m) for m in messages]
    system = [m for m in listed[:1] if m.get("role") == "system"]
    rest = listed[len(system) :]
    for _ in range(count):
        answer = next((i for i, m in enumerate(rest[:-1]) if m.get("role") == "assistant"), None)
        if answer is None:
            break
        rest = rest[answer + 1 :]
    return system + rest


def summary_request(
    request: GenerationRequest, count: int
) -> tuple[GenerationRequest, list[dict[str, Any]]]:
    """A request asking the model to summarise the ``count`` oldest exchanges of ``request``,
    and the messages those exchanges were (to be replaced by :func:`with_summary`)."""
    listed = [dict(m) for m in request.messages]
    system = [m for m in listed[:1] if m.get("role") == "system"]
    rest = listed[len(system) :]
    kept = drop_oldest(listed, count)[len(system) :]
    oldest = rest[: len(rest) - len(kept)]
    messages = [*system, *oldest, {"role": "user", "content": SUMMARY_INSTRUCTION}]
    summarise = GenerationRequest(
        request.mode_id, request.fields, messages, request.profile, request.params.merged(n=1)
    )
    return summarise, oldest


def with_summary(request: GenerationRequest, count: int, summary: str) -> GenerationRequest:
    """``request`` with its ``count`` oldest exchanges replaced by ``summary`` (a user note)."""
    listed = drop_oldest(request.messages, count)
    system = [m for m in listed[:1] if m.get("role") == "system"]
    note = {"role": "user", "content": SUMMARY_NOTE.format(summary=summary)}
    rest = listed[len(system) :]
    if rest and rest[0].get("role") == "user":  # keep the roles alternating: merge into it
        rest[0] = {"role": "user", "content": note["content"] + "\n\n" + str(rest[0]["content"])}
        return replace(request, messages=[*system, *rest])
    return replace(request, messages=[*system, note, *rest])
