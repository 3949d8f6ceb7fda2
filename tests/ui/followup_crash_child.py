"""Child process for the crash-during-a-follow-up test: a first answer, then a follow-up that
streams until the process is killed.

Usage: python -m tests.ui.followup_crash_child BASE_URL. Prints "STREAMING <n>" once more than 100
characters of the follow-up's version are saved in the history, then keeps streaming.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.fixtures.crash_child import child_window


def main() -> int:
    base_url = sys.argv[1]
    app = QApplication(sys.argv[:1])
    from assistant.core.storage.threads import ThreadStore

    window = child_window(base_url, "Otters {and} $rivers")
    history = window.services.history
    assert history is not None
    threads = ThreadStore(history)

    def first_done(_run_id: str, done: object) -> None:
        window.controller.sig_done.disconnect(first_done)
        window.followups.send("Make it longer {please} \\ 🦦")
        QTimer.singleShot(50, report)

    def report() -> None:
        # Kill point: the history holds a good part of the new version while it still streams.
        record = history.list_records(limit=1)[0]
        versions = threads.versions(record.id)
        saved = len(versions[-1].text) if len(versions) > 1 else 0
        if saved > 100 and versions[-1].status == "streaming":
            print(f"STREAMING {saved}", flush=True)
        else:
            QTimer.singleShot(50, report)

    window.controller.sig_done.connect(first_done)
    window.generate()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
