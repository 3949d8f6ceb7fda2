"""Screenshots of follow-ups for the README: the follow-up box under version 2 of an answer, and
the comparison of the two versions.

`python -m tests.screenshot_followup OUT_DIR` starts the loopback OpenAI-compatible server, opens
the real main window on it, generates an article, follows it up ("More formal"), selects a
paragraph and types the next instruction, and grabs the window (`followup.png`); then opens
Compare with previous and grabs the diff window (`version-diff.png`); then a chat of three turns
with its context meter (`chat.png`). Offscreen or under Xvfb.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.fakeserver import FakeOpenAIServer, RecordedRequest
from tests.fixtures.loopback_window import shown_window
from tests.fixtures.screenshots import save_shot, shot_settings

FIRST = """# Tea for coders

Green tea is a good companion for long coding sessions. It has less caffeine than coffee, so
you stay alert without the crash that comes an hour later.

## Why it works

- **L-theanine** calms you down while caffeine keeps you awake.
- A warm cup is a reason to stand up and stretch every hour.

Try a sencha in the morning and a genmaicha after lunch; both are cheap and easy to brew.
"""

SECOND = """# Tea for Software Engineers

Green tea is a suitable companion for extended programming sessions. It contains less caffeine
than coffee, which maintains alertness without the decline that typically follows an hour later.

## Why it works

- **L-theanine** has a calming effect while caffeine sustains attention.
- Preparing a warm cup provides a regular occasion to stand and stretch.

We recommend a sencha in the morning and a genmaicha after lunch; both are affordable and
simple to brew.
"""


def wait(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Run the event loop until ``condition()`` holds."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


CHAT_REPLIES = [
    "A **list** keeps items in order and you can change it: `[1, 2, 3]`. A **tuple** is fixed"
    " once made: `(1, 2, 3)`. Use a tuple for a record that should not change, such as a point"
    " `(x, y)`.",
    "Yes: a tuple can be a dictionary key because it cannot change (if everything inside it can"
    " be hashed too):\n\n```python\ndistances = {(0, 0): 0.0, (3, 4): 5.0}\n```",
    "Lists: `append`, `extend`, `insert`, `pop`, `sort`. Tuples only have `count` and `index`.",
]


def chat(window: object, out: Path) -> None:
    """A chat of three turns on the same window, grabbed with its thread and meter."""
    from assistant.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    from PySide6.QtWidgets import QPlainTextEdit

    window.mode_panel.select_mode("chat")
    form = window.current_form()
    message, system = form.widget("message"), form.widget("system")
    assert isinstance(message, QPlainTextEdit) and isinstance(system, QPlainTextEdit)
    system.setPlainText("You are a patient Python teacher. Answer briefly, with small examples.")
    message.setPlainText("What is the difference between a list and a tuple?")
    window.generate()
    wait(lambda: window.answer_panel.shown_record_id is not None)
    for text in ("Can a tuple be a dictionary key?", "Which methods does each have?"):
        window.followups.box.edit.setText(text)
        before = window.answer_area.current_text()
        window.followups.box.send()
        wait(lambda b=before: window.answer_area.current_text() != b)
        wait(lambda: not window.stop_button.isEnabled())
    save_shot(window, out / "chat.png")


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    os.environ.setdefault("ASSISTANT_HOME", tempfile.mkdtemp(prefix="assistant-shot-"))
    server = FakeOpenAIServer().start()

    def reply(request: RecordedRequest, _index: int) -> str:
        messages = request.body["messages"]
        if messages[0]["content"].startswith("You are a patient"):
            return CHAT_REPLIES[min(len(messages) // 2 - 1, len(CHAT_REPLIES) - 1)]
        return FIRST if len(messages) <= 2 else SECOND

    server.reply = reply
    app = QApplication(sys.argv[:1])
    settings = shot_settings(
        server.base_url, "article", "Ollama (local)", "llama3.2", context_window=8192
    )
    window = shown_window(settings, (1280, 800))
    topic = window.current_form().widget("topic")
    assert isinstance(topic, QLineEdit)
    topic.setText("Tea for coders")
    window.generate()
    wait(lambda: window.answer_panel.shown_record_id is not None)
    followups = window.followups
    formal = next(q for q in followups.box.menu.actions() if q.text() == "More formal")
    formal.trigger()
    wait(lambda: followups.stepper.label.text() == "2 / 2" and not window.stop_button.isEnabled())
    view = window.answer_area.current_view()
    text = view.toPlainText()
    start = text.index("Green tea")
    cursor = view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(text.index("\n\n", start), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    followups.box.edit.setText("Make this paragraph friendlier")
    wait(lambda: followups.box.scope_label.isVisible(), 5)
    save_shot(window, out / "followup.png")

    followups.stepper.compare_with_previous()
    dialog = followups.comparison
    wait(lambda: dialog.diff.diff is not None and not dialog.diff.is_busy())
    dialog.resize(1100, 620)
    wait(lambda: True, 1)
    QCoreApplication.processEvents()
    save_shot(dialog, out / "version-diff.png")
    dialog.close()

    chat(window, out)
    window.close()
    server.stop()
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
