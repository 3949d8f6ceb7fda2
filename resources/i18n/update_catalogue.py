"""Regenerate assistant_zh_CN.ts from the sources and compile it to the .qm the app loads.

`python resources/i18n/update_catalogue.py` (from the repository, with PySide6 installed):

1. `pyside6-lupdate` reads every `assistant/**/*.py` (`self.tr`, `QCoreApplication.translate`).
2. Core strings (`assistant.core.base.i18n.tr(text, context="core")`, in the core and in every
   module that imports that `tr`, e.g. the CLI's) are read here from the syntax tree, because
   lupdate files a free `tr()` under an empty context while the app looks them up under `core`
   (or the module's `_CONTEXT`, e.g. `modes`, `request`).
3. Texts of the built-in mode files (title, description, group, field labels, help,
   placeholders and choices) go under `modes`, the context of `ui.mode_form.tr_mode`; what the
   model catalogue's models are good at goes under `catalogue` (`ui.catalogue_panel.good_at_text`).
4. Translations already in the catalogue are kept: same context and text first, else the same
   text from any context (a string that moved to another class or file keeps its translation).
   Translated texts no longer anywhere in the sources stay as `vanished`, so nothing is lost.
5. `pyside6-lrelease` compiles the catalogue to `assistant/resources/i18n/assistant_zh_CN.qm`.

New entries are `unfinished` (shown in English) until translated in the .ts (Qt Linguist or any
editor); then run this script again. It prints the finished/unfinished counts.
"""

from __future__ import annotations

import ast
import copy
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TS = HERE / "assistant_zh_CN.ts"
QM = ROOT / "assistant" / "resources" / "i18n" / "assistant_zh_CN.qm"
MODES = ROOT / "assistant" / "resources" / "modes"
CATALOGUE = ROOT / "assistant" / "resources" / "catalogue.toml"
CORE = ROOT / "assistant" / "core"
FIELD_TEXTS = ("label", "help", "placeholder")

Key = tuple[str, str]  # (context, source)
Entry = tuple[str, str, int]  # (source, file relative to the .ts, line)


def tool(name: str, *args: str, cwd: Path = ROOT) -> None:
    """Run PySide6's ``pyside6-<name>`` (lupdate, lrelease) with this Python's PySide6."""
    code = f"import sys; from PySide6.scripts.pyside_tool import {name}; sys.exit({name}())"
    subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, check=True)


def relative(path: Path) -> str:
    """``path`` as lupdate writes locations: relative to the .ts file."""
    return Path("../..", path.relative_to(ROOT)).as_posix()


def lupdate_messages() -> ET.Element:
    """The root of a fresh catalogue made by pyside6-lupdate from every module."""
    sources = sorted(relative(path) for path in (ROOT / "assistant").rglob("*.py"))
    fresh = HERE / ".fresh.ts"
    fresh.unlink(missing_ok=True)
    try:
        tool("lupdate", "-silent", *sources, "-ts", fresh.name, cwd=HERE)
        return ET.parse(fresh).getroot()
    finally:
        fresh.unlink(missing_ok=True)


