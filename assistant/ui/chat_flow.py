"""Chat mode's turns and context meter, and for any thread the notice when the next turn would
not fit the model's window, with its two remedies (drop or summarise the oldest turns).

Nothing is cut silently: a follow-up that does not fit waits here until the person picks a
remedy; a summary is asked of the model first (not stored in the history) and replaces the
oldest turns only in the request that follows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from assistant.core.prompts.request import GenerationRequest
from assistant.core.prompts.threads import Thread
from assistant.core.work.status import RunStatus
from assistant.ui.chat_bars import OverflowBar
from assistant.ui.chat_view import ChatView

if TYPE_CHECKING:
    from assistant.core.work.events import DoneEvent
    from assistant.ui.main_window import MainWindow


class ChatFlow(QObject):
    """The chat view, the overflow notice and the summaries that make room."""

    def __init__(self, window: MainWindow, launch: Callable[[GenerationRequest], None]) -> None:
        super().__init__(window)
        self.window = window
        self._launch = launch  # sends a request that fits (or that the person chose to trim)
        self.view = ChatView()
        self.overflow = OverflowBar()
        self._pending: GenerationRequest | None = None
        self._summaries: dict[str, tuple[GenerationRequest, int]] = {}  # run id -> (request, n)
        self.overflow.sig_drop.connect(self.drop_oldest)
        self.overflow.sig_summarise.connect(self.summarise_oldest)

    def fits(self, request: GenerationRequest) -> bool:
        """True when the request and its answer budget fit the model's window; else the notice
        says so, with the remedies, and the request waits."""
        from assistant.core.work.follow_ups import overflow

        window = self.window
        engine, configured = window.services.resolver.engine, window.settings.engine_context
        over = overflow(request, engine, configured)
        if over is None:
            self.overflow.setVisible(False)
            self._pending = None
            return True
        self._pending = request
        if over.drop:
            budget = max(0, request.params.max_tokens)
            self.overflow.offer(over.needed, over.window, over.drop, budget)
        else:
            self.window.answer_panel.show_error(
                over.message()
                + " "
                + self.tr("Even without the earlier turns it does not fit: lower Max tokens.")
            )
        return False

    @Slot(int)
    def drop_oldest(self, count: int) -> None:
        """Send the waiting request without its ``count`` oldest exchanges."""
        from assistant.core.work.follow_ups import drop_oldest

        request, self._pending = self._pending, None
        if request is not None:
            self.overflow.setVisible(False)
            self._launch(replace(request, messages=drop_oldest(request.messages, count)))
            self._status(self.tr("Left out the %n oldest turn(s) of this request.", "", count))

    @Slot(int)
    def summarise_oldest(self, count: int) -> None:
        """Ask the model to summarise the ``count`` oldest exchanges, then send the waiting
        request with the summary in their place."""
        from assistant.core.work.follow_ups import summary_request

        request, self._pending = self._pending, None
        if request is None:
            return
        summarise, _oldest = summary_request(request, count)
        self.overflow.setVisible(False)
        run_id = self.window.controller.start(summarise, record=False)
        self._summaries[run_id] = (request, count)
        self._status(self.tr("Summarising the %n oldest turn(s)…", "", count))

    def run_done(self, request_id: str, done: DoneEvent) -> bool:
        """A summary asked for ended: send the waiting request with it. False for other runs."""
        from assistant.core.work.follow_ups import with_summary

        waiting = self._summaries.pop(request_id, None)
        if waiting is None:
            return False
        request, count = waiting
        summary = done.answers[0] if done.answers else ""
        if done.status != RunStatus.COMPLETE or not summary.strip():
            message = self.tr("The summary of the oldest turns failed: {0}")
            self.window.answer_panel.show_error(message.format(done.error or ""))
            return True
        self._launch(with_summary(request, count, summary))
        return True

    def _status(self, text: str) -> None:
        self.window.answer_panel.sig_status.emit(text)

    # --- chat mode's view ----------------------------------------------------------------------

    def message(self) -> str:
        """The message in chat's form (the first turn of a new conversation)."""
        values, _cursor = self.window.collect_values()
        return str(values.get("message", ""))

    def show_turns(self, thread: Thread | None, shown: int = 0, asking: str = "") -> None:
        """The turns before the reply in the answer pane (plus ``asking``, a message on its
        way), and the context meter."""
        pairs: list[tuple[str, str]] = []
        if thread is not None:
            for turn, version in thread.exchanges(shown or None):
                pairs.append((turn.instruction or turn.sent, version.reply))
            if pairs and not asking:
                pairs[-1] = (pairs[-1][0], "")  # the newest reply is the answer pane
        if asking:
            pairs.append((asking, ""))
        self.view.show_turns(pairs)
        self.update_meter(thread, shown, asking)

    def update_meter(self, thread: Thread | None, shown: int = 0, asking: str = "") -> None:
        """Tokens the conversation uses of the model's window (exact with the built-in engine)."""
        from assistant.core.work.follow_ups import thread_usage

        window = self.window
        if thread is not None:
            messages = thread.messages_for(shown or None)
        else:
            system = str(window.collect_values()[0].get("system", ""))
            messages = [{"role": "system", "content": system}]
        if asking:
            messages.append({"role": "user", "content": asking})
        profile = window.current_profile()
        model = window.provider_bar.model_name() or profile.model
        engine = window.services.resolver.engine
        usage = thread_usage(messages, profile, model, engine, window.settings.engine_context)
        self.view.meter.show_usage(usage.used, usage.window or 0, exact=usage.exact)
