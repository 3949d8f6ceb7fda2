"""Token estimates and context windows (real bpe-openai tokenizers, the real engine in e2e)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.core.engine.local_engine import LocalEngine
from assistant.core.providers.profiles import BUILTIN_PROFILE, ProviderProfile
from assistant.core.providers.tokens import (
    MESSAGE_OVERHEAD,
    REPLY_PRIMING,
    ContextCheck,
    chars_to_cut,
    check_context,
    context_window,
    count_text,
    encoding_for,
    estimate_tokens,
    rough_count,
)

REMOTE = ProviderProfile(name="Remote", kind="compatible", base_url="http://127.0.0.1:9/v1")


@dataclass
class _StoppedEngine:
    """An engine that has not started: no window yet, and tokenize must not be called."""

    context_window: int | None = None

    def tokenize(self, text: str) -> int:
        raise AssertionError("a stopped engine cannot count")


def test_openai_models_use_their_real_tokenizer() -> None:
    gpt4o = encoding_for("gpt-4o-mini-2024-07-18")
    gpt4 = encoding_for("openai/gpt-4-turbo")
    assert gpt4o is not None and gpt4o.name == "o200k_base"
    assert gpt4 is not None and gpt4.name == "cl100k_base"
    assert encoding_for("llama3.2") is None
    assert count_text("hello world", "gpt-4o") == 2


def test_other_models_get_a_conservative_count() -> None:
    assert rough_count("") == 0
    assert rough_count("a" * 35) == 10
    assert rough_count("数据库" * 10) == 30  # one token per non-ASCII character
    text = "def add(a, b):\n    return a + b\n" * 50
    exact = count_text(text, "gpt-4o")
    assert count_text(text, "qwen2.5-coder") >= exact


def test_estimate_adds_the_chat_template_overhead() -> None:
    messages = [{"role": "system", "content": "hi"}, {"role": "user", "content": "hello world"}]
    expected = REPLY_PRIMING + 2 * MESSAGE_OVERHEAD + 1 + 2
    assert estimate_tokens(messages, "gpt-4o") == expected


def test_context_window_sources() -> None:
    assert context_window(REMOTE, None) is None
    assert context_window(REMOTE.with_changes(context_window=8192), None) == 8192
    assert context_window(BUILTIN_PROFILE, None, configured=4096) == 4096
    assert context_window(BUILTIN_PROFILE, _StoppedEngine(), configured=2048) == 2048
    assert context_window(BUILTIN_PROFILE, _StoppedEngine(context_window=1024), 4096) == 1024


def test_check_context_over_and_excess() -> None:
    messages = [{"role": "user", "content": "word " * 1000}]
    assert check_context(messages, REMOTE, "gpt-4o", 100) is None  # unknown window: no check
    small = REMOTE.with_changes(context_window=500)
    check = check_context(messages, small, "gpt-4o", 100)
    assert check is not None and check.over
    assert check.excess_tokens == check.estimate + 100 - 500
    roomy = check_context(messages, small.with_changes(context_window=100_000), "gpt-4o", 100)
    assert roomy is not None and not roomy.over
    assert not ContextCheck(estimate=400, window=500, answer_budget=100).over


def test_chars_to_cut_is_proportional_with_a_margin() -> None:
    text = "word " * 1000
    cut = chars_to_cut(text, 100, "gpt-4o")
    assert 500 <= cut <= 560
    assert count_text(text[: len(text) - cut], "gpt-4o") <= count_text(text, "gpt-4o") - 100
    assert chars_to_cut(text, 0) == 0
    assert chars_to_cut("abc", 10**6) == 3


@pytest.mark.e2e
def test_builtin_engine_counts_exactly(local_engine: LocalEngine) -> None:
    text = "The quick brown fox jumps over the lazy dog."
    exact = local_engine.tokenize(text)
    assert count_text(text, "SmolLM2-135M-Instruct", local_engine) == exact
    assert context_window(BUILTIN_PROFILE, local_engine, configured=4096) == 2048
    messages = [{"role": "user", "content": text}]
    check = check_context(messages, BUILTIN_PROFILE, "SmolLM2", 2040, local_engine, 4096)
    assert check is not None and check.over and check.window == 2048


def test_text_over_the_tokenizer_limit_is_counted_in_pieces() -> None:
    text = "word " * 300_000  # 1.5 million characters; bpe-openai refuses >= 1 million at once
    assert 299_000 <= count_text(text, "gpt-4o") <= 301_000
    assert count_text("x" * 1_200_000, "gpt-4o") > 0
