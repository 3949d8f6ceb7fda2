"""Child process for the crash-recovery test: opens the real window, types, generates, waits.

Usage: python -m tests.ui.crash_child BASE_URL INPUT_FILE. Prints "STREAMING <n>" once more than 100
characters of the answer are saved in the history, then keeps streaming until it is killed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from tests.fixtures.crash_child import child_window


def main() -> int:
    base_url, input_file = sys.argv[1], Path(sys.argv[2])
    app = QApplication(sys.argv[:1])
    window = child_window(base_url, "Otters 🦦 {and} $rivers")
    notes = window.current_form().widget("notes")
    assert isinstance(notes, QPlainTextEdit)
    notes.setPlainText(input_file.read_text(encoding="utf-8"))
    window.generate()

    history = window.services.history
    assert history is not None

    def report() -> None:
        # Kill point: the history holds a good part of the answer while it still streams.
        records = history.list_records(limit=1)
        saved = len(records[0].answer) if records and records[0].status == "streaming" else 0
        if saved > 100:
            print(f"STREAMING {saved}", flush=True)
        else:
            QTimer.singleShot(50, report)

    QTimer.singleShot(50, report)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
