"""History records as Markdown, plain text or one self-contained HTML page.

Each record gives its title, mode, provider and model, date and status, the input fields, then the
answer(s). The HTML page loads nothing and runs nothing: CSS is inline, code blocks are highlighted
with pygments inline styles, the answer's Markdown is rendered with raw HTML disabled (the model's
HTML is shown as text), images in answers become links, images attached to the input are embedded
as data URLs, and a Content-Security-Policy forbids any fetch.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from markdown_it import MarkdownIt

from assistant.core.base.i18n import tr
from assistant.core.providers.prices import format_money
from assistant.core.storage.export_images import (
    html_images,
    image_names,
    markdown_images,
    text_images,
)
from assistant.core.storage.export_threads import (
    follow_ups_html,
    follow_ups_markdown,
    follow_ups_text,
)
from assistant.core.storage.history import Record
from assistant.core.text.markdown_html import markdown_renderer
from assistant.core.work.runs import RunStatus

FORMATS = ("md", "html", "txt")

_PYGMENTS_STYLE = "default"
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"  # attached images inline
_CSS = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328;
  max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
article + article { border-top: 2px solid #d0d7de; margin-top: 3rem; padding-top: 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem;
  color: #59636e; font-size: .9rem; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; }
.field-name { font-weight: 600; margin: .8rem 0 .2rem; }
pre { padding: .75rem 1rem; overflow-x: auto; border-radius: 6px; background: #f6f8fa;
  font: 13.5px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
:not(pre) > code { background: #eff1f3; padding: .1em .3em; border-radius: 4px; }
blockquote { margin: 0; padding: 0 1rem; color: #59636e; border-left: 4px solid #d0d7de; }
.error { color: #b42318; }
.column-note { color: #59636e; font-size: .9rem; font-style: italic; }
table { border-collapse: collapse; } th, td { border: 1px solid #d0d7de; padding: .3rem .6rem; }
""".strip()


def to_markdown(records: Record | Iterable[Record]) -> str:
    """One Markdown document for one or more records."""
    return "\n\n---\n\n".join(_record_markdown(r) for r in _as_list(records)) + "\n"


def to_text(records: Record | Iterable[Record]) -> str:
    """Plain text for one or more records."""
    return ("\n\n" + "=" * 72 + "\n\n").join(_record_text(r) for r in _as_list(records)) + "\n"


def to_html(records: Record | Iterable[Record]) -> str:
    """A self-contained HTML page for one or more records."""
    items = _as_list(records)
    title = (
        items[0].title
        if len(items) == 1
        else tr("History export ({count} records)").format(count=len(items))
    )
    renderer = _markdown_renderer()
    articles = "\n".join(_record_html(r, renderer) for r in items)
    return (
        "<!DOCTYPE html>\n"
        '<html>\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n"
        f"<body>\n{articles}\n</body>\n</html>\n"
    )


def render(records: Record | Iterable[Record], fmt: str) -> str:
    """Export in ``fmt`` (one of :data:`FORMATS`)."""
    exporters = {"md": to_markdown, "html": to_html, "txt": to_text}
    if fmt not in exporters:
        raise ValueError(f"unknown export format: {fmt!r}")
    return exporters[fmt](records)


# --- pieces shared by the formats ---------------------------------------------------------------


def _as_list(records: Record | Iterable[Record]) -> list[Record]:
    return [records] if isinstance(records, Record) else list(records)


def _meta(record: Record) -> list[tuple[str, str]]:
    rows = [
        (tr("Mode"), record.mode),
        (tr("Provider"), record.provider),
        (tr("Model"), record.model),
        (tr("Date"), record.created_at.astimezone().strftime("%Y-%m-%d %H:%M")),
    ]
    if record.status != RunStatus.COMPLETE:
        rows.append((tr("Status"), record.status))
    usage = record.usage
    if usage.total_tokens is not None:
        rows.append((tr("Tokens"), str(usage.total_tokens)))
        if usage.cached_tokens:
            rows.append((tr("Cached prompt tokens"), str(usage.cached_tokens)))
    if usage.cost is not None:
        rows.append((tr("Cost"), format_money(usage.cost, usage.currency)))
    return [(label, value) for label, value in rows if value]


def _problem_label(record: Record) -> str:
    """A note on a complete answer (Max tokens, content filter), else an error."""
    return tr("Note") if record.status == RunStatus.COMPLETE else tr("Error")


def _label(name: str) -> str:
    return name.replace("_", " ").strip().capitalize() or name


