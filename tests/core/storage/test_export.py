"""Export of history records: Markdown, plain text and self-contained, inert HTML."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assistant.core.storage.export import render, to_html, to_markdown, to_text
from assistant.core.storage.history import DB_FILENAME, HistoryStore, Record
from assistant.core.work.runs import RunStatus

ANSWER = """Sorting a list:

```python
def sort_numbers(values):
    return sorted(values)  # <script>alert('in code')</script>
```

<script>alert("xss")</script> <img src="http://tracker.example/pixel.png" onerror="alert(1)">

![diagram](http://images.example/diagram.png) and [docs](https://docs.python.org/3/)

```nosuchlanguage
<b>kept as text</b>
```
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    history = HistoryStore(tmp_path / DB_FILENAME)
    yield history
    history.close()


def make_record(
    store: HistoryStore,
    answers: list[str],
    status: str = RunStatus.COMPLETE,
    error: str | None = None,
    **fields: object,
) -> Record:
    record_id = store.start(
        "code-explain",
        fields or {"code": "print('hi')"},
        [{"role": "user", "content": "x"}],
        "Built-in",
        "http://127.0.0.1:1/v1",
        "SmolLM2-135M",
        {"temperature": 0.2},
    )
    store.finish(record_id, status, {"total_tokens": 77}, error, answers=answers)
    record = store.get(record_id)
    assert record is not None
    return record


class TagCollector(HTMLParser):
    """The tags and attributes of a document, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(document: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = TagCollector()
    collector.feed(document)
    return collector.tags


def test_html_highlights_fenced_code_with_inline_styles(store: HistoryStore) -> None:
    page = to_html(make_record(store, [ANSWER], language="python", code="x = 1"))
    code = re.search(r'<code class="language-python">(.*?)</code>', page, re.S)
    assert code is not None
    assert re.search(r'<span style="[^"]*color: #[0-9A-Fa-f]{3,6}[^"]*">def</span>', code.group(1))
    assert "sort_numbers" in code.group(1)
    assert 'class="' not in code.group(1)  # inline styles, no stylesheet classes
    assert "&lt;b&gt;kept as text&lt;/b&gt;" in page  # unknown language: escaped, not highlighted


def test_html_is_inert_and_self_contained(store: HistoryStore) -> None:
    page = to_html(make_record(store, [ANSWER], code="<script>alert('field')</script>"))
    tags = parse(page)
    names = [name for name, _ in tags]
    assert "script" not in names and "<script" not in page.lower()
    assert "img" not in names and "link" not in names and "iframe" not in names
    assert not any(attrs.get("src") for _, attrs in tags)
    assert not any(key.startswith("on") for _, attrs in tags for key in attrs)
    assert "@import" not in page and "url(" not in page
    assert '<a href="http://images.example/diagram.png">diagram</a>' in page  # image -> link
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page  # shown, not run
    assert "&lt;script&gt;alert(&#x27;field&#x27;)&lt;/script&gt;" in page
    csp = [a for n, a in tags if n == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in str(csp[0]["content"])
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page


def test_html_shows_title_meta_fields_then_answer(store: HistoryStore) -> None:
    record = make_record(store, ["The **answer**."], code="for i in x:\n    pass", lang="py")
    store.rename(record.id, "Loop <explained>")
    renamed = store.get(record.id)
    assert renamed is not None
    page = to_html(renamed)
    assert "<title>Loop &lt;explained&gt;</title>" in page
    assert "<h1>Loop &lt;explained&gt;</h1>" in page
    for text in ("code-explain", "SmolLM2-135M", "Built-in", "77"):
        assert f"<dd>{text}</dd>" in page
    assert renamed.created_at.astimezone().strftime("%Y-%m-%d %H:%M") in page
    assert "<pre>for i in x:\n    pass</pre>" in page
    assert "<strong>answer</strong>" in page
    assert (
        page.index("<h1>")
        < page.index("Input")
        < page.index("for i in x")
        < page.index("<strong>answer")
    )


def test_several_records_make_one_document(store: HistoryStore) -> None:
    first = make_record(store, ["first answer"])
    second = make_record(store, ["variant one", "variant two"], code="second input")
    page = to_html([first, second])
    assert page.count("<!DOCTYPE html>") == 1 and page.count("<article>") == 2
    assert "History export (2 records)" in page
    assert "Answer 1" in page and "Answer 2" in page and "variant two" in page
    markdown = to_markdown([first, second])
    assert markdown.count("\n---\n") == 1 and "first answer" in markdown
    text = to_text([first, second])
    assert "first answer" in text and "variant two" in text


def test_markdown_keeps_the_answer_and_fences_the_input(store: HistoryStore) -> None:
    record = make_record(store, [ANSWER], code="a ``` fence\ninside")
    markdown = to_markdown(record)
    assert markdown.startswith("# a ``` fence\n")
    assert "- **Mode:** code-explain" in markdown and "- **Model:** SmolLM2-135M" in markdown
    assert "````\na ``` fence\ninside\n````" in markdown  # longer fence than the text's
    assert ANSWER.strip() in markdown


def test_failed_records_show_status_and_error(store: HistoryStore) -> None:
    record = make_record(
        store, ["partial"], status=RunStatus.FAILED, error="Connection refused <b>"
    )
    assert "> **Error:** Connection refused <b>" in to_markdown(record)
    assert "Status: failed" in to_text(record)
    page = to_html(record)
    assert "Connection refused &lt;b&gt;" in page and "<dd>failed</dd>" in page


def test_a_complete_record_s_notice_is_a_note_not_an_error(store: HistoryStore) -> None:
    notice = "The answer stopped at the Max tokens limit (50). Continue asks for the rest."
    record = make_record(store, ["Half an answer"], RunStatus.COMPLETE, notice)
    assert f"> **Note:** {notice}" in to_markdown(record)
    assert f"Note: {notice}" in to_text(record) and "Error" not in to_text(record)
    assert "<strong>Note:</strong>" in to_html(record)


def test_text_export(store: HistoryStore) -> None:
    record = make_record(store, ["Plain answer."], code="x = 1", note="")
    text = to_text(record)
    assert text.splitlines()[:2] == ["x = 1", "====="]
    assert "Mode: code-explain" in text and "Code:\nx = 1" in text
    assert "Note:" not in text  # empty fields are left out
    assert text.rstrip().endswith("Answer\n------\nPlain answer.")


def test_render_by_format_name(store: HistoryStore) -> None:
    record = make_record(store, ["x"])
    assert render(record, "md") == to_markdown(record)
    assert render(record, "txt") == to_text(record)
    assert render(record, "html") == to_html(record)
    with pytest.raises(ValueError):
        render(record, "pdf")
