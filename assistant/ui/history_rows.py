"""How history rows look: the text, tooltip, font and colours of each column of a record or day.

:class:`RowLook` answers the model's ``data()`` for one line. It is called for every visible cell
and role on each paint, so roles are compared as plain ints and the time text is kept per record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from PySide6.QtCore import QCoreApplication, QDate, QLocale, Qt, QTime
from PySide6.QtGui import QBrush, QColor, QFont, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from assistant.core.storage.records import PREVIEW_CHARS, RecordSummary
from assistant.core.work.runs import RunStatus

TITLE_COLUMN: Final = 0
MODE_COLUMN: Final = 1
TIME_COLUMN: Final = 2
STATUS_COLUMN: Final = 3
COLUMN_COUNT: Final = 4

RECORD_ID_ROLE: Final = int(Qt.ItemDataRole.UserRole)
DAY_ROLE: Final = RECORD_ID_ROLE + 1
STAR: Final = "★"

_DISPLAY: Final = int(Qt.ItemDataRole.DisplayRole)
_EDIT: Final = int(Qt.ItemDataRole.EditRole)
_TOOLTIP: Final = int(Qt.ItemDataRole.ToolTipRole)
_FONT: Final = int(Qt.ItemDataRole.FontRole)
_DECORATION: Final = int(Qt.ItemDataRole.DecorationRole)
_BACKGROUND: Final = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND: Final = int(Qt.ItemDataRole.ForegroundRole)
_INTERRUPTED: Final = RunStatus.INTERRUPTED.value
_FAILED: Final = RunStatus.FAILED.value


@dataclass(frozen=True)
class RowTexts:
    """The words rows show (column headers, day names, status badges, mode titles)."""

    headers: tuple[str, str, str, str]
    today: str
    yesterday: str
    no_answer: str
    interrupted_tip: str
    badges: dict[str, str]
    mode_titles: dict[str, str]


def row_texts(mode_titles: dict[str, str]) -> RowTexts:
    """The words of the rows, in the panel's translation context (the catalogue has them there)."""
    translate = QCoreApplication.translate  # lupdate reads translate(context, text)

    return RowTexts(
        headers=(
            translate("HistoryPanel", "Title"),
            translate("HistoryPanel", "Mode"),
            translate("HistoryPanel", "Time"),
            "",
        ),
        today=translate("HistoryPanel", "Today"),
        yesterday=translate("HistoryPanel", "Yesterday"),
        no_answer=translate("HistoryPanel", "(no answer)"),
        interrupted_tip=translate(
            "HistoryPanel",
            "The app was closed while this answer was being written; "
            "the part written so far was kept.",
        ),
        badges={
            RunStatus.INTERRUPTED: translate("HistoryPanel", "interrupted"),
            RunStatus.STOPPED: translate("HistoryPanel", "stopped"),
            RunStatus.FAILED: translate("HistoryPanel", "failed"),
            RunStatus.STREAMING: translate("HistoryPanel", "writing…"),
            RunStatus.CUT_SHORT: translate("HistoryPanel", "cut short"),
        },
        mode_titles=dict(mode_titles),
    )


class RowLook:
    """The data of each role for record and day lines."""

    def __init__(self, texts: RowTexts) -> None:
        self.texts = texts
        self._bold = QFont()
        self._bold.setBold(True)
        self._interrupted = (QBrush(QColor("#f59e0b")), QBrush(QColor("#1f1300")))
        self._failed = QBrush(QColor("#c62828"))
        self._times: dict[int, str] = {}
        self._arrows: tuple[QIcon, QIcon] | None = None
        self._locale = QLocale()

    def record(self, record: RecordSummary, column: int, role: int) -> Any:
        """What a record's cell shows for ``role``."""
        if role in (_DISPLAY, _EDIT):
            return self._text(record, column)
        if role == _TOOLTIP:
            return self._tooltip(record, column)
        if role == RECORD_ID_ROLE:
            return record.id
        interrupted = record.status == _INTERRUPTED
        if role == _FONT:
            bold = interrupted and column in (TITLE_COLUMN, STATUS_COLUMN)
            return self._bold if bold else None
        if column != STATUS_COLUMN:
            return None
        if role == _BACKGROUND and interrupted:
            return self._interrupted[0]
        if role == _FOREGROUND and interrupted:
            return self._interrupted[1]
        if role == _FOREGROUND and record.status == _FAILED:
            return self._failed
        return None

    def day(self, day: date, title: str, folded: bool, column: int, role: int) -> Any:
        """What a day header shows for ``role`` (only in the title column; it spans the row)."""
        if column != TITLE_COLUMN:
            return None
        if role == _DISPLAY:
            return title
        if role == _FONT:
            return self._bold
        if role == _DECORATION:
            return self._arrow(folded)
        if role == DAY_ROLE:
            return day.toordinal()
        return None

    def day_title(self, day: date, today: date) -> str:
        """ "Today", "Yesterday" (the calendar day before) or the long date in the locale."""
        if day == today:
            return self.texts.today
        if day.toordinal() == today.toordinal() - 1:
            return self.texts.yesterday
        return self._locale.toString(
            QDate(day.year, day.month, day.day), QLocale.FormatType.LongFormat
        )

    def mode_title(self, mode: str) -> str:
        return self.texts.mode_titles.get(mode, mode)

    def _text(self, record: RecordSummary, column: int) -> str:
        if column == TITLE_COLUMN:
            return record.title or self.mode_title(record.mode)
        if column == MODE_COLUMN:
            return self.mode_title(record.mode)
        if column == TIME_COLUMN:
            text = self._times.get(record.id)
            if text is None:
                local = datetime.fromtimestamp(record.created_ts)
                text = self._locale.toString(
                    QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat
                )
                self._times[record.id] = text
            return text
        badge = self.texts.badges.get(record.status, "")
        return f"{STAR} {badge}".strip() if record.starred else badge

    def _tooltip(self, record: RecordSummary, column: int) -> str:
        if column == STATUS_COLUMN and record.status == _INTERRUPTED:
            return self.texts.interrupted_tip
        if column == STATUS_COLUMN and record.status == _FAILED and record.error:
            return record.error
        preview = record.preview
        tip = preview[:PREVIEW_CHARS] + ("…" if len(preview) > PREVIEW_CHARS else "")
        return tip if tip.strip() else (record.error or self.texts.no_answer)

    def _arrow(self, folded: bool) -> QIcon:
        if self._arrows is None:
            style = QApplication.style()
            pixmaps = QStyle.StandardPixmap
            self._arrows = (
                style.standardIcon(pixmaps.SP_ArrowDown),
                style.standardIcon(pixmaps.SP_ArrowRight),
            )
        return self._arrows[1 if folded else 0]