def _field_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return {True: tr("yes"), False: tr("no"), None: ""}[value]
    if isinstance(value, list | tuple):
        return ", ".join(_field_text(v) for v in value)
    return str(value)


def _answers(record: Record) -> list[tuple[str, str]]:
    """(heading, answer) of each answer: variants, or a comparison's columns (PROFILE (MODEL))."""
    from assistant.core.storage.comparisons import answer_headings

    return list(zip(answer_headings(record), record.answers or [""], strict=True))


def _column_note(record: Record, index: int) -> str:
    """A comparison column's figures and how it ended ('' for other records)."""
    from assistant.core.storage.comparisons import column_figures

    if not record.is_comparison or index >= len(record.columns):
        return ""
    column = record.columns[index]
    error = column.get("error")
    figures = column_figures(column)
    return " · ".join(part for part in (figures, str(error) if error else "") if part)


# --- Markdown -----------------------------------------------------------------------------------


def _fence(text: str, info: str = "") -> str:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text.rstrip(chr(10))}\n{ticks}"


def _record_markdown(record: Record) -> str:
    parts = [f"# {record.title or record.mode}", ""]
    parts += [f"- **{label}:** {value}" for label, value in _meta(record)]
    fields = [(name, _field_text(value)) for name, value in record.fields.items()]
    fields = [(name, text) for name, text in fields if text.strip()]
    if fields:
        parts += ["", f"## {tr('Input')}"]
        for name, text in fields:
            images = image_names(record.fields[name])
            block = "\n".join(markdown_images(images)) if images else _fence(text)
            parts += ["", f"**{_label(name)}:**", "", block]
    for index, (heading, answer) in enumerate(_answers(record)):
        parts += ["", f"## {heading}", ""]
        parts += [f"*{note}*", ""] if (note := _column_note(record, index)) else []
        parts += [answer.strip("\n")]
    if record.error:
        parts += ["", f"> **{_problem_label(record)}:** {record.error}"]
    parts += follow_ups_markdown(record, _fence)
    return "\n".join(parts).rstrip()


# --- plain text ---------------------------------------------------------------------------------


def _record_text(record: Record) -> str:
    title = record.title or record.mode
    parts = [title, "=" * min(len(title), 72)]
    parts += [f"{label}: {value}" for label, value in _meta(record)]
    for name, value in record.fields.items():
        text = "\n".join(text_images(image_names(value))) or _field_text(value)
        if text.strip():
            parts += ["", f"{_label(name)}:", text.rstrip("\n")]
    for index, (heading, answer) in enumerate(_answers(record)):
        parts += ["", heading, "-" * len(heading)]
        parts += [note] if (note := _column_note(record, index)) else []
        parts += [answer.strip("\n")]
    if record.error:
        parts += ["", f"{_problem_label(record)}: {record.error}"]
    parts += follow_ups_text(record)
    return "\n".join(parts).rstrip()


# --- HTML ---------------------------------------------------------------------------------------


def _markdown_renderer() -> MarkdownIt:
    return markdown_renderer(_PYGMENTS_STYLE)


def _record_html(record: Record, md: MarkdownIt) -> str:
    parts = ["<article>", f"<h1>{escape(record.title or record.mode)}</h1>", '<dl class="meta">']
    for label, value in _meta(record):
        parts.append(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>")
    parts.append("</dl>")
    fields = [(name, _field_text(value)) for name, value in record.fields.items()]
    fields = [(name, text) for name, text in fields if text.strip()]
    if fields:
        parts.append(f"<h2>{escape(tr('Input'))}</h2>")
        for name, text in fields:
            parts.append(f'<div class="field-name">{escape(_label(name))}</div>')
            images = image_names(record.fields[name])
            parts += html_images(images) or [f"<pre>{escape(text.rstrip(chr(10)))}</pre>"]
    for index, (heading, answer) in enumerate(_answers(record)):
        parts.append(f"<h2>{escape(heading)}</h2>")
        if note := _column_note(record, index):
            parts.append(f'<p class="column-note">{escape(note)}</p>')
        parts.append(f'<div class="answer">\n{md.render(answer)}</div>')
    if record.error:
        parts.append(f'<p class="error"><strong>{escape(_problem_label(record))}:</strong> ')
        parts[-1] += f"{escape(record.error)}</p>"
    parts += follow_ups_html(record, md.render)
    parts.append("</article>")
    return "\n".join(parts)
