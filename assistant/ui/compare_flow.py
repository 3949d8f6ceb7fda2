"""Comparing answers in the window: variants and models side by side, Keep, Diff, Stop per column.

:class:`CompareFlow` works the answer panel's columns (ui/answer_columns.py). For variants of one
run it answers each column's Copy / Insert / Keep; for a comparison, the same request sent to
several profiles or models at once (:meth:`CompareFlow.start`), it carries one run per column
through the panel's controller, labels each column with its provider and model and its figures
(time to first token, tokens/s, tokens, cost when known), lets each column be stopped alone and
shows a failing column's own error while the others go on. A comparison is one history record
(core/storage/comparisons.py); reopened, its columns come back. Keep marks the chosen answer as
the record's answer; the others stay in the record.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Slot
from PySide6.QtGui import QAction, QKeySequence

from assistant.core.work.status import RunStatus
from assistant.ui.qt_keys import set_keys

FIGURES_EVERY_S = 0.25
"""A streaming column's figures are shown again at most this often."""

if TYPE_CHECKING:
    from assistant.core.prompts.modes import Mode
    from assistant.core.prompts.request import GenerationRequest
    from assistant.core.providers.profiles import ProviderProfile
    from assistant.core.storage.comparisons import ComparisonRecorder
    from assistant.core.storage.history import Record
    from assistant.core.work.events import DoneEvent
    from assistant.ui.answer_panel import AnswerPanel
    from assistant.ui.main_window import MainWindow


@dataclass
class _Comparison:
    """The runs of the comparison on screen, by column."""

    key: str
    runs: list[str]
    recorder: ComparisonRecorder | None
    started: float
    first_token: dict[int, float] = field(default_factory=dict)
    shown_at: dict[int, float] = field(default_factory=dict)
    """When each column's figures were last shown (they are shown a few times a second)."""
    ended: dict[int, DoneEvent] = field(default_factory=dict)

    def column_of(self, run_id: str) -> int:
        return self.runs.index(run_id) if run_id in self.runs else -1


