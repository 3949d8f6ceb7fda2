"""The provider/model bar: which provider answers, with which model, and the dialogs that set
them up (providers, built-in models, getting started).

It shows the settings and follows them by itself (``on_change``): a dialog, or anything else,
that changes the profiles, the active one or the built-in engine's model is seen here at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QWidget

from assistant.core.config.settings import Settings
from assistant.core.config.store import on_change
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.providers.secrets import KeyStore
from assistant.ui.qt_keys import TOOLTIP_ROLE, set_shortcut
from assistant.ui.settings_qt import QtSettings


class ProviderBar(QToolBar):
    """A view over the settings' provider profiles and the built-in engine's model."""

    sig_status = Signal(str)
    """A line for the status bar."""
    sig_models_changed = Signal()
    """A model file was added or removed (from any thread; shown in the GUI thread)."""

    def __init__(
        self,
        settings: QtSettings,
        keys: KeyStore,
        resolve: Callable[[ProviderProfile], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("Provider"), parent)
        self.store = settings.store
        self._editing = False  # the change being announced was made here
        self._keys = keys
        self._resolve = resolve
        self.setObjectName("providerToolbar")
        self.setMovable(False)
        self.addWidget(QLabel(self.tr("Provider ")))
        self.provider_combo = QComboBox()
        self.provider_combo.setObjectName("providerCombo")
        self.provider_combo.setMinimumWidth(200)
        self.provider_combo.currentIndexChanged.connect(self._provider_chosen)
        self.addWidget(self.provider_combo)
        self.addWidget(QLabel(self.tr("  Model ")))
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("modelCombo")
        self.model_combo.setEditable(True)
        self.model_combo.setMinimumWidth(240)
        line_edit = self.model_combo.lineEdit()
        if line_edit is not None:
            line_edit.setPlaceholderText(self.tr("model name"))
        self.model_combo.currentTextChanged.connect(self._model_edited)
        self.model_combo.activated.connect(self._builtin_model_chosen)
        self.addWidget(self.model_combo)
        self.addSeparator()
        self.providers_action = QAction(self.tr("Providers…"), self)
        set_shortcut(self.providers_action, "Ctrl+,")
        self.providers_action.triggered.connect(self.edit_providers)
        self.models_action = QAction(self.tr("Models…"), self)
        self.models_action.setToolTip(self.tr("Install the built-in model or add GGUF files"))
        self.models_action.triggered.connect(self.manage_models)
        self.welcome_action = QAction(self.tr("Getting started…"), self)
        self.welcome_action.triggered.connect(self.show_welcome)
        self.addAction(self.providers_action)
        self.addAction(self.models_action)
        self.refill()
        settings.observe(self)
        self._follow_model_files()

    def _follow_model_files(self) -> None:
        """The picker lists model files again when one is added or removed (a download ends)."""
        from assistant.core.engine import models

        self.sig_models_changed.connect(self.show_profile_model)  # queued from a worker thread
        unsubscribe = models.subscribe(self.sig_models_changed.emit)
        self.destroyed.connect(lambda _object=None: unsubscribe())

    @property
    def settings(self) -> Settings:
        """The current values (read only: edits go through ``store``)."""
        return self.store.settings

    @on_change("profiles", "active_profile", "engine_model_path")
    def _settings_changed(self, name: str) -> None:
        if not self._editing:
            self.refill()

    def current_profile(self) -> ProviderProfile:
        return self.settings.active()

    def model_name(self) -> str:
        """The model typed or picked for this request ("" for the profile's own)."""
        return self.model_combo.currentText().strip()

    def refill(self) -> None:
        """Show the profiles and the active one's model as the settings hold them."""
        self.provider_combo.blockSignals(True)
        self.provider_combo.clear()
        for profile in self.settings.profiles:
            self.provider_combo.addItem(profile.name, profile.name)
        index = self.provider_combo.findData(self.settings.active_profile)
        self.provider_combo.setCurrentIndex(max(0, index))
        self.provider_combo.blockSignals(False)
        self.show_profile_model()

    def show_profile_model(self) -> None:
        """The model box of the active profile: a name to type, or the built-in engine's files."""
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
            combo.setItemData(combo.count() - 1, details, TOOLTIP_ROLE)
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
        with self._editing_here():
            self.store.set("engine_model_path", chosen)

    def _provider_chosen(self, index: int) -> None:
        name = self.provider_combo.itemData(index)
        if name:
            with self._editing_here():
                self.store.set("active_profile", name)
        self.show_profile_model()

    def _model_edited(self, text: str) -> None:
        profile = self.current_profile()
        if profile.is_builtin or text.strip() == profile.model:
            return
        with self._editing_here():
            self.store.upsert_profile(profile.with_changes(model=text.strip()))

    @contextmanager
    def _editing_here(self) -> Iterator[None]:
        """A change made here is not shown again (the model being typed is not typed over)."""
        self._editing = True
        try:
            yield
        finally:
            self._editing = False

    # --- dialogs -------------------------------------------------------------------------------

    def edit_providers(self) -> None:
        from assistant.ui.provider_dialog import ProviderDialog

        dialog = ProviderDialog(self.store, self._keys, self._resolve, self.window())
        if dialog.exec() and dialog.notice:
            self.sig_status.emit(dialog.notice)

    def show_welcome(self) -> None:
        from assistant.ui.welcome_dialog import WelcomeDialog

        WelcomeDialog(self.store, self._keys, self.window()).exec()

    def show_welcome_if_first_run(self) -> None:
        from assistant.ui.welcome_dialog import should_show

        if should_show(self.settings):
            self.show_welcome()

    def manage_models(self) -> None:
        from assistant.ui.models_dialog import ModelsDialog

        ModelsDialog(self.store, self.window()).exec()
        self.show_profile_model()  # the installed model files are not settings: list them again

    def add_dropped_models(self, paths: list[str]) -> bool:
        """Add GGUF files dropped on the window; True when some were added."""
        from assistant.ui.models_dialog import add_dropped_models

        added = add_dropped_models(paths, self.window())
        if added:
            self.show_profile_model()
            names = ", ".join(model.name for model in added)
            self.sig_status.emit(self.tr("Added model: {0}").format(names))
        return bool(added)
