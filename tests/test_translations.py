"""The 简体中文 catalogue: compiled as written, placeholders kept, core strings under the contexts
the app looks them up in, and resources/i18n/update_catalogue.py keeps translations it has."""

from __future__ import annotations

import ast
import importlib.util
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from pytestqt.qtbot import QtBot

from assistant.core.base import i18n
from assistant.core.prompts.modes import load_modes
from assistant.core.providers.errors import ErrorContext, empty_answer_error

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "i18n" / "assistant_zh_CN.ts"
QM = ROOT / "assistant" / "resources" / "i18n" / "assistant_zh_CN.qm"
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n|\\[nrt]|</?\w+[^>]*>")


def finished_entries() -> list[tuple[str, str, str, bool]]:
    """(context, source, translation, numerus) of every finished entry of the .ts."""
    entries = []
    for context in ET.parse(TS).getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            if translation.get("type") in ("unfinished", "vanished", "obsolete"):
                continue
            forms = translation.findall("numerusform")
            text = forms[0].text if forms else translation.text
            numerus = message.get("numerus") == "yes"
            entries.append(
                (
                    context.findtext("name") or "",
                    message.findtext("source") or "",
                    text or "",
                    numerus,
                )
            )
    return entries


def load_script() -> ModuleType:
    """resources/i18n/update_catalogue.py (a script, not a package module)."""
    path = ROOT / "resources" / "i18n" / "update_catalogue.py"
    spec = importlib.util.spec_from_file_location("update_catalogue", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def zh_cn(qtbot: QtBot) -> Iterator[QTranslator]:
    """The compiled catalogue installed, with core strings routed through it (as the app does)."""
    translator = QTranslator()
    assert translator.load(str(QM))
    QCoreApplication.installTranslator(translator)
    i18n.install(lambda context, text: QCoreApplication.translate(context, text))
    yield translator
    i18n.install(None)
    QCoreApplication.removeTranslator(translator)


def test_the_compiled_catalogue_holds_every_finished_translation(zh_cn: QTranslator) -> None:
    entries = finished_entries()
    assert len(entries) > 400
    for context, source, text, numerus in entries:
        assert zh_cn.translate(context, source, None, 1 if numerus else -1) == text, source


def test_translations_keep_placeholders_accelerators_and_markup() -> None:
    for context, source, text, _ in finished_entries():
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text)), (
            context,
            source,
            text,
        )
        if re.search(r"&\w", source):
            assert re.search(r"&\w", text), (context, source, text)


def test_core_and_mode_strings_are_translated_where_the_app_looks_them_up(
    zh_cn: QTranslator,
) -> None:
    error = empty_answer_error(ErrorContext(provider="Acme AI", base_url="http://x/v1"))
    assert str(error).startswith("Acme AI 返回了空回答")  # context "core"
    language = next(f for f in load_modes()["code-explain"].fields if f.name == "language")
    assert language.choice_label("") == "自动检测"  # a module's own _CONTEXT ("modes")
    assert QCoreApplication.translate("modes", "Explain code") == "解释代码"  # a mode file's title
    assert QCoreApplication.translate("modes", "Writing") == "写作"  # a mode file's group
    assert QCoreApplication.translate("modes", "My modes") == "我的模式"  # a new mode's group


def test_core_strings_are_filed_under_their_runtime_context() -> None:
    found = load_script().core_messages()
    sources = {context: {entry[0] for entry in entries} for context, entries in found.items()}
    assert "Detect automatically" in sources["modes"]
    assert "The prompt template could not be rendered: {error}" in sources["request"]
    assert "{provider} had an internal error ({status}). Try again later." in sources["core"]
    assert "Presets:" in sources["core"]  # the CLI's tr() is the core's: looked up under "core"
    assert "" not in sources


def test_a_merge_keeps_moved_translations_and_vanished_ones() -> None:
    script = load_script()
    old = ET.fromstring(
        '<TS version="2.1" language="zh_CN"><context><name>MainWindow</name>'
        "<message><source>Generate</source><translation>生成</translation></message>"
        "<message><source>Gone</source><translation>没了</translation></message>"
        '<message><source>Draft</source><translation type="unfinished"/></message>'
        "</context></TS>"
    )
    moved = script.new_message("Generate", "../../assistant/ui/answer_panel.py", 1)
    fresh = script.new_message("New", "../../assistant/ui/answer_panel.py", 2)
    root = script.merge(old, {"AnswerPanel": [moved, fresh]})
    by_key = {
        (context.findtext("name"), message.findtext("source")): message.find("translation")
        for context in root.iter("context")
        for message in context.iter("message")
    }
    assert by_key["AnswerPanel", "Generate"].text == "生成"
    assert by_key["AnswerPanel", "Generate"].get("type") is None
    assert by_key["AnswerPanel", "New"].get("type") == "unfinished"
    assert by_key["MainWindow", "Gone"].get("type") == "vanished"
    assert ("MainWindow", "Generate") not in by_key  # it moved: no stale copy is left behind
    assert ("MainWindow", "Draft") not in by_key  # nothing was written for it: nothing to keep
    assert script.counts(root) == (1, 1, 1)


def test_the_catalogue_is_complete_and_up_to_date() -> None:
    """Every string of the sources is in the .ts, translated; nothing in it is out of date."""
    script = load_script()
    written = ET.parse(TS).getroot()
    fresh = script.merge(ET.parse(TS).getroot(), script.extracted())

    def entries(root: ET.Element) -> set[tuple[str, str, str]]:
        found = set()
        for context in root.iter("context"):
            for message in context.iter("message"):
                translation = message.find("translation")
                kind = translation.get("type", "") if translation is not None else "unfinished"
                found.add((context.findtext("name") or "", message.findtext("source") or "", kind))
        return found

    unfinished = sorted(entry[:2] for entry in entries(fresh) if entry[2] == "unfinished")
    assert not unfinished, f"translate these in {TS.name}: {unfinished}"
    stale = entries(fresh) ^ entries(written)
    assert not stale, f"run python resources/i18n/update_catalogue.py: {sorted(stale)}"


def test_every_context_is_one_the_app_looks_up() -> None:
    """A context is a class's name (``self.tr``) or a core context; ``widget.tr(...)`` outside
    the widget's class is filed by lupdate under the variable's name and never found."""
    script = load_script()
    core_contexts = set(script.core_messages()) | {"modes", "catalogue"}
    classes = {
        node.name
        for path in (ROOT / "assistant").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
    }
    contexts = {
        context.findtext("name") or "" for context in ET.parse(TS).getroot().iter("context")
    }
    assert contexts - classes - core_contexts == set()
