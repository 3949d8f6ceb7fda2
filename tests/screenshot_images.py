"""The README's screenshot of images and files as input (the real window, loopback server).

`python -m tests.screenshot_images OUT.png` (QT_QPA_PLATFORM=offscreen, or under Xvfb): Explain
code with a file opened into the code field, a terminal screenshot pasted, and the answer.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QApplication

from tests.fakeserver import FakeOpenAIServer
from tests.fixtures.loopback_window import shown_window
from tests.fixtures.screenshots import shoot_when_done, shot_output, shot_settings

CODE = '''def average(values):
    """The mean of a list of numbers."""
    return sum(values) / len(values)


print(average([]))
'''

TRACEBACK = """$ python stats.py
Traceback (most recent call last):
  File "stats.py", line 6, in <module>
    print(average([]))
  File "stats.py", line 3, in average
    return sum(values) / len(values)
ZeroDivisionError: division by zero"""

ANSWER = """## What it does

`average` returns the arithmetic mean: the sum of the values divided by how many there are.

The screenshot shows the problem: `average([])` divides `0` by `len([]) == 0`, so Python
raises **`ZeroDivisionError: division by zero`** on line 3.

- Guard the empty case: `if not values: return 0.0` (or raise a clearer `ValueError`).
- `statistics.fmean` does the same job and says what is wrong with an empty list.
"""


def terminal_picture() -> QImage:
    """A terminal window showing the traceback (what a person would paste)."""
    image = QImage(1400, 420, QImage.Format.Format_RGB32)
    image.fill(QColor("#1e1e2e"))
    painter = QPainter(image)
    font = QFont("DejaVu Sans Mono")
    font.setPixelSize(30)
    painter.setFont(font)
    painter.setPen(QColor("#f38ba8"))
    painter.drawText(QRect(30, 25, 1340, 380), 0, TRACEBACK)
    painter.end()
    return image


def main() -> int:
    out = shot_output("image-input.png")
    server = FakeOpenAIServer().start()
    server.reply = ANSWER
    app = QApplication(sys.argv[:1])
    settings = shot_settings(server.base_url, "code-explain", "OpenAI-compatible", "gpt-4o-mini")
    window = shown_window(settings, (1280, 800))
    form = window.current_form()
    source = Path(tempfile.mkdtemp()) / "stats.py"
    source.write_text(CODE, encoding="utf-8")
    editor = form.main_editor()
    assert editor is not None and form.image_field is not None
    form.file_input.load_into(editor, source)
    QGuiApplication.clipboard().setImage(terminal_picture())
    form.image_field.paste()

    return shoot_when_done(app, window, server, out)


if __name__ == "__main__":
    raise SystemExit(main())