class CompareFlow(QObject):
    """The answer panel's side-by-side work: columns' buttons, comparisons, Keep and Diff."""

    def __init__(self, panel: AnswerPanel) -> None:
        super().__init__(panel)
        self._panel = panel
        self._area = panel.answer_area
        self._comparison: _Comparison | None = None
        self._pending_keep: int | None = None  # Keep pressed before the run's record existed
        self._language = ""
        self.diff_action = QAction(self.tr("Diff two answers…"), self)
        self.diff_action.setShortcuts([QKeySequence("Ctrl+Shift+F")])
        self.diff_action.setToolTip(self.tr("Show what differs between two of the answers"))
        self.diff_action.triggered.connect(self.ask_diff)
        set_keys(self.diff_action, "shortcutContext", "WindowShortcut")
        self.diff_bar_action = QAction(self.tr("Diff two answers…"), self)
        """The toolbar's Diff, shown only with two answers or more (so that it never pushes the
        Table toggle into the toolbar's overflow); the menu and the shortcut keep diff_action."""
        self.diff_bar_action.setToolTip(self.tr("Show what differs between two of the answers"))
        self.diff_bar_action.triggered.connect(self.ask_diff)
        self._area.sig_count_changed.connect(self._answers_counted)
        self._answers_counted(self._area.count())
        self._area.sig_copy.connect(self._copy)
        self._area.sig_insert.connect(self._insert)
        self._area.sig_keep.connect(self.keep)
        self._area.sig_stop.connect(self.stop_column)
        controller = panel.controller
        controller.sig_delta.connect(self._on_delta)
        controller.sig_progress.connect(self._on_progress)
        controller.sig_status.connect(self._on_status)
        controller.sig_done.connect(self._on_done)

    # --- a comparison -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True while a column of the comparison on screen streams."""
        shown = self._comparison
        return shown is not None and len(shown.ended) < len(shown.runs)

    def start(self, requests: list[GenerationRequest], titles: list[str], mode: Mode) -> None:
        """Send each request at once, one column each (the same request to several models)."""
        import uuid

        from assistant.ui.answer_panel import answer_language

        panel = self._panel
        panel.stop()
        self._pending_keep = None
        recorder = self._recorder(requests)
        key = f"compare-{uuid.uuid4().hex}"
        self._language = answer_language(mode, requests[0].fields)
        self._area.begin(key, self._language, len(requests))
        self._area.reset_headers(titles)
        runs = []
        for index, request in enumerate(requests):
            writer = recorder.column(index) if recorder is not None else None
            runs.append(panel.controller.start(request, recorder=writer))
        self._comparison = _Comparison(key, runs, recorder, time.monotonic())
        for widgets in self._area.columns:
            widgets.stop_button.setVisible(True)
        panel.pages.answer_started(mode, requests[0].fields)
        panel.shown_record_id = None
        panel.shown_mode_id = mode.id
        panel.error_banner.setVisible(False)
        panel.recovery_bar.setVisible(False)
        panel._set_running(True)
        panel.sig_status.emit(self.tr("Comparing {0} models…").format(len(requests)))

    def _recorder(self, requests: list[GenerationRequest]) -> ComparisonRecorder | None:
        history = self._panel.history
        if history is None:
            return None
        from assistant.core.storage.comparisons import ComparisonRecorder

        labels = [
            {"provider": r.profile.name, "base_url": r.profile.base_url, "model": r.model}
            for r in requests
        ]
        return ComparisonRecorder(history, labels)

    def stop_column(self, index: int) -> None:
        """Stop one column's run; the others go on."""
        shown = self._comparison
        if shown is not None and 0 <= index < len(shown.runs):
            self._panel.controller.stop(shown.runs[index])

    def stop_all(self) -> bool:
        """Stop every column of the comparison on screen; False when none was running."""
        shown = self._comparison
        if shown is None or not self.running:
            return False
        for run_id in list(shown.runs):
            self._panel.controller.stop(run_id)
        return True

    def _column(self, run_id: str) -> int:
        shown = self._comparison
        return shown.column_of(run_id) if shown is not None else -1

    @Slot(str, int, str)
    def _on_delta(self, run_id: str, index: int, text: str) -> None:
        column = self._column(run_id)
        shown = self._comparison
        if column < 0 or shown is None or index != 0:
            return
        shown.first_token.setdefault(column, time.monotonic() - shown.started)
        self._area.append(shown.key, column, text)

    @Slot(str, int, float)
    def _on_progress(self, run_id: str, tokens: int, rate: float) -> None:
        from assistant.core.work.compare import figures_text

        column = self._column(run_id)
        shown = self._comparison
        now = time.monotonic()
        if column < 0 or shown is None or now - shown.shown_at.get(column, 0.0) < FIGURES_EVERY_S:
            return  # a header relaid out per batch of four fast streams costs the GUI its frames
        shown.shown_at[column] = now
        first = shown.first_token.get(column)
        self._area.columns[column].set_figures(figures_text(first, rate, tokens))

    @Slot(str, str)
    def _on_status(self, run_id: str, text: str) -> None:
        column = self._column(run_id)
        if column >= 0 and self._comparison and column not in self._comparison.first_token:
            self._area.columns[column].set_figures(text)

    @Slot(str, object)
    def _on_done(self, run_id: str, done: DoneEvent) -> None:
        shown = self._comparison
        column = self._column(run_id)
        if shown is None or column < 0:
            if run_id and done.record_id is not None:
                self._apply_pending_keep(done.record_id)
            return
        from assistant.core.work.compare import figures_text, tokens_per_second

        shown.ended[column] = done
        view = self._area.views[column]
        view.finish(f"{shown.key}:{column}")
        kept = done.answers[0] if done.answers else ""
        if done.status == RunStatus.STOPPED and view.text() != kept:
            view.set_answer(kept, self._language)
        widgets = self._area.columns[column]
        widgets.stop_button.setVisible(False)
        tokens = done.usage.total_tokens if done.usage else None
        cost = str(done.cost) if getattr(done, "cost", None) is not None else ""
        figures = figures_text(done.first_token_s, tokens_per_second(done), tokens, cost)
        if done.status == RunStatus.STOPPED:
            figures = " · ".join(part for part in (figures, self.tr("stopped")) if part)
        widgets.set_figures(figures)
        if done.status not in (RunStatus.COMPLETE, RunStatus.STOPPED) or done.notice:
            widgets.set_error(done.error or done.notice or str(done.status))
        if not self.running:
            self._comparison_ended(shown)

    def _comparison_ended(self, shown: _Comparison) -> None:
        panel = self._panel
        panel._set_running(False)
        answered = sum(done.status == RunStatus.COMPLETE for done in shown.ended.values())
        if shown.recorder is not None:
            panel.shown_record_id = shown.recorder.record_id
            if panel.shown_record_id is not None:
                self._apply_pending_keep(panel.shown_record_id)
        panel.sig_status.emit(
            self.tr("Comparison done: {0} of {1} answered.").format(answered, len(shown.runs))
        )

    def run_started(self, mode: Mode, request: GenerationRequest) -> None:
        """The panel started a run of its own (variants or one answer): no comparison on screen."""
        from assistant.ui.answer_panel import answer_language

        self._comparison = None
        self._pending_keep = None
        self._language = answer_language(mode, request.fields)

    # --- reopening ----------------------------------------------------------------------------

    def record_shown(self, record: Record, mode: Mode) -> None:
        """A record was put on screen by the panel: a comparison gets its columns' labels,
        figures and errors back (no banner, no Continue); the kept variant is marked."""
        from assistant.core.storage.comparisons import column_figures, column_label
        from assistant.ui.answer_panel import answer_language

        self._comparison = None
        self._pending_keep = None
        self._language = answer_language(mode, record.fields)
        if record.is_comparison:
            self._area.reset_headers([column_label(column) for column in record.columns])
            for widgets, column in zip(self._area.columns, record.columns, strict=False):
                widgets.set_figures(column_figures(column))
                widgets.set_error(str(column.get("error") or ""))
            self._panel.error_banner.setVisible(False)
            self._panel.recovery_bar.offer(None, "")
        else:
            self._area.reset_headers()
        if len(record.answers) > 1:
            self._area.set_kept(record.kept)
            self._area.setCurrentIndex(record.kept_index)

    # --- the columns' buttons -----------------------------------------------------------------

    def _copy(self, index: int) -> None:
        self._area.setCurrentIndex(index)
        self._panel.copy()

    def _insert(self, index: int) -> None:
        self._area.setCurrentIndex(index)
        self._panel.insert()

    def keep(self, index: int) -> None:
        """Keep answer ``index`` as the answer (the others stay in the history)."""
        self._area.set_kept(index)
        self._area.setCurrentIndex(index)
        record_id = self._record_id()
        if record_id is None:
            self._pending_keep = index  # kept once the run has its record
        else:
            self._store_keep(record_id, index)
        title = self._area.columns[index].title.text()
        self._panel.sig_status.emit(
            self.tr("Kept {0} as the answer; the others stay in the history.").format(title)
        )

    def _record_id(self) -> int | None:
        shown = self._comparison
        if shown is not None:
            return shown.recorder.record_id if shown.recorder is not None else None
        if self._panel.is_running():
            return None
        return self._panel.shown_record_id

    def _apply_pending_keep(self, record_id: int) -> None:
        if self._pending_keep is not None:
            self._store_keep(record_id, self._pending_keep)
            self._pending_keep = None

    def _store_keep(self, record_id: int, index: int) -> None:
        history = self._panel.history
        if history is not None:
            from assistant.core.storage.comparisons import keep

            keep(history, record_id, index)

    # --- diff ---------------------------------------------------------------------------------

    @Slot(int)
    def _answers_counted(self, count: int) -> None:
        """Diff is offered (toolbar) and enabled (menu, Ctrl+Shift+F) with two answers or more."""
        self.diff_action.setEnabled(count >= 2)
        self.diff_bar_action.setVisible(count >= 2)

    def ask_diff(self) -> None:
        """Ask which two answers, then show their diff."""
        count = self._area.count()
        if count < 2:
            self._panel.sig_status.emit(self.tr("There is only one answer: nothing to diff."))
            return
        from assistant.ui.compare_dialogs import DiffChoice

        current = max(0, self._area.currentIndex())
        titles = [column.title.text() for column in self._area.columns]
        choice = DiffChoice(titles, current, (current + 1) % count, self._panel)
        if choice.exec():
            self.diff(choice.first.currentIndex(), choice.second.currentIndex())

    def diff(self, first: int, second: int) -> QObject:
        """Show the diff of answer ``first`` → answer ``second``; returns the diff window."""
        from assistant.ui.compare_dialogs import show_answer_diff

        columns = self._area.columns
        titles = (columns[first].title.text(), columns[second].title.text())
        by_lines = self._language not in ("markdown", "text", "")
        old, new = columns[first].view.text(), columns[second].view.text()
        return show_answer_diff(self._panel, old, new, titles, by_lines)


