"""Post-processing of finished answers (what gets inserted into the person's code)."""

from __future__ import annotations

import re

_FENCED = re.compile(
    r"\A\s*(?P<fence>`{3,}|~{3,})[^\n]*\n(?P<body>.*?)\n?(?P=fence)\s*\Z", re.DOTALL
)


def code_to_insert(answer: str) -> str:
    """The code inside an answer that is one fenced block (small models add fences anyway).

    Anything else is returned unchanged.
    """
    match = _FENCED.match(answer)
    return match.group("body") if match else answer
