"""Screenshot of the batch window mid-run for the README.

`python -m tests.screenshot_batch OUT.png` starts the loopback server (answers take a moment),
opens the real main window, File → Batch… on a table of products, runs it at concurrency 4 and
grabs the batch window once about half the rows are done (QT_QPA_PLATFORM=offscreen works).
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.fakeserver import FakeOpenAIServer, RecordedRequest
from tests.fixtures.loopback_window import shown_window
from tests.fixtures.screenshots import save_shot, shot_output, shot_settings

PRODUCTS = [
    ("SKU-1001", "Bamboo desk organiser", "home-office workers"),
    ("SKU-1002", "Insulated steel water bottle, 750 ml", "commuters"),
    ("SKU-1003", "Noise-cancelling sleep earbuds", "light sleepers"),
    ("SKU-1004", "Cast-iron skillet, 26 cm", "home cooks"),
    ("SKU-1005", "Merino wool running socks", "trail runners"),
    ("SKU-1006", "Solar garden lights, set of 8", "gardeners"),
    ("SKU-1007", "Mechanical keyboard, 75 %", "programmers"),
    ("SKU-1008", "Organic loose-leaf green tea", "tea lovers"),
    ("SKU-1009", "Kids' waterproof rain jacket", "parents"),
    ("SKU-1010", "Foldable e-bike helmet", "city cyclists"),
    ("SKU-1011", "Ceramic pour-over coffee set", "coffee enthusiasts"),
    ("SKU-1012", "Recycled-PET yoga mat", "yoga beginners"),
    ("SKU-1013", "Smart plug with energy meter", "renters"),
    ("SKU-1014", "Linen bed sheets, queen", "hot sleepers"),
    ("SKU-1015", "Travel adapter with 4 USB-C", "frequent flyers"),
    ("SKU-1016", "Dog puzzle feeder", "dog owners"),
]


def reply(request: RecordedRequest, index: int) -> str:
    text = request.body["messages"][-1]["content"]
    product = next((p for _, p, _ in PRODUCTS if p in text), "it")
    return (
        f"## Variant 1\nSubject: Meet the {product.split(',')[0].lower()} you'll use every day\n\n"
        f"## Variant 2\nSubject: Less clutter, more done: {product.split(',')[0]}\n"
    )


def write_products(folder: Path) -> Path:
    path = folder / "products.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as out:  # as Excel saves "CSV UTF-8"
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["sku", "product", "audience"])
        writer.writerows(PRODUCTS)
    return path


def main() -> int:
    out = shot_output("batch.png")
    server = FakeOpenAIServer().start()
    server.reply = reply
    server.delta_size = 3
    server.delta_delay = 0.02
    app = QApplication(sys.argv[:1])
    from assistant.ui.batch_menu import open_batch_window

    settings = shot_settings(server.base_url, None, "vLLM cluster", "qwen2.5-7b-instruct")
    window = shown_window(settings, (1280, 760))
    batch = open_batch_window(window)
    batch.resize(1280, 820)
    batch.setup.set_mode("ad-copy")
    batch.setup.load_file(write_products(Path(tempfile.mkdtemp(prefix="assistant-shot-"))))
    batch.setup.constant_edits["channel"].setText("email subject")
    batch.setup.concurrency.setValue(4)
    batch.run()

    def poll() -> None:
        done = batch.model.counts().get("done", 0)
        if done >= len(PRODUCTS) // 2:
            save_shot(batch, out)
            batch.stop()
            window.close()
            server.stop()
            app.quit()
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(10, poll)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
