"""Settings → Providers: profiles (name, URL, model, key) and Test connection.

The dialog edits a copy of the profiles; Save hands them to the settings store in one change
(every view that shows a profile follows), Cancel drops them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assistant.core.config.store import SettingsStore
from assistant.core.providers.client import Endpoint, list_server_models
from assistant.core.providers.presets import preset, preset_for
from assistant.core.providers.profiles import (
    AZURE_API_VERSION,
    LM_STUDIO_EXAMPLE_URL,
    OLLAMA_EXAMPLE_URL,
    OPENAI_BASE_URL,
    ProviderProfile,
)
from assistant.core.providers.secrets import KeyStore
from assistant.ui.background import run_in_background
from assistant.ui.provider_presets import PresetPicker, key_hint


class ProviderDialog(QDialog):
    """Edit provider profiles. Keys go to the OS keyring only; settings never hold them."""

    def __init__(
        self,
        store: SettingsStore,
        keys: KeyStore,
        resolve_endpoint: Callable[[ProviderProfile], Endpoint],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Providers"))
        self.resize(760, 460)
        self._store = store
        self._keys = keys
        self._resolve_endpoint = resolve_endpoint
        self._profiles: list[ProviderProfile] = list(store.settings.profiles)
        self._renamed: dict[str, str] = {}
        self._pending_keys: dict[str, str] = {}
        self._loading = False
        self.found_models: dict[str, list[str]] = {}
        self.notice = ""
        """A sentence for the main window's status bar after saving (e.g. key kept for session)."""
        self.save_error: str | None = None
        """The settings file could not be written (set by :meth:`accept`)."""

        self.list = QListWidget()
        self.list.setMinimumWidth(190)
        add = QPushButton(self.tr("Add"))
        add.clicked.connect(self._add_profile)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self._remove_profile)
        left = QVBoxLayout()
        left.addWidget(self.list)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove_button)
        left.addLayout(buttons)
        self.preset_picker = PresetPicker()
        self.preset_picker.sig_chosen.connect(self.add_preset)
        left.addWidget(self.preset_picker)

        self.name = QLineEdit()
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Built-in engine"), "builtin")
        self.kind.addItem(self.tr("OpenAI"), "openai")
        self.kind.addItem(self.tr("OpenAI-compatible server"), "compatible")
        self.kind.addItem(self.tr("Azure OpenAI"), "azure")
        self.api_version = QLineEdit()
        self.api_version.setObjectName("apiVersionEdit")
        self.api_version.setPlaceholderText(AZURE_API_VERSION)
        self.key_link = QLabel()
        self.key_link.setObjectName("keyLink")
        self.key_link.setWordWrap(True)
        self.key_link.setOpenExternalLinks(True)
        self.base_url = QLineEdit()
        self.base_url.setPlaceholderText(OLLAMA_EXAMPLE_URL)
        presets = QHBoxLayout()
        for label, url in (
            (self.tr("Ollama"), OLLAMA_EXAMPLE_URL),
            (self.tr("LM Studio"), LM_STUDIO_EXAMPLE_URL),
            (self.tr("OpenAI"), OPENAI_BASE_URL),
        ):
            button = QPushButton(label)
            button.setToolTip(url)
            button.clicked.connect(lambda _=False, u=url: self.base_url.setText(u))
            presets.addWidget(button)
        presets.addStretch(1)
        self.model = QComboBox()
        self.model.setEditable(True)
        self.needs_key = QCheckBox(self.tr("This server needs an API key"))
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText(
            self.tr("paste the key; it is stored in the system keyring")
        )
        self.key_note = QLabel()
        self.key_note.setWordWrap(True)
        self.context = QSpinBox()
        self.context.setRange(0, 10_000_000)
        self.context.setSpecialValueText(self.tr("unknown"))
        self.context.setSuffix(self.tr(" tokens"))
        self.proxy = QLineEdit()
        self.proxy.setObjectName("proxyEdit")
        self.proxy.setPlaceholderText(self.tr("system proxy (e.g. http://proxy.example:3128)"))
        self.proxy.setToolTip(
            self.tr("A proxy for this profile only; servers on this machine never use a proxy")
        )
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self._test_connection)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Server URL"), self.base_url)
        form.addRow("", presets)
        form.addRow(self.tr("Model"), self.model)
        form.addRow(self.tr("API version"), self.api_version)
        form.addRow("", self.needs_key)
        form.addRow(self.tr("API key"), self.api_key)
        form.addRow("", self.key_link)
        form.addRow("", self.key_note)
        form.addRow(self.tr("Context window"), self.context)
        form.addRow(self.tr("Proxy"), self.proxy)
        form.addRow(self.test_button, self.test_result)
        self._url_rows = [self.base_url, self.needs_key, self.api_key, self.proxy]
        self._form = form

        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addLayout(left)
        right = QWidget()
        right.setLayout(form)
        top.addWidget(right, 1)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(box)

        for widget in (self.name, self.base_url, self.api_key, self.proxy, self.api_version):
            widget.textEdited.connect(self._store_current)
        self.model.currentTextChanged.connect(self._store_current)
        self.kind.currentIndexChanged.connect(self._store_current)
        self.needs_key.toggled.connect(self._store_current)
        self.needs_key.toggled.connect(self._show_key_field)
        self.context.valueChanged.connect(self._store_current)
        self.list.currentRowChanged.connect(self._show_profile)
        self._refill_list()
        active = next(
            (i for i, p in enumerate(self._profiles) if p.name == store.settings.active_profile),
            0,
        )
        self.list.setCurrentRow(active)
        self._show_profile(active)  # no change signal when the row was already current

    # --- list --------------------------------------------------------------------------------

    def _refill_list(self) -> None:
        self.list.blockSignals(True)
        row = self.list.currentRow()
        self.list.clear()
        for profile in self._profiles:
            QListWidgetItem(profile.name, self.list)
        self.list.setCurrentRow(min(max(row, 0), len(self._profiles) - 1))
        self.list.blockSignals(False)

    def _current(self) -> ProviderProfile | None:
        row = self.list.currentRow()
        return self._profiles[row] if 0 <= row < len(self._profiles) else None

    def _show_profile(self, row: int) -> None:
        profile = self._current()
        if profile is None:
            return
        self._loading = True
        self.name.setText(profile.name)
        self.kind.setCurrentIndex(max(0, self.kind.findData(profile.kind)))
        self.base_url.setText(profile.base_url)
        self.model.clear()
        self.model.addItems(self.found_models.get(profile.name, []))
        self.model.setEditText(profile.model)
        self.needs_key.setChecked(profile.needs_key)
        self.api_key.setText(self._pending_keys.get(profile.name, ""))
        stored = self._keys.get(profile.name)
        self.api_key.setPlaceholderText(
            self.tr("a key is stored in the system keyring (type to replace it)")
            if stored
            else self.tr("paste the key; it is stored in the system keyring")
        )
        self.key_note.setText(self._keys.status_message or "")
        self.context.setValue(profile.context_window or 0)
        self.proxy.setText(profile.proxy)
        self.api_version.setText(profile.api_version)
        self._show_kind(profile.kind)
        self.key_link.setText(key_hint(preset_for(profile)))
        self.test_result.clear()
        builtin = profile.is_builtin
        for widget in (*self._url_rows, self.kind, self.name):
            widget.setEnabled(not builtin)
        self.remove_button.setEnabled(not builtin)
        self._show_key_field()
        self._loading = False

    def _store_current(self) -> None:
        if self._loading:
            return
        row = self.list.currentRow()
        profile = self._current()
        if profile is None:
            return
        kind = self.kind.currentData()
        updated = profile.with_changes(
            name=self.name.text().strip() or profile.name,
            kind=kind,
            base_url=self.base_url.text().strip(),
            model=self.model.currentText().strip(),
            needs_key=self.needs_key.isChecked(),
            context_window=self.context.value() or None,
            proxy=self.proxy.text().strip(),
            api_version=self.api_version.text().strip() if kind == "azure" else "",
        )
        self._show_kind(kind)
        if self.api_key.text():
            self._pending_keys[updated.name] = self.api_key.text()
        self._profiles[row] = updated
        if updated.name != profile.name:
            self._note_rename(profile.name, updated.name)
            if profile.name in self._pending_keys:
                self._pending_keys[updated.name] = self._pending_keys.pop(profile.name)
            self.list.item(row).setText(updated.name)

    def _add_profile(self) -> None:
        base = self.tr("New server")
        name, number = base, 2
        while any(p.name == name for p in self._profiles):
            name, number = f"{base} {number}", number + 1
        self._profiles.append(
            ProviderProfile(name=name, kind="compatible", base_url=OLLAMA_EXAMPLE_URL)
        )
        self._refill_list()
        self.list.setCurrentRow(len(self._profiles) - 1)
        self.name.setFocus()
        self.name.selectAll()

    def add_preset(self, preset_id: str) -> ProviderProfile | None:
        """Add a profile made from the preset ``preset_id`` and show it (paste the key next)."""
        found = preset(preset_id)
        if found is None:
            return None
        name, number = found.name, 2
        while any(p.name == name for p in self._profiles):
            name, number = f"{found.name} {number}", number + 1
        profile = found.profile(name)
        self._profiles.append(profile)
        self._refill_list()
        self.list.setCurrentRow(len(self._profiles) - 1)
        self._show_profile(len(self._profiles) - 1)
        (self.api_key if profile.needs_key else self.model).setFocus()
        return profile

    def _show_key_field(self) -> None:
        """The key field and the keyring note only when the server needs a key."""
        profile = self._current()
        needs = self.needs_key.isChecked() and not (profile is not None and profile.is_builtin)
        self.api_key.setEnabled(needs)
        self.key_note.setVisible(needs and bool(self.key_note.text()))

    def _show_kind(self, kind: str) -> None:
        """Azure profiles name a deployment and an API version; other kinds a model."""
        azure = kind == "azure"
        self._form.setRowVisible(self.api_version, azure)
        label = self._form.labelForField(self.model)
        if isinstance(label, QLabel):
            label.setText(self.tr("Deployment") if azure else self.tr("Model"))

    def _renames(self) -> dict[str, str]:
        """Stored name → new name of profiles renamed in this dialog (their keys follow them)."""
        return {old: new for old, new in self._renamed.items() if old != new}

    def _note_rename(self, old: str, new: str) -> None:
        for origin, current in self._renamed.items():
            if current == old:
                self._renamed[origin] = new
                return
        self._renamed[old] = new

    def _remove_profile(self) -> None:
        profile = self._current()
        if profile is None or profile.is_builtin:
            return
        self._profiles.remove(profile)
        self._pending_keys.pop(profile.name, None)
        self._refill_list()
        self._show_profile(self.list.currentRow())

    # --- test connection -----------------------------------------------------------------------

    def _test_connection(self) -> None:
        self._store_current()
        profile = self._current()
        if profile is None:
            return
        key = self._pending_keys.get(profile.name)
        self.test_button.setEnabled(False)
        self.test_result.setText(self.tr("Connecting…"))

        def work() -> list[str]:
            # a key pasted but not saved yet is the one to test (not "needs an API key")
            endpoint = self._resolve_endpoint(
                profile.with_changes(needs_key=False) if key else profile
            )
            if key:
                endpoint = replace(endpoint, api_key=key, max_retries=0)
            return list_server_models(endpoint)

        def done(models: list[str]) -> None:
            self.test_button.setEnabled(True)
            self.found_models[profile.name] = models
            shown = ", ".join(models[:8]) + (" …" if len(models) > 8 else "")
            self.test_result.setText(
                self.tr("Connected: %n model(s): ", "", len(models)) + (shown or "—")
            )
            current = self.model.currentText()
            self.model.clear()
            self.model.addItems(models)
            self.model.setEditText(current or (models[0] if models else ""))

        def failed(error: Exception) -> None:
            self.test_button.setEnabled(True)
            message = getattr(error, "message", None) or str(error)
            self.test_result.setText(self.tr("Failed: ") + message)

        run_in_background(work, done, failed, self)

    # --- saving ---------------------------------------------------------------------------------

    def accept(self) -> None:
        self._store_current()
        names = [p.name for p in self._profiles]
        if len(set(names)) != len(names):
            QMessageBox.warning(self, self.windowTitle(), self.tr("Profile names must be unique."))
            return
        for old, new in self._renames().items():
            key = self._keys.get(old)
            if key and old not in names:
                self._keys.set(new, key)
                self._keys.delete(old)
        for name, key in self._pending_keys.items():
            if name in names and not self._keys.set(name, key):
                self.notice = self._keys.status_message or self.tr(
                    "The key is kept for this session only."
                )
        active = self._store.settings.active_profile
        self._store.update(
            profiles=list(self._profiles), active_profile=active if active in names else names[0]
        )
        self.save_error = self._store.flush()
        self.notice = " ".join(text for text in (self.notice, self.save_error) if text)
        super().accept()
