"""What the answer panel says when a run ends or a past one is shown: the status line's summary
and the recovery bar's note (under the AnswerPanel context, where the catalogue has them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from assistant.core.work.status import RunStatus

if TYPE_CHECKING:
    from assistant.core.storage.history import Record
    from assistant.core.work.events import DoneEvent

translate = QCoreApplication.translate  # lupdate reads translate(context, text)


def run_summary(done: DoneEvent) -> str:
    """The status line of a run that ended: stopped, or its time and token usage."""
    if done.status == RunStatus.STOPPED:
        return translate("AnswerPanel", "Stopped. The text so far is kept.")
    summary = translate("AnswerPanel", "Done in {0} s").replace("{0}", f"{done.elapsed_s:.1f}")
    if done.usage is not None:
        summary += translate(
            "AnswerPanel", " · usage: {0} prompt + {1} completion = {2} tokens"
        ).format(done.usage.prompt_tokens, done.usage.completion_tokens, done.usage.total_tokens)
    return summary


def continue_note(max_tokens: bool) -> str:
    """The recovery bar's note for an answer that is not finished (cut short, or Max tokens)."""
    if not max_tokens:  # cut short, or failed mid-answer
        return translate(
            "AnswerPanel", "The text so far is kept. Continue asks the model for the rest."
        )
    return translate(
        "AnswerPanel", "The answer reached Max tokens. Continue asks the model for the rest."
    )


def record_note(record: Record, interrupted_note: str = "") -> str:
    """The recovery bar's note for a past run shown again (used when it is unfinished)."""
    if record.status == RunStatus.CUT_SHORT:
        interrupted_note = translate(
            "AnswerPanel", "This answer was cut short. The text so far is kept."
        )
    note = interrupted_note or translate(
        "AnswerPanel", "This answer was interrupted. The text so far is kept."
    )
    if len(record.answers) > 1:  # which variant was cut is not recorded: the person picks
        note += " " + translate("AnswerPanel", "Continue goes on from the variant shown.")
    return note
