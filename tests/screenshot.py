"""Screenshots of the real window for the README: `python -m tests.screenshot OUT.png [MODE]`.

Starts the loopback OpenAI-compatible server, opens the main window on it, fills the mode's
fields, presses Generate and grabs the window mid-stream (run under Xvfb for a real X window,
or with QT_QPA_PLATFORM=offscreen).
"""

from __future__ import annotations

import os
import sys
import tempfile

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.fakeserver import FakeOpenAIServer

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
    out = sys.argv[1] if len(sys.argv) > 1 else "screenshot.png"
    mode = sys.argv[2] if len(sys.argv) > 2 else "code-complete"
    os.environ.setdefault("ASSISTANT_HOME", tempfile.mkdtemp(prefix="assistant-shot-"))
    server = FakeOpenAIServer().start()
    server.reply = ANSWER if mode == "code-complete" else EXPLAIN
    server.delta_size = 3
    server.delta_delay = 0.01
    app = QApplication(sys.argv[:1])
    from assistant.app import build_window
    from assistant.core.providers import ProviderProfile
    from assistant.core.settings import Settings

    settings = Settings()
    settings.upsert_profile(
        ProviderProfile("Ollama (local)", "compatible", server.base_url, "qwen2.5-coder")
    )
    settings.active_profile = "Ollama (local)"
    settings.last_mode = mode
    window = build_window(settings)
    window.resize(1280, 760)
    window.show()
    form = window.current_form()
    editor = form.main_editor()
    assert editor is not None
    editor.setPlainText(CODE)
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    window.generate()

    def shoot() -> None:
        window.grab().save(out)
        print(out)
        window.close()
        server.stop()
        app.quit()

    stop_at = len(server.reply) * 2 // 3

    def poll() -> None:
        if len(window.answer_area.current_text()) >= stop_at:
            shoot()
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
