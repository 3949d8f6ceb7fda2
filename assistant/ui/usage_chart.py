"""A bar chart drawn with QPainter (Qt Charts is not in PySide6-Essentials): one bar per row."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

MARGIN = 8
BAR_GAP = 0.25
"""The share of each slot left empty between bars."""


class BarChart(QWidget):
    """Bars for ``(label, value)`` pairs with the largest value labelled on the axis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usageChart")
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._bars: list[tuple[str, float]] = []
        self._format: Callable[[float], str] = lambda value: f"{value:,.0f}"
        self._title = ""

    def set_bars(
        self,
        bars: Sequence[tuple[str, float]],
        value_text: Callable[[float], str] | None = None,
        title: str = "",
    ) -> None:
        """Show these bars (in order); ``value_text`` formats values for the axis and tips."""
        self._bars = list(bars)
        if value_text is not None:
            self._format = value_text
        self._title = title
        self.setToolTip("\n".join(f"{label}: {self._format(value)}" for label, value in bars[:40]))
        self.update()

    @property
    def bars(self) -> list[tuple[str, float]]:
        return list(self._bars)

    def sizeHint(self) -> QSize:
        return QSize(640, 220)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        text_color = palette.color(QPalette.ColorRole.Text)
        painter.setPen(text_color)
        if self._title:
            painter.drawText(MARGIN, MARGIN + metrics.ascent(), self._title)
        top = MARGIN + (line + 4 if self._title else 0) + line
        if not self._bars:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No runs"))
            return
        peak = max((value for _label, value in self._bars), default=0.0)
        axis_text = self._format(peak)
        left = MARGIN + metrics.horizontalAdvance(axis_text) + 6
        bottom = self.height() - MARGIN - line - 4
        width = max(1.0, self.width() - left - MARGIN)
        height = max(1.0, bottom - top)
        if peak > 0:  # all zero (only free runs): one axis line, not "$0.00" twice
            painter.drawText(MARGIN, int(top + metrics.ascent() / 2), axis_text)
        painter.drawText(MARGIN, int(bottom), self._format(0.0))
        grid = palette.color(QPalette.ColorRole.Mid)
        painter.setPen(grid)
        if peak > 0:
            painter.drawLine(int(left), int(top), int(left + width), int(top))
        painter.drawLine(int(left), int(bottom), int(left + width), int(bottom))
        slot = width / len(self._bars)
        bar_color = palette.color(QPalette.ColorRole.Highlight)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bar_color)
        for index, (_label, value) in enumerate(self._bars):
            share = value / peak if peak > 0 else 0.0
            bar_height = max(1.0 if value > 0 else 0.0, share * height)
            x = left + index * slot + slot * BAR_GAP / 2
            painter.drawRect(QRectF(x, bottom - bar_height, slot * (1 - BAR_GAP), bar_height))
        painter.setPen(text_color)
        self._paint_labels(painter, metrics, left, slot, bottom + 4)

    def _paint_labels(
        self, painter: QPainter, metrics: QFontMetrics, left: float, slot: float, y: float
    ) -> None:
        """As many labels under the bars as fit, evenly spaced."""
        widest = max(metrics.horizontalAdvance(label) for label, _value in self._bars) + 8
        step = max(1, int(widest / slot) + 1)
        for index in range(0, len(self._bars), step):
            label = self._bars[index][0]
            box = QRectF(left + index * slot - (widest - slot) / 2, y, widest, metrics.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
