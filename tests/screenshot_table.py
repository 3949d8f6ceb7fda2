"""Screenshot for the README: a table answer (sentiment) in the real window.

`python -m tests.screenshot_table OUT.png` opens the window on the sentiment mode with six reviews
(English and Chinese), has the loopback server answer with the JSON lines a capable model writes
(plus a remark outside them, which the table keeps under it with a note), sorts by confidence and
grabs the window (run under Xvfb, or with QT_QPA_PLATFORM=offscreen).
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.fakeserver import FakeOpenAIServer
from tests.fixtures.loopback_window import shown_window
from tests.fixtures.screenshots import shoot_when_done, shot_output, shot_settings

ROWS = [
    ("The battery easily lasts two days. Love it!", "positive", 0.97, "Clear praise."),
    ("Screen cracked after one week, support never answered.", "negative", 0.96,
     "Defect and ignored support."),
    ("It's a phone. Does phone things.", "neutral", 0.71, "Flat, no feeling either way."),
    ("物流很快，包装也很用心，好评！", "positive", 0.95, "称赞物流和包装。"),
    ("用了三天就死机两次，太失望了。", "negative", 0.93, "频繁死机，表达失望。"),
    ("Great, another update that moves every button. Just great.", "negative", 0.78,
     "Sarcasm: 'great' means the opposite."),
]  # fmt: skip


def main() -> int:
    out = shot_output("table-answer.png")
    server = FakeOpenAIServer().start()
    lines = [
        json.dumps({"text": t, "label": la, "confidence": c, "reason": r}, ensure_ascii=False)
        for t, la, c, r in ROWS
    ]
    server.reply = "\n".join(lines) + "\n\nThe last review reads as sarcastic.\n"
    server.delta_size = 24
    app = QApplication(sys.argv[:1])
    settings = shot_settings(server.base_url, "sentiment", "Loopback server", "fake-model")
    window = shown_window(settings, (1280, 760))
    editor = window.current_form().main_editor()
    assert editor is not None
    editor.setPlainText("\n".join(row[0] for row in ROWS) + "\n")

    def sort(_done: object) -> None:
        view = window.answer_panel.table_view
        assert view is not None
        view.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)

    return shoot_when_done(app, window, server, out, sort)


if __name__ == "__main__":
    raise SystemExit(main())
