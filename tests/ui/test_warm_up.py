"""Modules the first Generate needs are imported in the background once the window is painted."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from assistant.ui.warm_up import import_in_background, warm_after_first_paint

PROBE = "assistant_warm_probe"


@pytest.fixture
def probe_module(tmp_path: Path) -> Iterator[str]:
    """A module that records the thread importing it."""
    (tmp_path / f"{PROBE}.py").write_text(
        "import threading\nIMPORTED_IN = threading.current_thread().name\n", encoding="utf-8"
    )
    sys.path.insert(0, str(tmp_path))
    yield PROBE
    sys.path.remove(str(tmp_path))
    sys.modules.pop(PROBE, None)


def test_imported_off_the_gui_thread_after_the_first_paint(qtbot: QtBot, probe_module: str) -> None:
    window = QLabel("window")
    qtbot.addWidget(window)
    warm_after_first_paint(window, [probe_module])
    qtbot.wait(50)
    assert probe_module not in sys.modules, "nothing is imported before the window is shown"
    window.show()
    qtbot.waitUntil(lambda: probe_module in sys.modules, timeout=5000)
    imported_in = sys.modules[probe_module].IMPORTED_IN
    assert imported_in != threading.main_thread().name


def test_a_module_that_fails_to_import_does_not_stop_the_others(probe_module: str) -> None:
    thread = import_in_background(["assistant_no_such_module_xyz", probe_module])
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert probe_module in sys.modules
    assert "assistant_no_such_module_xyz" not in sys.modules


def test_the_collector_pauses_during_the_imports_and_comes_back(tmp_path: Path) -> None:
    (tmp_path / "assistant_warm_gc_probe.py").write_text(
        "import gc\nCOLLECTING = gc.isenabled()\n", encoding="utf-8"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        assert gc.isenabled()
        import_in_background(["assistant_warm_gc_probe"]).join(timeout=10)
        assert sys.modules["assistant_warm_gc_probe"].COLLECTING is False
        assert gc.isenabled()
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("assistant_warm_gc_probe", None)
        gc.enable()
