"""A person's own mode files: the text of any mode, importing a mode file or a prompt list,
writing, resetting and deleting files in :func:`.modes.user_modes_dir`.

A **prompt list** is a CSV of (name, prompt) rows, the layout of the widely shared "awesome
ChatGPT prompts" list (columns ``act,prompt``; ``name,prompt`` or any two first columns work too).
Each row becomes a simple mode: the prompt as the system message (escaped, so its braces reach the
model as written), one multiline field ``input`` as the user message.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.core.base.i18n import tr
from assistant.core.base.resources import read_text
from assistant.core.prompts.mode_check import ModeProblem, check_mode_text
from assistant.core.prompts.mode_schema import ModeError, parse_mode
from assistant.core.prompts.mode_types import Mode, is_user_mode
from assistant.core.prompts.modes import builtin_modes, user_modes_dir

_CONTEXT = "modes"
IMPORTED_GROUP = "Imported prompts"
_SLUG = re.compile(r"[\W_]+")  # letters of any script stay: "翻译官" is an id
_BRACES = re.compile(r"[{}]")
_SYNTAX = re.compile(r"\{[{%#]")


class ModeFileError(ValueError):
    """A mode file or prompt list that cannot be imported; ``problems`` say where and why."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__("\n".join([message, *(problems or [])]))
        self.problems = problems or []


@dataclass(frozen=True)
class ModeFile:
    """A mode file to write: its id and TOML text (the source it came from, for messages)."""

    mode_id: str
    title: str
    text: str
    origin: str = ""


def mode_text(mode: Mode) -> str:
    """The file a mode was loaded from: the person's own file, else the shipped one."""
    if mode.source.startswith("builtin:"):
        return read_text("modes", mode.source.removeprefix("builtin:"))
    return Path(mode.source).read_text(encoding="utf-8")


def escape_template(text: str) -> str:
    """``text`` as a template that renders to exactly ``text``: as is when it holds no template
    syntax, else inside ``{% raw %}``, else (it mentions ``endraw``) with every brace a literal."""
    if not _SYNTAX.search(text):
        return text
    if "endraw" not in text and not text.endswith("{"):
        return "{% raw %}" + text + "{%+ endraw %}"  # +: no lstrip of the text's last spaces
    return _BRACES.sub(lambda found: "{{ '" + found.group() + "' }}", text)


def slug(name: str) -> str:
    """A mode id made from a name: ``"Linux Terminal"`` -> ``"linux-terminal"``, ``"翻译官"`` ->
    ``"翻译官"``."""
    return _SLUG.sub("-", name.lower()).strip("-")[:48].strip("-") or "prompt"


def prompt_list_modes(
    csv_text: str, origin: str = "prompts.csv"
) -> tuple[list[ModeFile], list[str]]:
    """Simple modes from a prompt list, and one message per row skipped (``FILE:LINE: why``);
    ModeFileError when no row is usable."""
    reader = csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))
    rows = [(reader.line_num, row) for row in reader]  # the line each row ends on
    if not rows:
        raise ModeFileError(tr("{file}: the prompt list is empty", _CONTEXT).format(file=origin))
    header = [cell.strip().lower() for cell in rows[0][1]]
    name_at, prompt_at = 0, 1
    if "prompt" in header:
        prompt_at = header.index("prompt")
        name_at = next((header.index(n) for n in ("act", "name", "title") if n in header), 0)
        rows = rows[1:]
    taken = set(builtin_modes())
    titles: set[str] = set()
    found: list[ModeFile] = []
    problems: list[str] = []
    for number, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(name_at, prompt_at) or not row[prompt_at].strip():
            problems.append(
                tr("{file}:{line}: a row needs a name and a prompt", _CONTEXT).format(
                    file=origin, line=number
                )
            )
            continue
        name, prompt = row[name_at].strip(), row[prompt_at].strip()
        mode_id = base = slug(name)
        counter = 2
        while mode_id in taken:
            mode_id, counter = f"{base}-{counter}", counter + 1
        taken.add(mode_id)
        title = _numbered(name, titles)
        found.append(
            ModeFile(mode_id, title, simple_mode_toml(mode_id, title, prompt, origin), origin)
        )
    if not found:
        raise ModeFileError(
            tr("{file}: no prompt could be read", _CONTEXT).format(file=origin), problems
        )
    return found, problems


