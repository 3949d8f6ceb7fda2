"""The answer side of the window: the streamed answer(s), the error banner, the recovery bar and
the Generate/Stop state, as a view over the runs of the :class:`GenerationController`.

The panel shows one run at a time (the one on screen). It keeps no copy of the run: each run's
own events say how it went, and its final event is handled whether it finished, failed or was
stopped, so a stopped run ends exactly like a finished one (its record, its status, its export).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from assistant.core.prompts.modes import Mode
from assistant.core.storage.history import HistoryStore, Record
from assistant.core.work.status import RunStatus
from assistant.ui import answer_actions
from assistant.ui.answer_area import AnswerArea
from assistant.ui.answer_notes import continue_note, record_note, run_summary
from assistant.ui.answer_pages import AnswerPages
from assistant.ui.compare_flow import CompareFlow
from assistant.ui.generation_controller import GenerationController
from assistant.ui.qt_keys import set_keys
from assistant.ui.recovery_bar import RecoveryBar

if TYPE_CHECKING:  # the run's types: imported by the first Generate, not before the first paint
    from assistant.core.prompts.request import GenerationRequest
    from assistant.core.work.events import DoneEvent
    from assistant.ui.table_answer import TableAnswerView

_BANNER_STYLE = (
    "QLabel#errorBanner { background: #fdecea; color: #611a15; border: 1px solid #f5c2c0;"
    " border-radius: 4px; padding: 6px; }"
)


@dataclass(frozen=True)
class _OnScreen:
    """Which run the pane shows, and where its answer would be inserted in the input."""

    request_id: str
    insert_position: int | None
    text_at_start: str


class AnswerPanel(QWidget):
    """Shows the run on screen; Generate asks the window, Stop and the answer actions are here."""

    sig_generate = Signal()
    """The person asked to generate (button or Ctrl+Enter)."""
    sig_status = Signal(str)
    """A line for the status bar."""
    sig_tokens = Signal(str)
    """Token count and rate of the run on screen ("" clears it)."""
    sig_running = Signal(bool)
    """The run on screen started (True) or stopped showing progress (False)."""
    sig_continue = Signal(object)
    """(Record) Continue the interrupted answer shown in the recovery bar."""
    sig_regenerate = Signal(object)
    """(Record) Send the interrupted request again."""
    sig_raise_repetition = Signal()
    """The model looped: raise Repetition under Parameters and generate again."""

    def __init__(
        self,
        controller: GenerationController,
        history: HistoryStore | None,
        input_editor: Callable[[], QPlainTextEdit | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.history = history
        self._input_editor = input_editor
        self._on_screen: _OnScreen | None = None
        self._insert_target: tuple[str, int] | None = None  # (editor text, cursor) of the run
        self.shown_record_id: int | None = None
        self.shown_mode_id = ""
        self.table_view: TableAnswerView | None = None  # made for the first table answer
        self._build_actions()
        self._build_widgets()
        controller.sig_status.connect(self._on_status)
        controller.sig_delta.connect(self._on_delta)
        controller.sig_progress.connect(self._on_progress)
        controller.sig_done.connect(self._on_done)

    # --- building ------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        made = answer_actions.panel_actions(self)
        self.generate_action, self.stop_action = made.generate, made.stop
        self.copy_action, self.insert_action = made.copy, made.insert
        self.export_action = made.export

    def _build_widgets(self) -> None:
        self.generate_button = QPushButton(self.tr("Generate"))
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setDefault(True)
        self.generate_button.setToolTip(self.generate_action.toolTip())
        self.generate_button.clicked.connect(self.sig_generate)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setToolTip(self.stop_action.toolTip())
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.answer_area = AnswerArea()
        self.error_banner = QLabel()
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        set_keys(self.error_banner, "textInteractionFlags", "TextSelectableByMouse")
        self.error_banner.setStyleSheet(_BANNER_STYLE)
        self.error_banner.setVisible(False)
        self.recovery_bar = RecoveryBar()
        self.recovery_bar.sig_continue.connect(self.sig_continue)
        self.recovery_bar.sig_regenerate.connect(self.sig_regenerate)
        self.recovery_bar.sig_raise_repetition.connect(self.sig_raise_repetition)
        self.recovery_label = self.recovery_bar.label
        self.continue_button = self.recovery_bar.continue_button
        self.regenerate_button = self.recovery_bar.regenerate_button
        self.raise_repetition_button = self.recovery_bar.raise_repetition_button
        self.pages = AnswerPages(self.answer_area)  # source / rendered / changes with Apply
        self.pages.sig_status.connect(self.sig_status)
        self.addAction(self.pages.apply_action)
        self.compare = CompareFlow(self)  # columns: Keep, Diff, comparisons of models
        self.toolbar = bar = QToolBar()
        bar.setObjectName("answerToolbar")
        for action in (self.copy_action, self.insert_action, self.export_action):
            bar.addAction(action)
        bar.addAction(self.compare.diff_bar_action)  # only with two answers or more
        bar.addSeparator()
        bar.addAction(self.pages.rendered_action)
        bar.addAction(self.pages.changes_action)
        layout = QVBoxLayout(self)
        layout.addWidget(bar)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.recovery_bar)
        layout.addWidget(self.pages, 1)

    def add_around_answer(
        self, above: Sequence[tuple[QWidget, int]], below: Sequence[QWidget]
    ) -> None:
        """Place other views' widgets just above the answer ((widget, stretch)) and below it
        (the follow-up box, the version stepper, chat mode's thread)."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        index = layout.indexOf(self.pages)
        for offset, (widget, stretch) in enumerate(above):
            layout.insertWidget(index + offset, widget, stretch)
        for widget in below:
            layout.addWidget(widget)

    def buttons(self) -> QHBoxLayout:
        """Stop and Generate, right-aligned (placed under the form by the window)."""
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.stop_button)
        row.addWidget(self.generate_button)
        return row

    # --- runs ----------------------------------------------------------------------------------

    def start(self, request: GenerationRequest, mode: Mode, cursor: int | None = None) -> str:
        """Send ``request`` and show its answer as it streams; returns the request id."""
        self.stop()
        editor = self._input_editor()
        request_id = self.controller.start(request)
        self._on_screen = _OnScreen(request_id, cursor, editor.toPlainText() if editor else "")
        self.answer_area.begin(request_id, answer_language(mode, request.fields), request.params.n)
        if request.prefix:
            self.answer_area.append(request_id, 0, request.prefix)
        self.pages.answer_started(mode, request.fields)
        if (table := self._table_for(mode)) is not None:
            table.answer_started(mode, request.fields)
        self.compare.run_started(mode, request)
        self.shown_record_id = None
        self.shown_mode_id = mode.id
        self.error_banner.setVisible(False)
        self.recovery_bar.setVisible(False)
        self._set_running(True)
        self.sig_tokens.emit("")
        self.sig_status.emit(self.tr("Sending to {0}…").replace("{0}", request.profile.name))
        return request_id

    @Slot()
    def stop(self) -> None:
        """Stop the run on screen at once; the text so far stays and its final event still
        comes (the record, the status and the export are then those of the stopped run)."""
        shown = self._on_screen
        if self.compare.stop_all() or shown is None or not self.is_running():
            return
        self.controller.stop(shown.request_id)  # delivers what the run sent before
        if self._on_screen is not shown:
            return  # its final event was among them: it had ended
        self.answer_area.stop(shown.request_id)
        self._set_running(False)
        self.sig_status.emit(self.tr("Stopped. The text so far is kept."))

    def is_running(self) -> bool:
        """True while the run on screen streams and was not asked to stop."""
        shown = self._on_screen
        run = self.controller.run(shown.request_id) if shown else None
        return run is not None and not run.is_final and not run.stop_requested

    def _set_running(self, running: bool) -> None:
        self.stop_action.setEnabled(running)
        self.stop_button.setEnabled(running)
        self.generate_button.setText(self.tr("Regenerate") if running else self.tr("Generate"))
        self.sig_running.emit(running)

    def _is_shown(self, request_id: str) -> bool:
        return self._on_screen is not None and self._on_screen.request_id == request_id

    @Slot(str, str)
    def _on_status(self, request_id: str, text: str) -> None:
        if self._is_shown(request_id) and self.is_running():
            self.sig_status.emit(text)

    @Slot(str, int, str)
    def _on_delta(self, request_id: str, index: int, text: str) -> None:
        if self._is_shown(request_id):
            self.answer_area.append(request_id, index, text)

    @Slot(str, int, float)
    def _on_progress(self, request_id: str, tokens: int, rate: float) -> None:
        if self._is_shown(request_id) and self.is_running():
            run = self.controller.run(request_id)  # its note: variants sent as single requests
            self.sig_status.emit(run.note if run and run.note else self.tr("Generating…"))
            self.sig_tokens.emit(self.tr("Tokens: {0} · {1} tok/s").format(tokens, f"{rate:.1f}"))

    @Slot(str, object)
    def _on_done(self, request_id: str, done: DoneEvent) -> None:
        shown = self._on_screen
        if shown is None or shown.request_id != request_id:
            return
        self.answer_area.finish(request_id)
        if done.status == RunStatus.STOPPED and self.answer_area.all_texts() != done.answers:
            self.answer_area.keep_text(done.answers)  # what the run kept is what is shown
        if shown.insert_position is not None:
            self._insert_target = (shown.text_at_start, shown.insert_position)
        self.shown_record_id = done.record_id
        self._on_screen = None
        self.pages.answer_ended(done.status, done.finish_reasons, done.notice)
        if self.table_view is not None:
            self.table_view.answer_ended(self.answer_area.current_text())
        if self.stop_action.isEnabled():
            self._set_running(False)
        self.sig_status.emit(run_summary(done))
        if done.status == RunStatus.FAILED:
            message = done.error or self.tr("The request failed.")
            if any(done.answers):
                message = self.tr("The answer was cut short. {0}").format(message)
            self.show_error(message)
            if any(done.answers):
                self._offer_continue(done)
        elif done.error_kind == "repetition":
            self._offer_after_loop(done)
        elif done.status == RunStatus.CUT_SHORT or done.notice:
            from assistant.core.work.finish import hit_max_tokens

            self.show_error(done.error or done.notice or "")
            if done.status == RunStatus.CUT_SHORT or hit_max_tokens(done.finish_reasons):
                self._offer_continue(done)

    def _offer_after_loop(self, done: DoneEvent) -> None:
        """The loop guard stopped the answer: say so; Continue and Regenerate work on its record."""
        self.show_error(done.error or "")
        note = self.tr("Continue from the text so far or regenerate it, or raise Repetition first.")
        self.recovery_bar.offer(self._record_of(done), note, raise_repetition=True)

    def _offer_continue(self, done: DoneEvent) -> None:
        """Continue / Regenerate for an answer that is not finished (cut short, Max tokens)."""
        from assistant.core.work.finish import first_unfinished, hit_max_tokens

        self.answer_area.setCurrentIndex(first_unfinished(done.finish_reasons))
        note = continue_note(hit_max_tokens(done.finish_reasons))
        self.recovery_bar.offer(self._record_of(done), note)

    def _record_of(self, done: DoneEvent) -> Record | None:
        return self.history.get(done.record_id) if self.history and done.record_id else None

    @property
    def recovered(self) -> Record | None:
        """The unfinished record Continue and Regenerate work on (None: nothing to go on from)."""
        return self.recovery_bar.record

    def continue_from(self) -> str:
        """The text Continue goes on from: the unfinished record's variant that is shown."""
        record = self.recovered
        if record is None:
            return ""
        index = self.answer_area.currentIndex()
        return record.answers[index] if 0 <= index < len(record.answers) else record.answer

    def show_error(self, message: str) -> None:
        """Show a problem above the answer (and its first line in the status bar)."""
        self.error_banner.setText(message)
        self.error_banner.setVisible(True)
        self.sig_status.emit(message.splitlines()[0] if message else "")

    def show_record(self, record: Record, mode: Mode, interrupted_note: str = "") -> None:
        """Show a past run (history, crash recovery); an interrupted one offers Continue."""
        self.stop()
        self._on_screen = None
        self.answer_area.show_text(record.answers or [""], answer_language(mode, record.fields))
        self.pages.record_shown(mode, record.fields, record.status, record.error)
        if (table := self._table_for(mode)) is not None:
            table.record_shown(mode, record.fields, self.answer_area.current_text())
        self.shown_record_id = record.id
        self.shown_mode_id = record.mode
        self.error_banner.setVisible(bool(record.error))
        self.error_banner.setText(record.error or "")
        unfinished = record.status in (RunStatus.INTERRUPTED, RunStatus.CUT_SHORT)
        self.recovery_bar.offer(
            record if unfinished else None, record_note(record, interrupted_note)
        )
        self.compare.record_shown(record, mode)

    def _table_for(self, mode: Mode) -> TableAnswerView | None:
        """The table view of table answers (ui/table_answer.py), made for the first one."""
        if self.table_view is None and mode.output == "table":
            from assistant.ui.table_answer import TableAnswerView

            self.table_view = view = TableAnswerView()
            view.sig_status.connect(self.sig_status)
            view.sig_show_table.connect(self._show_table)
            self.toolbar.addAction(view.table_action)
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertWidget(layout.indexOf(self._answer_host()) + 1, view, 1)
        return self.table_view

    def _answer_host(self) -> QWidget:
        """The widget of this panel's layout that holds the answer text."""
        widget: QWidget = self.answer_area
        while (parent := widget.parentWidget()) is not None and parent is not self:
            widget = parent
        return widget

    def _show_table(self, on: bool) -> None:
        """The table takes the answer text's place (or gives it back)."""
        if self.table_view is not None:
            self.table_view.setVisible(on)
        self._answer_host().setVisible(not on)

    # --- answer actions ------------------------------------------------------------------------

    def copy(self) -> None:
        """Copy the selection, or the whole answer on screen."""
        self.sig_status.emit(answer_actions.copy(self.answer_area.current_view()))

    def insert(self) -> None:
        """Insert the answer in the input editor, at the run's cursor if nothing changed."""
        message = answer_actions.insert(
            self._input_editor(), self.answer_area.current_text(), self._insert_target
        )
        if message:
            self._insert_target = None
            self.sig_status.emit(message)

    def export(self) -> None:
        """Save the answer on screen (Markdown, self-contained HTML or text)."""
        text = self.answer_area.current_text()
        name = f"{self.shown_mode_id or 'answer'}.md"
        message = answer_actions.export(self, text, name, self.export_text)
        if message:
            self.sig_status.emit(message)

    def export_text(self, path: str, text: str) -> str:
        """The answer as the file type asks: HTML (self-contained, highlighted) or text as is."""
        history = self.history
        record_id = self.shown_record_id
        record = history.get(record_id) if history and record_id else None
        if record is not None and history is not None:
            from assistant.core.storage.threads import ThreadStore

            record = ThreadStore(history).attach(record)  # its follow-ups go along
        return answer_actions.export_text(path, text, record)


def answer_language(mode: Mode, values: dict[str, object]) -> str:
    """The highlighter language for the answer pane."""
    try:
        return mode.output_language(values)
    except Exception:
        return "markdown" if mode.output == "markdown" else "text"
