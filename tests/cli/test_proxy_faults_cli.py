"""Stream faults from tests/faultproxy.py through `assistant run`: whole, or clearly cut short."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.storage.history import HistoryStore
from tests.fakeserver import FakeOpenAIServer
from tests.faultproxy import FaultProxy
from tests.proxy_faults import (
    CASES,
    DELTA_SIZE,
    REPLY,
    TABLE_PATH,
    UNSTEADY,
    ProxyCase,
    check_cli,
    cli_outcome,
    documented,
    run_cli,
    save_profile,
)


@pytest.fixture
def proxy(openai_server: FakeOpenAIServer) -> Iterator[FaultProxy]:
    openai_server.reply = REPLY
    openai_server.delta_size = DELTA_SIZE
    with FaultProxy(openai_server.base_url) as running:
        yield running


@pytest.mark.parametrize("case", CASES, ids=str)
def test_answer_is_whole_or_clearly_cut_short(
    proxy: FaultProxy, case: ProxyCase, app_home: Path
) -> None:
    proxy.fault = case.fault
    save_profile(proxy.base_url, case.timeout_s)
    result = run_cli()
    check_cli(case, result)
    if case.id not in UNSTEADY:
        assert cli_outcome(result) == documented(case, 2), (
            f"{TABLE_PATH} is out of date: python -m tests.proxy_faults > {TABLE_PATH}"
        )
    status = HistoryStore(app_home / "data" / "history.sqlite3").list_records(limit=1)[0].status
    assert (status == "complete") == case.whole, status
    if case.fault.hang_after_finish:  # the app closed the hanging connection itself
        assert proxy.wait_for_client_closes(1)


def test_the_readme_shows_the_table() -> None:
    readme = (TABLE_PATH.parents[1] / "README.md").read_text(encoding="utf-8")
    assert TABLE_PATH.read_text(encoding="utf-8").strip() in readme
