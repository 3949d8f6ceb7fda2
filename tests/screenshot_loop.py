"""Screenshot for the README: the loop guard stopping a real SmolLM2 loop, with its banner.

`python -m tests.screenshot_loop OUT.png` serves, from the loopback server, an answer the shipped
model really gave with plain sampling (``tests/core/text/loop_samples.json``: Explain code of a
recursive Fibonacci function, a line repeated until Max tokens), opens the window on it, presses
Generate and grabs the window once the guard has stopped the answer (run under Xvfb, or with
QT_QPA_PLATFORM=offscreen).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from tests.fakeserver import FakeOpenAIServer
from tests.fixtures.loopback_window import shown_window
from tests.fixtures.screenshots import shoot_when_done, shot_output, shot_settings

FIB = "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
SAMPLES = Path(__file__).parent / "core" / "text" / "loop_samples.json"


def main() -> int:
    out = shot_output("loop-guard.png")
    sample = next(
        s
        for s in json.loads(SAMPLES.read_text(encoding="utf-8"))
        if s["id"] == "plain-code-explain-0"
    )
    server = FakeOpenAIServer().start()
    server.reply = sample["text"]
    server.delta_size = 4
    server.delta_delay = 0.005
    app = QApplication(sys.argv[:1])
    profile = "Built-in model (plain sampling)"
    settings = shot_settings(server.base_url, "code-explain", profile, "smollm2")
    window = shown_window(settings, (1280, 760))
    editor = window.current_form().main_editor()
    assert editor is not None
    editor.setPlainText(FIB)

    return shoot_when_done(app, window, server, out, lambda done: print(getattr(done, "error", "")))


if __name__ == "__main__":
    raise SystemExit(main())
