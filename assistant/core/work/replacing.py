"""Answers that replace the input: what they propose, and whether they may be applied.

A mode whose file says ``answer_replaces = "<field>"`` (``code-fix``, ``code-optimize``:
``code``; ``rewrite``: ``text``) answers with a new version of that field. :func:`proposal` takes
the new version out of the answer (for a code field, its fenced block of the mode's language, else
the longest one; for prose, the answer itself) with the input's line endings and final newline,
so the diff shows only what the model changed. :func:`refusal` says why an answer must not be
applied (cut short, stopped, at Max tokens); :func:`deletes_too_much` says when applying would
remove more than half of the input's lines (then the person confirms first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.core.base.i18n import tr
from assistant.core.prompts.modes import Mode
from assistant.core.text.answers import proposed_block
from assistant.core.text.diffs import deleted_line_share, match_line_endings
from assistant.core.work.finish import hit_max_tokens, was_filtered
from assistant.core.work.status import RunStatus

_CONTEXT = "replacing"
DELETION_SHARE_TO_CONFIRM = 0.5


@dataclass(frozen=True)
class Proposal:
    """The input a run was sent with, and the new version its answer proposes."""

    field: str
    original: str
    proposed: str
    by_lines: bool
    """Code: compared and applied by lines; prose: by words."""
    warning: str = ""
    """Something to know before applying (a code answer without a fenced block)."""


def replaced_field(mode: Mode) -> str | None:
    """The field the mode's answer is a new version of (None: the answer is not one)."""
    return mode.answer_replaces


def proposal(mode: Mode, values: Mapping[str, object], answer: str) -> Proposal | None:
    """What the answer proposes for the mode's replaced field, given the run's input values."""
    name = mode.answer_replaces
    field = mode.field(name) if name else None
    if name is None or field is None:
        return None
    original = str(values.get(name) or "")
    warning = ""
    if field.kind == "code":
        block = proposed_block(answer, mode.code_language(mode.coerce(values)) or "")
        text = block.body if block is not None else answer
        if block is None:
            warning = tr(
                "The answer has no fenced code block: all of it is taken as the new code."
                " Check the changes before applying them.",
                _CONTEXT,
            )
    else:
        text = _without_blank_edges(answer)
    proposed = match_line_endings(text, original)
    if original.startswith("\ufeff") and not proposed.startswith("\ufeff"):
        proposed = "\ufeff" + proposed  # the byte-order mark is not the model's to drop
    return Proposal(name, original, proposed, field.kind == "code", warning)


def _without_blank_edges(text: str) -> str:
    """``text`` without the blank lines (and trailing blanks) a model puts around an answer."""
    lines = text.splitlines(keepends=True)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "".join(lines).rstrip()


def refusal(
    status: str, finish_reasons: Sequence[str | None] = (), notice: str | None = None
) -> str | None:
    """Why an answer with this ending must not be applied, or None when it may be."""
    if status in (RunStatus.QUEUED, RunStatus.STREAMING):
        return tr("The answer is still being written; apply it once it is finished.", _CONTEXT)
    if status == RunStatus.STOPPED:
        return tr(
            "The answer was stopped before it was finished, so it may lack the end of the text:"
            " it is not applied. Regenerate it, or Continue it first.",
            _CONTEXT,
        )
    if status != RunStatus.COMPLETE:
        return tr(
            "The answer was cut short, so it may lack the end of the text: it is not applied."
            " Continue or regenerate it first.",
            _CONTEXT,
        )
    if hit_max_tokens(finish_reasons):
        return tr(
            "The answer stopped at Max tokens, so it may lack the end of the text: it is not"
            " applied. Continue it, or raise Max tokens and regenerate.",
            _CONTEXT,
        )
    if was_filtered(finish_reasons) or notice:
        return tr(
            "The answer did not end by itself ({reason}), so it may lack the end of the text:"
            " it is not applied.",
            _CONTEXT,
        ).format(reason=(notice or "content_filter").rstrip("."))
    return None


def deletes_too_much(original: str, result: str) -> bool:
    """True when ``result`` drops more than half of ``original``'s lines."""
    return deleted_line_share(original, result) > DELETION_SHARE_TO_CONFIRM