def _numbered(name: str, titles: set[str]) -> str:
    """``name``, or ``"name (2)"``, ``"name (3)"``… when the list already has a mode with that
    title (any case); the title is added to ``titles``."""
    title, number = name, 2
    while title.casefold() in titles:
        title, number = f"{name} ({number})", number + 1
    titles.add(title.casefold())
    return title


def simple_mode_toml(mode_id: str, title: str, prompt: str, origin: str = "") -> str:
    """The TOML of a mode whose system message is ``prompt`` and whose user message is one
    multiline field."""
    import tomlkit

    document = tomlkit.document()
    if origin:
        document.add(tomlkit.comment(f"Imported from {origin}"))
    document["id"] = mode_id
    document["title"] = title
    document["description"] = " ".join(prompt.split())[:120]
    document["group"] = IMPORTED_GROUP
    document["output"] = "markdown"
    document["main_field"] = "input"
    prompt_table = tomlkit.table()
    prompt_table["system"] = tomlkit.string(escape_template(prompt), multiline="\n" in prompt)
    prompt_table["user"] = "{{ input }}"
    document["prompt"] = prompt_table
    fields = tomlkit.aot()
    field = tomlkit.table()
    field["name"] = "input"
    field["label"] = "Your text"
    field["kind"] = "multiline"
    field["required"] = True
    fields.append(field)
    document["fields"] = fields
    return tomlkit.dumps(document)


def read_import(path: Path) -> tuple[list[ModeFile], list[str]]:
    """The modes a file brings (one for a mode TOML, one per row for a prompt list in CSV) and
    the rows skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModeFileError(
            tr("{file}: cannot read it: {error}", _CONTEXT).format(file=path, error=exc)
        ) from exc
    if path.suffix.lower() in (".csv", ".tsv"):
        return prompt_list_modes(text, path.name)
    problems = check_mode_text(text, str(path), path.stem)
    if problems:
        raise ModeFileError(
            tr("{file} is not a valid mode file", _CONTEXT).format(file=path),
            [problem.describe(str(path)) for problem in problems],
        )
    mode = parse_mode(text, source=str(path), default_id=path.stem)
    return [ModeFile(mode.id, mode.title, text, str(path))], []


def check_text(text: str, mode_id: str) -> list[ModeProblem]:
    """Problems of a mode's text before it is saved under ``mode_id``."""
    return check_mode_text(text, f"{mode_id}.toml", mode_id)


def write_mode(item: ModeFile, folder: Path | None = None, replace: bool = False) -> Path:
    """Write ``item`` as ``<folder>/<id>.toml``; FileExistsError when one is there and not
    ``replace``. The text is checked first (ModeFileError)."""
    problems = check_text(item.text, item.mode_id)
    if problems:
        raise ModeFileError(
            tr("{mode} has problems", _CONTEXT).format(mode=item.mode_id),
            [problem.describe(f"{item.mode_id}.toml") for problem in problems],
        )
    target = (folder or user_modes_dir()) / f"{item.mode_id}.toml"
    if target.exists() and not replace:
        raise FileExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(item.text, encoding="utf-8", newline="")
    partial.replace(target)
    return target


def user_file(mode_id: str, folder: Path | None = None) -> Path:
    """Where the person's own file for ``mode_id`` is (or would be)."""
    return (folder or user_modes_dir()) / f"{mode_id}.toml"


def overrides_builtin(mode_id: str, folder: Path | None = None) -> bool:
    """True when the person's folder holds a file that replaces the built-in ``mode_id``."""
    return mode_id in builtin_modes() and user_file(mode_id, folder).exists()


__all__ = [
    "IMPORTED_GROUP",
    "ModeError",
    "ModeFile",
    "ModeFileError",
    "check_text",
    "escape_template",
    "is_user_mode",
    "mode_text",
    "overrides_builtin",
    "prompt_list_modes",
    "read_import",
    "simple_mode_toml",
    "slug",
    "user_file",
    "write_mode",
]
