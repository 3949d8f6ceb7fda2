"""Screenshots of the model catalogue for the README.

`python -m tests.screenshot_catalogue OUT_DIR [--memory-gib N]` opens Settings → Models in a fresh
app folder and saves ``catalogue.png`` (the catalogue with its fit labels, computed for N GiB of
free memory when given, else for this machine) and ``download.png`` (a download in progress from
the loopback Hub, ``tests/hubserver.py``, throttled so it is caught mid-way). The shipped model is
listed when ``ASSISTANT_MODEL_CACHE`` holds it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.hubserver import FakeHub, fake_gguf

RATE = 12_000_000
"""Bytes per second the loopback Hub sends (a download takes a while, as on a real network)."""


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else ".")
    memory = None
    if "--memory-gib" in sys.argv:
        memory = int(float(sys.argv[sys.argv.index("--memory-gib") + 1]) * (1 << 30))
    os.environ["ASSISTANT_HOME"] = tempfile.mkdtemp(prefix="assistant-shot-")
    for name in ("HF_TOKEN", "HF_HUB_OFFLINE"):
        os.environ.pop(name, None)
    app = QApplication(sys.argv[:1])
    from assistant.core.config.settings import Settings
    from assistant.core.config.store import SettingsStore
    from assistant.core.engine import models
    from assistant.core.engine.catalogue import load_catalogue
    from assistant.ui import catalogue_panel
    from assistant.ui.models_dialog import ModelsDialog

    if memory is not None:
        catalogue_panel.available_memory = lambda: memory  # type: ignore[assignment]
    cached = Path(os.environ.get("ASSISTANT_MODEL_CACHE", "")) / models.DEFAULT_MODEL.file_name
    if cached.is_file():
        models.models_dir().mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, models.models_dir() / cached.name)
    model = next(m for m in load_catalogue().models if not m.sha256)
    with FakeHub(rate=RATE) as hub:
        hub.add(model.repo, model.file, fake_gguf(model.size))
        os.environ["HF_ENDPOINT"] = hub.endpoint
        dialog = ModelsDialog(SettingsStore(Settings()))
        dialog.resize(980, 940)
        dialog.show()
        panel = dialog.catalogue

        def first() -> None:
            panel.table.clearSelection()
            dialog.grab().save(str(out / "catalogue.png"))
            print(out / "catalogue.png")
            panel.select(model.id)
            panel.download_button.click()
            wait_for_progress()

        def wait_for_progress() -> None:
            if panel.progress.bar.value() < 330:
                QTimer.singleShot(100, wait_for_progress)
                return
            dialog.grab().save(str(out / "download.png"))
            print(out / "download.png")
            panel.progress.cancel()
            panel.downloader.shutdown()
            app.quit()

        QTimer.singleShot(500, first)
        return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
