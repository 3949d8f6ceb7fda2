"""Screenshot of the first-run welcome page: `python -m tests.screenshot_welcome OUT.png`."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.fixtures.screenshots import save_shot, shot_output


def main() -> int:
    out = shot_output("welcome.png")
    app = QApplication(sys.argv[:1])
    from assistant.core.config.settings import Settings
    from assistant.core.config.store import SettingsStore
    from assistant.core.providers.secrets import KeyStore
    from assistant.ui.welcome_dialog import WelcomeDialog

    dialog = WelcomeDialog(SettingsStore(Settings()), KeyStore())
    dialog.show()

    def shoot() -> None:
        save_shot(dialog, out)
        app.quit()

    QTimer.singleShot(300, shoot)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
