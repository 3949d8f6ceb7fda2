"""PDF export through Qt's print support: rendered Markdown, highlighted code, Chinese text."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from assistant.core.storage.history import DB_FILENAME, HistoryStore
from assistant.core.work.runs import RunStatus
from assistant.ui.answer_actions import export
from assistant.ui.font_check import FONT_HINT
from assistant.ui.history_export import write_export
from assistant.ui.pdf_export import MissingFontError, write_pdf

ANSWER = """# 解释

这段代码打印问候语。它很简单。

```python
def greet(name: str) -> str:
    return f"你好, {name}"
```

| 行 | 作用 |
|---|---|
| 1 | 定义函数 |
"""


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_record_becomes_a_pdf_with_its_chinese_and_its_code(
    qapp: QApplication, tmp_path: Path
) -> None:
    store = HistoryStore(tmp_path / DB_FILENAME)
    record_id = store.start(
        "code-explain",
        {"code": "def greet(name): ..."},
        [{"role": "user", "content": "解释"}],
        "Built-in",
        "http://127.0.0.1:1/v1",
        "SmolLM2-135M",
        {},
    )
    store.finish(record_id, RunStatus.COMPLETE, {"total_tokens": 9}, None, answers=[ANSWER])
    record = store.get(record_id)
    store.close()
    assert record is not None
    target = tmp_path / "answer.pdf"
    write_export(target, [record])
    assert target.read_bytes().startswith(b"%PDF-")
    text = pdf_text(target)
    assert "这段代码打印问候语。它很简单。" in text
    assert "def greet(name: str) -> str:" in text
    assert 'return f"你好, {name}"' in text
    assert "定义函数" in text
    assert "# 解释" not in text  # the heading is rendered, not shown as Markdown


def test_without_a_font_for_the_text_nothing_is_written_and_the_fix_is_named(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFontDatabase, "families", staticmethod(lambda *system: []))
    target = tmp_path / "answer.pdf"
    with pytest.raises(MissingFontError, match=FONT_HINT.replace("/", ".")):
        write_pdf(target, "<p>中文</p>")
    assert not target.exists()


def test_save_answer_as_pdf_with_a_name_typed_without_extension(
    qtbot: QtBot, tmp_path: Path
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def type_a_name_and_choose_pdf() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(10, type_a_name_and_choose_pdf)
            return
        dialog.setDirectory(str(tmp_path))
        dialog.selectNameFilter("PDF (*.pdf)")
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        assert name is not None
        name.setText("report")  # a person types a name, no extension
        dialog.accept()

    QTimer.singleShot(0, type_a_name_and_choose_pdf)
    said = export(parent, "# 报告\n\nText.", "answer.md", lambda _path, text: f"<h1>{text}</h1>")
    assert said == f"Saved to {tmp_path / 'report.pdf'}"
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert not (tmp_path / "report").exists()
