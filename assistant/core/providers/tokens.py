"""Token estimates before sending, and the model's context window.

OpenAI models are counted with their real tokenizer (``bpe-openai``: o200k/cl100k built in, works
offline). The built-in engine counts exactly through llama.cpp's ``/tokenize`` while it runs. Other
models get a conservative estimate (:func:`rough_count`) that over-counts rather than
under-counts for the tokenizers we compared (o200k, cl100k on code, prose and JSON).
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from assistant.core.providers.profiles import ProviderProfile

if TYPE_CHECKING:
    from bpe_openai import Encoding

ASCII_CHARS_PER_TOKEN = 3.5
ENCODE_PIECE_CHARS = 500_000
"""bpe-openai refuses inputs of a million characters or more: longer text is encoded in pieces."""
MESSAGE_OVERHEAD = 4
"""Tokens a chat template adds per message (role markers, separators)."""
REPLY_PRIMING = 3
"""Tokens that start the assistant's reply."""

_PIECES = re.compile(r"[A-Za-z]+|\d{1,3}|[^\sA-Za-z\d]|\n|  +")
_O200K_PREFIXES = ("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "chatgpt-4o")
_CL100K_PREFIXES = ("gpt-4", "gpt-3.5", "gpt-35", "text-embedding-3", "text-embedding-ada")


class TokenCounter(Protocol):
    """Anything that counts tokens exactly and knows its window (the built-in engine)."""

    @property
    def context_window(self) -> int | None: ...

    def tokenize(self, text: str) -> int: ...


@dataclass(frozen=True)
class ContextCheck:
    """Prompt estimate against the window: ``over`` when the answer budget does not fit."""

    estimate: int
    window: int
    answer_budget: int

    @property
    def over(self) -> bool:
        return self.estimate + self.answer_budget > self.window

    @property
    def excess_tokens(self) -> int:
        """Prompt tokens to remove so that prompt + answer budget fit."""
        return max(0, self.estimate + self.answer_budget - self.window)


def encoding_for(model: str) -> Encoding | None:
    """The OpenAI tokenizer of ``model`` (None for other models)."""
    name = _encoding_name(model.strip().lower().rsplit("/", 1)[-1])
    return _encoding(name) if name else None


def count_text(text: str, model: str = "", engine: TokenCounter | None = None) -> int:
    """Tokens of one piece of text (exact when possible, else conservative)."""
    if engine is not None and engine.context_window is not None:
        try:
            return engine.tokenize(text)
        except Exception:  # a stopped or busy engine: fall back to the estimate
            pass
    encoding = encoding_for(model)
    if encoding is not None:
        try:
            return sum(len(encoding.encode_ordinary(piece)) for piece in _pieces(text))
        except Exception:  # the tokenizer refused the text: estimate instead
            pass
    return rough_count(text)


def _pieces(text: str, size: int = ENCODE_PIECE_CHARS) -> Iterator[str]:
    """``text`` in pieces under the tokenizer's input limit, cut after a newline or space."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind(" ", start, end))
            end = cut + 1 if cut > start else end
        yield text[start:end]
        start = end


def rough_count(text: str) -> int:
    """ASCII: 3.5 characters per token, or one per word/symbol/indent if that is more (code,
    JSON); every other character one token (CJK, emoji)."""
    ascii_text = text if text.isascii() else text.encode("ascii", "ignore").decode("ascii")
    non_ascii = len(text) - len(ascii_text)
    pieces = sum(1 for _ in _PIECES.finditer(ascii_text))
    return max(math.ceil(len(ascii_text) / ASCII_CHARS_PER_TOKEN), pieces) + non_ascii


IMAGE_TOKENS = 765
"""Tokens one image costs, as OpenAI counts a 2048 px image at high detail (85 + 4 tiles × 170)."""


def estimate_tokens(
    messages: Sequence[Mapping[str, Any]], model: str, engine: TokenCounter | None = None
) -> int:
    """Tokens the chat request's messages make, including the chat template's overhead."""
    total = REPLY_PRIMING
    for message in messages:
        text, images = _text_and_images(message.get("content"))
        total += MESSAGE_OVERHEAD + count_text(text, model, engine) + images * IMAGE_TOKENS
    return total


def _text_and_images(content: object) -> tuple[str, int]:
    """A message's text, and how many images it has (content as a string or a list of parts)."""
    if isinstance(content, str):
        return content, 0
    if not isinstance(content, list):
        return str(content or ""), 0
    texts = [str(p.get("text", "")) for p in content if isinstance(p, dict) and "text" in p]
    images = sum(1 for p in content if isinstance(p, dict) and p.get("type") == "image_url")
    return "\n".join(texts), images


def context_window(
    profile: ProviderProfile, engine: TokenCounter | None, configured: int | None = None
) -> int | None:
    """The window in tokens: the profile's setting; for the built-in engine the running server's
    ``n_ctx``, else the configured ``Settings.engine_context``; None when unknown."""
    if profile.context_window:
        return profile.context_window
    if not profile.is_builtin:
        return None
    running = engine.context_window if engine is not None else None
    return running or configured or None


def check_context(
    messages: Sequence[Mapping[str, Any]],
    profile: ProviderProfile,
    model: str,
    answer_budget: int,
    engine: TokenCounter | None = None,
    configured: int | None = None,
) -> ContextCheck | None:
    """Compare the prompt with the window (None when the window is unknown)."""
    window = context_window(profile, engine, configured)
    if window is None:
        return None
    budget = max(0, answer_budget)
    upper = _upper_bound(messages)
    if upper + budget <= window:  # fits for sure: skip the tokenizer (and the engine round trip)
        return ContextCheck(upper, window, budget)
    counter = engine if profile.is_builtin else None
    return ContextCheck(estimate_tokens(messages, model, counter), window, max(0, answer_budget))


def _upper_bound(messages: Sequence[Mapping[str, Any]]) -> int:
    """Tokens can't outnumber UTF-8 bytes; a few more per message for the chat framing."""
    total = 0
    for message in messages:
        text, images = _text_and_images(message.get("content", ""))
        total += len(text.encode("utf-8", "surrogatepass")) + 8 + images * IMAGE_TOKENS
    return total


def chars_to_cut(text: str, excess_tokens: int, model: str = "") -> int:
    """About how many characters at the end of ``text`` make ``excess_tokens`` (5% margin)."""
    if excess_tokens <= 0 or not text:
        return 0
    tokens = max(1, count_text(text, model))
    return min(len(text), math.ceil(len(text) * excess_tokens / tokens * 1.05))


def _encoding_name(model: str) -> str | None:
    if model.startswith(_O200K_PREFIXES):
        return "o200k_base"
    if model.startswith(_CL100K_PREFIXES):
        return "cl100k_base"
    return None


@functools.lru_cache(maxsize=4)
def _encoding(name: str) -> Encoding | None:
    try:
        import bpe_openai
    except ImportError:  # not installed: the rough count still works
        return None
    with warnings.catch_warnings():  # bpe-openai 0.1.4 uses a deprecated importlib.resources call
        warnings.simplefilter("ignore", DeprecationWarning)
        return bpe_openai.get_encoding(name)
