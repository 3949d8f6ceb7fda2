"""Stream faults from tests/faultproxy.py in the real window: whole, or clearly cut short.

A cut-short answer keeps its text, says so in the banner and offers Continue; Max tokens offers
Continue too; a content filter is named. Each variant carries its own finish state.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.ui.main_window import MainWindow
from tests.fakeserver import FakeOpenAIServer
from tests.faultproxy import FaultProxy, ProxyFault
from tests.proxy_faults import (
    CASES,
    DELTA_SIZE,
    PROFILE,
    REPLY,
    TABLE_PATH,
    UNSTEADY,
    ProxyCase,
    documented,
    gui_outcome,
)
from tests.ui.test_faults import generate_and_wait, point_profile_at, select_article
from tests.ui.windows import open_window

CUT_SHORT = "The answer was cut short"


@pytest.fixture
def proxy(openai_server: FakeOpenAIServer) -> Iterator[FaultProxy]:
    openai_server.reply = REPLY
    openai_server.delta_size = DELTA_SIZE
    with FaultProxy(openai_server.base_url) as running:
        yield running


@pytest.fixture
def window(qtbot: QtBot, no_keyring: Any) -> Iterator[list[MainWindow]]:
    windows: list[MainWindow] = []
    yield windows
    for win in windows:
        win.close()


def make_window(
    qtbot: QtBot, windows: list[MainWindow], base_url: str, timeout_s: float
) -> MainWindow:
    settings = Settings()
    settings.request_timeout = timeout_s
    settings.max_retries = 0
    point_profile_at(settings, base_url)
    settings.active_profile = PROFILE
    win = open_window(qtbot, settings)
    select_article(win)
    windows.append(win)
    return win


@pytest.mark.parametrize("case", CASES, ids=str)
def test_answer_is_whole_or_clearly_cut_short(
    qtbot: QtBot, proxy: FaultProxy, window: list[MainWindow], case: ProxyCase
) -> None:
    proxy.fault = case.fault
    win = make_window(qtbot, window, proxy.base_url, case.timeout_s)
    done = generate_and_wait(qtbot, win, timeout=30_000)
    shown = win.answer_area.current_text()
    if case.id not in UNSTEADY:
        assert gui_outcome(win, done.status) == documented(case, 1), (
            f"{TABLE_PATH} is out of date: python -m tests.proxy_faults > {TABLE_PATH}"
        )
    if case.whole:
        assert (done.status, shown) == ("complete", REPLY), gui_outcome(win, done.status)
        assert not win.error_banner.isVisible()
        return
    assert done.status in ("cut_short", "failed"), done.status
    assert REPLY.startswith(shown) and shown == done.answers[0]
    assert win.error_banner.isVisible()
    if shown:
        assert win.error_banner.text().startswith(CUT_SHORT), win.error_banner.text()
        assert win.recovery_bar.isVisibleTo(win) and win.continue_button.isEnabled()


def test_continue_after_a_cut_gets_the_rest(
    qtbot: QtBot, proxy: FaultProxy, openai_server: FakeOpenAIServer, window: list[MainWindow]
) -> None:
    proxy.fault = ProxyFault(framing="close", cut_after_events=4)
    win = make_window(qtbot, window, proxy.base_url, 5.0)
    assert generate_and_wait(qtbot, win).status == "cut_short"
    partial = win.answer_area.current_text()
    proxy.fault = None
    openai_server.reply = " and the rest."
    with qtbot.waitSignal(win.controller.sig_done, timeout=10_000) as blocker:
        win.continue_button.click()
    assert blocker.args[1].status == "complete"
    qtbot.waitUntil(lambda: win.answer_area.current_text() == partial + " and the rest.")
    assert openai_server.chat_requests[-1].body["messages"][-2] == {
        "role": "assistant",
        "content": partial,
    }
    assert not win.error_banner.isVisible() and not win.recovery_bar.isVisibleTo(win)


@pytest.mark.parametrize(
    ("reason", "words", "offers_continue"),
    [("length", "Max tokens limit", True), ("content_filter", "filtered the answer", False)],
)
def test_length_and_filter_are_said(
    qtbot: QtBot,
    openai_server: FakeOpenAIServer,
    window: list[MainWindow],
    reason: str,
    words: str,
    offers_continue: bool,
) -> None:
    openai_server.reply = REPLY
    openai_server.finish_reason = reason
    win = make_window(qtbot, window, openai_server.base_url, 5.0)
    done = generate_and_wait(qtbot, win)
    assert done.status == "complete"
    qtbot.waitUntil(lambda: win.answer_area.current_text() == REPLY)
    assert win.error_banner.isVisible() and words in win.error_banner.text()
    assert win.recovery_bar.isVisibleTo(win) == offers_continue


def test_each_variant_says_its_own_finish(
    qtbot: QtBot, openai_server: FakeOpenAIServer, window: list[MainWindow]
) -> None:
    openai_server.reply = REPLY
    openai_server.finish_reason = ["stop", None]
    win = make_window(qtbot, window, openai_server.base_url, 5.0)
    win.params_panel.n.setValue(2)
    done = generate_and_wait(qtbot, win)
    assert done.finish_reasons == ("stop", None) and done.status == "cut_short"
    assert win.answer_area.all_texts() == [REPLY, REPLY]
    assert "cut short (variant 2)" in win.error_banner.text()


def test_continue_goes_on_from_the_variant_that_was_cut(
    qtbot: QtBot, openai_server: FakeOpenAIServer, window: list[MainWindow]
) -> None:
    openai_server.reply = lambda request, index: ["Variant one is whole.", "Variant two was"][index]
    openai_server.finish_reason = ["stop", None]
    win = make_window(qtbot, window, openai_server.base_url, 5.0)
    win.params_panel.n.setValue(2)
    assert generate_and_wait(qtbot, win).status == "cut_short"
    assert win.answer_area.currentIndex() == 1  # the cut variant is the one shown
    openai_server.reply = " cut and goes on."
    openai_server.finish_reason = "stop"
    with qtbot.waitSignal(win.controller.sig_done, timeout=10_000) as blocker:
        win.continue_button.click()
    assert blocker.args[1].answers == ["Variant two was cut and goes on."]
    assert openai_server.chat_requests[-1].body["messages"][-2] == {
        "role": "assistant",
        "content": "Variant two was",
    }


def test_continue_with_nothing_left_makes_the_answer_whole(
    qtbot: QtBot, openai_server: FakeOpenAIServer, window: list[MainWindow]
) -> None:
    openai_server.reply = REPLY
    openai_server.finish_reason = None  # every word arrived, the finish did not
    win = make_window(qtbot, window, openai_server.base_url, 5.0)
    assert generate_and_wait(qtbot, win).status == "cut_short"
    openai_server.reply = ""  # the model has nothing to add and says it is done
    openai_server.finish_reason = "stop"
    with qtbot.waitSignal(win.controller.sig_done, timeout=10_000) as blocker:
        win.continue_button.click()
    assert (blocker.args[1].status, blocker.args[1].answers) == ("complete", [REPLY])
    assert win.answer_area.current_text() == REPLY
    assert not win.error_banner.isVisible() and not win.recovery_bar.isVisibleTo(win)


def test_a_reopened_cut_variant_continues_from_the_variant_shown(
    qtbot: QtBot, openai_server: FakeOpenAIServer, window: list[MainWindow]
) -> None:
    openai_server.reply = lambda request, index: ["Variant one is whole.", "Variant two was"][index]
    openai_server.finish_reason = ["stop", None]
    win = make_window(qtbot, window, openai_server.base_url, 5.0)
    win.params_panel.n.setValue(2)
    cut = generate_and_wait(qtbot, win)
    openai_server.reply, openai_server.finish_reason = "Another answer.", "stop"
    win.params_panel.n.setValue(1)
    generate_and_wait(qtbot, win)
    assert cut.record_id is not None
    win.open_record(cut.record_id)
    assert win.recovery_bar.isVisibleTo(win)
    assert "the variant shown" in win.recovery_bar.label.text()
    win.answer_area.setCurrentIndex(1)
    openai_server.reply = " cut and goes on."
    with qtbot.waitSignal(win.controller.sig_done, timeout=10_000) as blocker:
        win.continue_button.click()
    assert blocker.args[1].answers == ["Variant two was cut and goes on."]
