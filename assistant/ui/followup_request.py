"""What follow-ups read of a thread's versions (whether one has text, what made it, how it is
highlighted) and the request of a follow-up on one: the window's profile, model and parameters,
and the fields of the record followed up on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from assistant.core.prompts.request import GenerationRequest, RequestError, build_follow_up

if TYPE_CHECKING:
    from assistant.core.prompts.quick_actions import QuickAction
    from assistant.core.prompts.threads import Selection, Thread
    from assistant.ui.main_window import MainWindow


def has_text(thread: Thread, number: int) -> bool:
    """Whether version ``number`` has an answer to follow up on (a failed run has none)."""
    version = next((v for v in thread.versions if v.number == number), None)
    return version is not None and bool(version.text.strip())


def made_by(thread: Thread, number: int) -> str:
    """What made version ``number``: the original request, a quick action or an instruction."""
    translate = QCoreApplication.translate  # lupdate reads translate(context, text)
    turn = thread.turn(thread.version(number).turn)
    if turn.number == 0:
        return translate("FollowUps", "Original answer")
    from assistant.core.prompts.quick_actions import quick_action

    quick = quick_action(turn.action) if turn.action else None
    what = quick.label if quick is not None else " ".join(turn.instruction.split())
    if quick is not None and quick.language_of(turn.instruction):  # "Translate to Deutsch"
        what = f"{quick.label.rstrip('…')} {quick.language_of(turn.instruction)}"
    return translate("FollowUps", "“{0}”").format(what) + (
        " " + translate("FollowUps", "(selection)") if turn.kind == "selection" else ""
    )


def version_language(window: MainWindow, thread: Thread, number: int = 1) -> str:
    """How version ``number`` is highlighted: as the mode's answers, or as Markdown for an
    answer about the text (a question such as "Explain this part")."""
    from assistant.ui.answer_panel import answer_language

    version = next((v for v in thread.versions if v.number == number), None)
    if version is not None and thread.turn(version.turn).kind == "question":
        return "markdown"
    history = window.services.history
    record = history.get(thread.record_id) if history is not None else None
    return answer_language(window.services.modes[thread.mode], record.fields if record else {})


def follow_up_request(
    window: MainWindow,
    thread: Thread,
    base: int,
    instruction: str,
    quick: QuickAction | None,
    selection: Selection | None,
) -> GenerationRequest | None:
    """Follow up on version ``base`` of ``thread`` (or on ``selection`` in it) with the window's
    profile, model and parameters. None: the problem is shown."""
    mode = window.services.modes[thread.mode]
    history = window.services.history
    record = history.get(thread.record_id) if history is not None else None
    overrides = window.params_panel.params().to_dict()
    overrides["model"] = window.provider_bar.model_name()
    try:
        return build_follow_up(
            mode,
            thread,
            instruction,
            window.current_profile(),
            window.settings.mode_params.get(mode.id),
            overrides,
            base_version=base,
            selection=selection,
            kind=quick.kind if quick is not None else None,
            action=quick.id if quick is not None else "",
            fields=record.fields if record else {},
        )
    except RequestError as exc:
        window.answer_panel.show_error("\n".join(exc.problems))
        return None
