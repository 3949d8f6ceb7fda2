"""File → Batch… driven end to end in the real window against the loopback server."""

from __future__ import annotations

import collections
import csv
import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.ui.batch_rows import QUEUED, SENDING
from assistant.ui.batch_window import BatchWindow
from assistant.ui.main_window import MainWindow
from tests.fakeserver import FakeOpenAIServer, Fault, RecordedRequest
from tests.ui.windows import open_window, use_loopback

PROFILE = "Loopback"


def product_of(request: RecordedRequest) -> str:
    text = request.body["messages"][-1]["content"]
    return next(word for word in text.split() if word.startswith("product-"))


def open_batch(win: MainWindow) -> BatchWindow:
    action = win.findChild(QAction, "batchAction")
    assert action is not None
    file_menu = win.menuBar().actions()[0].menu()
    assert action in file_menu.actions()  # type: ignore[union-attr]
    action.trigger()
    batch = win.findChild(BatchWindow, "batchWindow")
    assert batch is not None and batch.isVisible()
    return batch


def products(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["id", "Product", "notes"])
        for i in range(1, count + 1):
            writer.writerow([i, f"product-{i:03d}", "eco"])
        out.write("99;product-099;too;many\n")  # line 18 of 17 rows: malformed
    return path


def column(batch: BatchWindow, name: str) -> int:
    titles = [
        batch.model.headerData(i, Qt.Orientation.Horizontal)
        for i in range(batch.model.columnCount())
    ]
    return titles.index(name)


def cell(batch: BatchWindow, row: int, name: str) -> str:
    return str(batch.model.index(row, column(batch, name)).data())


def test_batch_window_end_to_end(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = lambda request, index: f"Copy for {product_of(request)}."
    openai_server.delta_size = 2
    openai_server.delta_delay = 0.01  # rows take a while: some are in flight at Pause and Stop
    batch = open_batch(window)
    assert batch.setup.load_file(products(tmp_path / "products.csv", 16))
    batch.setup.set_mode("ad-copy")
    batch.setup.set_provider(PROFILE)
    assert batch.setup.column_boxes["product"].currentData() == "Product"  # mapped by name
    assert batch.setup.column_boxes["notes"].currentData() == "notes"
    batch.setup.constant_edits["channel"].setText("email subject")
    batch.setup.concurrency.setValue(3)
    assert batch.model.rowCount() == 17  # the preview: every row, the malformed one too
    assert cell(batch, 16, "Status") == "unreadable"
    assert "line 18" in batch.notice_label.text()
    openai_server.fault = Fault.error(400, "This request was refused.", times=1)

    qtbot.mouseClick(batch.run_button, Qt.MouseButton.LeftButton)
    assert batch.running
    qtbot.waitUntil(lambda: batch.model.counts().get("done", 0) >= 3, timeout=20000)
    qtbot.mouseClick(batch.pause_button, Qt.MouseButton.LeftButton)
    assert batch.pause_button.text() == "Resume"
    qtbot.waitUntil(lambda: SENDING not in batch.model.counts(), timeout=20000)
    paused_at = len(openai_server.chat_requests)
    assert batch.model.counts().get(QUEUED, 0) > 0  # rows wait while paused
    assert paused_at == 16 - batch.model.counts()[QUEUED]  # nothing sent after the pause
    qtbot.mouseClick(batch.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: batch.model.counts().get("done", 0) >= paused_at + 2, timeout=20000)
    qtbot.mouseClick(batch.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not batch.running, timeout=20000)
    counts = batch.model.counts()
    assert SENDING not in counts and counts.get(QUEUED, 0) > 0  # in flight at Stop: queued again

    qtbot.mouseClick(batch.run_button, Qt.MouseButton.LeftButton)  # goes on with the queued rows
    qtbot.waitUntil(lambda: not batch.running, timeout=30000)
    counts = batch.model.counts()
    assert counts == {"done": 15, "failed": 1, "unreadable": 1}, counts
    failed_row = next(row for row in batch.model.rows if row.status == "failed")
    assert "refused" in failed_row.error
    assert batch.retry_button.isEnabled()
    sent = collections.Counter(product_of(r) for r in openai_server.chat_requests)
    assert all(count <= 2 for count in sent.values())

    before = len(openai_server.chat_requests)
    qtbot.mouseClick(batch.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not batch.running, timeout=20000)
    assert len(openai_server.chat_requests) == before + 1  # the failed row alone
    assert batch.model.counts() == {"done": 16, "unreadable": 1}
    first = batch.model.rows[0]
    assert cell(batch, 0, "Answer") == f"Copy for {first.values['Product']}."
    assert int(cell(batch, 0, "Tokens")) > 0
    assert "16 done" in batch.status_label.text() and "tokens" in batch.status_label.text()
    prompt = openai_server.chat_requests[-1].body["messages"][-1]["content"]
    assert "Channel: email subject" in prompt

    output = tmp_path / "results.jsonl"
    batch.export_to(output)
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [str(i) for i in range(1, 17)] + ["99"]
    assert list(lines[0]) == ["id", "Product", "notes", "answer", "status", "tokens", "error"]
    assert [line["status"] for line in lines] == ["done"] * 16 + ["failed"]
    assert lines[16]["error"].startswith("line 18:")


def test_a_table_run_again_goes_on_where_it_was(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = lambda request, index: f"Copy for {product_of(request)}."
    openai_server.delta_size = 2
    openai_server.delta_delay = 0.01
    source = products(tmp_path / "products.csv", 12)

    def start(win: MainWindow) -> BatchWindow:
        batch = open_batch(win)
        assert batch.setup.load_file(source)
        batch.setup.set_mode("ad-copy")
        batch.setup.set_provider(PROFILE)
        batch.setup.constant_edits["channel"].setText("email subject")
        batch.setup.concurrency.setValue(2)
        assert batch.run()
        return batch

    first = start(window)
    qtbot.waitUntil(lambda: first.model.counts().get("done", 0) >= 4, timeout=20000)
    first.stop()
    qtbot.waitUntil(lambda: not first.running, timeout=20000)
    done_before = first.model.counts()["done"]
    sent_before = collections.Counter(product_of(r) for r in openai_server.chat_requests)
    window.close()  # as if the app had been closed mid-job

    settings = Settings()
    use_loopback(settings, openai_server.base_url, PROFILE, "fake-model")
    again = open_window(qtbot, settings)
    second = start(again)
    assert f"{done_before} rows were answered in an earlier run" in second.notice_label.text()
    qtbot.waitUntil(lambda: not second.running, timeout=30000)
    assert second.model.counts() == {"done": 12, "unreadable": 1}
    sent = collections.Counter(product_of(r) for r in openai_server.chat_requests)
    assert set(sent) == {f"product-{i:03d}" for i in range(1, 13)}
    resent = [name for name, count in sent.items() if count > 1]
    assert len(resent) <= 2 and set(resent) <= set(sent_before)  # only rows in flight at Stop
    assert all(row.answer == f"Copy for {row.values['Product']}." for row in second.model.rows[:12])
    again.close()
