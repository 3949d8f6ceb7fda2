"""The wired app: start-up path, translations."""

from __future__ import annotations

import os
import subprocess
import sys

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
