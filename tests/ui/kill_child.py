"""Child process for the kill -9 tests: the real window writes a first answer until it is killed.

Usage: python -m tests.ui.kill_child BASE_URL. Prints "WRITING" when Generate is pressed, then
"SHOWN <json>" with the whole answer each time the answer pane shows more of it.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtWidgets import QApplication

from tests.fixtures.crash_child import child_window


def main() -> int:
    base_url = sys.argv[1]
    app = QApplication(sys.argv[:1])
    window = child_window(base_url, "Kill points 🦦")
    view = window.answer_area.current_view()

    def shown(chars: int) -> None:
        print("SHOWN " + json.dumps(view.text()), flush=True)

    view.sig_flushed.connect(shown)
    print("WRITING", flush=True)
    window.generate()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
