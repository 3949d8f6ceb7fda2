"""Exporting history records from the panel: the save dialog, and writing the chosen format.

The format comes from the file's suffix, else from the dialog's chosen filter. Strings keep the
panel's translation context (the catalogue has them there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from assistant.core.storage import export
from assistant.core.storage.database import describe_error
from assistant.core.storage.history import Record

SUFFIX_FORMATS: Final = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".txt": "txt",
    ".pdf": "pdf",
}


def open_export_dialog(
    parent: QWidget, first_title: str, chosen: Callable[[Path, str | None], object]
) -> QFileDialog:
    """Open (non-modal) a save dialog named after ``first_title``; ``chosen(path, format)``."""
    dialog = QFileDialog(parent, QCoreApplication.translate("HistoryPanel", "Export history"))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    filters = {
        QCoreApplication.translate("HistoryPanel", "HTML page (*.html *.htm)"): "html",
        QCoreApplication.translate("HistoryPanel", "Markdown (*.md *.markdown)"): "md",
        QCoreApplication.translate("HistoryPanel", "PDF (*.pdf)"): "pdf",
        QCoreApplication.translate("HistoryPanel", "Text (*.txt)"): "txt",
    }
    dialog.setNameFilters(list(filters))
    dialog.setDefaultSuffix("html")
    dialog.filterSelected.connect(lambda name: dialog.setDefaultSuffix(filters.get(name, "")))
    dialog.selectFile(safe_filename(first_title) + ".html")
    dialog.fileSelected.connect(
        lambda path: chosen(Path(path), filters.get(dialog.selectedNameFilter()))
    )
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def write_export(path: Path, records: Sequence[Record], fmt: str | None = None) -> None:
    """Write ``records`` to ``path`` as its suffix says (else ``fmt``, else Markdown)."""
    chosen = SUFFIX_FORMATS.get(path.suffix.lower()) or fmt or "md"
    if chosen == "pdf":
        from assistant.ui.pdf_export import write_pdf

        write_pdf(path, export.render(records, "html"), records[0].title if records else "")
        return
    path.write_text(export.render(records, chosen), encoding="utf-8", newline="")


def export_notice(path: Path, records: Sequence[Record], fmt: str | None) -> tuple[str, bool]:
    """Write ``records`` to ``path`` (:func:`write_export`): the line saying how it went, and
    whether it is an error."""
    translate = QCoreApplication.translate
    try:
        write_export(path, records, fmt)
    except (OSError, ValueError) as exc:
        text = translate("HistoryPanel", "Could not export to {path}: {reason}")
        return text.replace("{path}", str(path)).replace("{reason}", describe_error(exc)), True
    return translate("HistoryPanel", "Exported to {path}").replace("{path}", str(path)), False


def safe_filename(title: str) -> str:
    """A file name made from a title (no path separators or reserved characters)."""
    cleaned = "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in title)
    return cleaned.strip(" .")[:60] or "history"
