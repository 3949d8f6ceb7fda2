"""Screenshots of answers side by side for the README (real window, loopback servers).

`python -m tests.screenshot_compare variants OUT.png`: three ad-copy variants in columns.
`python -m tests.screenshot_compare models OUT.png`: one article request sent to two models at
once. Run with QT_QPA_PLATFORM=offscreen (or under Xvfb for a real X window).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.fakeserver import FakeOpenAIServer
from tests.fixtures.loopback_window import shown_window
from tests.fixtures.screenshots import shot_settings

ANGLES = [
    "**Light that pays for itself.**\n\nCharge by day, glow all night: the Helio solar "
    "lamp gives 12 hours of warm light from one sunny afternoon. No wires, no bills.",
    "**Your garden, after dark.**\n\nHelio turns patios and paths into evening rooms. "
    "Weatherproof, dimmable, and it switches itself on at dusk.",
    "**Camping? Power cut? Covered.**\n\nFold it, hang it, forget it: Helio keeps a USB "
    "port charged and a room lit when the grid cannot.",
]

LOCAL = """## Keepers of the light

Lighthouse keepers trimmed wicks, wound clockwork and logged every ship. Most were
replaced by automation in the 20th century; a few towers still keep a resident keeper.
"""

REMOTE = """## Lighthouse keepers

For two centuries, **keepers** kept coastal lights burning through the night:

- trimming the wick every four hours ("wickies"),
- winding the clockwork that turned the lens,
- writing the weather and passing ships in the log.

Automation ended the job almost everywhere by the 1990s.
"""


def main() -> int:
    what, out = sys.argv[1], sys.argv[2]
    os.environ.setdefault("ASSISTANT_HOME", tempfile.mkdtemp(prefix="assistant-shot-"))
    servers = [FakeOpenAIServer().start(), FakeOpenAIServer().start()]
    servers[0].reply = lambda request, index: ANGLES[index % 3]  # type: ignore[assignment]
    servers[0].delta_delay = 0.004
    if what == "models":
        servers[0].reply = LOCAL
        servers[1].reply = REMOTE
        servers[1].delta_delay = 0.012

    app = QApplication(sys.argv[:1])
    from assistant.core.providers.profiles import ProviderProfile
    from assistant.ui.compare_flow import compare_with

    mode = "ad-copy" if what == "variants" else "article"
    settings = shot_settings(servers[0].base_url, mode, "Ollama (local)", "qwen2.5:7b")
    settings.upsert_profile(
        ProviderProfile("OpenAI", "compatible", servers[1].base_url, "gpt-4o-mini")
    )
    window = shown_window(settings, (1440, 780))
    form = window.current_form()
    if what == "variants":
        form.widget("product").setText("Helio solar lamp")  # type: ignore[union-attr]
        window.params_panel.n.setValue(3)
        window.generate()
    else:
        form.widget("topic").setText("Lighthouse keepers")  # type: ignore[union-attr]
        chosen = [(settings.profile(name), "") for name in ("Ollama (local)", "OpenAI")]
        compare_with(window, [(p, m) for p, m in chosen if p is not None])
    started = time.monotonic()

    def done() -> bool:
        flow = window.answer_panel.compare
        texts = window.answer_area.all_texts()
        if what == "variants":
            return texts == ANGLES and not window.answer_panel.is_running()
        return not flow.running and len(texts) == 2

    def poll() -> None:
        if done() or time.monotonic() - started > 60:
            if what == "variants":
                window.answer_area.columns[1].keep_button.click()
            QTimer.singleShot(300, shoot)
        else:
            QTimer.singleShot(20, poll)

    def shoot() -> None:
        window.grab().save(out)
        print(out, window.status_label.text())
        window.close()
        for server in servers:
            server.stop()
        app.quit()

    QTimer.singleShot(20, poll)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
