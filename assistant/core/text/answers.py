"""Post-processing of finished answers (what gets inserted into the person's code)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.text.languages import lexer_alias

_FENCED = re.compile(
    r"\A\s*(?P<fence>`{3,}|~{3,})[^\n]*\n(?P<body>.*?)\n?(?P=fence)\s*\Z", re.DOTALL
)


def code_to_insert(answer: str) -> str:
    """The code inside an answer that is one fenced block (small models add fences anyway).

    Anything else is returned unchanged.
    """
    match = _FENCED.match(answer)
    return match.group("body") if match else answer


# An opening fence: up to 3 spaces, 3+ backticks or tildes, an info string; closed by the same
# fence character at least as long, or by the end of the answer (an answer cut short).
_OPEN = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)$", re.MULTILINE)


@dataclass(frozen=True)
class CodeBlock:
    """One fenced block of an answer: its info string's first word and its body."""

    language: str
    body: str
    closed: bool
    start: int = 0
    """Where the block begins in the answer (its opening fence)."""
    end: int = 0
    """Where it ends (after its closing fence, or the end of the answer)."""


def fenced_blocks(answer: str) -> list[CodeBlock]:
    """Every fenced code block of a Markdown answer, in order (an unclosed last one included)."""
    blocks: list[CodeBlock] = []
    position = 0
    while (opening := _OPEN.search(answer, position)) is not None:
        fence = opening.group("fence")
        info = opening.group("info").strip()
        language = info.split()[0].strip("{}.") if info else ""
        body_start = opening.end() + 1
        closing = re.compile(rf"^ {{0,3}}{fence[0]}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        end = closing.search(answer, body_start) if body_start <= len(answer) else None
        if end is None:
            body = answer[body_start:]
            blocks.append(CodeBlock(language, body, False, opening.start(), len(answer)))
            break
        body = answer[body_start : end.start()]
        blocks.append(CodeBlock(language, body, True, opening.start(), end.end()))
        position = end.end()
    return blocks


def code_from_answer(answer: str, language: str = "") -> str:
    """The code an answer proposes: its fenced block matching ``language`` when several (else the
    longest), the only block when one, the whole answer when it has none."""
    block = proposed_block(answer, language)
    return block.body if block is not None else answer


def proposed_block(answer: str, language: str = "") -> CodeBlock | None:
    """The fenced block :func:`code_from_answer` takes (None: the answer has none)."""
    blocks = fenced_blocks(answer)
    if not blocks:
        return None
    if len(blocks) > 1 and language:
        wanted = lexer_alias(language) or language.lower()
        matching = [block for block in blocks if _same_language(block.language, wanted)]
        blocks = matching or blocks
    return max(blocks, key=lambda block: len(block.body))


def text_around_block(answer: str, language: str = "") -> str:
    """What an answer says besides its proposed code block (the model's notes), trimmed."""
    block = proposed_block(answer, language)
    if block is None:
        return ""
    return (answer[: block.start].strip() + "\n\n" + answer[block.end :].strip()).strip()


def _same_language(name: str, wanted: str) -> bool:
    return bool(name) and (name.lower() == wanted or lexer_alias(name) == wanted)
