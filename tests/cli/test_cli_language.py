"""The command line speaks the UI language for the core's messages (errors, notices): the
``language`` setting first, else the environment's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.core.config.settings_file import settings_path


def run_article(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant",
            "run",
            "article",
            "--base-url",
            "http://127.0.0.1:9/v1",
            "-f",
            "topic=x",
        ],
        input="",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"} | env,
    )


def test_messages_follow_the_environment_or_the_setting(app_home: Path) -> None:
    english = run_article(LANG="en_US.UTF-8", LC_ALL="", LC_MESSAGES="", LANGUAGE="")
    assert english.returncode == 1
    assert "Nothing is listening at http://127.0.0.1:9/v1" in english.stderr
    chinese = run_article(LANG="zh_CN.UTF-8", LC_ALL="", LC_MESSAGES="", LANGUAGE="")
    assert chinese.returncode == 1
    assert "上没有服务在监听" in chinese.stderr
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"language": "en"}), encoding="utf-8")
    chosen = run_article(LANG="zh_CN.UTF-8", LC_ALL="", LC_MESSAGES="", LANGUAGE="")
    assert "Nothing is listening" in chosen.stderr  # Settings → Language wins
