"""A screenshot of View → Usage and cost for the README.

`QT_QPA_PLATFORM=offscreen python -m tests.screenshot_usage OUT.png [--by day|week|month|model]`
builds the real main window in a fresh app folder, fills its history with 10 000 synthetic runs
(tests/fixtures/usage_data.py: five providers over 120 days, one without a price), opens the
Usage view from the View menu and saves it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else "usage.png")
    group = sys.argv[sys.argv.index("--by") + 1] if "--by" in sys.argv else "day"
    os.environ["ASSISTANT_HOME"] = tempfile.mkdtemp(prefix="assistant-shot-")
    app = QApplication(sys.argv[:1])
    from PySide6.QtGui import QAction

    from assistant.app import build_window
    from assistant.core.config.settings import Settings
    from assistant.ui.usage_dialog import UsageDialog
    from tests.fixtures.usage_data import seed_runs

    window = build_window(Settings())
    window.show()
    history = window.services.history
    assert history is not None
    seed_runs(history, 10_000, days=120)
    action = window.findChild(QAction, "usageAction")
    assert action is not None
    action.trigger()
    dialog = window.findChild(UsageDialog)
    assert dialog is not None
    dialog.group.setCurrentIndex(dialog.group.findData(group))
    app.processEvents()
    dialog.grab().save(str(out))
    print(out)
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
