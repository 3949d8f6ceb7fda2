"""Iterating on the answer on screen: follow-ups (typed or quick actions, on the whole answer or
only the selection), its versions (step, compare, restore), chat mode's thread, and Continue /
Regenerate of a follow-up cut short by a crash.

A view over core's threads (``core/prompts/threads.py``, ``core/storage/threads.py``,
``core/work/follow_ups.py``): the thread is read back from the history whenever it changed, and
the window keeps no copy of it beyond the one on screen. Each version's highlighted view is kept
(``ui/version_views.py``), so stepping between versions swaps views instead of re-highlighting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QVBoxLayout

from assistant.core.storage.history import Record
from assistant.ui.followup_actions import follow_up_actions
from assistant.ui.followup_box import FollowUpBox
from assistant.ui.followup_request import follow_up_request, has_text, made_by, version_language
from assistant.ui.followup_selection import answer_menu, watch_selection
from assistant.ui.version_stepper import VersionStepper
from assistant.ui.version_views import VersionViews

if TYPE_CHECKING:  # threads and quick actions: the first answer to follow up
    from assistant.core.prompts.quick_actions import QuickAction
    from assistant.core.prompts.request import GenerationRequest
    from assistant.core.prompts.threads import Thread, Version
    from assistant.core.storage.threads import ThreadStore
    from assistant.core.work.events import DoneEvent
    from assistant.ui.chat_flow import ChatFlow
    from assistant.ui.main_window import MainWindow

CHAT_MODE = "chat"


class FollowUps(QObject):
    """The follow-up box, the version stepper and chat's thread around the answer panel."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.panel = window.answer_panel
        self._threads: ThreadStore | None = None
        self.shown_thread: Thread | None = None
        """The thread on screen (as last read from the history)."""
        self.shown = 0
        """The number of the version on screen (0: none)."""
        self._recovering: Version | None = None
        self._launching = False  # the run being started is a follow-up
        self.box = FollowUpBox()
        self.stepper = VersionStepper()
        self._chat: ChatFlow | None = None  # built when chat mode or an overflow first shows
        self.panel.add_around_answer([(self.stepper, 0)], [self.box])
        self.views = VersionViews(self.panel.answer_area)
        self._build_actions()
        self.box.sig_send.connect(self.send)
        self.stepper.sig_show.connect(self.show_index)
        self.stepper.sig_compare.connect(self.compare)
        self.stepper.sig_restore.connect(self.restore)
        self.panel.sig_running.connect(self._running)
        window.controller.sig_done.connect(self._run_done)  # after the panel has shown the end
        window.mode_panel.sig_mode_changed.connect(self._mode_changed)
        self._set_thread(None)

    @property
    def threads(self) -> ThreadStore | None:
        """The history's threads (None without a history), opened on first use."""
        history = self.window.services.history
        if self._threads is None and history is not None:
            from assistant.core.storage.threads import ThreadStore

            self._threads = ThreadStore(history)
        return self._threads

    @property
    def chat(self) -> ChatFlow:
        """Chat mode's view and the notice of a thread that no longer fits (made on first use,
        placed above the stepper and above the box)."""
        if self._chat is None:
            from assistant.ui.chat_flow import ChatFlow

            self._chat = chat = ChatFlow(
                self.window, lambda request: self._launch(request, checked=True)
            )
            layout = self.panel.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertWidget(layout.indexOf(self.stepper), chat.view, 1)
            layout.insertWidget(layout.indexOf(self.box), chat.overflow)
            chat.view.new_button.clicked.connect(self.new_chat)
        return self._chat

    def _build_actions(self) -> None:
        made = follow_up_actions(self.window, self.box, self.stepper, self.restore)
        self.focus_action, self.send_action = made.focus, made.send
        self.previous_action, self.next_action = made.previous, made.next
        self.compare_action, self.restore_action = made.compare, made.restore
        self._actions = made

    def actions(self) -> list[QAction]:
        """The follow-up and version actions (for the window's menus and shortcuts)."""
        return self._actions.all()

    # --- what is on screen ---------------------------------------------------------------------

    def _set_thread(self, thread: Thread | None, shown: int | None = None) -> None:
        """Show ``thread``'s stepper, quick actions and chat turns (None: no answer to follow)."""
        if (
            thread is None
            or self.shown_thread is None
            or thread.record_id != self.shown_thread.record_id
        ):
            self.views.forget()
        self.shown_thread = thread
        self.shown = 0 if thread is None else (shown or thread.current)
        chat = self.is_chat()
        if thread is None:
            self.stepper.set_versions(0, 0)
        else:
            numbers = [v.number for v in thread.versions]
            self.stepper.set_versions(
                len(numbers), numbers.index(self.shown), numbers.index(thread.current)
            )
            self.stepper.set_made_by(made_by(thread, self.shown))
            if chat:
                self.stepper.setVisible(False)
        mode = self.window.services.modes.get(thread.mode) if thread else None
        if mode is not None:
            from assistant.core.prompts.quick_actions import quick_actions

            self.box.set_quick_actions(quick_actions(mode.output))
        else:
            self.box.set_quick_actions(())
        answerless = thread is not None and not has_text(thread, self.shown)
        self.box.set_no_answer(answerless)
        self.box.setEnabled(
            thread is not None and not answerless and self.window.services.history is not None
        )
        self._update_actions()
        if chat or self._chat is not None:
            self.chat.view.setVisible(chat)
        self.box.set_chat(chat)
        if chat:
            self.chat.show_turns(thread, self.shown)
        watch_selection(self)

    def context_menu(self, view: QPlainTextEdit, position: QPoint) -> QMenu:
        """The answer's context menu (``ui/followup_selection.py``)."""
        return answer_menu(self, view, position)

    def _update_actions(self) -> None:
        stepper = self.stepper
        many = self.shown_thread is not None and stepper.count > 1 and not self.is_chat()
        self.previous_action.setEnabled(many and stepper.index > 0)
        self.next_action.setEnabled(many and stepper.index < stepper.count - 1)
        self.compare_action.setEnabled(many)
        self.restore_action.setEnabled(many and stepper.restore_button.isEnabled())
        self.send_action.setEnabled(self.box.isEnabled())

    def is_chat(self) -> bool:
        """Whether the thread on screen (else the mode chosen) is a chat."""
        if self.shown_thread is not None:
            return self.shown_thread.mode == CHAT_MODE
        return self.window.current_mode().id == CHAT_MODE

    def _mode_changed(self, mode_id: str) -> None:
        if self.shown_thread is None and (mode_id == CHAT_MODE or self._chat is not None):
            self.chat.view.setVisible(mode_id == CHAT_MODE)
            self.box.set_chat(mode_id == CHAT_MODE)  # its placeholder: the next message
            if mode_id == CHAT_MODE:
                self.chat.show_turns(None)

    def _record(self, record_id: int) -> Record | None:
        history = self.window.services.history
        return history.get(record_id) if history is not None else None

    def _language(self, thread: Thread, number: int = 1) -> str:
        return version_language(self.window, thread, number)

    def _read(self, record_id: int) -> Thread | None:
        try:
            return self.threads.thread(record_id) if self.threads is not None else None
        except Exception:  # an unusable history: nothing to follow up on
            return None

    def record_opened(self, record: Record) -> None:
        """A record was opened (history, crash recovery): its thread, at the current version; a
        follow-up left unfinished by a crash is shown with Continue / Regenerate."""
        from assistant.ui.followup_recovery import offer, unfinished_version

        thread = self._read(record.id)
        self._recovering = None
        self._set_thread(None)
        if thread is None:
            return
        unfinished = unfinished_version(thread)
        shown = unfinished.number if unfinished else thread.current
        self._set_thread(thread, shown)
        if shown != 1 or len(thread.versions) > 1:
            self._show_version(shown)
        if unfinished is not None:
            self._recovering = unfinished
            offer(self.window, record, thread, unfinished)

    def _show_version(self, number: int) -> None:
        thread = self.shown_thread
        if thread is None:
            return
        version = thread.version(number)
        self.views.show((thread.record_id, number), version.text, self._language(thread, number))
        self.shown = number
        watch_selection(self)

    @Slot(int)
    def show_index(self, index: int) -> None:
        """Show the version at ``index`` (0-based) of the thread on screen."""
        thread = self.shown_thread
        if thread is None or not 0 <= index < len(thread.versions) or self.panel.is_running():
            return
        self._show_version(thread.versions[index].number)
        self._set_thread(thread, self.shown)
        self.panel.sig_status.emit(
            self.tr("Version {0} of {1}").format(index + 1, len(thread.versions))
        )

    @Slot(int)
    def restore(self, index: int) -> None:
        """Make the version at ``index`` the current one (follow-ups go on from it)."""
        thread = self.shown_thread
        if thread is None or self.threads is None or not 0 <= index < len(thread.versions):
            return
        number = thread.versions[index].number
        self.threads.set_current(thread.record_id, number)
        self._set_thread(self._read(thread.record_id), number)
        self.panel.sig_status.emit(
            self.tr("Version {0} is the current one again.").format(index + 1)
        )

    @Slot(int, int)
    def compare(self, older: int, newer: int) -> None:
        """Show what changed between the versions at ``older`` and ``newer`` (0-based)."""
        thread = self.shown_thread
        if thread is None or max(older, newer) >= len(thread.versions):
            return
        from assistant.ui.version_compare import show_comparison

        mode = self.window.services.modes[thread.mode]
        by_lines = mode.output == "code" or self._language(thread) not in ("markdown", "text")
        a, b = thread.versions[older], thread.versions[newer]
        self.comparison = show_comparison(self.window, a, b, older + 1, newer + 1, by_lines)

    # --- sending -------------------------------------------------------------------------------

    @Slot(str, object)
    def send(self, instruction: str, quick: QuickAction | None = None) -> bool:
        """Follow up on the version on screen (or only on the selection in it; in chat: the
        next message). False when nothing could be sent (the problem is shown)."""
        thread = self._read(self.shown_thread.record_id) if self.shown_thread else None
        if thread is None or self.panel.is_running():
            return False
        base = self.shown if any(v.number == self.shown for v in thread.versions) else None
        base = base or thread.current
        if not has_text(thread, base):  # never [..., assistant "", user instruction]
            self.panel.sig_status.emit(self.tr("There is no answer to follow up on."))
            return False
        view = self._variant_followed(thread, base)
        thread = self._read(thread.record_id) or thread
        chat = thread.mode == CHAT_MODE
        from assistant.ui.selection_span import selection_of

        selection = None if chat else selection_of(view, thread.version(base).text)
        request = follow_up_request(self.window, thread, base, instruction, quick, selection)
        if request is None:
            return False
        self._launch(request)
        return True

    def _variant_followed(self, thread: Thread, base: int) -> QPlainTextEdit:
        """The view of the answer followed up on. With several variants on screen it is the one
        the person is reading: kept as the record's answer first (version 1), if it was not."""
        area = self.panel.answer_area
        index = area.currentIndex()
        if base != 1 or area.count() < 2 or index < 0:
            return area.views[0]
        record = self._record(thread.record_id)
        if record is not None and record.kept_index != index and index < len(record.answers):
            self.panel.compare.keep(index)
        return area.views[index]

    def continue_chat(self) -> bool:
        """Generate in chat mode with a conversation on screen: the form's message is its next
        turn (the message field is emptied for the one after). False: not such a case."""
        thread = self.shown_thread
        if (
            thread is None
            or thread.mode != CHAT_MODE
            or self.window.current_mode().id != CHAT_MODE
            or self.panel.is_running()
        ):
            return False
        message = self.chat.message()
        if not message.strip():
            return False
        from assistant.ui.image_field import new_images_problem

        problem = new_images_problem(self.window.current_form().image_field, thread.messages)
        if problem:  # images added since the first message are not dropped silently
            self.panel.show_error(problem)
            return True
        if self.send(message):
            editor = self.window.current_form().widget("message")
            if isinstance(editor, QPlainTextEdit):
                editor.clear()
        return True

    def new_chat(self) -> None:
        """Leave the conversation on screen (it stays in the history): the next Generate starts
        a new one."""
        if self.panel.is_running():
            return
        self._set_thread(None)
        self.panel.answer_area.show_text([""], "markdown")
        self.panel.shown_record_id = None
        self.panel.recovery_bar.setVisible(False)
        self.panel.error_banner.setVisible(False)
        self.chat.view.setVisible(self.is_chat())
        self.chat.show_turns(None)
        editor = self.window.current_form().widget("message")
        if isinstance(editor, QPlainTextEdit):
            editor.setFocus()

    def _launch(self, request: GenerationRequest, checked: bool = False) -> None:
        """Send ``request`` unless the thread no longer fits the model's window (then the chat
        flow says so and offers to drop or summarise the oldest turns: never silently)."""
        if not checked and not self.chat.fits(request):
            return
        thread = self.shown_thread
        shown = self.panel.answer_area.views[0].text()
        if thread is not None and self.shown and shown == thread.version(self.shown).text:
            self.views.keep_shown((thread.record_id, self.shown))
        mode = self.window.services.modes[request.mode_id]
        self._launching = True
        try:
            self.panel.start(request, mode)
        finally:
            self._launching = False
        self.box.sent()
        if self.is_chat() and request.follow_up is not None:
            self.chat.show_turns(thread, self.shown, request.follow_up.instruction)

    # --- runs ending ---------------------------------------------------------------------------

    @Slot(bool)
    def _running(self, running: bool) -> None:
        self.box.set_busy(running)
        self.stepper.setEnabled(not running)
        if running and not self._launching:
            self._set_thread(None)  # a new first answer: nothing to follow up on yet
            if self.is_chat():
                self.chat.show_turns(None, 0, self.chat.message())

    @Slot(str, object)
    def _run_done(self, request_id: str, done: DoneEvent) -> None:
        if self._chat is not None and self._chat.run_done(request_id, done):
            return
        if done.record_id is None or done.record_id != self.panel.shown_record_id:
            return
        run = self.window.controller.run(request_id)
        follow_up = run.request.follow_up if run is not None else None
        thread = self._read(done.record_id)
        if thread is None:
            return
        self._recovering = None
        if follow_up is None:
            self._set_thread(thread, 1)
            return
        number = follow_up.continues or max(v.number for v in thread.versions)
        self._set_thread(thread, number)
        version = thread.version(number)
        if self.panel.recovery_bar.isVisible():  # cut short: Continue goes on from this version
            self._recovering = version
        shown_as = self.panel.answer_area.views[0]
        if shown_as.text() == version.text and shown_as.language() == self._language(
            thread, number
        ):
            self.views.keep_shown((thread.record_id, number))  # the view that streamed it
        else:  # a refined selection: the whole text with the new part
            self._show_version(number)
        if follow_up.selection is not None and follow_up.kind == "selection":
            self.panel.sig_status.emit(
                self.tr("Refined the selection; the rest of the answer is unchanged.")
            )

    # --- crash recovery ------------------------------------------------------------------------

    def recover(self, go_on: bool, current_params: bool = False) -> bool:
        """Continue (``go_on``) or regenerate the follow-up that was cut short (a crash, a cut
        stream, a loop); False when the recovery bar is about a first answer (the window handles
        it). ``current_params``: with the parameters under the form (Raise Repetition), not the
        version's own."""
        version, thread = self._recovering, self.shown_thread
        if version is None or thread is None:
            return False
        from assistant.ui.followup_recovery import recovery_request

        thread = self._read(thread.record_id) or thread
        request = recovery_request(self.window, thread, version, go_on, current_params)
        if request is not None:
            self._recovering = None
            self._launch(request)
        return True
