"""The follow-ups of a record in its export: every turn after the first, every version it made,
and which version is the chosen (current) one.

A record read with ``ThreadStore.attach`` carries its thread; one with a single version exports as
before. Each follow-up shows the person's instruction exactly (in a fence / ``<pre>``; a refined
selection also shows the part it was about), then the versions it made, the chosen one marked.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from assistant.core.base.i18n import tr
from assistant.core.prompts.threads import Thread, Turn, Version
from assistant.core.storage.records import Record
from assistant.core.work.status import RunStatus


def has_follow_ups(record: Record) -> bool:
    """Whether the record has more than its first answer to export."""
    return record.thread is not None and len(record.thread.versions) > 1


def chosen_line(thread: Thread) -> str:
    """ "Chosen version: 3 of 4"."""
    text = tr("Chosen version: {number} of {count}", "export")
    return text.replace("{number}", str(thread.current)).replace(
        "{count}", str(len(thread.versions))
    )


def _turn_title(turn: Turn) -> str:
    if turn.kind == "selection":
        text = tr("Follow-up {number} (on a selection of version {base})", "export")
    elif turn.kind == "question":
        text = tr("Question {number} (about version {base})", "export")
    else:
        text = tr("Follow-up {number} (on version {base})", "export")
    return text.replace("{number}", str(turn.number)).replace("{base}", str(turn.base_version))


def _version_title(thread: Thread, version: Version) -> str:
    title = tr("Version {number}", "export").replace("{number}", str(version.number))
    notes = [] if version.status == RunStatus.COMPLETE else [version.status]
    if version.number == thread.current:
        notes.insert(0, tr("chosen", "export"))
    return f"{title} ({', '.join(notes)})" if notes else title


def _selected_part(thread: Thread, turn: Turn) -> str | None:
    if turn.selection is None or turn.base_version is None:
        return None
    try:
        return turn.selection.of(thread.version(turn.base_version).text)
    except (KeyError, ValueError):
        return None


def _sections(
    record: Record,
    heading: Callable[[int, str], str],
    quote: Callable[[str], str],
    body: Callable[[str], str],
    note: Callable[[str], str],
) -> list[str]:
    """The follow-up parts of one format: headings, quoted instructions, version bodies."""
    thread = record.thread
    if thread is None or not has_follow_ups(record):
        return []
    parts = [heading(2, tr("Follow-ups", "export")), note(chosen_line(thread))]
    for turn in thread.turns[1:]:
        parts.append(heading(3, _turn_title(turn)))
        part = _selected_part(thread, turn)
        if part is not None:
            parts += [note(tr("The selected part:", "export")), quote(part)]
        parts.append(quote(turn.instruction))
        for version in thread.versions:
            if version.turn == turn.number:
                parts += [heading(4, _version_title(thread, version)), body(version.text)]
                if version.error:
                    parts.append(note(f"{tr('Error', 'export')}: {version.error}"))
    return parts


def follow_ups_markdown(record: Record, fence: Callable[[str], str]) -> list[str]:
    """Markdown lines (blank lines between blocks) of the record's follow-ups."""
    blocks = _sections(
        record,
        lambda level, text: "#" * level + " " + text,
        fence,
        lambda text: text.strip("\n"),
        lambda text: f"*{text}*",
    )
    return [line for block in blocks for line in ("", block)]


def follow_ups_text(record: Record) -> list[str]:
    """Plain-text lines of the record's follow-ups."""
    underline = {2: "-", 3: "~", 4: "."}
    blocks = _sections(
        record,
        lambda level, text: f"{text}\n{underline[level] * len(text)}",
        lambda text: text.rstrip("\n"),
        lambda text: text.strip("\n"),
        lambda text: text,
    )
    return [line for block in blocks for line in ("", block)]


def follow_ups_html(record: Record, render: Callable[[str], str]) -> list[str]:
    """HTML elements of the record's follow-ups (``render``: Markdown to safe HTML)."""
    return _sections(
        record,
        lambda level, text: f"<h{level}>{escape(text)}</h{level}>",
        lambda text: f'<pre class="instruction">{escape(text.rstrip(chr(10)))}</pre>',
        lambda text: f'<div class="answer">\n{render(text)}</div>',
        lambda text: f"<p><em>{escape(text)}</em></p>",
    )
