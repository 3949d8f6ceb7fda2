"""The mode folder is watched from the window's first paint on (not before it), and a file added
between loading the modes and that paint is not missed."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from assistant.app import build_window
from assistant.core.config.settings import Settings
from assistant.core.prompts.modes import user_modes_dir

HAIKU = """title = "Haiku"

[prompt]
user = "Write a haiku about {{ subject }}."

[[fields]]
name = "subject"
required = true
"""


def test_a_mode_file_added_before_the_first_paint_is_listed_once_the_window_shows(
    qtbot: QtBot, no_keyring: Any
) -> None:
    window = build_window(Settings())
    qtbot.addWidget(window)
    assert window.mode_actions.watcher is None  # nothing watched before the window is painted
    folder = user_modes_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "haiku.toml").write_text(HAIKU, encoding="utf-8")
    assert "haiku" not in window.mode_panel.modes
    window.show()
    qtbot.waitUntil(lambda: "haiku" in window.mode_panel.modes, timeout=5000)
    watcher = window.mode_actions.watcher
    assert watcher is not None and str(folder) in watcher.directories()
    (folder / "haiku.toml").unlink()  # and it follows the folder from then on
    qtbot.waitUntil(lambda: "haiku" not in window.mode_panel.modes, timeout=5000)
