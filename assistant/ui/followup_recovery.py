"""A follow-up that did not finish (the app was killed, the stream was cut, the model looped):
the recovery bar's note for it, and the request that continues or regenerates its version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from assistant.core.prompts.request import GenerationRequest, RequestError
from assistant.core.storage.history import Record
from assistant.core.work.status import RunStatus

if TYPE_CHECKING:
    from assistant.core.prompts.threads import Thread, Version
    from assistant.ui.main_window import MainWindow

UNFINISHED = (RunStatus.INTERRUPTED, RunStatus.CUT_SHORT)


def unfinished_version(thread: Thread) -> Version | None:
    """The newest follow-up version left unfinished (interrupted or cut short), if any."""
    found = [v for v in thread.versions if v.number > 1 and v.status in UNFINISHED]
    return found[-1] if found else None


def offer(window: MainWindow, record: Record, thread: Thread, version: Version) -> None:
    """Show the recovery bar for ``version``: what happened, with its instruction."""
    translate = QCoreApplication.translate  # lupdate reads translate(context, text)
    if version.status == RunStatus.INTERRUPTED:
        note = translate(
            "FollowUps",
            "This follow-up (“{0}”) was interrupted: the app closed while it was being "
            "written. The instruction and the text so far are kept.",
        )
    else:
        note = translate(
            "FollowUps", "This follow-up (“{0}”) was cut short. The text so far is kept."
        )
    instruction = thread.turn(version.turn).instruction
    short = instruction if len(instruction) <= 60 else instruction[:59] + "…"
    panel = window.answer_panel
    panel.error_banner.setVisible(bool(version.error))
    panel.error_banner.setText(version.error or "")
    panel.recovery_bar.offer(record, note.replace("{0}", short))


def recovery_request(
    window: MainWindow, thread: Thread, version: Version, go_on: bool, current_params: bool
) -> GenerationRequest | None:
    """Continue (``go_on``) or regenerate ``version``: with its own provider, model and
    parameters, or (``current_params``) those under the form. None: the problem is shown."""
    from assistant.core.work.follow_ups import continue_version, regenerate_version

    mode = window.services.modes[thread.mode]
    profile = window.settings.profile(version.provider) or window.current_profile()
    overrides = {**version.params, "model": version.model}
    if current_params:
        overrides = window.params_panel.params().to_dict()
        overrides["model"] = window.provider_bar.model_name()
    make = continue_version if go_on else regenerate_version
    try:
        return make(mode, thread, version.number, profile, None, overrides)
    except (RequestError, ValueError, KeyError) as exc:
        window.answer_panel.show_error(str(exc))
        return None
