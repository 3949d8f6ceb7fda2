"""Settings → Models: the built-in engine's model files and how the engine runs them.

Lists the models (name, size, quantisation, context length, default / in use), installs the
built-in model, adds GGUF files (file dialog or drag-and-drop), removes them, picks the one the
engine runs, and edits context size, threads and GPU layers. Changes go through the settings
store at once (every view showing them follows); closing the dialog writes what is pending.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.core.config.settings import Settings
from assistant.core.config.store import SettingsStore
from assistant.core.engine import local_engine, models
from assistant.ui.background import run_in_background
from assistant.ui.catalogue_panel import CataloguePanel
from assistant.ui.model_install import InstallProgressWidget, ModelInstaller
from assistant.ui.table_rows import item_table, select_item, selected_item

COLUMNS = ("name", "size", "quantization", "context", "status")
MIN_CONTEXT, MAX_CONTEXT = 256, 2**20


def format_size(size: int) -> str:
    """``98.4 MB`` / ``4.07 GB`` (decimal units, as file managers and download pages show)."""
    if size >= 1_000_000_000:
        return f"{size / 1e9:.2f} GB"
    return f"{size / 1e6:.1f} MB"


def gguf_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The ``.gguf`` files among ``paths``."""
    return [Path(p) for p in paths if str(p).lower().endswith(".gguf")]


def add_dropped_models(
    paths: Iterable[str | Path], parent: QWidget | None = None
) -> list[models.ModelInfo]:
    """Register the dropped ``.gguf`` files; problems are shown in one message box."""
    added: list[models.ModelInfo] = []
    problems: list[str] = []
    for path in gguf_paths(paths):
        try:
            added.append(models.add_model(path))
        except models.ModelError as exc:
            problems.append(str(exc))
    if problems:
        title = QCoreApplication.translate("ModelsDialog", "Add models")
        QMessageBox.warning(parent, title, "\n\n".join(problems))
    return added


def gpu_offload_supported() -> bool | None:
    """Whether the engine's wheel can offload to a GPU; None when the engine cannot tell."""
    probe: Callable[[], bool] | None = getattr(local_engine, "gpu_supported", None)
    return bool(probe()) if callable(probe) else None


