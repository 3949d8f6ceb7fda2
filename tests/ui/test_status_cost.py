"""The status bar shows what the last run cost, against the real loopback server."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.providers.prices import user_prices_path
from tests.fakeserver import FakeOpenAIServer
from tests.ui.test_main_window import choose_mode, fill, generate_and_wait
from tests.ui.windows import open_window, use_loopback


def write_prices(text: str) -> None:
    path = user_prices_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_cost_of_the_last_run_is_in_the_status_bar(
    qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any
) -> None:
    write_prices(
        '[[price]]\nprovider = "Loopback"\nmodel = "fake-model"\n'
        'input = 2\ncached_input = 0.5\noutput = 8\ncurrency = "CNY"\n'
    )
    openai_server.usage_override = {
        "prompt_tokens": 1000,
        "completion_tokens": 500,
        "total_tokens": 1500,
        "prompt_tokens_details": {"cached_tokens": 600},
    }
    settings = Settings()
    use_loopback(settings, openai_server.base_url)
    window = open_window(qtbot, settings)
    choose_mode(window, "article")
    fill(window, topic="Tea")
    done = generate_and_wait(qtbot, window)
    assert done.status == "complete"
    # (400 × 2 + 600 × 0.5 + 500 × 8) / 1 000 000 = ¥0.0051
    assert window.status.cost_label.text() == "Last run: ¥0.0051"
    assert "600 cached" in window.status.cost_label.toolTip()
    window.close()


def test_a_run_without_usage_costs_unknown_not_zero(
    qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any
) -> None:
    write_prices(
        '[[price]]\nprovider = "Loopback"\nmodel = "*"\ninput = 2\noutput = 8\ncurrency = "USD"\n'
    )
    openai_server.reject_stream_options = True  # no usage in the stream
    settings = Settings()
    use_loopback(settings, openai_server.base_url)
    window = open_window(qtbot, settings)
    choose_mode(window, "article")
    fill(window, topic="Tea")
    assert generate_and_wait(qtbot, window).status == "complete"
    assert window.status.cost_label.text() == "Last run: unknown"
    window.close()