def compare_models_action(window: MainWindow) -> QAction:
    """Generate → Compare models…: pick profiles and models, send the request to all at once."""
    action = QAction(QCoreApplication.translate("CompareFlow", "Compare models…"), window)
    action.setShortcuts([QKeySequence("Ctrl+Shift+K")])
    action.setToolTip(
        QCoreApplication.translate(
            "CompareFlow", "Send the same request to several profiles or models at once"
        )
    )
    action.triggered.connect(lambda: ask_and_compare(window))
    set_keys(action, "shortcutContext", "WindowShortcut")
    return action


def ask_and_compare(window: MainWindow) -> bool:
    """Ask which profiles and models, then compare them (False when cancelled)."""
    from assistant.ui.compare_dialogs import ContenderDialog

    dialog = ContenderDialog(
        window.settings.profiles, [window.current_profile().name], parent=window
    )
    return bool(dialog.exec()) and compare_with(window, dialog.chosen())


def compare_with(window: MainWindow, chosen: list[tuple[ProviderProfile, str]]) -> bool:
    """Send the current mode's request to each (profile, model) at once, one column each."""
    from assistant.core.work.compare import Contender, column_requests

    built = window.build_request()
    if built is None or not chosen:
        return False
    request = built[0]
    contenders = [Contender(profile, model) for profile, model in chosen]
    requests = column_requests(request, contenders)
    window.mode_panel.save_drafts()
    mode = window.services.modes[request.mode_id]
    window.answer_panel.compare.start(requests, [c.label for c in contenders], mode)
    return True
