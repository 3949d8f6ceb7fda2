"""The price table and the cost of a run: cached tokens priced as cached, no usage → unknown."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.core.providers.events import Usage
from assistant.core.providers.presets import load_presets
from assistant.core.providers.prices import (
    Cost,
    Price,
    cost_of,
    format_money,
    load_prices,
    parse_prices,
    price_keys,
    run_cost,
    user_prices_path,
)
from assistant.core.providers.profiles import BUILTIN_PROFILE, ProviderProfile
from assistant.core.storage.history import HistoryStore
from assistant.core.work.generation import GenerationRun
from tests.fakeserver import FakeOpenAIServer
from tests.fixtures.loopback_run import LoopbackResolver, otters_request

PRICE = Price("p", "m", Decimal(2), Decimal("0.5"), Decimal(8), "CNY")


def test_cached_prompt_tokens_are_priced_as_cached() -> None:
    usage = Usage(1_000_000, 200_000, 1_200_000, cached_tokens=400_000)
    # 600 000 uncached × 2 + 400 000 cached × 0.5 + 200 000 completion × 8, per million
    assert cost_of(usage, PRICE) == Cost(Decimal("3.0"), "CNY")
    assert cost_of(Usage(1_000_000, 200_000, 1_200_000), PRICE) == Cost(Decimal("3.6"), "CNY")


def test_no_usage_or_no_price_is_unknown_never_zero() -> None:
    assert cost_of(None, PRICE) is None
    assert cost_of(Usage(10, 10, 20), None) is None
    assert cost_of(Usage(0, 0, 0), PRICE) == Cost(Decimal(0), "CNY")  # known and free
    assert (
        run_cost(ProviderProfile("Nowhere", "compatible", "http://10.9.9.9/v1"), "x", None) is None
    )
    unpriced = ProviderProfile("Somewhere", "compatible", "http://10.9.9.9/v1")
    assert run_cost(unpriced, "some-model", Usage(5, 5, 10)) is None


def test_more_cached_than_prompt_tokens_is_clamped() -> None:
    assert cost_of(Usage(100, 0, 100, cached_tokens=500), PRICE) == Cost(Decimal("0.00005"), "CNY")


def test_money_is_shown_with_its_currency() -> None:
    assert format_money(Decimal("3"), "CNY") == "¥3.00"
    assert format_money(Decimal("0.000123"), "USD") == "$0.00012"
    assert format_money(Decimal("1.5"), "CHF") == "1.50 CHF"
    assert str(Cost(Decimal("0.25"), "USD")) == "$0.25"


def test_the_shipped_table_is_dated_and_names_presets() -> None:
    table = load_prices()
    assert table.checked == "2026-11-30" and not table.problem
    ids = {preset.id for preset in load_presets()} | {"builtin"}
    for price in table.prices:
        assert price.provider in ids, price
        assert price.source, price
        assert price.cached_input <= price.input, price
    for preset in load_presets():
        if preset.is_local:  # servers on this machine are free, whatever the model
            found = table.find((preset.id,), "any-model")
            assert found is not None and found.input == found.output == 0
    deepseek = table.find(("deepseek",), "deepseek-flash")
    assert deepseek is not None and deepseek.currency == "CNY"


def test_a_dated_snapshot_has_its_models_price() -> None:
    table = load_prices()
    found = table.find(("openai",), "gpt-4o-mini-2024-07-18")
    assert found is not None and found.model == "gpt-4o-mini"


def test_price_keys_follow_the_preset_then_the_name() -> None:
    assert price_keys(BUILTIN_PROFILE)[0] == "builtin"
    mine = ProviderProfile("My DeepSeek", "compatible", "https://api.deepseek.com")
    assert price_keys(mine) == ("deepseek", "My DeepSeek", "https://api.deepseek.com")
    lab = ProviderProfile("Lab", "compatible", "http://10.0.0.1/v1/")
    assert price_keys(lab) == ("Lab", "http://10.0.0.1/v1")
    assert run_cost(BUILTIN_PROFILE, "SmolLM2", Usage(100, 100, 200)) == Cost(Decimal(0), "USD")


def test_the_persons_own_file_overrides_and_adds() -> None:
    path = user_prices_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        'checked = "2026-12-01"\n'
        '[[price]]\nprovider = "deepseek"\nmodel = "deepseek-flash"\n'
        'input = 1\ncached_input = 0.02\noutput = 4\ncurrency = "CNY"\n'
        '[[price]]\nprovider = "Lab"\nmodel = "*"\ninput = 1\noutput = 1\ncurrency = "EUR"\n',
        encoding="utf-8",
    )
    table = load_prices()
    assert table.checked == "2026-12-01"
    found = table.find(("deepseek",), "deepseek-flash")
    assert found is not None and found.input == 1  # replaced
    assert table.find(("deepseek",), "deepseek-v4-pro") is not None  # kept
    lab = table.find(("lab",), "whatever")  # names match whatever their case
    assert lab is not None and lab.cached_input == lab.input == 1  # no cached price: the input's
    path.write_text("[[price]]\nprovider = 'x'\n", encoding="utf-8")
    broken = load_prices()
    assert "was ignored" in broken.problem and str(path) in broken.problem
    assert broken.find(("deepseek",), "deepseek-flash") is not None  # the shipped one


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[price]]\nmodel='m'\ninput=1\noutput=1\ncurrency='USD'\n", "has no provider"),
        ("[[price]]\nprovider='p'\nmodel='m'\noutput=1\ncurrency='USD'\n", "has no input"),
        ("[[price]]\nprovider='p'\nmodel='m'\ninput=-1\noutput=1\ncurrency='USD'\n", "0 or more"),
        ("[[price]]\nprovider='p'\nmodel='m'\ninput='x'\noutput=1\ncurrency='USD'\n", "number"),
    ],
)
def test_a_broken_price_is_named(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_prices(text)


def test_a_run_records_its_cost_and_cached_tokens(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    path = user_prices_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '[[price]]\nprovider = "Loopback"\nmodel = "fake-model"\n'
        'input = 2\ncached_input = 0.5\noutput = 8\ncurrency = "USD"\n',
        encoding="utf-8",
    )
    openai_server.usage_override = {
        "prompt_tokens": 1000,
        "completion_tokens": 500,
        "total_tokens": 1500,
        "prompt_tokens_details": {"cached_tokens": 600},
    }
    store = HistoryStore(tmp_path / "h.sqlite3")
    done = GenerationRun(otters_request(), LoopbackResolver(openai_server), store).run(
        lambda _event: None, threading.Event()
    )
    expected = Decimal(400 * 2 + 600 * Decimal("0.5") + 500 * 8) / 1_000_000
    assert done.cost == Cost(expected, "USD")
    assert done.record_id is not None
    record = store.get(done.record_id)
    assert record is not None
    assert record.usage.cached_tokens == 600
    assert record.usage.cost == pytest.approx(float(expected)) and record.usage.currency == "USD"


def test_a_run_without_usage_has_an_unknown_cost(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reject_stream_options = True  # the server never reports usage
    store = HistoryStore(tmp_path / "h.sqlite3")
    done = GenerationRun(otters_request(), LoopbackResolver(openai_server), store).run(
        lambda _event: None, threading.Event()
    )
    assert done.status == "complete" and done.usage is None and done.cost is None
    assert done.record_id is not None
    record = store.get(done.record_id)
    assert record is not None and record.usage.cost is None and record.usage.currency == ""
