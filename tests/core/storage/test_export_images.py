"""Exports of a record with attached images: the images are shown, not lost."""

from __future__ import annotations

from pathlib import Path

from assistant.core.prompts.images import ImageStore
from assistant.core.storage.export import to_html, to_markdown, to_text
from assistant.core.storage.history import HistoryStore
from tests.core.prompts.test_images import png


def test_exports_show_the_stored_images(tmp_path: Path) -> None:
    store = ImageStore.default()
    info = store.add(png(5, 5))
    history = HistoryStore(tmp_path / "h.sqlite3")
    fields = {"code": "x = 1", "images": [info.name]}
    record_id = history.start("code-explain", fields, [], "P", "", "m", {})
    history.finish(record_id, "complete", answers=["It sets x."])
    record = history.get(record_id)
    assert record is not None
    path = store.path(info.name)
    assert f"![{info.name}]({path.as_uri()})" in to_markdown(record)
    assert str(path) in to_text(record)
    html = to_html(record)
    assert f'src="{store.data_url(info.name)}"' in html
    assert "img-src data:" in html  # the page's policy lets embedded images show, nothing else
    path.unlink()  # a missing file is named, the export still works
    assert "is missing from" in to_html(record)
    history.close()
