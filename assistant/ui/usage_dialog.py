"""View → Usage and cost: tokens and cost per day, week, month, provider or model, a bar chart and
CSV export. A thin view over :func:`assistant.core.storage.usage.usage_report`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.core.providers.prices import format_money, load_prices, user_prices_path
from assistant.core.storage.history import HistoryStore
from assistant.core.storage.usage import (
    UsageGroup,
    UsageReport,
    cost_text,
    usage_csv,
    usage_report,
)
from assistant.ui.usage_chart import BarChart

DEFAULT_DAYS = 30


class UsageDialog(QDialog):
    """Usage and cost of past runs, grouped as the person chooses; nothing here writes."""

    sig_exported = Signal(str)
    """The path of a CSV file just written."""

    def __init__(self, history: HistoryStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usageDialog")
        self.setWindowTitle(self.tr("Usage and cost"))
        self.resize(860, 600)
        self._history = history
        self.report: UsageReport | None = None

        self.group = QComboBox()
        self.group.setObjectName("usageGroup")
        for label, group in (
            (self.tr("Day"), "day"),
            (self.tr("Week"), "week"),
            (self.tr("Month"), "month"),
            (self.tr("Provider"), "provider"),
            (self.tr("Model"), "model"),
        ):
            self.group.addItem(label, group)
        self.since = QDateEdit()
        self.since.setObjectName("usageSince")
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.since.setMinimumDate(QDate(2000, 1, 1))  # before any run; "All time"
        self.since.setDate(QDate.currentDate().addDays(-DEFAULT_DAYS))
        self.all_time = QPushButton(self.tr("All time"))
        self.all_time.setObjectName("usageAllTime")
        self.all_time.setAutoDefault(False)  # Enter in the date field is not "All time"
        self.all_time.clicked.connect(lambda: self.since.setDate(self.since.minimumDate()))
        self.chart_metric = QComboBox()
        self.chart_metric.setObjectName("usageMetric")
        self.chart_metric.addItem(self.tr("Cost"), "cost")
        self.chart_metric.addItem(self.tr("Tokens"), "tokens")
        self.export_button = QPushButton(self.tr("Export CSV…"))
        self.export_button.setObjectName("usageExport")
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(self._ask_export)
        controls = QHBoxLayout()
        for text, widget in (
            (self.tr("Per"), self.group),
            (self.tr("Since"), self.since),
            (self.tr("Chart"), self.chart_metric),
        ):
            controls.addWidget(QLabel(text))
            controls.addWidget(widget)
            if widget is self.since:
                controls.addWidget(self.all_time)
        controls.addStretch(1)
        controls.addWidget(self.export_button)

        self.totals = QLabel()
        self.totals.setObjectName("usageTotals")
        self.totals.setWordWrap(True)
        self.chart = BarChart()
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("usageTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Period"),
                self.tr("Runs"),
                self.tr("Prompt tokens"),
                self.tr("Cached"),
                self.tr("Completion tokens"),
                self.tr("Cost"),
            ]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        prices = load_prices()
        note = self.tr(
            "Costs use the prices when each run ended (shipped table checked {date}; yours: "
            "{path}). Runs without reported usage or without a price are “unknown”, never 0."
        )
        self.price_note = QLabel(
            note.replace("{date}", prices.checked or "?").replace("{path}", str(user_prices_path()))
            + (f"\n{prices.problem}" if prices.problem else "")
        )
        self.price_note.setWordWrap(True)
        self.price_note.setObjectName("usagePriceNote")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.totals)
        layout.addWidget(self.chart, 2)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.price_note)
        layout.addWidget(close)
        self.group.currentIndexChanged.connect(self.refresh)
        self.since.dateChanged.connect(self.refresh)
        self.chart_metric.currentIndexChanged.connect(self._show_chart)
        self.refresh()

    # --- reading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Query the history again with the chosen grouping and start date."""
        group: UsageGroup = self.group.currentData()
        start = self.since.date()
        since = datetime(start.year(), start.month(), start.day()).astimezone()
        self.report = usage_report(self._history, group, since)
        self._show_table(self.report)
        self._show_totals(self.report)
        self._show_chart()

    def _show_table(self, report: UsageReport) -> None:
        header = {
            "day": self.tr("Day"),
            "week": self.tr("Week of"),
            "month": self.tr("Month"),
            "provider": self.tr("Provider"),
            "model": self.tr("Model · provider"),
        }[report.group]
        first = self.table.horizontalHeaderItem(0)
        if first is not None:
            first.setText(header)
        self.table.setUpdatesEnabled(False)
        lines = report.lines()
        self.table.setRowCount(len(lines))
        for number, line in enumerate(lines):
            cells = (
                line.label,
                f"{line.runs:,}",
                f"{line.prompt_tokens:,}",
                f"{line.cached_tokens:,}",
                f"{line.completion_tokens:,}",
                cost_text(line.costs, line.unknown_runs),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(number, column, item)
        self.table.setUpdatesEnabled(True)
        self.table.resizeColumnsToContents()

    def _show_totals(self, report: UsageReport) -> None:
        money = [format_money(amount, currency) for currency, amount in report.totals().items()]
        prompt, cached, completion = report.tokens()
        text = self.tr("{runs} runs · {cost} · {prompt} prompt ({cached} cached) + {completion} "
                       "completion tokens")  # fmt: skip
        text = (
            text.replace("{runs}", f"{report.runs:,}")
            .replace("{cost}", " + ".join(money) or self.tr("no known cost"))
            .replace("{prompt}", f"{prompt:,}")
            .replace("{cached}", f"{cached:,}")
            .replace("{completion}", f"{completion:,}")
        )
        if report.unknown_runs:
            unknown = self.tr("{n} runs of unknown cost").replace("{n}", f"{report.unknown_runs:,}")
            text += " · " + unknown
        self.totals.setText(text)

    def _show_chart(self) -> None:
        report = self.report
        if report is None:
            return
        lines = report.lines()
        if self.chart_metric.currentData() == "tokens":
            bars = [(line.label, float(line.total_tokens)) for line in lines]
            self.chart.set_bars(bars, title=self.tr("Tokens"))
            return
        totals = report.totals()
        currency = next(iter(totals), "")
        labels = {line.label: line.costs.get(currency, 0.0) for line in lines}
        title = self.tr("Cost in {currency}").replace("{currency}", currency or "—")
        if len(totals) > 1:
            title += " " + self.tr("(other currencies are in the table)")
        self.chart.set_bars(
            list(labels.items()), lambda value: format_money(value, currency or "USD"), title
        )

    # --- export -------------------------------------------------------------------------------

    def export_csv(self, path: Path) -> None:
        """Write what the table shows as CSV (UTF-8 with a BOM, so Excel reads it as UTF-8, as
        the table answers' export does); raises OSError when it cannot."""
        if self.report is None:
            return
        path.write_text(usage_csv(self.report), encoding="utf-8-sig")
        self.sig_exported.emit(str(path))

    def _ask_export(self) -> None:
        name = f"usage-{self.group.currentData()}-{QDate.currentDate().toString('yyyy-MM-dd')}"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export usage"), f"{name}.csv", self.tr("CSV files (*.csv)")
        )
        if not chosen:
            return
        try:
            self.export_csv(Path(chosen))
        except OSError as exc:
            self.totals.setText(self.tr("Could not write {path}: {error}").replace(
                "{path}", chosen).replace("{error}", exc.strerror or str(exc)))  # fmt: skip
