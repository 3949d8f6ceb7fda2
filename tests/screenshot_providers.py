"""A screenshot of Settings → Providers with a profile made from the DeepSeek preset.

`QT_QPA_PLATFORM=offscreen python -m tests.screenshot_providers OUT.png [PRESET_ID]` (default
``deepseek``) in a fresh app folder; the preset picker's list is opened over the dialog.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from tests.fixtures.screenshots import save_shot


def main() -> int:
    args = sys.argv[1:]
    out = Path(args[0] if args else "providers.png")
    preset_id = args[1] if len(args) > 1 else "deepseek"
    os.environ["ASSISTANT_HOME"] = tempfile.mkdtemp(prefix="assistant-shot-")
    QApplication(sys.argv[:1])
    save_shot(preset_dialog(preset_id), out)
    return 0


def preset_dialog(preset_id: str) -> QWidget:
    """Settings → Providers, shown, with a profile made from the preset ``preset_id``."""
    from assistant.core.config.settings import Settings
    from assistant.core.config.store import SettingsStore
    from assistant.core.providers.secrets import KeyStore
    from assistant.core.work.endpoints import ProviderResolver
    from assistant.ui.provider_dialog import ProviderDialog

    keys = KeyStore()
    resolver = ProviderResolver(keys)
    dialog = ProviderDialog(
        SettingsStore(Settings()), keys, lambda p: resolver.resolve(p, lambda _text: None)
    )
    dialog.resize(900, 520)
    dialog.show()
    dialog.add_preset(preset_id)
    QApplication.processEvents()
    return dialog


if __name__ == "__main__":
    raise SystemExit(main())
