"""The welcome page's second offer: the best catalogue model that fits this machine, what it
costs in disk and memory, and its download (the same downloader as the Models dialog)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant.core.engine.catalogue import CatalogueError, CatalogueModel
from assistant.core.engine.model_choice import ModelCost, recommended_model, shipped_cost
from assistant.ui.catalogue_panel import good_at_text, spec_of
from assistant.ui.model_download import DownloadProgressWidget, ModelDownloader


def shipped_cost_text(n_ctx: int) -> str:
    """What the built-in model costs: '98.4 MB download, needs 484 MiB of memory (fits)'."""
    return shipped_cost(n_ctx).describe()


def find_recommendation(n_ctx: int) -> tuple[CatalogueModel, ModelCost] | None:
    """The catalogue model to offer, or None (nothing fits, or the catalogue cannot be read)."""
    try:
        return recommended_model(n_ctx)
    except CatalogueError:
        return None


class RecommendedDownloadPage(QWidget):
    """A button for the choices page and the page that downloads the recommended model."""

    sig_done = Signal(str)
    """The recommended model is downloaded, checked and registered at this path."""

    def __init__(
        self,
        n_ctx: int,
        local_only: Callable[[], bool],
        back: QPushButton,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        found = find_recommendation(n_ctx)
        self.model = found[0] if found else None
        self.button: QCommandLinkButton | None = None
        """The offer on the choices page (None when no catalogue model fits)."""
        self.downloader = ModelDownloader(local_only, self)
        self.downloader.sig_done.connect(self.sig_done)
        self.progress = DownloadProgressWidget(self.downloader)
        heading = QLabel()
        heading.setObjectName("welcomeHeading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        heading.setFont(font)
        note = QLabel()
        note.setWordWrap(True)
        if found is not None:
            model, cost = found
            self.button = QCommandLinkButton(
                self.tr("Download {title} (recommended for this computer)").replace(
                    "{title}", model.title
                ),
                self.tr("{cost}. Better answers than the built-in model; good at {uses}.")
                .replace("{cost}", cost.describe())
                .replace("{uses}", good_at_text(model)),
            )
            self.button.setObjectName("recommendedButton")
            self.button.setToolTip(cost.plan.details())
            heading.setText(self.tr("Downloading {title}").replace("{title}", model.title))
            note.setText(
                self.tr(
                    "{file} from {repo} ({licence}), checked (sha256) before use. Pause keeps "
                    "what was downloaded; a later start continues from there."
                )
                .replace("{file}", model.file)
                .replace("{repo}", model.repo)
                .replace("{licence}", model.licence)
            )
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(note)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(back)
        row.addStretch(1)
        layout.addLayout(row)

    @Slot()
    def start(self) -> None:
        """Start (or resume) the download of the recommended model."""
        if self.model is not None:
            self.progress.start(spec_of(self.model))

    def shutdown(self) -> None:
        """Pause a running download (its partial file is kept)."""
        self.downloader.shutdown()
