"""Quick actions: one-click follow-up instructions that fit the answer's output kind.

Each :class:`QuickAction` has an id (stored with the turn), a label for people (translated
through :func:`~assistant.core.base.i18n.tr` when asked for) and the instruction sent to the
model, always in English (prompt text, like the modes' templates). ``translate`` takes the
target language: ``action.instruction_for(language="German")``. ``explain`` asks a question about
the text instead of rewriting it (its reply does not replace the current version).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from assistant.core.base.i18n import tr

_CONTEXT = "QuickActions"


@dataclass(frozen=True)
class QuickAction:
    """A follow-up a person can pick instead of typing it."""

    id: str
    output: str
    """The output kind it fits: "markdown" (prose) or "code"."""
    source_label: str
    """The label in English; :attr:`label` is its translation."""
    instruction: str
    """Sent to the model as is; ``{language}`` is filled in for ``translate``."""
    kind: str = "instruction"
    """The turn it makes: "instruction" (a new version) or "question" (an answer about it)."""
    needs_language: bool = False

    @property
    def label(self) -> str:
        """The label in the interface language."""
        return _translated_labels().get(self.id, self.source_label)

    def instruction_for(self, language: str = "") -> str:
        """The instruction to send (``language``: the target of ``translate``)."""
        if self.needs_language:
            if not language.strip():
                raise ValueError(f"quick action {self.id!r} needs a language")
            return self.instruction.replace("{language}", language.strip())
        return self.instruction

    def language_of(self, instruction: str) -> str:
        """The language an instruction of this action was made for ("" when it is not one)."""
        head, _, tail = self.instruction.partition("{language}")
        if not self.needs_language or not instruction.startswith(head):
            return ""
        if not instruction.endswith(tail) or len(instruction) <= len(head) + len(tail):
            return ""
        return instruction[len(head) : len(instruction) - len(tail)]


QUICK_ACTIONS: Final[tuple[QuickAction, ...]] = (
    QuickAction(
        "shorter",
        "markdown",
        "Shorter",
        "Make it shorter: keep the key points, cut the rest. Keep the same format.",
    ),
    QuickAction(
        "longer",
        "markdown",
        "Longer",
        "Make it longer: add useful detail and examples, no filler. Keep the same format.",
    ),
    QuickAction(
        "simpler",
        "markdown",
        "Simpler",
        "Make it simpler: plain words, short sentences, easy for anyone to follow.",
    ),
    QuickAction(
        "formal",
        "markdown",
        "More formal",
        "Make the tone more formal and professional. Keep the content.",
    ),
    QuickAction(
        "casual",
        "markdown",
        "More casual",
        "Make the tone more casual and friendly. Keep the content.",
    ),
    QuickAction(
        "fix-grammar",
        "markdown",
        "Fix grammar and spelling",
        "Fix grammar, spelling and punctuation only. Change nothing else.",
    ),
    QuickAction(
        "translate",
        "markdown",
        "Translate to…",
        "Translate it into {language}. Keep the format; reply with the translation only.",
        needs_language=True,
    ),
    QuickAction(
        "add-comments",
        "code",
        "Add comments",
        "Add concise comments that explain the non-obvious parts. Do not change the code itself.",
    ),
    QuickAction(
        "type-hints",
        "code",
        "Add type hints",
        "Add type hints (or type annotations) to the functions and variables where the language "
        "supports them. Do not change the behaviour.",
    ),
    QuickAction(
        "handle-errors",
        "code",
        "Handle errors",
        "Add error handling for the ways this code can fail (bad input, I/O, missing values), "
        "with clear messages. Keep the rest unchanged.",
    ),
    QuickAction(
        "write-tests",
        "code",
        "Write tests",
        "Write unit tests for this code, covering normal cases and edge cases, in the usual test "
        "framework of the language. Reply with the code and its tests.",
    ),
    QuickAction(
        "explain",
        "code",
        "Explain this part",
        "Explain what this code does, step by step, and point out any problems.",
        kind="question",
    ),
)


def _translated_labels() -> dict[str, str]:
    """The labels through ``tr`` (literal calls, so the catalogue extractor finds them)."""
    return {
        "shorter": tr("Shorter", _CONTEXT),
        "longer": tr("Longer", _CONTEXT),
        "simpler": tr("Simpler", _CONTEXT),
        "formal": tr("More formal", _CONTEXT),
        "casual": tr("More casual", _CONTEXT),
        "fix-grammar": tr("Fix grammar and spelling", _CONTEXT),
        "translate": tr("Translate to…", _CONTEXT),
        "add-comments": tr("Add comments", _CONTEXT),
        "type-hints": tr("Add type hints", _CONTEXT),
        "handle-errors": tr("Handle errors", _CONTEXT),
        "write-tests": tr("Write tests", _CONTEXT),
        "explain": tr("Explain this part", _CONTEXT),
    }


def quick_actions(output: str) -> tuple[QuickAction, ...]:
    """The quick actions that fit an answer of this output kind ("markdown" or "code")."""
    return tuple(action for action in QUICK_ACTIONS if action.output == output)


def quick_action(action_id: str) -> QuickAction | None:
    """The quick action with this id, or None."""
    return next((action for action in QUICK_ACTIONS if action.id == action_id), None)
