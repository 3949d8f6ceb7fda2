"""Refine a selection: ask the model for only the selected span, and splice its reply back.

:func:`selection_message` is the user message of a selection turn (the instruction, the span,
and "reply with the rewritten part only"); :func:`splice` puts the reply in place of the span so
that everything before and after it stays byte for byte. Instructions to the model are English
(they are prompt text, like the modes' templates), whatever the interface language.
"""

from __future__ import annotations

import re

from assistant.core.prompts.templates import code_block
from assistant.core.prompts.threads import Selection

_FENCED = re.compile(r"\A[ \t]*(`{3,}|~{3,})[^\n]*\n(?P<body>.*?)\n?[ \t]*\1[ \t]*\Z", re.S)

SELECTION_PROMPT = (
    "Rewrite only the part of your last answer quoted below. {instruction}\n"
    "Reply with the rewritten part only: no introduction, no remarks, and do not repeat the rest "
    "of the answer.\n\n"
    "Part to rewrite:\n{part}"
)
QUESTION_PROMPT = "{instruction}\n\nThe part of your last answer this is about:\n{part}"


def selection_message(instruction: str, part: str, *, rewrite: bool = True) -> str:
    """The user message asking about ``part`` of the last answer (rewrite it, or answer about it).

    The part is quoted in a fence longer than any backtick run inside it, so it arrives verbatim.
    """
    quoted = code_block(part)
    template = SELECTION_PROMPT if rewrite else QUESTION_PROMPT
    # One pass over the template: the person's text is never searched for placeholders.
    pieces = re.split(r"(\{instruction\}|\{part\})", template)
    values = {"{instruction}": instruction.strip(), "{part}": quoted}
    return "".join(values.get(piece, piece) for piece in pieces)


def clean_reply(reply: str, part: str) -> str:
    """The reply without what a model tends to wrap it in: a code fence the part did not have,
    and leading/trailing blank space the part did not have."""
    text = reply
    match = _FENCED.match(text.strip())
    if match and not _FENCED.match(part.strip()):
        text = match.group("body")
    lead = part[: len(part) - len(part.lstrip())]
    trail = part[len(part.rstrip()) :]
    return lead + text.strip() + trail if text.strip() else text


def splice(text: str, selection: Selection, reply: str) -> str:
    """``text`` with the selected span replaced by the (cleaned) reply; the rest is unchanged."""
    part = selection.of(text)
    return text[: selection.start] + clean_reply(reply, part) + text[selection.end :]
