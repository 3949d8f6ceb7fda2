"""The model catalogue in the Models dialog: what each model is, whether it fits this machine, and
a Download button with progress, pause / resume / cancel.

The fit label ("fits", "tight", "too big") is the catalogue's memory plan at the engine's context
size against the memory available when the panel opened; the numbers are on hover. A finished
download is registered with the models list, which announces it (the toolbar's picker shows it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.core.engine.catalogue import (
    CatalogueError,
    CatalogueModel,
    available_memory,
    gib,
    load_catalogue,
    user_catalogue_problem,
)
from assistant.core.engine.download import DownloadSpec, partial_path, target_path
from assistant.core.engine.download_progress import format_bytes
from assistant.core.engine.model_choice import model_cost
from assistant.ui.model_download import DownloadProgressWidget, ModelDownloader
from assistant.ui.table_rows import item_table, select_item, selected_item

FIT_COLOURS = {"fits": "#1b7f3b", "tight": "#9a6700", "too big": "#b3261e"}


def spec_of(model: CatalogueModel) -> DownloadSpec:
    """What to download for a catalogue model."""
    return DownloadSpec(model.repo, model.file, model.revision, model.sha256)


def good_at_text(model: CatalogueModel) -> str:
    """What ``model`` is good at (catalogue.toml's words, translated in context "catalogue")."""
    comma = QCoreApplication.translate("catalogue", ", ")  # the list separator: "、" in Chinese
    return comma.join(QCoreApplication.translate("catalogue", use) for use in model.good_at)


class CataloguePanel(QWidget):
    """The catalogue as a table with fit labels, and the download of the selected model."""

    sig_downloaded = Signal(str)
    """A model was downloaded, checked and registered at this path."""

    def __init__(
        self,
        n_ctx: Callable[[], int],
        local_only: Callable[[], bool],
        parent: QWidget | None = None,
        available: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._n_ctx = n_ctx
        self._available = available
        try:
            self.models = list(load_catalogue().models)
            problem = user_catalogue_problem()
        except CatalogueError as exc:
            self.models, problem = [], str(exc)
        self.table = item_table(
            "catalogueTable",
            [
                self.tr("Model"),
                self.tr("Download"),
                self.tr("Memory"),
                self.tr("Context"),
                self.tr("Languages"),
                self.tr("Fit"),
                self.tr("Status"),
            ],
        )
        self.table.itemSelectionChanged.connect(self._update_button)
        self.table.itemDoubleClicked.connect(lambda _item: self.download_selected())
        self.note = QLabel(problem)
        self.note.setObjectName("catalogueNote")
        self.note.setWordWrap(True)
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.setObjectName("catalogueDownload")
        self.download_button.clicked.connect(self.download_selected)
        self.downloader = ModelDownloader(local_only, self)
        self.downloader.sig_done.connect(self._downloaded)
        self.downloader.sig_failed.connect(lambda _message, _kept: self.refresh())
        self.progress = DownloadProgressWidget(self.downloader)
        self.progress.sig_discarded.connect(self.refresh)
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.download_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        self.refresh()

    def refresh(self) -> None:
        """Fill the table: facts, memory needed and fit now, and what is on disk."""
        available, n_ctx = self._memory(), self._n_ctx()
        self.table.setRowCount(len(self.models))
        for row, model in enumerate(self.models):
            plan = model_cost(model, n_ctx, available).plan
            cells = [
                (model.title, self._about(model)),
                (format_bytes(model.size), model.file),
                (gib(plan.needed), plan.details()),
                (f"{min(n_ctx, model.context_length):,}", self._context_tip(model)),
                (", ".join(model.languages[:4]) + ("…" if len(model.languages) > 4 else ""),
                 ", ".join(model.languages)),
                (plan.fit_label(), plan.details()),
                (self._status(model), ""),
            ]  # fmt: skip
            for column, (text, tip) in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if column in (1, 2, 3):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == 5 and plan.fit in FIT_COLOURS:
                    item.setForeground(QBrush(QColor(FIT_COLOURS[plan.fit])))
                self.table.setItem(row, column, item)
        self._update_button()

    def _memory(self) -> int | None:
        return self._available if self._available is not None else available_memory()

    def _about(self, model: CatalogueModel) -> str:
        return "\n".join(
            [
                f"{model.parameters_b:g} B · {model.quantization} · {model.licence}",
                self.tr("Good at: {uses}").replace("{uses}", good_at_text(model)),
                f"{model.repo}",
            ]
        )

    def _context_tip(self, model: CatalogueModel) -> str:
        return self.tr(
            "The engine's context size (Settings below), at most the model's {n} tokens"
        ).replace("{n}", f"{model.context_length:,}")

    def _status(self, model: CatalogueModel) -> str:
        spec = spec_of(model)
        if target_path(spec).is_file():
            return self.tr("downloaded")
        if self.downloader.running and self.downloader.spec == spec:
            return self.tr("downloading…")
        part = partial_path(spec)
        if part.is_file():
            return self.tr("paused at {done}").replace("{done}", format_bytes(part.stat().st_size))
        return ""

    def selected_model(self) -> CatalogueModel | None:
        return selected_item(self.table, self.models)

    def select(self, model_id: str) -> bool:
        """Select the row of the model called ``model_id``."""
        return select_item(self.table, self.models, lambda model: model.id == model_id)

    @Slot()
    def _update_button(self) -> None:
        model = self.selected_model()
        spec = spec_of(model) if model is not None else None
        downloaded = spec is not None and target_path(spec).is_file()
        resumable = spec is not None and partial_path(spec).is_file()
        self.download_button.setText(
            self.tr("Downloaded")
            if downloaded
            else self.tr("Resume download")
            if resumable
            else self.tr("Download")
        )
        self.download_button.setEnabled(
            spec is not None and not downloaded and not self.downloader.running
        )

    @Slot()
    def download_selected(self) -> None:
        """Download (or resume) the selected model, with progress below the table."""
        model = self.selected_model()
        if model is None or target_path(spec_of(model)).is_file() or self.downloader.running:
            return
        plan = model_cost(model, self._n_ctx(), self._memory()).plan
        if plan.fit == "too big" and plan.available is not None:
            question = (
                self.tr(
                    "{title} needs {needed} of memory, more than the {available} available now: "
                    "it may fail to load, or make this computer swap. Download it anyway?"
                )
                .replace("{title}", model.title)
                .replace("{needed}", gib(plan.needed))
                .replace("{available}", gib(plan.available))
            )
            answer = QMessageBox.question(self, self.tr("Download"), question)
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.progress.start(spec_of(model))
        self.refresh()

    @Slot(str)
    def _downloaded(self, path: str) -> None:
        self.refresh()
        self.sig_downloaded.emit(path)

    def shutdown(self) -> None:
        """Pause a running download (its partial file is kept) before the panel goes away."""
        self.downloader.shutdown()
