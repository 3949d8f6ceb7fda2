"""Screenshots of the diff view and the rendered view in the real window, for the README.

`python -m tests.screenshot_diff DIR` (offscreen or under Xvfb) opens the window on the loopback
server and saves ``code-fix-diff.png`` (a code-fix answer as changes to the input, one hunk
rejected) and ``rendered.png`` (an article answer in the rendered view).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from tests.fakeserver import FakeOpenAIServer
from tests.fixtures.loopback_window import shown_window
from tests.fixtures.screenshots import shot_settings

BUGGY = '''import csv
from pathlib import Path


def load_prices(path: Path) -> dict[str, float]:
    """Read a CSV of product,price rows."""
    prices = {}
    with path.open() as handle:
        for row in csv.reader(handle):
            prices[row[0]] = float(row[1])
    return prices


def total(prices: dict[str, float]) -> float:
    return sum(prices.values) * 1.2
'''

FIXED = '''import csv
from pathlib import Path


def load_prices(path: Path) -> dict[str, float]:
    """Read a CSV of product,price rows (the header and bad rows are skipped)."""
    prices = {}
    with path.open(newline="") as handle:
        for row in csv.reader(handle):
            try:
                prices[row[0].strip()] = float(row[1])
            except (IndexError, ValueError):
                continue
    return prices


def total(prices: dict[str, float]) -> float:
    return sum(prices.values()) * 1.2
'''

FIX_ANSWER = f"""```python
{FIXED}```

- `float(row[1])` failed on the header row: bad rows are skipped now.
- `prices.values` is a method: it must be called.
"""

ARTICLE = """# Tea for programmers

Coffee gets the credit, but **tea** keeps many teams going. A few facts:

- *Green tea* has about half the caffeine of coffee.
- *L-theanine* in tea smooths the caffeine curve.

| Tea | Caffeine (mg/cup) | Steep |
|---|---|---|
| Sencha | 20–30 | 1 min at 75 °C |
| Assam | 40–60 | 4 min at 95 °C |
| Rooibos | 0 | 5 min at 100 °C |

## Brew it from the terminal

```python
import time

def brew(minutes: float) -> None:
    time.sleep(minutes * 60)
    print("Your tea is ready.")
```

> ![a cup of tea](https://example.com/tea.png) — shown as a link, never fetched.
"""


def _wait(condition: object, timeout_ms: int = 20_000) -> None:
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if condition() else None)  # type: ignore[operator]
    timer.start(20)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    timer.stop()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    os.environ.setdefault("ASSISTANT_HOME", tempfile.mkdtemp(prefix="assistant-shot-"))
    server = FakeOpenAIServer().start()
    app = QApplication(sys.argv[:1])  # noqa: F841 (kept alive for the window)
    settings = shot_settings(server.base_url, "code-fix", "Ollama (local)", "qwen2.5-coder")
    window = shown_window(settings, (1400, 820))
    form = window.current_form()
    form.set_values(
        {
            "code": BUGGY,
            "error": "ValueError: could not convert string to float: 'price'",
            "language": "python",
        }
    )
    server.reply = FIX_ANSWER
    pages = window.answer_panel.pages
    window.generate()
    _wait(lambda: pages.currentWidget() is pages._review and pages.review.diff_view.diff)
    review = pages.review
    review.diff_view.set_accepted(0, False)  # keep the docstring as it was
    review.diff_view.hunk_list.setCurrentRow(0)
    _wait(lambda: False, 300)
    window.grab().save(str(out / "code-fix-diff.png"))

    window.mode_panel.select_mode("article")
    window.current_form().set_values({"topic": "Tea for programmers"})
    server.reply = ARTICLE
    pages.rendered_action.setChecked(True)
    window.generate()
    _wait(lambda: not window.answer_panel.is_running() and pages.rendered.is_current())
    _wait(lambda: False, 300)
    window.grab().save(str(out / "rendered.png"))
    print(out / "code-fix-diff.png", out / "rendered.png", server.requests[-1].path)
    window.close()
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
