"""Answers side by side in the real window against real loopback servers: variants as columns,
Keep, Diff, several models at once with Stop per column and a failing column, history round trip,
export."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.storage import export
from assistant.core.work.events import DoneEvent
from assistant.ui.compare_dialogs import AnswerDiff, ContenderDialog
from assistant.ui.compare_flow import compare_with
from assistant.ui.main_window import MainWindow
from tests.fakeserver import FakeOpenAIServer
from tests.ui.test_main_window import choose_mode, fill, generate_and_wait
from tests.ui.windows import open_window, use_loopback


@pytest.fixture
def second_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


LONG = " ".join(f"word{i}" for i in range(300))  # no loop for the loop guard to stop


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


@pytest.fixture
def window(
    qtbot: QtBot, openai_server: FakeOpenAIServer, second_server: FakeOpenAIServer, no_keyring: Any
) -> Iterator[MainWindow]:
    settings = Settings()
    settings.max_retries = 0
    settings.upsert_profile(
        ProviderProfile("Second", "compatible", second_server.base_url, "second-model")
    )
    settings.upsert_profile(ProviderProfile("Down", "compatible", closed_port_url(), "gone"))
    use_loopback(settings, openai_server.base_url, "Local", "local-model")
    win = open_window(qtbot, settings)
    win.resize(1400, 800)
    yield win
    win.close()


def profiles(win: MainWindow, *names: str) -> list[tuple[ProviderProfile, str]]:
    found = [win.settings.profile(name) for name in names]
    assert all(found)
    return [(profile, "") for profile in found if profile is not None]


def compare_and_wait(qtbot: QtBot, win: MainWindow, *names: str) -> None:
    assert compare_with(win, profiles(win, *names))
    qtbot.waitUntil(lambda: not win.answer_panel.compare.running, timeout=10_000)


def test_variants_stream_into_columns_side_by_side(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = lambda request, index: f"Angle {index + 1}: solar lamp"  # type: ignore[assignment]
    choose_mode(window, "ad-copy")
    fill(window, product="Solar lamp")
    window.params_panel.n.setValue(3)
    generate_and_wait(qtbot, window)
    area = window.answer_area
    qtbot.waitUntil(lambda: area.all_texts() == [f"Angle {k}: solar lamp" for k in (1, 2, 3)])
    columns = area.columns
    assert [c.title.text() for c in columns] == ["Variant 1", "Variant 2", "Variant 3"]
    assert all(c.isVisible() and c.header.isVisible() for c in columns)
    xs = [c.mapTo(area, c.rect().topLeft()).x() for c in columns]
    assert xs == sorted(xs) and len(set(xs)) == 3  # side by side, not stacked
    assert all(c.width() * 3 <= area.viewport().width() + 20 for c in columns)  # all in sight
    columns[1].copy_button.click()
    assert QGuiApplication.clipboard().text() == "Angle 2: solar lamp"


def test_a_server_that_refuses_n_gets_parallel_requests_said_once(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.refuse_n = True
    openai_server.reply = LONG
    openai_server.delta_delay = 0.002
    choose_mode(window, "ad-copy")
    fill(window, product="Lamp")
    window.params_panel.n.setValue(3)
    said: list[str] = []
    window.answer_panel.sig_status.connect(said.append)
    generate_and_wait(qtbot, window, timeout=20_000)
    assert window.answer_area.all_texts() == [LONG] * 3
    assert [r.body["n"] for r in openai_server.chat_requests] == [3, 1, 1, 1]
    notes = [text for text in said if "one variant per request" in text]
    assert notes and set(notes) == {
        "Local answers one variant per request: sending 3 requests in parallel."
    }


def three_headlines(qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer) -> DoneEvent:
    """Ad copy for a lamp with n = 3, each variant answered "Headline K"; returns its end."""
    openai_server.reply = lambda request, index: f"Headline {index + 1}"  # type: ignore[assignment]
    choose_mode(window, "ad-copy")
    fill(window, product="Lamp")
    window.params_panel.n.setValue(3)
    return generate_and_wait(qtbot, window)


def test_clicking_or_focusing_a_column_makes_it_the_current_one(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    three_headlines(qtbot, window, openai_server)
    window.activateWindow()
    columns = window.answer_area.columns
    assert window.answer_area.currentIndex() == 0
    qtbot.mouseClick(columns[2].view.viewport(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.answer_area.currentIndex() == 2)
    columns[1].view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: window.answer_area.currentIndex() == 1)
    assert window.answer_area.currentWidget() is columns[1].view


def test_keep_marks_the_chosen_variant_and_the_others_stay(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    done = three_headlines(qtbot, window, openai_server)
    window.answer_area.columns[2].keep_button.click()
    assert window.answer_area.columns[2].keep_button.text() == "Kept"
    assert window.answer_area.currentIndex() == 2
    history = window.answer_panel.history
    assert history is not None
    record = history.get(done.record_id)
    assert record is not None
    assert (record.answer, record.answers) == (
        "Headline 3",
        ["Headline 1", "Headline 2", "Headline 3"],
    )
    # Reopened, the kept one is marked again and is the one the actions work on.
    window.answer_panel.show_record(record, window.services.modes["ad-copy"])
    assert [c.keep_button.isChecked() for c in window.answer_area.columns] == [False, False, True]
    assert window.answer_area.current_text() == "Headline 3"


def test_diff_of_two_variants(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = lambda request, index: ["A calm lamp.", "A bright lamp."][index]  # type: ignore[assignment]
    choose_mode(window, "ad-copy")
    fill(window, product="Lamp")
    window.params_panel.n.setValue(2)
    generate_and_wait(qtbot, window)
    qtbot.waitUntil(lambda: window.answer_area.all_texts()[1] == "A bright lamp.")
    dialog = window.answer_panel.compare.diff(0, 1)
    assert isinstance(dialog, AnswerDiff)
    qtbot.waitUntil(lambda: not dialog.diff.is_busy(), timeout=5000)
    assert "Variant 1 → Variant 2" in dialog.title.text()
    diff = dialog.diff.diff
    assert diff is not None and len(diff.hunks) == 1


def test_two_models_at_once_one_column_each_with_figures_and_one_record(
    qtbot: QtBot,
    window: MainWindow,
    openai_server: FakeOpenAIServer,
    second_server: FakeOpenAIServer,
    tmp_path: Path,
) -> None:
    openai_server.reply = "Local says hello."
    second_server.reply = "Second says hello, at more length."
    choose_mode(window, "article")
    fill(window, topic="Lighthouses")
    compare_and_wait(qtbot, window, "Local", "Second")
    area = window.answer_area
    assert area.all_texts() == ["Local says hello.", "Second says hello, at more length."]
    assert [c.title.text() for c in area.columns] == [
        "Local (local-model)",
        "Second (second-model)",
    ]
    for column in area.columns:
        assert "first token" in column.figures.text() and "tokens" in column.figures.text()
    sent = [s.chat_requests[-1].body for s in (openai_server, second_server)]
    assert sent[0]["messages"] == sent[1]["messages"]
    assert [b["model"] for b in sent] == ["local-model", "second-model"]
    assert "2 of 2 answered" in window.status_label.text()
    record_id = window.answer_panel.shown_record_id
    record = window.answer_panel.history.get(record_id) if record_id else None
    assert record is not None and record.is_comparison and record.status == "complete"
    assert len(window.answer_panel.history.list_records()) == 1
    # Reopen: the columns come back with their labels and figures.
    window.answer_area.show_text(["x"], "markdown")
    window.open_record(record.id)
    assert area.all_texts() == ["Local says hello.", "Second says hello, at more length."]
    assert [c.title.text() for c in area.columns] == [
        "Local (local-model)",
        "Second (second-model)",
    ]
    assert all("tokens" in c.figures.text() for c in area.columns)
    # Export: a section per answer, headed by provider and model.
    page = window.answer_panel.export_text(str(tmp_path / "c.html"), area.current_text())
    assert "Local (local-model)</h2>" in page and "Second (second-model)</h2>" in page
    markdown = window.answer_panel.export_text(str(tmp_path / "c.md"), area.current_text())
    assert markdown == export.to_markdown(record)
    assert "## Local (local-model)" in markdown and "Second says hello" in markdown
    assert "first token" in markdown


def test_a_failing_column_shows_its_error_and_the_others_go_on(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = "Still answering."
    choose_mode(window, "article")
    fill(window, topic="Faults")
    compare_and_wait(qtbot, window, "Down", "Local")
    down, local = window.answer_area.columns
    assert down.error.isVisible() and "connection refused" in down.error.text()
    assert local.view.text() == "Still answering." and not local.error.isVisible()
    assert not window.error_banner.isVisible()
    assert "1 of 2 answered" in window.status_label.text()


def test_stop_one_column_leaves_the_other_streaming(
    qtbot: QtBot,
    window: MainWindow,
    openai_server: FakeOpenAIServer,
    second_server: FakeOpenAIServer,
) -> None:
    for server in (openai_server, second_server):
        server.reply = LONG
        server.delta_delay = 0.01
    choose_mode(window, "article")
    fill(window, topic="Long")
    assert compare_with(window, profiles(window, "Local", "Second"))
    first, second = window.answer_area.columns
    qtbot.waitUntil(lambda: len(first.view.text()) > 20 and len(second.view.text()) > 20)
    first.stop_button.click()
    assert openai_server.wait_for_disconnects(1, timeout=3.0)
    # text received before the Stop is kept and may still reach the screen: measure once the
    # column has ended
    qtbot.waitUntil(lambda: "stopped" in first.figures.text(), timeout=5000)
    stopped_at = len(first.view.text())
    qtbot.waitUntil(lambda: not window.answer_panel.compare.running, timeout=15_000)
    assert second.view.text() == LONG  # went on to its end
    assert len(first.view.text()) == stopped_at < len(LONG)
    assert "stopped" in first.figures.text()
    assert second_server.disconnects == 0


def test_stop_all_stops_every_column(
    qtbot: QtBot,
    window: MainWindow,
    openai_server: FakeOpenAIServer,
    second_server: FakeOpenAIServer,
) -> None:
    for server in (openai_server, second_server):
        server.reply = LONG
        server.delta_delay = 0.01
    choose_mode(window, "article")
    fill(window, topic="Long")
    assert compare_with(window, profiles(window, "Local", "Second"))
    qtbot.waitUntil(lambda: all(len(t) > 10 for t in window.answer_area.all_texts()))
    assert window.stop_button.isEnabled()
    window.stop_button.click()
    qtbot.waitUntil(lambda: not window.answer_panel.compare.running, timeout=5000)
    assert openai_server.wait_for_disconnects(1) and second_server.wait_for_disconnects(1)
    assert not window.stop_button.isEnabled()


def test_the_dialog_needs_two_profiles(qtbot: QtBot, window: MainWindow) -> None:
    dialog = ContenderDialog(window.settings.profiles, ["Local"], window)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.buttons()[0]
    assert not ok.isEnabled()
    dialog.set_ticked(["Local", "Second"])
    assert ok.isEnabled()
    assert [(p.name, m) for p, m in dialog.chosen()] == [
        ("Second", "second-model"),
        ("Local", "local-model"),
    ]
