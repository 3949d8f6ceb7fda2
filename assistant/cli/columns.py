"""Text tables in a terminal: Chinese, Japanese and Korean characters take two columns."""

from __future__ import annotations

import unicodedata


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes (wide and full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def left(text: str, width: int) -> str:
    """``text`` padded with spaces on the right to ``width`` columns."""
    return text + " " * (width - columns(text))


def right(text: str, width: int) -> str:
    """``text`` padded with spaces on the left to ``width`` columns."""
    return " " * (width - columns(text)) + text
