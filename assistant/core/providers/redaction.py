"""Masking secrets in text meant for people and logs: API keys, tokens, passwords in URLs.

Every :class:`~.errors.ProviderError` passes its message and detail through :func:`redact`;
:func:`redact_url` shows a proxy URL without its ``user:password``.
"""

from __future__ import annotations

import re
from functools import cache


@cache
def _secret_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each pattern and its replacement, compiled at the first use (not before the window shows)."""
    return (
        # Credentials inside a URL: http://user:password@proxy:3128 (proxy URLs).
        (re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^\s/@]+@"), r"\1***@"),
        # "Bearer <token>" (Authorization headers pasted into logs).
        (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=\-]{6,}"), r"\1 ***"),
        # OpenAI-style keys: sk-..., sk-proj-..., and similar prefixed keys (gsk_, xai-, ...).
        (re.compile(r"\b(sk|gsk|xai|hf|pk|rk)([-_])[A-Za-z0-9_\-]{8,}"), r"\1\2***"),
        # key=value / "api_key": "value" pairs.
        (
            re.compile(
                r"(?i)\b((?:api[_-]?key|access[_-]?token|token|secret|password)[\"']?\s*[:=]\s*[\"']?)"
                r"[^\s\"',;&]{6,}"
            ),
            r"\1***",
        ),
        # Long random-looking tokens: 32+ letters and digits (both present) with no separators, so
        # long model names such as deepseek-r1-distill-qwen-32b-instruct stay readable.
        (re.compile(r"\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{32,}\b"), "***"),
    )


def redact(text: str) -> str:
    """Mask anything that looks like an API key or token (for logs and error text)."""
    for pattern, replacement in _secret_patterns():
        text = pattern.sub(replacement, text)
    return text


def redact_url(url: str) -> str:
    """``url`` (with or without a scheme) with any ``user:password@`` replaced by ``***@``."""
    return re.sub(r"^\s*((?:[a-z][a-z0-9+.\-]*://)?)[^\s/?#@]+@", r"\1***@", url, flags=re.I)
