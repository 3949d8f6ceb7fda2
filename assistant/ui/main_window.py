"""The main window: composes the provider bar, the mode panel, the answer panel, the status bar
and the history dock, and turns Generate into a request through core's one request builder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter

from assistant import APP_DISPLAY_NAME
from assistant.core.config.store import SettingsStore
from assistant.core.prompts.modes import Mode
from assistant.core.prompts.request import GenerationRequest, RequestError, build_request
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.providers.secrets import KeyStore
from assistant.core.storage.drafts import DraftStore
from assistant.core.storage.history import HistoryStore
from assistant.core.work.endpoints import ProviderResolver
from assistant.ui.answer_pages import form_editor
from assistant.ui.answer_panel import AnswerPanel
from assistant.ui.followups import FollowUps
from assistant.ui.font_check import GlyphWarning
from assistant.ui.generation_controller import GenerationController
from assistant.ui.history_dock import HistoryDock
from assistant.ui.mode_actions import ModeActions
from assistant.ui.mode_form import ModeForm, tr_mode
from assistant.ui.mode_panel import ModePanel
from assistant.ui.provider_bar import ProviderBar
from assistant.ui.settings_qt import QtSettings
from assistant.ui.status_bar import StatusBar
from assistant.ui.theme import ThemeFollower
from assistant.ui.window_menus import build_menus


@dataclass
class Services:
    """Core objects the window is a view over (built by assistant.app)."""

    settings_store: SettingsStore
    keys: KeyStore
    modes: dict[str, Mode]
    resolver: ProviderResolver
    controller: GenerationController
    history: HistoryStore | None = None


class MainWindow(QMainWindow):
    """Provider bar on top; modes and the form on the left, the answer on the right."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.settings_qt = QtSettings(services.settings_store, self)
        self.settings = services.settings_store.settings
        """The current values (read only: panels edit them through the settings store)."""
        self.theme = ThemeFollower(self.settings_qt, self)
        self.controller = services.controller
        self.setWindowTitle(APP_DISPLAY_NAME)
        self.resize(1280, 800)
        self.setAcceptDrops(True)
        resolver = services.resolver
        self.provider_bar = ProviderBar(
            self.settings_qt, services.keys, lambda p: resolver.resolve(p, lambda _text: None), self
        )
        self.addToolBar(self.provider_bar)
        drafts = DraftStore(services.history) if services.history else None
        self.mode_panel = ModePanel(services.modes, self.settings_qt, drafts)
        self.answer_panel = AnswerPanel(
            self.controller, services.history, lambda: self.current_form().main_editor()
        )
        self.mode_panel.add_footer(self.answer_panel.buttons())
        splitter = QSplitter()  # horizontal
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.mode_panel)
        splitter.addWidget(self.answer_panel)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([650, 630])
        self.setCentralWidget(splitter)
        self.status = StatusBar()
        self.setStatusBar(self.status)
        titles = {mode.id: tr_mode(mode.title) for mode in services.modes.values()}
        self.history_view = HistoryDock(self, services.history, titles)
        self._connect_panels()
        self.followups = FollowUps(self)
        """Follow-ups, versions and chat's thread around the answer."""
        self.addActions(self.followups.actions())
        self.mode_actions = ModeActions(self)
        """The Modes menu: the mode editor, import/export, reset, delete; the folder watched."""
        self.local_only_action = build_menus(self)
        from assistant.ui.vision_note import VisionNotes, paste_image_action

        self.vision_notes = VisionNotes(self)  # image fields warn when the provider has no vision
        self.addAction(paste_image_action(self))  # Ctrl+V of a screenshot outside text fields
        self._restore_state()

    def _connect_panels(self) -> None:
        for panel in (self.provider_bar, self.mode_panel):
            panel.sig_status.connect(self.status.set_status)
        self.settings_qt.sig_save_failed.connect(self.status.set_status)
        self.mode_panel.sig_mode_changed.connect(self._mode_shown)
        answers = self.answer_panel
        answers.sig_generate.connect(self.generate)
        answers.sig_status.connect(self.status.set_status)
        answers.sig_tokens.connect(self.status.set_tokens)
        answers.sig_running.connect(self.status.set_running)
        answers.sig_continue.connect(self.continue_interrupted)
        answers.sig_regenerate.connect(self.regenerate_interrupted)
        answers.sig_raise_repetition.connect(self.raise_repetition)
        self.addActions([answers.generate_action, answers.stop_action])
        self.addActions([answers.copy_action, answers.insert_action])
        answers.pages.field_editor = lambda mode_id, name: form_editor(
            self.mode_panel, mode_id, name
        )
        self.controller.sig_done.connect(self.history_view.run_ended)  # every run's record
        self.controller.sig_done.connect(lambda _id, done: self.status.show_run_cost(done))
        self.history_view.sig_open.connect(self.open_record)
        self.glyph_warning = GlyphWarning(self._warn_missing_font)
        self.controller.sig_done.connect(
            lambda _request_id, done: self.glyph_warning.check("".join(done.answers))
        )

    def show_mode_problems(self, problems: list[Any]) -> None:
        """Show the person's mode files that could not be loaded (or hide the banner)."""
        from assistant.ui.mode_problems_banner import ModeProblemsBanner, place_above_central

        banner = self.findChild(ModeProblemsBanner)
        if banner is not None:
            banner.set_problems(problems)
        elif problems:
            place_above_central(self, ModeProblemsBanner(problems))

    def check_ui_glyphs(self) -> None:
        """Warn once when no font can show the UI language (called after the first paint)."""
        self.glyph_warning.check(QCoreApplication.translate("MainWindow", "&File"))

    def _warn_missing_font(self, message: str) -> None:
        self.status.set_status(message)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(APP_DISPLAY_NAME)
        box.setText(message)
        box.setObjectName("missingFontWarning")
        box.open()

    def _restore_state(self) -> None:
        ids = list(self.services.modes)
        last = self.settings.last_mode
        if last in ids:
            self.mode_panel.select_mode(last)
        else:
            self.mode_panel.select_row(0)
        if self.settings.window_geometry:
            from PySide6.QtCore import QByteArray  # its type: only for a saved geometry

            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
        if self.settings.load_warnings:
            self.status.set_status(" ".join(self.settings.load_warnings))
        self.mode_panel.restore_drafts()
        self._recover_interrupted()
        history = self.services.history
        if history is not None and history.problem:
            self.answer_panel.show_error(history.problem)

    def _mode_shown(self, _mode_id: str) -> None:
        self.answer_panel.insert_action.setEnabled(self.current_form().main_editor() is not None)

    # --- the current selections ----------------------------------------------------------------

    def current_mode(self) -> Mode:
        return self.mode_panel.current_mode()

    def current_form(self) -> ModeForm:
        return self.mode_panel.current_form()

    def current_profile(self) -> ProviderProfile:
        return self.provider_bar.current_profile()

    def collect_values(self) -> tuple[dict[str, Any], int | None]:
        """Field values, with the code split at the cursor where the mode declares it."""
        return self.current_form().values_at_cursor()

    def template_builtins(self) -> dict[str, str]:
        """The templates' built-in variables now: date, UI language, clipboard, selection."""
        from PySide6.QtWidgets import QApplication

        from assistant.core.base.i18n import language
        from assistant.core.prompts.templates import builtin_values

        editor = self.current_form().main_editor()
        selection = editor.textCursor().selectedText() if editor is not None else ""
        return builtin_values(
            locale=language(),
            clipboard=QApplication.clipboard().text(),
            selection=selection.replace("\u2029", "\n"),  # Qt's paragraph separator
        )

    # --- generation ----------------------------------------------------------------------------

    @Slot()
    def generate(self) -> None:
        """Build the current mode's request and send it (after the context-window check); in
        chat mode with a conversation on screen, its next turn."""
        if self.followups.continue_chat():
            return
        built = self.build_request()
        if built is not None:
            self._send(*built)

    def build_request(self) -> tuple[GenerationRequest, int | None] | None:
        """The current mode's request and the input's cursor; None (problems shown) if it
        cannot be built."""
        mode = self.current_mode()
        values, cursor_position = self.collect_values()
        if cursor_position == 0 and values.get(mode.after_cursor_field or ""):
            self.answer_panel.show_error(
                self.tr("Put the cursor where the completion should go: it is at the very start.")
            )
            return None
        overrides = self.params_panel.params().to_dict()
        overrides["model"] = self.provider_bar.model_name()
        try:
            saved = self.settings.mode_params.get(mode.id)
            request = build_request(
                mode, values, self.current_profile(), saved, overrides, self.template_builtins()
            )
        except RequestError as exc:
            self.answer_panel.show_error("\n".join(exc.problems))
            self.current_form().focus_first_empty()
            return None
        return request, cursor_position

    def _send(self, request: GenerationRequest, cursor_position: int | None = None) -> None:
        """The context-window check (once per request), then the request goes out."""
        from assistant.ui import context_check

        editor = self.current_form().main_editor()
        engine, window = self.services.resolver.engine, self.settings.engine_context
        if context_check.allow_send(self, request, editor, engine, window, self.status.set_status):
            self.mode_panel.save_drafts()
            self.answer_panel.start(request, self.services.modes[request.mode_id], cursor_position)

    def _recovered_request(self) -> GenerationRequest | None:
        """The interrupted run's request, built again from its record's fields and parameters."""
        record = self.answer_panel.recovered
        if record is None:
            return None
        mode = self.services.modes[record.mode]
        profile = self.settings.profile(record.provider) or self.current_profile()
        overrides = {**record.params, "model": record.model}
        try:
            return build_request(mode, record.fields, profile, None, overrides)
        except RequestError as exc:
            self.answer_panel.show_error("\n".join(exc.problems))
            return None

    def continue_interrupted(self) -> None:
        """Go on from the interrupted answer's text."""
        if self.followups.recover(go_on=True):
            return
        request = self._recovered_request()
        if request is not None and self.answer_panel.recovered is not None:
            from assistant.core.work.generation import continuation

            self._send(continuation(request, self.answer_panel.continue_from()))

    def raise_repetition(self) -> None:
        """The model looped: one step more Repetition under Parameters, then Generate again."""
        self.mode_panel.raise_repetition()
        if not self.followups.recover(go_on=False, current_params=True):
            self.generate()

    def regenerate_interrupted(self) -> None:
        """Send the interrupted request again from the start."""
        if self.followups.recover(go_on=False):
            return
        request = self._recovered_request()
        if request is not None:
            self._send(request)

    # --- history and crash recovery ------------------------------------------------------------

    def open_record(self, record_id: int, keep_input: bool = False, note: str = "") -> None:
        """Bring a past generation back: its mode, field values and answer(s)."""
        history = self.services.history
        record = history.get(record_id) if history else None
        if record is None or record.mode not in self.services.modes:
            self.status.set_status(self.tr("That history entry cannot be opened."))
            return
        self.answer_panel.stop()
        self.mode_panel.select_mode(record.mode)
        if not keep_input:
            self.mode_panel.form(record.mode).set_values(dict(record.fields))
        self.answer_panel.show_record(record, self.services.modes[record.mode], note)
        self.followups.record_opened(record)
        self.status.set_status(self.tr("Opened “{0}” from the history.").format(record.title))

    def _recover_interrupted(self) -> None:
        """Show the newest answer cut short by a crash, with Continue / Regenerate."""
        history, drafts = self.services.history, self.mode_panel.drafts
        if history is None:
            return
        try:
            ids = history.mark_interrupted()
            has_draft = set(drafts.load_all()) if drafts else set()
            record = history.get(max(ids)) if ids else None
        except Exception:
            return
        if record is None or record.mode not in self.services.modes:
            return
        note = self.tr(
            "This answer was interrupted: the app closed while it was being written. "
            "The input and the text so far are kept."
        )
        # The draft is the input exactly as typed; a run without one (the CLI) brings its fields.
        self.open_record(record.id, keep_input=record.mode in has_draft, note=note)
        self.status.set_status(self.tr("Recovered an interrupted answer."))

    # --- settings, dialogs, dropping models, closing -------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        from assistant.ui.models_dialog import gguf_paths, local_paths

        images = self.current_form().image_field  # screenshots dropped anywhere: attached
        if gguf_paths(local_paths(event)) or (images and images.takes(event.mimeData())):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        from assistant.ui.models_dialog import local_paths

        images = self.current_form().image_field
        if self.provider_bar.add_dropped_models(local_paths(event)) or (
            images and images.takes(event.mimeData()) and images.add_from_mime(event.mimeData())
        ):
            event.acceptProposedAction()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.mode_panel.save_drafts()
        self.controller.shutdown()
        geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self.settings_qt.store.set("window_geometry", geometry)
        self.settings_qt.flush()
        super().closeEvent(event)

    # --- widgets by the names the tests and the app use (they live in the panels) --------------

    mode_list = property(lambda self: self.mode_panel.mode_list)
    params_panel = property(lambda self: self.mode_panel.params_panel)
    paste_watch = property(lambda self: self.mode_panel.paste_watch)
    model_combo = property(lambda self: self.provider_bar.model_combo)
    models_action = property(lambda self: self.provider_bar.models_action)
    answer_area = property(lambda self: self.answer_panel.answer_area)
    error_banner = property(lambda self: self.answer_panel.error_banner)
    recovery_bar = property(lambda self: self.answer_panel.recovery_bar)
    continue_button = property(lambda self: self.answer_panel.continue_button)
    generate_button = property(lambda self: self.answer_panel.generate_button)
    stop_button = property(lambda self: self.answer_panel.stop_button)
    copy_action = property(lambda self: self.answer_panel.copy_action)
    insert_action = property(lambda self: self.answer_panel.insert_action)
    status_label = property(lambda self: self.status.status_label)
    tokens_label = property(lambda self: self.status.tokens_label)
    history_panel = property(lambda self: self.history_view.panel)
    history_dock = property(lambda self: self.history_view.dock)

    def copy_answer(self) -> None:
        self.answer_panel.copy()

    def _export_text(self, path: str, text: str) -> str:
        return self.answer_panel.export_text(path, text)
