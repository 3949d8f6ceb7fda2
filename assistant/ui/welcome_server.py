"""The welcome page of a local OpenAI-compatible server (Ollama, LM Studio…): its address, the
model, and Test connection, which lists the server's models; and the widgets the welcome pages
share (heading, error line, button row). Strings keep the WelcomeDialog context."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant.core.providers.client import Endpoint, list_server_models
from assistant.core.providers.profiles import (
    LM_STUDIO_EXAMPLE_URL,
    OLLAMA_EXAMPLE_URL,
    ProviderProfile,
)
from assistant.ui.background import run_in_background

translate = QCoreApplication.translate  # lupdate reads translate(context, text)


class ServerPage(QWidget):
    """Server URL (with example buttons), model box, Test connection, and Use this server."""

    def __init__(
        self, profile: ProviderProfile, back: QPushButton, local_only: Callable[[], bool]
    ) -> None:
        super().__init__()
        self._profile_name = profile.name
        self._local_only = local_only
        self.url = QLineEdit(profile.base_url or OLLAMA_EXAMPLE_URL)
        self.url.setObjectName("serverUrl")
        examples = QHBoxLayout()
        self.example_buttons: list[QPushButton] = []
        for label, url in (
            (translate("WelcomeDialog", "Ollama"), OLLAMA_EXAMPLE_URL),
            (translate("WelcomeDialog", "LM Studio"), LM_STUDIO_EXAMPLE_URL),
        ):
            button = QPushButton(f"{label}: {url}")
            button.setToolTip(url)
            button.clicked.connect(lambda _=False, u=url: self.url.setText(u))
            examples.addWidget(button)
            self.example_buttons.append(button)
        examples.addStretch(1)
        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.setEditText(profile.model)
        editor = self.model.lineEdit()
        if editor is not None:
            editor.setPlaceholderText(translate("WelcomeDialog", "e.g. llama3.2 (Test lists them)"))
        self.test_button = QPushButton(translate("WelcomeDialog", "Test connection"))
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = error_label()
        self.use_button = QPushButton(translate("WelcomeDialog", "Use this server"))
        form = QFormLayout()
        form.addRow(translate("WelcomeDialog", "Server URL"), self.url)
        form.addRow("", examples)
        form.addRow(translate("WelcomeDialog", "Model"), self.model)
        form.addRow(self.test_button, self.test_result)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(translate("WelcomeDialog", "Use a local server")))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(button_row(back, self.use_button))

    @Slot()
    def test_connection(self) -> None:
        """List the server's models in the background and offer them in the model box."""
        url = self.url.text().strip()
        if not url:
            return
        endpoint = Endpoint(
            provider_name=self._profile_name,
            base_url=url,
            api_key=None,
            read_timeout=10.0,
            connect_timeout=5.0,
            max_retries=0,
            local_only=self._local_only(),
        )
        self.test_button.setEnabled(False)
        self.test_result.setText(translate("WelcomeDialog", "Connecting…"))
        run_in_background(
            lambda: list_server_models(endpoint), self._tested, self._test_failed, self.test_button
        )

    def _tested(self, found: list[str]) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setText(
            translate("WelcomeDialog", "Connected; models found: {count}").replace(
                "{count}", str(len(found))
            )
        )
        current = self.model.currentText().strip()
        self.model.clear()
        self.model.addItems(found)
        self.model.setEditText(current if current else (found[0] if found else ""))

    def _test_failed(self, error: Exception) -> None:
        self.test_button.setEnabled(True)
        message = getattr(error, "message", None) or str(error)
        self.test_result.setText(translate("WelcomeDialog", "Failed: ") + message)


def heading(text: str) -> QLabel:
    """A page's title, larger and bold."""
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setBold(True)
    label.setFont(font)
    return label


def error_label() -> QLabel:
    """A red, selectable line for a page's problem (empty until there is one)."""
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b3261e;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def button_row(
    first: QWidget, last: QWidget | None = None, stretch_first: bool = False
) -> QHBoxLayout:
    """``first`` and ``last`` apart (or ``first`` alone, right-aligned with ``stretch_first``)."""
    row = QHBoxLayout()
    if stretch_first:
        row.addStretch(1)
    row.addWidget(first)
    if not stretch_first:
        row.addStretch(1)
    if last is not None:
        row.addWidget(last)
    return row