def _module_strings(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "text"`` assignments (a module's ``_CONTEXT``)."""
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    names[target.id] = node.value.value
    return names


def _context_of(call: ast.Call, names: dict[str, str]) -> str:
    given = call.args[1] if len(call.args) > 1 else None
    for keyword in call.keywords:
        if keyword.arg == "context":
            given = keyword.value
    if given is None:
        return "core"
    if isinstance(given, ast.Constant) and isinstance(given.value, str):
        return given.value
    if isinstance(given, ast.Name) and given.id in names:
        return names[given.id]
    raise SystemExit(f"tr() with a context that is not a literal: line {call.lineno}")


def uses_core_tr(path: Path, tree: ast.Module) -> bool:
    """A core module, or one that imports the core's ``tr`` (the CLI's)."""
    if path.is_relative_to(CORE):
        return True
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "assistant.core.base.i18n"
        and any(alias.name == "tr" for alias in node.names)
        for node in ast.walk(tree)
    )


def core_messages() -> dict[str, list[Entry]]:
    """Literal ``tr(text[, context])`` calls of the core's ``tr``, by context."""
    found: dict[str, list[Entry]] = {}
    for path in sorted((ROOT / "assistant").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not uses_core_tr(path, tree):
            continue
        names = _module_strings(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            text = node.args[0] if node.args else None
            if node.func.id == "tr" and isinstance(text, ast.Constant):
                entry = (str(text.value), relative(path), text.lineno)
                found.setdefault(_context_of(node, names), []).append(entry)
    for entries in found.values():
        entries.sort(key=lambda entry: entry[1:])
    return found


def new_mode_template() -> tuple[Path, str, str]:
    """The file a new mode starts as (``NEW_MODE`` of ``core.prompts.mode_document``), with the
    module that holds it and that module's text."""
    path = CORE / "prompts" / "mode_document.py"
    source = path.read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        names = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
        value = getattr(node, "value", None)
        if "NEW_MODE" in names and isinstance(value, ast.Constant) and isinstance(value.value, str):
            return path, value.value.format(mode_id="new", title=""), source
    raise SystemExit(f"no NEW_MODE in {path}")


def mode_messages() -> list[Entry]:
    """User-visible texts of the built-in mode files and of a new mode's file (its group and
    labels stay in a person's mode), translated under ``modes``."""
    entries: list[Entry] = []
    files = [(path, path.read_text(encoding="utf-8")) for path in sorted(MODES.glob("*.toml"))]
    for path, text, source in [*((path, text, text) for path, text in files), new_mode_template()]:
        data = tomllib.loads(text)
        texts = [data.get("title", ""), data.get("description", ""), data.get("group", "")]
        for field in data.get("fields", []):
            texts += [field.get(name, "") for name in FIELD_TEXTS]
            if not field.get("choices_from"):
                texts += [choice for choice in field.get("choices", []) if isinstance(choice, str)]
        for value in texts:
            if value:
                line = source[: max(source.find(f'"{value}"'), 0)].count("\n") + 1
                entries.append((value, relative(path), line))
    return entries


def catalogue_messages() -> list[Entry]:
    """What the model catalogue's models are good at (``ui.catalogue_panel.good_at_text``)."""
    text = CATALOGUE.read_text(encoding="utf-8")
    entries: list[Entry] = []
    for model in tomllib.loads(text).get("models", []):
        for use in model.get("good_at", []):
            line = text[: max(text.find(f'"{use}"'), 0)].count("\n") + 1
            entries.append((use, relative(CATALOGUE), line))
    return entries


def new_message(source: str, filename: str, line: int) -> ET.Element:
    """A ``<message>`` as lupdate writes one."""
    message = ET.Element("message")
    ET.SubElement(message, "location", filename=filename, line=str(line))
    ET.SubElement(message, "source").text = source
    ET.SubElement(message, "translation", type="unfinished")
    return message


def extracted() -> dict[str, list[ET.Element]]:
    """Every message the sources hold, by context, without translations yet."""
    contexts: dict[str, list[ET.Element]] = {}
    core = core_messages()
    core_texts = {source for entries in core.values() for source, _, _ in entries}
    for context in lupdate_messages().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            if name == "" and message.findtext("source") in core_texts:
                continue  # filed under its real context below
            contexts.setdefault(name, []).append(message)
    core.setdefault("modes", []).extend(mode_messages())
    core.setdefault("catalogue", []).extend(catalogue_messages())
    for name, entries in core.items():
        seen: dict[str, ET.Element] = {}
        for source, filename, line in entries:
            if source in seen:  # one entry, every place it is used
                places = seen[source].findall("location")
                if all((p.get("filename"), p.get("line")) != (filename, str(line)) for p in places):
                    location = ET.Element("location", filename=filename, line=str(line))
                    seen[source].insert(len(places), location)
                continue
            seen[source] = new_message(source, filename, line)
            contexts.setdefault(name, []).append(seen[source])
    return contexts


def finished(translation: ET.Element | None) -> bool:
    """A translation with text (plain or every plural form) that a translator wrote."""
    if translation is None:
        return False
    forms = translation.findall("numerusform") or [translation]
    return all((form.text or "").strip() for form in forms)


def merge(old: ET.Element, contexts: dict[str, list[ET.Element]]) -> ET.Element:
    """The new catalogue, carrying every translation of ``old`` over (see the module doc)."""
    old_messages: dict[Key, ET.Element] = {}
    by_text: dict[str, ET.Element] = {}
    for context in old.iter("context"):
        for message in context.iter("message"):
            key = (context.findtext("name") or "", message.findtext("source") or "")
            old_messages[key] = message
            translation = message.find("translation")
            if translation is None or not finished(translation):
                continue
            draft = translation.get("type") == "unfinished"
            if key[1] not in by_text or (not draft and by_text[key[1]].get("type") == "unfinished"):
                by_text[key[1]] = translation
    current = {message.findtext("source") for messages in contexts.values() for message in messages}
    root = ET.Element("TS", version="2.1", language="zh_CN")
    for name in sorted(set(contexts) | {key[0] for key in old_messages}):
        context = ET.SubElement(root, "context")
        ET.SubElement(context, "name").text = name
        for message in contexts.get(name, []):
            source = message.findtext("source") or ""
            previous = old_messages.get((name, source))
            carried = previous.find("translation") if previous is not None else None
            if not finished(carried):
                carried = by_text.get(source)
            if finished(carried) and carried is not None:
                translation = copy.deepcopy(carried)
                if translation.get("type") in ("vanished", "obsolete"):
                    translation.attrib.pop("type")
                old_translation = message.find("translation")
                if old_translation is not None:
                    message.remove(old_translation)
                message.append(translation)
            context.append(message)
        for (context_name, source), message in old_messages.items():
            if context_name == name and source not in current:  # moved ones were carried over
                translation = message.find("translation")
                if finished(translation) and translation is not None:
                    translation.set("type", "vanished")
                    context.append(message)
        if not len(context.findall("message")):
            root.remove(context)
    return root


def counts(root: ET.Element) -> tuple[int, int, int]:
    """(finished, unfinished, vanished) entries."""
    kinds = [message.find("translation") for message in root.iter("message")]
    types = [
        translation.get("type", "") if translation is not None else "" for translation in kinds
    ]
    unfinished = types.count("unfinished")
    vanished = types.count("vanished") + types.count("obsolete")
    return len(types) - unfinished - vanished, unfinished, vanished


def main() -> None:
    old = ET.parse(TS).getroot()
    before = counts(old)
    root = merge(old, extracted())
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    TS.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n{body}\n', "utf-8")
    tool("lrelease", "-silent", str(TS), "-qm", str(QM))
    after = counts(root)
    print("finished/unfinished/vanished: before {}/{}/{}; after {}/{}/{}".format(*before, *after))


if __name__ == "__main__":
    main()