def local_paths(event: QDragEnterEvent | QDropEvent) -> list[str]:
    """Local file paths carried by a drag."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]


class ModelsDialog(QDialog):
    """Manage the built-in engine's models and its run settings."""

    def __init__(self, store: SettingsStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.save_error: str | None = None
        """The settings file could not be written (set when the dialog closes)."""
        self.models: list[models.ModelInfo] = []
        self.setWindowTitle(self.tr("Models"))
        self.resize(960, 820)
        self.setAcceptDrops(True)

        self.table = item_table(
            "modelsTable",
            [
                self.tr("Name"),
                self.tr("Size"),
                self.tr("Quantisation"),
                self.tr("Context"),
                self.tr("Status"),
            ],
        )
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.use_selected())
        self.drop_hint = QLabel(self.tr("Tip: drop .gguf files here to add them."))
        self.message = QLabel()
        self.message.setObjectName("modelsMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.install_button = QPushButton(self.tr("Install built-in model"))
        self.install_button.clicked.connect(self.install_default)
        self.add_button = QPushButton(self.tr("Add GGUF file…"))
        self.add_button.clicked.connect(self._add_with_dialog)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self._remove_selected)
        self.use_button = QPushButton(self.tr("Use this model"))
        self.use_button.clicked.connect(self.use_selected)
        buttons = QHBoxLayout()
        for button in (self.install_button, self.add_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.use_button)

        self.installer = ModelInstaller(self, local_only=lambda: self.settings.local_only)
        self.installer.sig_done.connect(self._installed)
        self.installer.sig_failed.connect(lambda _message: self._update_buttons())
        self.install_progress = InstallProgressWidget(self.installer)
        self.install_progress.setVisible(False)

        self.catalogue = CataloguePanel(
            lambda: self.settings.engine_context, lambda: self.settings.local_only
        )
        self.catalogue.sig_downloaded.connect(lambda _path: self.refresh())
        catalogue_box = QGroupBox(self.tr("Download a model"))
        QVBoxLayout(catalogue_box).addWidget(self.catalogue)

        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.drop_hint)
        layout.addLayout(buttons)
        layout.addWidget(self.install_progress)
        layout.addWidget(self.message)
        layout.addWidget(catalogue_box, 3)
        layout.addWidget(self._engine_box())
        layout.addWidget(box)
        self.refresh()

    @property
    def settings(self) -> Settings:
        """The current values (read only: edits go through ``store``)."""
        return self.store.settings

    def _engine_box(self) -> QGroupBox:
        self.context = QSpinBox()
        self.context.setRange(MIN_CONTEXT, MAX_CONTEXT)
        self.context.setSingleStep(1024)
        self.context.setSuffix(self.tr(" tokens"))
        self.context.setValue(self.settings.engine_context)
        self.context.valueChanged.connect(self._context_changed)
        cores = local_engine.physical_cores()
        self.threads = QSpinBox()
        self.threads.setRange(0, 1024)
        self.threads.setSpecialValueText(
            self.tr("Auto (physical cores: {cores})").replace("{cores}", str(cores))
        )
        self.threads.setValue(self.settings.engine_threads)
        self.threads.setToolTip(
            self.tr("0 = one thread per physical core ({cores} on this computer)").replace(
                "{cores}", str(cores)
            )
        )
        self.threads.valueChanged.connect(self._threads_changed)
        self.gpu_layers = QSpinBox()
        self.gpu_layers.setRange(0, 100_000)
        self.gpu_layers.setSpecialValueText(self.tr("None (CPU only)"))
        self.gpu_layers.setValue(self.settings.engine_gpu_layers)
        self.gpu_layers.valueChanged.connect(self._gpu_layers_changed)
        self._set_gpu_supported(None)
        if getattr(local_engine, "gpu_supported", None) is not None:
            run_in_background(
                gpu_offload_supported, self._set_gpu_supported, self._gpu_probe_failed, self
            )
        for spin in (self.context, self.threads, self.gpu_layers):
            spin.setMinimumWidth(240)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.tr("Context size"), self.context)
        form.addRow(self.tr("Threads"), self.threads)
        form.addRow(self.tr("GPU layers"), self.gpu_layers)
        group = QGroupBox(self.tr("Built-in engine"))
        group.setLayout(form)
        return group

    # --- the table -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the model list (keeps the selection by name)."""
        selected = self.selected_model()
        try:
            self.models = models.list_models()
        except models.ModelError as exc:
            self.models = []
            self._show_message(str(exc), error=True)
        in_use = self._in_use_path()
        self.table.setRowCount(len(self.models))
        for row, info in enumerate(self.models):
            cells = (
                info.name,
                format_size(info.size) if info.exists else "—",
                info.quantization or "—",
                f"{info.context_length:,}" if info.context_length else "—",
                self._status(info, in_use),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setToolTip(f"{info.title}\n{info.path}" if info.title else str(info.path))
                if column in (1, 3):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        names = [m.name for m in self.models]
        if selected is not None and selected.name in names:
            self.table.selectRow(names.index(selected.name))
        self.install_button.setVisible(not any(m.is_default for m in self.models))
        self._update_buttons()

    def _in_use_path(self) -> Path | None:
        if self.settings.engine_model_path:
            return Path(self.settings.engine_model_path)
        return models.default_model_path()

    def _status(self, info: models.ModelInfo, in_use: Path | None) -> str:
        labels = []
        if in_use is not None and _same_path(info.path, in_use):
            labels.append(self.tr("in use"))
        if info.is_default:
            labels.append(self.tr("default"))
        if not info.exists:
            labels.append(self.tr("file missing"))
        return ", ".join(labels)

    def selected_model(self) -> models.ModelInfo | None:
        return selected_item(self.table, self.models)

    def select_model(self, name: str) -> bool:
        """Select the row of the model called ``name``."""
        return select_item(self.table, self.models, lambda info: info.name == name)

    @Slot()
    def _update_buttons(self) -> None:
        selected = self.selected_model()
        self.remove_button.setEnabled(selected is not None)
        self.use_button.setEnabled(selected is not None and selected.exists)
        self.install_button.setEnabled(not self.installer.running)

    def _show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b3261e;" if error else "")
        self.message.setText(text)

    # --- actions -------------------------------------------------------------------------------

    @Slot()
    def install_default(self) -> None:
        """Install the built-in model with progress shown in the dialog."""
        self.install_progress.setVisible(True)
        self.install_progress.start()
        self._update_buttons()

    @Slot(str)
    def _installed(self, path: str) -> None:
        self.refresh()
        self._show_message(self.tr("The built-in model is installed."))

    @Slot()
    def _add_with_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Add GGUF model files"),
            str(Path.home()),
            self.tr("GGUF models (*.gguf);;All files (*)"),
        )
        self.add_files(paths)

    def add_files(self, paths: Iterable[str | Path]) -> list[models.ModelInfo]:
        """Register model files (problems shown in a message box) and show them selected."""
        added = add_dropped_models(paths, self)
        self.refresh()
        if added:
            self.select_model(added[-1].name)
            self._show_message(
                self.tr("Added: {names}").replace("{names}", ", ".join(m.name for m in added))
            )
        return added

    @Slot()
    def _remove_selected(self) -> None:
        selected = self.selected_model()
        if selected is None:
            return
        question = (
            self.tr("Delete the downloaded built-in model {name}? You can install it again.")
            if selected.is_default
            else self.tr("Delete the downloaded model {name}? You can download it again.")
            if models.is_app_copy(selected.path)
            else self.tr("Remove {name} from the list? The file itself is kept.")
        ).replace("{name}", selected.name)
        answer = QMessageBox.question(self, self.windowTitle(), question)
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_model(selected.name)

    def remove_model(self, name: str) -> bool:
        """Remove ``name`` from the list (the engine falls back to the default if it used it)."""
        try:
            removed = models.remove_model(name)
        except models.ModelError as exc:
            self._show_message(str(exc), error=True)
            return False
        if self.settings.engine_model_path and _same_path(
            removed.path, Path(self.settings.engine_model_path)
        ):
            self.store.set("engine_model_path", "")
        self.refresh()
        self.catalogue.refresh()
        self._show_message(self.tr("Removed {name}.").replace("{name}", removed.name))
        return True

    @Slot()
    def use_selected(self) -> None:
        """Make the built-in engine run the selected model."""
        selected = self.selected_model()
        if selected is None or not selected.exists:
            return
        self.store.set("engine_model_path", "" if selected.is_default else str(selected.path))
        self.refresh()
        self._show_message(
            self.tr("The built-in engine will use {name}.").replace("{name}", selected.name)
        )

    # --- engine settings -----------------------------------------------------------------------

    @Slot(int)
    def _context_changed(self, value: int) -> None:
        self.store.set("engine_context", value)
        self.catalogue.refresh()  # the KV cache, so the fit, follows the context size

    @Slot(int)
    def _threads_changed(self, value: int) -> None:
        self.store.set("engine_threads", value)

    @Slot(int)
    def _gpu_layers_changed(self, value: int) -> None:
        self.store.set("engine_gpu_layers", value)

    def _set_gpu_supported(self, supported: bool | None) -> None:
        self.gpu_layers.setEnabled(bool(supported))
        if supported:
            self.gpu_layers.setToolTip(self.tr("Model layers offloaded to the GPU."))
        elif supported is None:
            self.gpu_layers.setToolTip(
                self.tr("This build of the built-in engine cannot tell whether a GPU is usable.")
            )
        else:
            self.gpu_layers.setToolTip(
                self.tr("This build of the built-in engine runs on the CPU only.")
            )

    def _gpu_probe_failed(self, error: Exception) -> None:
        self._set_gpu_supported(None)

    # --- drag and drop -------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if gguf_paths(local_paths(event)):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = gguf_paths(local_paths(event))
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_files(paths)

    # --- closing -------------------------------------------------------------------------------

    def done(self, result: int) -> None:
        """Stop a running install and write pending settings (a problem is shown and kept)."""
        self.installer.shutdown()
        self.catalogue.shutdown()
        self.save_error = self.store.flush()
        if self.save_error:
            QMessageBox.warning(self, self.windowTitle(), self.save_error)
        super().done(result)


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b
