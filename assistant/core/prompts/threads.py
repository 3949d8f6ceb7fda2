"""The model of a thread: what the person asked (turns) and the versions of the answer.

API note (for views and the CLI):

- A history record is a :class:`Thread`. Turn 0 is the original request (the record's own
  messages); version 1 is the record's answer. Every follow-up adds a :class:`Turn` (the
  instruction, optionally a :class:`Selection` of the version it was asked about) and the reply
  makes a new :class:`Version` numbered 2, 3, … across the whole thread. ``Thread.current`` is
  the version shown and followed up on; any version can be made current again.
- ``Thread.messages_for(k)`` is the conversation that led to version ``k``: the first request's
  messages (system, user), then for each version on the way ``assistant`` (what the model
  wrote) and the next turn's ``user`` message, ending with ``assistant`` = version ``k``. The
  request builder (:func:`assistant.core.prompts.request.build_follow_up`) appends the new
  instruction to it.
- Read a thread with ``ThreadStore(history).thread(record_id)``
  (:mod:`assistant.core.storage.threads`); a follow-up's :class:`FollowUp` travels on its
  ``GenerationRequest.follow_up`` and ``ThreadStore.recorder(...)`` stores it as the next version.

Turn kinds: ``instruction`` (rewrite the whole answer), ``selection`` (rewrite only the selected
span; the reply is spliced into the base version, see :mod:`.selection`), ``question`` (an answer
about the text, e.g. "explain this part": a version of the thread that does not become current).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

TurnKind = Literal["request", "instruction", "selection", "question"]
TURN_KINDS: Final[tuple[str, ...]] = ("request", "instruction", "selection", "question")


@dataclass(frozen=True)
class Selection:
    """A span ``[start, end)`` of a version's text, in Python string indices (code points)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"not a span: {self.start}..{self.end}")

    def of(self, text: str) -> str:
        """The selected part of ``text``."""
        if self.end > len(text):
            raise ValueError(f"span {self.start}..{self.end} is outside a text of {len(text)}")
        return text[self.start : self.end]


@dataclass(frozen=True)
class Turn:
    """What the person asked: the original request (number 0) or a follow-up."""

    number: int
    kind: str
    instruction: str
    """What the person typed (or the quick action's instruction); '' for the original request."""
    sent: str
    """The user message as sent to the model (turn 0: the original user message)."""
    base_version: int | None = None
    """The version the follow-up was asked about (None for turn 0)."""
    selection: Selection | None = None
    action: str = ""
    """The quick action's id when one was picked."""
    created_at: float = 0.0


@dataclass(frozen=True)
class Version:
    """One version of the answer, made by a turn."""

    number: int
    turn: int
    text: str
    """The whole answer of this version (for a selection turn: the base with the span replaced)."""
    reply: str
    """What the model wrote (differs from ``text`` only for a selection turn)."""
    status: str
    error: str | None = None
    provider: str = ""
    model: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    created_at: float = 0.0


@dataclass(frozen=True)
class FollowUp:
    """The turn a follow-up request will add to record ``record_id`` (see ``ThreadStore``)."""

    record_id: int
    kind: str
    instruction: str
    sent: str
    base_version: int
    base_text: str
    """The text of the base version (a selection reply is spliced into it)."""
    selection: Selection | None = None
    action: str = ""
    turn: int | None = None
    """An existing turn to answer again (Regenerate); None adds a new turn."""
    continues: int | None = None
    """A version to go on writing (Continue after a crash or a cut): no new version is made."""


@dataclass(frozen=True)
class Thread:
    """A history record as a conversation: its turns, its versions and the current one."""

    record_id: int
    mode: str
    messages: list[dict[str, Any]]
    """The first request's messages exactly as sent (system prompt, original user message)."""
    turns: list[Turn]
    versions: list[Version]
    current: int = 1

    def version(self, number: int) -> Version:
        """Version ``number`` (1-based); raises KeyError if there is none."""
        for version in self.versions:
            if version.number == number:
                return version
        raise KeyError(number)

    def turn(self, number: int) -> Turn:
        """Turn ``number`` (0 = the original request); raises KeyError if there is none."""
        for turn in self.turns:
            if turn.number == number:
                return turn
        raise KeyError(number)

    @property
    def current_version(self) -> Version:
        return self.version(self.current)

    @property
    def system_prompt(self) -> str:
        """The first request's system prompt ('' when it had none)."""
        return next((str(m["content"]) for m in self.messages if m.get("role") == "system"), "")

    def path(self, number: int) -> list[Version]:
        """The versions that led to version ``number``, oldest first, ending with it."""
        chain: list[Version] = []
        seen: set[int] = set()
        current: int | None = number
        while current is not None and current not in seen:
            seen.add(current)
            version = self.version(current)
            chain.append(version)
            current = self.turn(version.turn).base_version
        return chain[::-1]

    def exchanges(self, number: int | None = None) -> list[tuple[Turn, Version]]:
        """(turn, version) pairs of the conversation that led to version ``number`` (current)."""
        return [
            (self.turn(v.turn), v) for v in self.path(self.current if number is None else number)
        ]

    def messages_for(self, number: int | None = None) -> list[dict[str, Any]]:
        """The chat messages ending with the model's version ``number`` (default: the current)."""
        messages = [dict(message) for message in self.messages]
        for turn, version in self.exchanges(number):
            if turn.number != 0:
                messages.append({"role": "user", "content": turn.sent})
            messages.append({"role": "assistant", "content": version.reply})
        return messages

    @property
    def next_version(self) -> int:
        return max((v.number for v in self.versions), default=0) + 1

    @property
    def next_turn(self) -> int:
        return max((t.number for t in self.turns), default=-1) + 1
