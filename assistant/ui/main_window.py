"""The main window: modes on the left, the mode's form in the middle, the answer on the right."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from assistant import APP_DISPLAY_NAME
from assistant.core.config.settings import Settings
from assistant.core.prompts.modes import Mode
from assistant.core.prompts.request import GenerationRequest, RequestError, build_request
from assistant.core.providers.params import GenerationParams
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.providers.secrets import KeyStore
from assistant.core.storage.drafts import DraftStore
from assistant.core.storage.history import HistoryStore, Record
from assistant.core.text.answers import code_to_insert
from assistant.core.work.endpoints import ProviderResolver
from assistant.core.work.generation import DoneEvent, continuation
from assistant.core.work.runs import RunStatus
from assistant.ui.answer_area import AnswerArea
from assistant.ui.code_editor import CodeEditor
from assistant.ui.generation_controller import GenerationController
from assistant.ui.mode_form import ModeForm, tr_mode
from assistant.ui.params_panel import ParamsPanel

if TYPE_CHECKING:
    from assistant.ui.history_panel import HistoryPanel

DRAFT_DELAY_MS = 400  # drafts are written this long after the last keystroke


@dataclass
class Services:
    """Core objects the window is a view over (built by assistant.app)."""

    settings: Settings
    keys: KeyStore
    modes: dict[str, Mode]
    resolver: ProviderResolver
    controller: GenerationController
    history: HistoryStore | None = None


@dataclass
class _Active:
    """The request currently shown in the answer pane."""

    request_id: str
    insert_position: int | None
    text_at_start: str


class MainWindow(QMainWindow):
    """Thin view: collects (mode, fields, params), asks core to render, shows the stream."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.settings = services.settings
        self.controller = services.controller
        self._forms: dict[str, ModeForm] = {}
        self._active: _Active | None = None
        self._insert_target: tuple[str, int] | None = None  # (editor text, cursor) at generation
        self._save_timer = QTimer(self, singleShot=True, interval=800)
        self._save_timer.timeout.connect(self._save_settings)
        self.drafts = DraftStore(services.history) if services.history else None
        self._dirty_drafts: set[str] = set()
        self._draft_timer = QTimer(self, singleShot=True, interval=DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_drafts)
        self._recovered: Record | None = None
        self._shown_record_id: int | None = None  # history record of the answer on screen
        self.setWindowTitle(APP_DISPLAY_NAME)
        self.resize(1280, 800)
        self.setAcceptDrops(True)
        self._build_actions()
        self._build_toolbar()
        self._build_body()
        self._build_status_bar()
        self._build_history_action()
        self._build_menus()
        self._connect_controller()
        self._restore_state()
        from PySide6.QtWidgets import QPlainTextEdit

        from assistant.ui.paste_watch import PasteWatch

        self.paste_watch = PasteWatch(self)  # says what pasting changed (line endings, bytes)
        self.paste_watch.watch(
            w for f in self._forms.values() for w in f.findChildren(QPlainTextEdit)
        )
        self.paste_watch.sig_notice.connect(self._set_status)

    # --- building ------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.generate_action = QAction(self.tr("Generate"), self)
        self.generate_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.generate_action.setToolTip(self.tr("Generate (Ctrl+Enter)"))
        self.generate_action.triggered.connect(self.generate)
        self.stop_action = QAction(self.tr("Stop"), self)
        self.stop_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.stop_action.setToolTip(self.tr("Stop (Esc)"))
        self.stop_action.setEnabled(False)
        self.stop_action.triggered.connect(self.stop)
        self.copy_action = QAction(self.tr("Copy answer"), self)
        self.copy_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_action.triggered.connect(self.copy_answer)
        self.insert_action = QAction(self.tr("Insert at cursor"), self)
        self.insert_action.setShortcut(QKeySequence("Ctrl+I"))
        self.insert_action.setToolTip(
            self.tr("Insert the answer at the cursor of the input editor")
        )
        self.insert_action.triggered.connect(self.insert_answer)
        self.export_action = QAction(self.tr("Save answer as…"), self)
        self.export_action.setShortcut(QKeySequence.StandardKey.Save)
        self.export_action.triggered.connect(self.export_answer)
        self.providers_action = QAction(self.tr("Providers…"), self)
        self.providers_action.setShortcut(QKeySequence("Ctrl+,"))
        self.providers_action.triggered.connect(self.edit_providers)
        self.models_action = QAction(self.tr("Models…"), self)
        self.models_action.setToolTip(self.tr("Install the built-in model or add GGUF files"))
        self.models_action.triggered.connect(self.manage_models)
        self.welcome_action = QAction(self.tr("Getting started…"), self)
        self.welcome_action.triggered.connect(self.show_welcome)
        self.quit_action = QAction(self.tr("Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        for action in (
            self.generate_action,
            self.stop_action,
            self.copy_action,
            self.insert_action,
        ):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Provider"), self)
        bar.setObjectName("providerToolbar")
        bar.setMovable(False)
        self.addToolBar(bar)
        bar.addWidget(QLabel(self.tr("Provider ")))
        self.provider_combo = QComboBox()
        self.provider_combo.setObjectName("providerCombo")
        self.provider_combo.setMinimumWidth(200)
        self.provider_combo.currentIndexChanged.connect(self._provider_chosen)
        bar.addWidget(self.provider_combo)
        bar.addWidget(QLabel(self.tr("  Model ")))
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("modelCombo")
        self.model_combo.setEditable(True)
        self.model_combo.setMinimumWidth(240)
        line_edit = self.model_combo.lineEdit()
        if line_edit is not None:
            line_edit.setPlaceholderText(self.tr("model name"))
        self.model_combo.currentTextChanged.connect(self._model_edited)
        self.model_combo.activated.connect(self._builtin_model_chosen)
        bar.addWidget(self.model_combo)
        bar.addSeparator()
        bar.addAction(self.providers_action)
        bar.addAction(self.models_action)
        self._refill_providers()

    def _build_body(self) -> None:
        self.mode_list = QListWidget()
        self.mode_list.setObjectName("modeList")
        self.mode_list.setMaximumWidth(210)
        self.mode_list.setMinimumWidth(150)
        self.mode_list.setStyleSheet("QListWidget#modeList::item { padding: 6px 4px; }")
        self.forms = QStackedWidget()
        for number, mode in enumerate(self.services.modes.values(), start=1):
            item = QListWidgetItem(tr_mode(mode.title), self.mode_list)
            item.setData(Qt.ItemDataRole.UserRole, mode.id)
            item.setToolTip(tr_mode(mode.description))
            form = ModeForm(mode)
            form.sig_changed.connect(self._input_changed)
            self._forms[mode.id] = form
            self.forms.addWidget(form)
            if number <= 9:
                action = QAction(self)
                action.setShortcut(QKeySequence(f"Ctrl+{number}"))
                action.triggered.connect(lambda _=False, row=number - 1: self._select_row(row))
                self.addAction(action)
        self.mode_list.currentRowChanged.connect(self._mode_chosen)

        self.params_panel = ParamsPanel()
        self.params_panel.sig_changed.connect(self._params_edited)
        self.generate_button = QPushButton(self.tr("Generate"))
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setDefault(True)
        self.generate_button.setToolTip(self.generate_action.toolTip())
        self.generate_button.clicked.connect(self.generate)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setToolTip(self.stop_action.toolTip())
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.generate_button)

        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.addWidget(self.forms, 1)
        middle_layout.addWidget(self.params_panel)
        middle_layout.addLayout(buttons)

        self.answer_area = AnswerArea()
        self.error_banner = QLabel()
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        self.error_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_banner.setStyleSheet(
            "QLabel#errorBanner { background: #fdecea; color: #611a15; border: 1px solid #f5c2c0;"
            " border-radius: 4px; padding: 6px; }"
        )
        self.error_banner.setVisible(False)
        self.recovery_bar = self._build_recovery_bar()
        answer_bar = QToolBar()
        answer_bar.setObjectName("answerToolbar")
        answer_bar.addAction(self.copy_action)
        answer_bar.addAction(self.insert_action)
        answer_bar.addAction(self.export_action)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(answer_bar)
        right_layout.addWidget(self.error_banner)
        right_layout.addWidget(self.recovery_bar)
        right_layout.addWidget(self.answer_area, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.mode_list)
        splitter.addWidget(middle)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 3)
        splitter.setSizes([170, 480, 630])
        self.setCentralWidget(splitter)

    def _build_recovery_bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("recoveryBar")
        bar.setStyleSheet(
            "QWidget#recoveryBar { background: #fff4e5; border: 1px solid #ffd8a8;"
            " border-radius: 4px; }"
        )
        layout = QHBoxLayout(bar)
        self.recovery_label = QLabel()
        self.recovery_label.setWordWrap(True)
        self.continue_button = QPushButton(self.tr("Continue"))
        self.continue_button.setObjectName("continueButton")
        self.continue_button.setToolTip(self.tr("Ask the model to go on from the text so far"))
        self.continue_button.clicked.connect(self.continue_interrupted)
        self.regenerate_button = QPushButton(self.tr("Regenerate"))
        self.regenerate_button.setObjectName("regenerateButton")
        self.regenerate_button.clicked.connect(self.regenerate_interrupted)
        dismiss = QPushButton(self.tr("Dismiss"))
        dismiss.clicked.connect(lambda: bar.setVisible(False))
        layout.addWidget(self.recovery_label, 1)
        layout.addWidget(self.continue_button)
        layout.addWidget(self.regenerate_button)
        layout.addWidget(dismiss)
        bar.setVisible(False)
        return bar

    def _build_history_action(self) -> None:
        """Ctrl+H shows the history; the panel is built on first use (keeps start-up fast)."""
        self.history_panel: HistoryPanel | None = None
        self.history_dock: QDockWidget | None = None
        self.history_action = QAction(self.tr("History"), self)
        self.history_action.setCheckable(True)
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.history_action.setEnabled(self.services.history is not None)
        self.history_action.toggled.connect(self.show_history)
        self.addAction(self.history_action)

    def show_history(self, shown: bool = True) -> None:
        """Show or hide the history dock (search, star, rename, delete, reopen, export)."""
        history = self.services.history
        if history is None:
            return
        if shown and self.history_dock is None:
            from assistant.ui.history_panel import HistoryPanel

            titles = {mode.id: tr_mode(mode.title) for mode in self.services.modes.values()}
            self.history_panel = HistoryPanel(history, titles)
            self.history_panel.sig_open.connect(self.open_record)
            dock = QDockWidget(self.tr("History"), self)
            dock.setObjectName("historyDock")
            dock.setWidget(self.history_panel)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            dock.visibilityChanged.connect(self.history_action.setChecked)
            self.history_dock = dock
        if self.history_dock is not None:
            self.history_dock.setVisible(shown)
        if shown and self.history_panel is not None:
            self.history_panel.refresh()
            self.history_panel.focus_search()
        self.history_action.setChecked(shown)

    def open_record(self, record_id: int, keep_input: bool = False) -> None:
        """Bring a past generation back: its mode, field values and answer(s)."""
        history = self.services.history
        record = history.get(record_id) if history else None
        if record is None or record.mode not in self.services.modes:
            self._set_status(self.tr("That history entry cannot be opened."))
            return
        if self._active is not None:
            self.stop()
        self._select_mode(record.mode)
        form = self._forms[record.mode]
        form.set_values({} if keep_input else dict(record.fields))
        mode = self.services.modes[record.mode]
        self.answer_area.show_text(record.answers or [""], _answer_language(mode, record.fields))
        self._shown_record_id = record.id
        self.error_banner.setVisible(bool(record.error))
        self.error_banner.setText(record.error or "")
        self._recovered = record if record.status == RunStatus.INTERRUPTED else None
        self.recovery_bar.setVisible(self._recovered is not None)
        self.recovery_label.setText(
            self.tr("This answer was interrupted. The text so far is kept.")
        )
        self._set_status(self.tr("Opened “{0}” from the history.").format(record.title))

    def _build_status_bar(self) -> None:
        self.status_label = QLabel(self.tr("Ready"))
        self.status_label.setObjectName("statusLabel")
        self.busy = QProgressBar()
        self.busy.setObjectName("busyIndicator")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)
        self.tokens_label = QLabel()
        self.tokens_label.setObjectName("tokensLabel")
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.tokens_label)
        self.statusBar().addPermanentWidget(self.busy)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.copy_action)
        edit_menu.addAction(self.insert_action)
        run_menu = self.menuBar().addMenu(self.tr("&Generate"))
        run_menu.addAction(self.generate_action)
        run_menu.addAction(self.stop_action)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        view_menu.addAction(self.history_action)
        settings_menu = self.menuBar().addMenu(self.tr("&Settings"))
        settings_menu.addAction(self.providers_action)
        settings_menu.addAction(self.models_action)
        settings_menu.addSeparator()
        self.local_only_action = settings_menu.addAction(self.tr("Local only (no internet)"))
        self.local_only_action.setObjectName("localOnlyAction")
        self.local_only_action.setCheckable(True)
        self.local_only_action.setChecked(self.settings.local_only)
        self.local_only_action.setToolTip(
            self.tr("Send requests only to this machine (the built-in engine, local servers)")
        )
        self.local_only_action.toggled.connect(self._set_local_only)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.welcome_action)
        about = help_menu.addAction(self.tr("About"))
        about.triggered.connect(self._about)

    def _connect_controller(self) -> None:
        self.controller.sig_status.connect(self._on_status)
        self.controller.sig_delta.connect(self._on_delta)
        self.controller.sig_progress.connect(self._on_progress)
        self.controller.sig_done.connect(self._on_done)

    def _restore_state(self) -> None:
        ids = list(self.services.modes)
        row = ids.index(self.settings.last_mode) if self.settings.last_mode in ids else 0
        self.mode_list.setCurrentRow(row)
        self._mode_chosen(row)
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
        if self.settings.load_warnings:
            self._set_status(" ".join(self.settings.load_warnings))
        self._restore_drafts()
        self._recover_interrupted()
        history = self.services.history
        if history is not None and history.problem:
            self._show_error(history.problem)

    def _restore_drafts(self) -> None:
        if self.drafts is None:
            return
        try:
            drafts = self.drafts.load_all()
        except Exception as exc:
            self._set_status(self.tr("Drafts could not be read: {0}").format(exc))
            return
        for mode_id, values in drafts.items():
            form = self._forms.get(mode_id)
            if form is not None:
                form.set_values(values)
        self._dirty_drafts.clear()

    def _recover_interrupted(self) -> None:
        """Show the newest answer cut short by a crash, with Continue / Regenerate."""
        history = self.services.history
        if history is None:
            return
        try:
            ids = history.mark_interrupted()
            has_draft = set(self.drafts.load_all()) if self.drafts else set()
            record = history.get(max(ids)) if ids else None
        except Exception:
            return
        if record is None or record.mode not in self.services.modes:
            return
        # The draft is the input exactly as typed; a run without one (the CLI) brings its fields.
        self.open_record(record.id, keep_input=record.mode in has_draft)
        self.recovery_label.setText(
            self.tr(
                "This answer was interrupted: the app closed while it was being written. "
                "The input and the text so far are kept."
            )
        )
        self._set_status(self.tr("Recovered an interrupted answer."))

    # --- current selections --------------------------------------------------------------------

    def current_mode(self) -> Mode:
        item = self.mode_list.currentItem()
        mode_id = item.data(Qt.ItemDataRole.UserRole) if item else next(iter(self.services.modes))
        return self.services.modes[mode_id]

    def current_form(self) -> ModeForm:
        return self._forms[self.current_mode().id]

    def current_profile(self) -> ProviderProfile:
        return self.settings.active()

    def _select_mode(self, mode_id: str) -> None:
        ids = list(self.services.modes)
        if mode_id in ids:
            self.mode_list.setCurrentRow(ids.index(mode_id))

    def _select_row(self, row: int) -> None:
        if 0 <= row < self.mode_list.count():
            self.mode_list.setCurrentRow(row)

    def _mode_chosen(self, row: int) -> None:
        if row < 0:
            return
        mode = self.current_mode()
        self.forms.setCurrentWidget(self._forms[mode.id])
        self.params_panel.set_params(self._mode_params(mode))
        self.insert_action.setEnabled(self._forms[mode.id].main_editor() is not None)
        if self.settings.last_mode != mode.id:
            self.settings.last_mode = mode.id
            self._save_timer.start()

    def _mode_params(self, mode: Mode) -> GenerationParams:
        overrides = self.settings.mode_params.get(mode.id, {})
        return mode.params.merged(**overrides).merged(model=self.model_combo.currentText().strip())

    # --- providers -----------------------------------------------------------------------------

    def _refill_providers(self) -> None:
        self.provider_combo.blockSignals(True)
        self.provider_combo.clear()
        for profile in self.settings.profiles:
            self.provider_combo.addItem(profile.name, profile.name)
        index = self.provider_combo.findData(self.settings.active_profile)
        self.provider_combo.setCurrentIndex(max(0, index))
        self.provider_combo.blockSignals(False)
        self._show_profile_model()

    def _show_profile_model(self) -> None:
        profile = self.current_profile()
        combo = self.model_combo
        combo.blockSignals(True)
        combo.clear()
        combo.setEditable(not profile.is_builtin)
        if profile.is_builtin:
            self._fill_builtin_models()
        else:
            combo.setEditText(profile.model)
            combo.setToolTip(
                self.tr("Model name as the server knows it (Test connection lists them).")
            )
        combo.blockSignals(False)

    def _fill_builtin_models(self) -> None:
        """The built-in engine's model picker: installed GGUF files with their details."""
        from assistant.core.engine import models

        combo = self.model_combo
        try:
            installed = models.list_models()
        except Exception:
            installed = []
        chosen = self.settings.engine_model_path
        for info in installed:
            combo.addItem(info.name, str(info.path))
            details = self.tr("{0} · {1} MB · {2} · context {3} tokens").format(
                info.path,
                round(info.size / 1_000_000),
                info.quantization or "?",
                info.context_length or "?",
            )
            combo.setItemData(combo.count() - 1, details, Qt.ItemDataRole.ToolTipRole)
            if (chosen and str(info.path) == chosen) or (not chosen and info.is_default):
                combo.setCurrentIndex(combo.count() - 1)
        if not installed:
            combo.addItem(self.tr("No model installed: Settings → Models…"), "")
        combo.setToolTip(self.tr("Model run by the built-in engine (switching restarts it)."))

    def _builtin_model_chosen(self, index: int) -> None:
        if not self.current_profile().is_builtin or index < 0:
            return
        path = self.model_combo.itemData(index) or ""
        from assistant.core.engine import models

        default = models.default_model_path()
        chosen = "" if default is not None and str(default) == path else path
        if chosen != self.settings.engine_model_path:
            self.settings.engine_model_path = chosen
            self._save_timer.start()

    def _provider_chosen(self, index: int) -> None:
        name = self.provider_combo.itemData(index)
        if name and name != self.settings.active_profile:
            self.settings.active_profile = name
            self._save_timer.start()
        self._show_profile_model()

    def _model_edited(self, text: str) -> None:
        profile = self.current_profile()
        if profile.is_builtin or text.strip() == profile.model:
            return
        self.settings.upsert_profile(profile.with_changes(model=text.strip()))
        self._save_timer.start()

    def edit_providers(self) -> None:
        from assistant.ui.provider_dialog import ProviderDialog

        def resolve(profile: ProviderProfile) -> Any:
            return self.services.resolver.resolve(profile, lambda _text: None)

        dialog = ProviderDialog(self.settings, self.services.keys, resolve, self)
        if dialog.exec():
            self._save_settings()
            self._refill_providers()
            if dialog.notice:
                self._set_status(dialog.notice)

    def show_welcome(self) -> None:
        from assistant.ui.welcome_dialog import WelcomeDialog

        dialog = WelcomeDialog(self.settings, self.services.keys, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:  # settings already saved
            self._refill_providers()

    def show_welcome_if_first_run(self) -> None:
        from assistant.ui.welcome_dialog import should_show

        if should_show(self.settings):
            self.show_welcome()

    def manage_models(self) -> None:
        from assistant.ui.models_dialog import ModelsDialog

        ModelsDialog(self.settings, self).exec()  # saves on close
        self._show_profile_model()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        from assistant.ui.models_dialog import gguf_paths, local_paths

        if gguf_paths(local_paths(event)):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        from assistant.ui.models_dialog import add_dropped_models, local_paths

        added = add_dropped_models(local_paths(event), self)
        if added:
            event.acceptProposedAction()
            self._show_profile_model()
            names = ", ".join(model.name for model in added)
            self._set_status(self.tr("Added model: {0}").format(names))

    # --- generation ----------------------------------------------------------------------------

    def _params_edited(self) -> None:
        mode = self.current_mode()
        params = self.params_panel.params()
        defaults = mode.params.to_dict()
        changed = {
            key: value
            for key, value in params.to_dict().items()
            if key != "model" and value != defaults.get(key)
        }
        self.settings.mode_params[mode.id] = changed
        self._save_timer.start()

    def collect_values(self) -> tuple[dict[str, Any], int | None]:
        """Field values, with the code editor split at the cursor where the mode asks for it."""
        return self.current_form().values_at_cursor()

    @Slot()
    def generate(self) -> None:
        """Render the current mode's prompt and start streaming the answer."""
        mode = self.current_mode()
        values, cursor_position = self.collect_values()
        if cursor_position == 0 and values.get(mode.after_cursor_field or ""):
            self._show_error(
                self.tr("Put the cursor where the completion should go: it is at the very start.")
            )
            return
        overrides = self.params_panel.params().to_dict()
        overrides["model"] = self.model_combo.currentText().strip()
        try:
            request = build_request(
                mode,
                values,
                self.current_profile(),
                self.settings.mode_params.get(mode.id),
                overrides,
            )
        except RequestError as exc:
            self._show_error("\n".join(exc.problems))
            self.current_form().focus_first_empty()
            return
        from assistant.ui import context_check

        engine = self.services.resolver.engine
        editor = self.current_form().main_editor()
        if not context_check.allow_send(
            self, request, editor, engine, self.settings.engine_context, self._set_status
        ):
            return
        self.start_request(request, cursor_position)

    def start_request(self, request: GenerationRequest, cursor_position: int | None = None) -> str:
        """Send ``request`` and stream its answer into the pane; returns the request id."""
        if self._active is not None:
            self.stop()
        self.save_drafts()
        mode = self.services.modes[request.mode_id]
        request_id = self.controller.start(request)
        editor = self.current_form().main_editor()
        self._active = _Active(
            request_id=request_id,
            insert_position=cursor_position,
            text_at_start=editor.toPlainText() if editor else "",
        )
        self.answer_area.begin(request_id, _answer_language(mode, request.fields), request.params.n)
        if request.prefix:
            self.answer_area.append(request_id, 0, request.prefix)
        self.error_banner.setVisible(False)
        self.recovery_bar.setVisible(False)
        self._set_running(True)
        self.tokens_label.clear()
        self._set_status(self.tr("Sending to {0}…").replace("{0}", request.profile.name))
        return request_id

    def _recovered_request(self) -> GenerationRequest | None:
        record = self._recovered
        if record is None:
            return None
        mode = self.services.modes[record.mode]
        profile = self.settings.profile(record.provider) or self.current_profile()
        try:
            return build_request(
                mode, record.fields, profile, None, {**record.params, "model": record.model}
            )
        except RequestError as exc:
            self._show_error("\n".join(exc.problems))
            return None

    def continue_interrupted(self) -> None:
        """Go on from the interrupted answer's text."""
        request = self._recovered_request()
        if request is None or self._recovered is None:
            return
        self.start_request(continuation(request, self._recovered.answer))

    def regenerate_interrupted(self) -> None:
        """Send the interrupted request again from the start."""
        request = self._recovered_request()
        if request is not None:
            self.start_request(request)

    @Slot()
    def stop(self) -> None:
        """Stop the running generation at once; the text so far stays."""
        if self._active is None:
            return
        request_id = self._active.request_id
        self._remember_insert_target(self._active)
        self.controller.stop(request_id)
        self.answer_area.stop(request_id)
        self._active = None
        self._set_running(False)
        self._set_status(self.tr("Stopped. The text so far is kept."))

    def _remember_insert_target(self, active: _Active) -> None:
        if active.insert_position is not None:
            self._insert_target = (active.text_at_start, active.insert_position)

    def _set_running(self, running: bool) -> None:
        self.stop_action.setEnabled(running)
        self.stop_button.setEnabled(running)
        self.busy.setVisible(running)
        self.generate_button.setText(self.tr("Regenerate") if running else self.tr("Generate"))

    def _is_current(self, request_id: str) -> bool:
        return self._active is not None and self._active.request_id == request_id

    @Slot(str, str)
    def _on_status(self, request_id: str, text: str) -> None:
        if self._is_current(request_id):
            self._set_status(text)

    @Slot(str, int, str)
    def _on_delta(self, request_id: str, index: int, text: str) -> None:
        if self._is_current(request_id):
            self.answer_area.append(request_id, index, text)

    @Slot(str, int, float)
    def _on_progress(self, request_id: str, tokens: int, rate: float) -> None:
        if self._is_current(request_id):
            self._set_status(self.tr("Generating…"))
            self.tokens_label.setText(
                self.tr("Tokens: {0} · {1} tok/s").format(tokens, f"{rate:.1f}")
            )

    @Slot(str, object)
    def _on_done(self, request_id: str, done: DoneEvent) -> None:
        if not self._is_current(request_id):
            return
        self.answer_area.finish(request_id)
        assert self._active is not None
        self._remember_insert_target(self._active)
        self._shown_record_id = done.record_id
        if self.history_panel is not None:
            self.history_panel.refresh()
        self._active = None
        self._set_running(False)
        if done.status == RunStatus.FAILED:
            message = done.error or self.tr("The request failed.")
            if any(done.answers):
                message = self.tr("The answer was cut short. {0}").format(message)
            self._show_error(message)
            return
        if done.status == RunStatus.STOPPED:
            self._set_status(self.tr("Stopped. The text so far is kept."))
            return
        summary = self.tr("Done in {0} s").replace("{0}", f"{done.elapsed_s:.1f}")
        if done.usage is not None:
            summary += self.tr(" · usage: {0} prompt + {1} completion = {2} tokens").format(
                done.usage.prompt_tokens, done.usage.completion_tokens, done.usage.total_tokens
            )
        self._set_status(summary)

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)

    def _show_error(self, message: str) -> None:
        """Show a problem above the answer (and its first line in the status bar)."""
        self.error_banner.setText(message)
        self.error_banner.setVisible(True)
        self._set_status(message.splitlines()[0] if message else "")

    # --- answer actions ------------------------------------------------------------------------

    def copy_answer(self) -> None:
        view = self.answer_area.current_view()
        text = view.textCursor().selectedText().replace("\u2029", "\n") or view.text()
        QGuiApplication.clipboard().setText(text)
        self._set_status(self.tr("Copied {0} characters.").format(len(text)))

    def insert_answer(self) -> None:
        """Insert the answer in the input editor, at the generation's cursor if nothing changed."""
        editor = self.current_form().main_editor()
        text = code_to_insert(self.answer_area.current_text())
        if editor is None or not text:
            return
        target = self._insert_target
        if target is not None and target[0] == editor.toPlainText():
            cursor = editor.textCursor()
            cursor.setPosition(target[1])
            editor.setTextCursor(cursor)
        if isinstance(editor, CodeEditor):
            editor.insert_at_cursor(text)
        else:
            editor.textCursor().insertText(text)
        editor.setFocus()
        self._insert_target = None
        self._set_status(self.tr("Inserted {0} characters.").format(len(text)))

    def export_answer(self) -> None:
        text = self.answer_area.current_text()
        if not text:
            self._set_status(self.tr("Nothing to save yet."))
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save answer as"),
            f"{self.current_mode().id}.md",
            self.tr("Markdown (*.md);;Web page (*.html);;Text (*.txt);;All files (*)"),
        )
        if not path:
            return
        try:
            content = self._export_text(path, text)
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(content)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Save answer as"), str(exc))
            return
        self._set_status(self.tr("Saved to {0}").replace("{0}", path))

    def _export_text(self, path: str, text: str) -> str:
        """The answer as the file type asks: HTML (self-contained, highlighted) or text as is."""
        history = self.services.history
        record = history.get(self._shown_record_id) if history and self._shown_record_id else None
        if not path.lower().endswith((".html", ".htm")):
            return text
        from assistant.core.storage import export

        if record is not None and record.answer == text:
            return export.to_html(record)
        from html import escape

        return f"<!doctype html><meta charset='utf-8'><pre>{escape(text)}</pre>\n"

    # --- misc ---------------------------------------------------------------------------------

    def _input_changed(self) -> None:
        """Remember which mode's input changed; write it shortly after the last keystroke."""
        form = self.sender()
        if isinstance(form, ModeForm):
            self._dirty_drafts.add(form.mode.id)
            self._draft_timer.start()

    def save_drafts(self) -> None:
        """Write the input of every mode edited since the last save."""
        if self.drafts is None:
            self._dirty_drafts.clear()
            return
        for mode_id in sorted(self._dirty_drafts):
            try:
                self.drafts.save(mode_id, self._forms[mode_id].values())
            except Exception as exc:
                self._set_status(self.tr("The draft could not be saved: {0}").format(exc))
                return
        self._dirty_drafts.clear()

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About"),
            self.tr("{0}: a writing and coding assistant.").replace("{0}", APP_DISPLAY_NAME),
        )

    def _set_local_only(self, enabled: bool) -> None:
        """Settings → Local only: refuse providers that are not on this machine (saved at once)."""
        self.settings.local_only = enabled
        self._save_settings()
        self._set_status(
            self.tr("Local only: requests go to this machine only.")
            if enabled
            else self.tr("Local only is off: remote providers are allowed.")
        )

    def _save_settings(self) -> None:
        problem = self.settings.save()
        if problem:
            self._set_status(problem)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_drafts()
        self.controller.shutdown()
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self._save_settings()
        super().closeEvent(event)


def _answer_language(mode: Mode, values: dict[str, Any]) -> str:
    """The highlighter language for the answer pane."""
    try:
        return mode.output_language(values)
    except Exception:
        return "markdown" if mode.output == "markdown" else "text"
