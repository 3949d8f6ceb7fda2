"""PySide's per-import check answered from the file's bytes: the same answers, no source kept."""

from __future__ import annotations

import linecache
import sys
from collections.abc import Iterator
from pathlib import Path

import PySide6.QtCore  # noqa: F401  # the hook exists once PySide is imported
import pytest

from assistant.ui import pyside_imports

feature = sys.modules[pyside_imports.FEATURE_MODULE]


@pytest.fixture
def modules_folder(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in ("assistant_probe_qt", "assistant_probe_plain"):
        sys.modules.pop(name, None)
        feature.pyside_feature_dict.pop(name, None)


def test_the_same_answers_as_pysides_own_check() -> None:
    assert pyside_imports.install()
    ours = feature._mod_uses_pyside
    assert pyside_imports.install()  # twice is once
    assert feature._mod_uses_pyside is ours
    pysides = ours.pyside_check
    checked = [m for m in list(sys.modules.values()) if getattr(m, "__file__", None)]
    assert len(checked) > 100
    assert any(ours(m) for m in checked) and not all(ours(m) for m in checked)
    assert [m.__name__ for m in checked if ours(m)] == [m.__name__ for m in checked if pysides(m)]


def test_a_new_module_is_classified_without_its_source_kept(modules_folder: Path) -> None:
    assert pyside_imports.install()
    (modules_folder / "assistant_probe_qt.py").write_text("from PySide6 import QtCore\n")
    (modules_folder / "assistant_probe_plain.py").write_text("VALUE = 1\n")
    for name in ("assistant_probe_qt", "assistant_probe_plain"):
        __import__(name)  # the hook is PySide's builtins.__import__
    assert feature.pyside_feature_dict["assistant_probe_qt"] == 0  # uses PySide: switchable
    assert feature.pyside_feature_dict["assistant_probe_plain"] == -1  # ignored
    kept = [path for path in linecache.cache if "assistant_probe_" in path]
    assert kept == []
