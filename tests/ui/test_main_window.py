"""The main window against a real loopback OpenAI-compatible server (real sockets, real SSE)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.ui.code_editor import CodeEditor
from assistant.ui.main_window import MainWindow
from tests.fakeserver import FakeOpenAIServer, Fault
from tests.ui.windows import open_window

PROFILE = "Loopback"


def choose_mode(win: MainWindow, mode_id: str) -> None:
    for row in range(win.mode_list.count()):
        if win.mode_list.item(row).data(Qt.ItemDataRole.UserRole) == mode_id:
            win.mode_list.setCurrentRow(row)
            return
    raise AssertionError(f"no mode {mode_id}")


def fill(win: MainWindow, **values: Any) -> None:
    form = win.current_form()
    for name, value in values.items():
        widget = form.widget(name)
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value)
            widget.moveCursor(QTextCursor.MoveOperation.End)  # as after a paste
        elif isinstance(widget, QLineEdit):
            widget.setText(value)
        elif isinstance(widget, QComboBox):
            index = widget.findData(value)
            assert index >= 0, f"{value!r} is not a choice of {name}"
            widget.setCurrentIndex(index)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        else:
            assert widget is not None, name
            widget.setValue(value)  # type: ignore[union-attr]


def generate_and_wait(qtbot: QtBot, win: MainWindow, timeout: int = 5000) -> Any:
    with qtbot.waitSignal(win.controller.sig_done, timeout=timeout) as blocker:
        qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not win.stop_button.isEnabled())
    return blocker.args[1]


def sent_messages(server: FakeOpenAIServer) -> list[dict[str, str]]:
    chat = [r for r in server.requests if r.path.endswith("/chat/completions")]
    assert chat, "no chat request reached the server"
    return list(chat[-1].body["messages"])


def test_article_request_and_streamed_answer(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = "# Tea\n\nGreen tea {is} *calm*. 🍵\n"
    choose_mode(window, "article")
    fill(window, topic="Green tea for {coders} $HOME %s", audience="developers", outline=True)
    done = generate_and_wait(qtbot, window)
    assert done.status == "complete"
    messages = sent_messages(openai_server)
    assert messages[0]["role"] == "system"
    assert "Green tea for {coders} $HOME %s" in messages[-1]["content"]
    assert "developers" in messages[-1]["content"]
    qtbot.waitUntil(lambda: window.answer_area.current_text() == openai_server.reply)
    body = openai_server.requests[-1].body
    assert body["stream"] is True and body["model"] == "fake-model"
    assert window.answer_area.current_view().isReadOnly()


def test_ad_copy_states_channel_limit(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    choose_mode(window, "ad-copy")
    fill(window, product="Solar lamp", channel="search ad")
    assert generate_and_wait(qtbot, window).status == "complete"
    prompt = "\n".join(m["content"] for m in sent_messages(openai_server))
    assert "Solar lamp" in prompt
    assert "90" in prompt  # the search-ad description limit is stated


def test_code_complete_splits_at_cursor_highlights_and_inserts(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = "return a + b  # {sum}"
    choose_mode(window, "code-complete")
    fill(window, language="python")
    editor = window.current_form().main_editor()
    assert editor is not None
    code = 'def add(a, b):\n    \n\nprint(add(1, 2), "{x}")\n'
    editor.setPlainText(code)
    cursor = editor.textCursor()
    cursor.setPosition(len("def add(a, b):\n    "))
    editor.setTextCursor(cursor)
    assert generate_and_wait(qtbot, window).status == "complete"
    user = sent_messages(openai_server)[-1]["content"]
    assert 'def add(a, b):\n    <CURSOR>\n\nprint(add(1, 2), "{x}")' in user
    view = window.answer_area.current_view()
    qtbot.waitUntil(lambda: view.text() == openai_server.reply)
    formats = view.document().firstBlock().layout().formats()
    assert formats, "the code answer is not highlighted"
    window.insert_action.trigger()
    assert editor.toPlainText() == code.replace(
        "def add(a, b):\n    ", "def add(a, b):\n    " + openai_server.reply, 1
    )


def test_code_explain_detects_language(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = "It prints.\n\n```python\nprint('hi')\n```\n"
    choose_mode(window, "code-explain")
    fill(window, code="#!/usr/bin/env python3\nimport sys\nprint(sys.argv)\n")
    assert generate_and_wait(qtbot, window).status == "complete"
    content = "\n".join(m["content"] for m in sent_messages(openai_server))
    assert "print(sys.argv)" in content
    assert "python" in content.lower()
    qtbot.waitUntil(lambda: window.answer_area.current_text() == openai_server.reply)


def test_parameters_are_sent(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    choose_mode(window, "article")
    fill(window, topic="Rivers")
    panel = window.params_panel
    panel.expand(True)
    panel.temperature.setValue(0.3)
    panel.max_tokens.setValue(321)
    panel.top_p.setValue(0.5)
    panel.stop.setText("END | \\n\\n")
    generate_and_wait(qtbot, window)
    body = openai_server.requests[-1].body
    assert body["temperature"] == pytest.approx(0.3)
    assert body["max_tokens"] == 321
    assert body["top_p"] == pytest.approx(0.5)
    assert body["stop"] == ["END", "\n\n"]


def test_variants_show_as_tabs(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = lambda request, index: f"variant {index}"  # type: ignore[assignment]
    choose_mode(window, "article")
    fill(window, topic="Rivers")
    window.params_panel.n.setValue(2)
    generate_and_wait(qtbot, window)
    qtbot.waitUntil(lambda: window.answer_area.all_texts() == ["variant 0", "variant 1"])
    assert window.answer_area.count() == 2


def test_stop_is_immediate_and_closes_the_connection(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = "word " * 400
    openai_server.delta_size = 5
    openai_server.delta_delay = 0.02
    choose_mode(window, "article")
    fill(window, topic="Long")
    window.generate()
    view = window.answer_area.current_view()
    qtbot.waitUntil(lambda: len(view.text()) > 20, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.stop_button.isEnabled()
    assert "Stopped" in window.status_label.text()
    shown = view.text()
    assert openai_server.wait_for_disconnects(1, timeout=3.0)
    qtbot.wait(200)
    assert view.text() == shown, "text kept arriving after Stop"
    assert len(shown) < len(openai_server.reply)


def test_error_is_shown_and_window_stays_usable(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.fault = Fault.unauthorized(times=1)
    choose_mode(window, "article")
    fill(window, topic="Keys")
    done = generate_and_wait(qtbot, window)
    assert done.status == "failed"
    assert window.error_banner.isVisible()
    assert PROFILE in window.error_banner.text()
    openai_server.reply = "Recovered."
    assert generate_and_wait(qtbot, window).status == "complete"
    assert not window.error_banner.isVisible()


def test_required_field_missing_is_explained(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    choose_mode(window, "article")
    fill(window, topic="")
    window.generate()
    assert window.error_banner.isVisible()
    assert not window.stop_button.isEnabled()
    assert not [r for r in openai_server.requests if r.path.endswith("/chat/completions")]


def test_copy_answer(qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = "Copy me {exactly} ✓"
    choose_mode(window, "article")
    fill(window, topic="Clipboard")
    generate_and_wait(qtbot, window)
    qtbot.waitUntil(lambda: window.answer_area.current_text() == openai_server.reply)
    window.copy_action.trigger()
    assert QGuiApplication.clipboard().text() == openai_server.reply


def test_close_mid_stream_ends_cleanly(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = "slow " * 200
    openai_server.delta_delay = 0.02
    choose_mode(window, "article")
    fill(window, topic="Closing")
    window.generate()
    qtbot.waitUntil(lambda: len(window.answer_area.current_text()) > 10, timeout=5000)
    assert window.controller.running
    window.close()
    assert window.controller._pool.activeThreadCount() == 0
    QApplication.processEvents()


def test_settings_file_has_no_key(
    qtbot: QtBot, window: MainWindow, app_home: Any, openai_server: FakeOpenAIServer
) -> None:
    window.services.keys.set(PROFILE, "sk-SENTINEL-abc123", persist=False)
    choose_mode(window, "article")
    fill(window, topic="Secrets")
    generate_and_wait(qtbot, window)
    assert openai_server.requests[-1].authorization == "Bearer sk-SENTINEL-abc123"
    window.close()
    for path in app_home.rglob("*"):
        if path.is_file():
            assert b"SENTINEL" not in path.read_bytes(), path
    settings = json.loads((app_home / "config" / "settings.json").read_text())
    assert settings["active_profile"] == PROFILE


def test_editor_text_round_trips_unicode(window: MainWindow) -> None:
    choose_mode(window, "code-explain")
    editor = window.current_form().main_editor()
    assert editor is not None
    text = "x = '{{ $y }}' % 1  # مرحبا 🙂\r\n\tz\\n"
    editor.setPlainText(text)
    editor.moveCursor(QTextCursor.MoveOperation.End)
    values, _ = window.collect_values()
    assert values["code"] == text.replace("\r\n", "\n")


def test_reopen_from_history_brings_back_fields_and_answer(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer, tmp_path: Any
) -> None:
    openai_server.reply = "Herons wait.\n\n```python\nprint('heron')\n```\n"
    choose_mode(window, "article")
    fill(window, topic="Herons {patience}", audience="birders")
    done = generate_and_wait(qtbot, window)
    assert done.record_id is not None
    fill(window, topic="Something else", audience="")
    choose_mode(window, "ad-copy")
    window.answer_area.show_text(["other"], "markdown")
    assert window.history_panel is None  # built on first use
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert window.history_panel is not None and window.history_dock is not None
    assert window.history_dock.isVisible()
    qtbot.waitUntil(lambda: not window.history_panel.loading)  # pages load in the background
    assert done.record_id in window.history_panel.shown_ids()
    window.history_panel.sig_open.emit(done.record_id)
    assert window.current_mode().id == "article"
    values = window.current_form().values()
    assert values["topic"] == "Herons {patience}" and values["audience"] == "birders"
    assert window.answer_area.current_text() == openai_server.reply
    html = window._export_text(str(tmp_path / "a.html"), window.answer_area.current_text())
    assert "<span style=" in html and "heron" in html and "<script" not in html.lower()


def test_builtin_model_picker_lists_gguf_files_and_switches(
    qtbot: QtBot, no_keyring: Any, tmp_path: Any
) -> None:
    from assistant.core.engine import models
    from tests.core.engine.test_gguf_info import write_gguf

    first = models.add_model(write_gguf(tmp_path / "first.gguf", context_length=8192))
    second = models.add_model(write_gguf(tmp_path / "second.gguf", context_length=2048))
    settings = Settings()
    settings.engine_model_path = str(first.path)
    win = open_window(qtbot, settings)
    combo = win.model_combo
    assert win.current_profile().is_builtin
    names = [combo.itemText(i) for i in range(combo.count())]
    assert names == [first.name, second.name]
    assert combo.currentText() == first.name
    tip = combo.itemData(1, Qt.ItemDataRole.ToolTipRole)
    assert "2048" in tip and "Q4_K_M" in tip
    combo.setCurrentIndex(1)
    combo.activated.emit(1)
    assert settings.engine_model_path == str(second.path)


def test_builtin_without_a_model_says_how_to_install_it(qtbot: QtBot, no_keyring: Any) -> None:
    settings = Settings()
    settings.welcome_done = True
    win = open_window(qtbot, settings)
    assert win.current_profile().is_builtin
    choose_mode(win, "article")
    fill(win, topic="Offline")
    done = generate_and_wait(qtbot, win)
    assert done.status == "failed"
    assert "Settings → Models…" in win.error_banner.text()
    assert "assistant models install" in win.error_banner.text()
    assert win.models_action.text() == "Models…"


def test_code_editor_follows_the_language_field(window: MainWindow) -> None:
    choose_mode(window, "code-complete")
    form = window.current_form()
    editor = form.main_editor()
    assert isinstance(editor, CodeEditor)
    fill(window, language="javascript")
    assert editor.language() == "javascript"
    fill(window, language="rust")
    assert editor.language() == "rust"


def test_a_stopped_run_ends_like_a_finished_one(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer, tmp_path: Any
) -> None:
    from assistant.ui.history_rows import STATUS_COLUMN
    from tests.ui.history_view import Row, settled

    openai_server.reply = "Otters **float**.\n\n```python\nprint('otter')\n```\n" + "word " * 400
    openai_server.delta_size = 5
    openai_server.delta_delay = 0.02
    window.settings.stop_loops = False  # "word " * 400 is a loop; here Esc stops it, not the guard
    choose_mode(window, "article")
    fill(window, topic="Otters")
    with qtbot.waitSignal(window.controller.sig_done, timeout=10_000) as blocker:
        window.generate()
        qtbot.waitUntil(lambda: "word word" in window.answer_area.current_text(), timeout=5000)
        qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
        panel = window.history_panel
        assert panel is not None
        settled(qtbot, panel)  # its first page is read in the background
        done_id = panel.shown_ids()[0]
        item = Row.of(panel, done_id)
        assert item is not None and "writing" in item.text(STATUS_COLUMN)  # as it streams
        qtbot.keyClick(window, Qt.Key.Key_Escape)
        assert not window.stop_button.isEnabled() and "Stopped" in window.status_label.text()
    done = blocker.args[1]
    assert done.status == "stopped" and done.record_id == done_id
    history = window.services.history
    assert history is not None
    record = history.get(done_id)
    assert record is not None and record.status == "stopped"
    settled(qtbot, panel)  # the row is read again in the background
    item = Row.of(panel, done_id)
    assert item is not None and "stopped" in item.text(STATUS_COLUMN)  # the record refreshed
    assert "Stopped" in window.status_label.text()
    shown = window.answer_area.current_text()
    assert shown == record.answer, "the pane shows what the stopped run kept"
    html = window._export_text(str(tmp_path / "stopped.html"), shown)
    assert "<span style=" in html and "otter" in html, "exported like a finished answer"


def test_a_mode_form_is_built_when_first_shown_with_its_draft(window: MainWindow) -> None:
    panel = window.mode_panel
    assert [form.mode.id for form in panel.built_forms()] == [window.current_mode().id]
    assert panel.drafts is not None
    panel.drafts.save("ad-copy", {"product": "Solar lamp {x}", "variants": 2})
    panel.restore_drafts()  # as at start: the draft waits for its form
    assert "ad-copy" not in [form.mode.id for form in panel.built_forms()]
    choose_mode(window, "ad-copy")
    assert "ad-copy" in [form.mode.id for form in panel.built_forms()]
    values = window.current_form().values()
    assert values["product"] == "Solar lamp {x}" and values["variants"] == 2
