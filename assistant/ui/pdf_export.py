"""PDF export through Qt's print support: the self-contained HTML of an answer or a thread
(rendered Markdown, code highlighted with inline styles, see ``core/storage/export.py``) laid out
by ``QTextDocument`` and written by ``QPdfWriter``.

Qt embeds the glyphs it draws (subsets of the fonts used), so the PDF shows Chinese on a machine
without a CJK font. The text is laid out with a font that has CJK glyphs when the HTML needs them
(:func:`cjk_family`); when none is installed, :func:`write_pdf` refuses with a message naming the
font package to install, instead of writing empty boxes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QFontDatabase, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from assistant.ui.font_check import missing_font_message, script_name, scripts_in

PDF_RESOLUTION = 300
"""Dots per inch of the layout (text stays vector; this is the unit of positions)."""
_MARGIN_MM = 18.0
_BODY_POINTS = 10.5


def cjk_family(text: str) -> str | None:
    """A font family with the glyphs of the CJK text in ``text``; None when there is none, or
    no CJK at all (then Qt's default font is used)."""
    for system in sorted(scripts_in(text), key=lambda s: s.value):
        families = QFontDatabase.families(system)
        if families:
            return families[0]
    return None


class MissingFontError(OSError):
    """The text needs glyphs no installed font has; its message says what to install."""


def write_pdf(path: Path | str, html: str, title: str = "") -> None:
    """Lay out ``html`` on A4 pages and write the PDF to ``path`` (OSError when it cannot)."""
    target = Path(path)
    missing = [s for s in scripts_in(html) if not QFontDatabase.families(s)]
    if missing:
        raise MissingFontError(missing_font_message([script_name(s) for s in missing]))
    writer = QPdfWriter(str(target))
    writer.setResolution(PDF_RESOLUTION)
    writer.setTitle(title)
    writer.setCreator("assistant")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(_MARGIN_MM, _MARGIN_MM, _MARGIN_MM, _MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    font = QFont()
    family = cjk_family(html)
    if family:
        font.setFamilies([font.family(), family])  # Latin from the default, CJK from this one
    font.setPointSizeF(_BODY_POINTS)
    document.setDefaultFont(font)
    document.setHtml(html)
    document.print_(writer)  # paginated on a copy sized to the page
    del writer  # the file is complete once the writer is gone
    if not target.is_file() or target.stat().st_size == 0:
        raise OSError(f"could not write {target}")
