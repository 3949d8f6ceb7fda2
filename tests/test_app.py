"""The wired app: start-up path, translations."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from assistant.app import DAY_S, build_window, purge_deleted_later
from assistant.core.config.settings import Settings
from assistant.core.storage.history import HistoryStore, default_path
from assistant.core.work.runs import RunStatus

SCRIPT = """
import sys
from assistant.app import create_app, _install_translations, build_window
from assistant.core.config.settings import Settings
app = create_app([])
_install_translations(app, "zh_CN")
window = build_window(Settings())
print(window.generate_button.text(), window.stop_button.text(), sep="|")
print("openai" in sys.modules)
"""


def run_app_script(language_env: str = "") -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LANGUAGE": language_env}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()


def test_simplified_chinese_ui_and_no_openai_on_startup_path() -> None:
    buttons, openai_loaded = run_app_script()
    assert buttons == "生成|停止"
    assert openai_loaded == "False", "import openai (1.2 s) must stay off the start-up path"


def deleted_record(store: HistoryStore, topic: str, days_ago: float) -> int:
    """A record soft-deleted ``days_ago`` days ago."""
    record_id = store.start("article", {"topic": topic}, [], "Loopback", "", "m", {})
    store.finish(record_id, RunStatus.COMPLETE, answers=["text"])
    store.delete(record_id)
    with store.database.connection() as connection:
        connection.execute(
            "UPDATE records SET deleted_at = ? WHERE id = ?",
            (time.time() - days_ago * DAY_S, record_id),
        )
    return record_id


def test_start_purges_records_deleted_longer_ago_than_the_setting(qtbot: QtBot) -> None:
    store = HistoryStore(default_path())
    old = deleted_record(store, "deleted long ago", days_ago=31)
    recent = deleted_record(store, "deleted yesterday", days_ago=1)
    kept = store.start("article", {"topic": "kept"}, [], "Loopback", "", "m", {})

    window = build_window(Settings(purge_deleted_days=30))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: store.get(old) is None)
    assert store.get(recent) is not None and store.get(kept) is not None
    store.close()


def test_the_purge_runs_off_the_gui_thread(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3", timeout=30)
    old = deleted_record(store, "deleted long ago", days_ago=3)
    other = sqlite3.connect(tmp_path / "h.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writes: a purge must wait for it
    thread = purge_deleted_later(store, 2)  # returns at once; a purge in this thread would wait
    assert thread is not threading.current_thread() and thread.is_alive()
    assert store.get(old) is not None
    other.execute("ROLLBACK")
    other.close()
    thread.join(timeout=30)
    assert store.get(old) is None
    store.close()


def test_without_a_display_the_window_says_so_instead_of_aborting() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    done = subprocess.run(
        [sys.executable, "-m", "assistant"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1  # Qt alone aborts (SIGABRT) with "Reinstalling … may fix this"
    assert "no display to open the window on" in done.stderr
    assert "assistant --help" in done.stderr
