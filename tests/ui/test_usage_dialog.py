"""View → Usage and cost over a real history of 10 000 runs: table, totals, chart, CSV."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.storage.usage import cost_text, usage_csv, usage_report
from assistant.ui.usage_chart import BarChart
from assistant.ui.usage_dialog import UsageDialog
from tests.fixtures.usage_data import seed_runs
from tests.ui.windows import open_window

RUNS = 10_000


def test_the_usage_view_of_ten_thousand_runs(qtbot: QtBot, no_keyring: Any, tmp_path: Path) -> None:
    window = open_window(qtbot, Settings())
    history = window.services.history
    assert history is not None
    seed_runs(history, RUNS, days=120)
    action = window.findChild(QAction, "usageAction")
    assert action is not None and action.text() == "Usage and cost…"
    action.trigger()
    dialog = window.findChild(UsageDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.report is not None and dialog.report.group == "day"
    assert 25 <= dialog.table.rowCount() <= 32  # the last 30 days by default

    dialog.all_time.click()  # everything
    report = usage_report(history, "day")
    assert dialog.report.runs == RUNS == report.runs
    lines = report.lines()
    assert dialog.table.rowCount() == len(lines)
    last = dialog.table.rowCount() - 1
    assert dialog.table.item(last, 0).text() == lines[-1].label  # type: ignore[union-attr]
    shown = dialog.table.item(last, 5).text()  # type: ignore[union-attr]
    assert shown == cost_text(lines[-1].costs, lines[-1].unknown_runs)
    assert "10,000 runs" in dialog.totals.text()
    assert f"{report.unknown_runs:,} runs of unknown cost" in dialog.totals.text()
    assert len(dialog.chart.bars) == len(lines)
    main_currency = next(iter(report.totals()))
    assert dialog.chart.bars[-1][1] == lines[-1].costs.get(main_currency, 0.0)

    dialog.group.setCurrentIndex(dialog.group.findData("month"))
    months = usage_report(history, "month").lines()
    assert dialog.table.rowCount() == len(months) and len(months) in (4, 5)
    dialog.chart_metric.setCurrentIndex(dialog.chart_metric.findData("tokens"))
    assert [value for _label, value in dialog.chart.bars] == [
        float(line.total_tokens) for line in months
    ]
    dialog.group.setCurrentIndex(dialog.group.findData("model"))
    assert dialog.table.rowCount() == 5  # the five models of the seeded runs

    target = tmp_path / "usage.csv"
    with qtbot.waitSignal(dialog.sig_exported):
        dialog.export_csv(target)
    assert target.read_bytes().startswith(codecs.BOM_UTF8)  # Excel reads Chinese names right
    assert target.read_text(encoding="utf-8-sig") == usage_csv(usage_report(history, "model"))
    dialog.close()
    window.close()


def test_the_chart_is_painted(qtbot: QtBot, tmp_path: Path) -> None:
    from assistant.core.storage.history import HistoryStore

    history = HistoryStore(tmp_path / "h.sqlite3")
    seed_runs(history, 200, days=10)
    dialog = UsageDialog(history)
    qtbot.addWidget(dialog)
    dialog.show()
    image = dialog.chart.grab().toImage()
    bar = dialog.chart.palette().color(dialog.chart.palette().ColorRole.Highlight)
    painted = sum(
        image.pixelColor(x, y) == bar
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
    )
    assert painted > 50  # bars in the highlight colour


def test_a_chart_of_zeros_has_one_axis_line(qtbot: QtBot) -> None:
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.resize(400, 200)
    chart.set_bars([("2026-11-30", 0.0), ("2026-12-01", 0.0)], "${:.2f}".format, "Cost in USD")
    chart.show()
    image = chart.grab().toImage()
    grid = chart.palette().color(chart.palette().ColorRole.Mid).rgb()
    lines = [
        y
        for y in range(image.height())
        if sum(image.pixel(x, y) == grid for x in range(image.width())) > image.width() // 2
    ]
    assert len(lines) == 1  # the zero line only: no second "$0.00" line at the top
