"""Screenshots of the real window for the README.

`python -m tests.screenshot OUT.png [MODE] [--builtin]` starts the loopback OpenAI-compatible
server (or, with --builtin, the real built-in engine and model), opens the main window on it,
fills the mode's fields, presses Generate and grabs the window mid-stream (run under Xvfb for a
real X window, or with QT_QPA_PLATFORM=offscreen).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.fakeserver import FakeOpenAIServer
from tests.fixtures.loopback_window import shown_window
from tests.fixtures.screenshots import save_shot, shot_settings

CODE = (
    '''import csv
from pathlib import Path


def load_prices(path: Path) -> dict[str, float]:
    """Read a CSV of product,price rows."""
    prices = {}
    with path.open(newline="") as handle:
        for row in csv.reader(handle):
'''
    + " " * 12
)

ANSWER = """name, price = row[0].strip(), row[1]
            try:
                prices[name] = float(price)
            except ValueError:
                continue  # skip the header and bad rows
    return prices
"""

EXPLAIN = """## What it does

`load_prices` reads a CSV file and returns a mapping of **product → price**.

```python
with path.open(newline="") as handle:
    for row in csv.reader(handle):
        prices[row[0]] = float(row[1])
```

1. Opens the file with `newline=""`, as the `csv` module expects.
2. Converts each price with `float()`; a bad row raises `ValueError`.
"""


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    builtin = "--builtin" in sys.argv
    out = args[0] if args else "screenshot.png"
    mode = args[1] if len(args) > 1 else "code-complete"
    os.environ.setdefault("ASSISTANT_HOME", tempfile.mkdtemp(prefix="assistant-shot-"))
    if builtin:
        from assistant.core.engine.models import install_default, models_dir
        from tests.fixtures.engine import model_cache_dir

        cached = install_default(directory=model_cache_dir())
        models_dir().mkdir(parents=True, exist_ok=True)
        (models_dir() / cached.name).symlink_to(cached)
    server = FakeOpenAIServer().start()
    server.reply = ANSWER if mode == "code-complete" else EXPLAIN
    server.delta_size = 3
    server.delta_delay = 0.01
    app = QApplication(sys.argv[:1])
    settings = shot_settings(server.base_url, mode, "Ollama (local)", "qwen2.5-coder")
    if builtin:
        settings.active_profile = settings.profiles[0].name
    window = shown_window(settings, (1280, 760))
    form = window.current_form()
    editor = form.main_editor()
    assert editor is not None
    editor.setPlainText(CODE)
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    window.generate()
    if builtin:  # shoot once the real model has written a few lines
        server.reply = "x" * 450

    def shoot() -> None:
        save_shot(window, out)
        window.close()
        server.stop()
        app.quit()

    stop_at = len(server.reply) * 2 // 3

    started = time.monotonic()

    def poll() -> None:
        if len(window.answer_area.current_text()) >= stop_at or time.monotonic() - started > 60:
            print(window.status_label.text(), window.error_banner.text(), file=sys.stderr)
            shoot()
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
