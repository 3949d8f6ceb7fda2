"""Screenshots and files as input in the real window, against the real loopback server."""

from __future__ import annotations

import base64
import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.prompts.images import ImageStore, sniff
from assistant.core.providers.profiles import BUILTIN_NAME
from assistant.ui.code_editor import CodeEditor
from assistant.ui.image_codec import encode
from assistant.ui.image_field import ImageField
from assistant.ui.main_window import MainWindow
from tests.fakeserver import FakeOpenAIServer
from tests.ui.test_main_window import choose_mode, fill, generate_and_wait
from tests.ui.windows import open_window, use_loopback


def make_window(qtbot: QtBot, server: FakeOpenAIServer, model: str) -> MainWindow:
    settings = Settings()
    use_loopback(settings, server.base_url, "Loopback", model)
    win = open_window(qtbot, settings)
    choose_mode(win, "code-explain")
    return win


@pytest.fixture
def window(qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any) -> Iterator[MainWindow]:
    win = make_window(qtbot, openai_server, "gpt-4o-mini")
    yield win
    win.close()


def images_of(win: MainWindow) -> ImageField:
    field = win.current_form().image_field
    assert field is not None
    return field


def code_editor(win: MainWindow) -> CodeEditor:
    editor = win.current_form().widget("code")
    assert isinstance(editor, CodeEditor)
    return editor


def picture(width: int, height: int, colour: int = 0x3366CC) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(colour)
    return image


def paste_screenshot(qtbot: QtBot, win: MainWindow, image: QImage) -> None:
    """A screenshot on the clipboard, then Ctrl+V in the code editor (as a person does)."""
    QGuiApplication.clipboard().setImage(image)
    editor = code_editor(win)
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def drop_files(target: QWidget, *paths: Path) -> bool:
    """Drag local files onto ``target`` and drop them there (real events through the filters)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    action = Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(5, 5), action, mime, buttons, modifiers)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(5, 5), action, mime, buttons, modifiers)
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()


def sent_image_urls(server: FakeOpenAIServer) -> list[str]:
    user = server.chat_requests[-1].body["messages"][-1]
    assert isinstance(user["content"], list), user
    return [p["image_url"]["url"] for p in user["content"] if p["type"] == "image_url"]


def test_pasted_screenshot_is_shown_and_sent_as_an_image_part(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    paste_screenshot(qtbot, window, picture(40, 30))
    field = images_of(window)
    assert len(field.names()) == 1
    assert code_editor(window).toPlainText() == ""  # the image did not go into the text
    sizes = [label.text() for label in field.findChildren(QLabel, "imageSize")]
    assert len(sizes) == 1 and sizes[0].startswith("40 × 30 · ")
    assert not field.note.isVisible()  # gpt-4o-mini takes images
    window.model_combo.setEditText("gpt-3.5-turbo")
    assert field.note.isVisible() and "cannot take images" in field.note.text()
    window.model_combo.setEditText("gpt-4o-mini")
    assert not field.note.isVisible()
    fill(window, code="def f():\n    return 1\n")
    generate_and_wait(qtbot, window)
    (url,) = sent_image_urls(openai_server)
    stored = ImageStore.default().read(field.names()[0])
    assert url == "data:image/png;base64," + base64.b64encode(stored).decode()


def test_large_paste_is_downscaled_and_can_be_removed(qtbot: QtBot, window: MainWindow) -> None:
    field = images_of(window)
    field.setFocus()
    QGuiApplication.clipboard().setImage(picture(3000, 1500))
    qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    (name,) = field.names()
    assert sniff(ImageStore.default().read(name))[1:] == (2048, 1024)
    assert "2048 × 1024" in field.findChildren(QLabel, "imageSize")[0].text()
    remove = field.findChildren(QToolButton, "removeImage")
    qtbot.mouseClick(remove[0], Qt.MouseButton.LeftButton)
    assert field.names() == []
    assert ImageStore.default().path(name).exists()  # the history may still refer to it


def test_dropped_image_files_are_attached(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    shot = tmp_path / "error.jpg"
    shot.write_bytes(encode(picture(64, 48), "JPEG"))
    assert drop_files(images_of(window), shot)
    assert len(images_of(window).names()) == 1
    again = tmp_path / "second.webp"
    again.write_bytes(encode(picture(30, 20, 0x00FF00), "WEBP"))
    assert drop_files(code_editor(window).viewport(), again)  # onto the code: an image still
    assert len(images_of(window).names()) == 2
    assert code_editor(window).toPlainText() == ""
    third = tmp_path / "third.png"
    third.write_bytes(encode(picture(12, 12, 0xFF00FF), "PNG"))
    assert drop_files(window, third)  # anywhere on the window
    assert len(images_of(window).names()) == 3


def test_a_text_only_server_gets_a_clear_message_then_it_is_remembered(
    qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any
) -> None:
    openai_server.reject_images = True
    win = make_window(qtbot, openai_server, "fake-model")
    paste_screenshot(qtbot, win, picture(8, 8))
    fill(win, code="x = 1\n")
    generate_and_wait(qtbot, win)
    banner = win.error_banner.text()
    assert win.error_banner.isVisible()
    assert "cannot take images with the model “fake-model”" in banner, banner
    assert "image_url is only supported by certain models" in banner
    assert len(openai_server.chat_requests) == 1
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "cannot take images" in win.error_banner.text()
    assert len(openai_server.chat_requests) == 1  # refused before sending
    win.close()


def test_the_builtin_engine_says_it_has_no_vision(qtbot: QtBot, no_keyring: Any) -> None:
    settings = Settings()
    settings.active_profile = BUILTIN_NAME
    win = open_window(qtbot, settings)
    choose_mode(win, "code-explain")
    assert not images_of(win).note.isVisible()
    paste_screenshot(qtbot, win, picture(8, 8))
    note = images_of(win).note  # said as soon as an image is attached
    assert note.isVisible() and "The built-in engine has no vision" in note.text()
    fill(win, code="x = 1\n")
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "The built-in engine has no vision" in win.error_banner.text()
    assert not win.stop_button.isEnabled()  # nothing was started
    win.close()


def test_reopened_record_shows_its_images(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    paste_screenshot(qtbot, window, picture(12, 10))
    fill(window, code="y = 2\n")
    record_id = generate_and_wait(qtbot, window).record_id
    names = images_of(window).names()
    images_of(window).set_names([])
    window.open_record(record_id)
    assert images_of(window).names() == names
    assert len(images_of(window).findChildren(QLabel, "imageSize")) == 1


# --- files into text fields ---------------------------------------------------------------------


def test_dropped_files_are_decoded(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    editor = code_editor(window)
    utf16 = tmp_path / "utf16.py"
    utf16.write_bytes(codecs.BOM_UTF16_LE + "s = '你好'\n".encode("utf-16-le"))
    assert drop_files(editor.viewport(), utf16)
    assert editor.toPlainText() == "s = '你好'\n"
    assert "Inserted utf16.py (UTF-16)" in window.status_label.text()
    editor.clear()
    gb = tmp_path / "gb.py"
    gb.write_bytes("# 中文注释\nprint('测试')\n".encode("gb18030"))
    assert drop_files(editor.viewport(), gb)
    assert editor.toPlainText() == "# 中文注释\nprint('测试')\n"
    assert "(GB18030)" in window.status_label.text()


def test_binary_file_is_refused_with_a_message(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    editor = code_editor(window)
    blob = tmp_path / "program.bin"
    blob.write_bytes(b"\x7fELF\x02\x01\x01\0\0\0\0\0")
    drop_files(editor.viewport(), blob)
    assert editor.toPlainText() == ""
    assert "program.bin is a binary file, not text" in window.status_label.text()


def test_a_large_file_asks_before_including_its_first_part(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    editor = code_editor(window)
    big = tmp_path / "big.log"
    line = "2026-11-30 12:00:00 INFO something happened\n"
    big.write_text(line * 40_000, encoding="utf-8")  # 1.7 MB
    asked: list[str] = []

    def answer_with(button: QMessageBox.StandardButton) -> None:
        def click() -> None:
            box = QApplication.activeModalWidget()
            assert isinstance(box, QMessageBox)
            asked.append(box.text())
            choice = box.button(button)
            assert choice is not None
            if button == QMessageBox.StandardButton.Yes:
                assert choice.text() == "Include the first 1.0 MB"
            choice.click()

        QTimer.singleShot(0, click)

    answer_with(QMessageBox.StandardButton.Cancel)
    drop_files(editor.viewport(), big)
    assert editor.toPlainText() == "" and "big.log is 1.7 MB" in asked[0]
    assert "big.log was not inserted" in window.status_label.text()
    answer_with(QMessageBox.StandardButton.Yes)
    drop_files(editor.viewport(), big)
    text = editor.toPlainText()
    assert text and (line * 40_000).startswith(text) and text.endswith("\n")
    assert len(text.encode()) <= 1024 * 1024
    assert "the rest of the file was left out" in window.status_label.text()


def test_open_button_inserts_a_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    source = tmp_path / "snippet.rs"
    source.write_text("fn main() {}\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(source), ""))
    button = window.current_form().findChild(QToolButton, "open_code")
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert code_editor(window).toPlainText() == "fn main() {}\n"


def test_a_chat_keeps_its_first_images_and_never_drops_new_ones(
    qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any
) -> None:
    settings = Settings()
    use_loopback(settings, openai_server.base_url, "Loopback", "gpt-4o-mini")
    win = open_window(qtbot, settings)
    choose_mode(win, "chat")
    images = images_of(win)
    images.setFocus()
    QGuiApplication.clipboard().setImage(picture(10, 10))
    qtbot.keyClick(images, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    (first_image,) = images.names()
    fill(win, message="What colour is this?")
    generate_and_wait(qtbot, win)
    url = ImageStore.default().data_url(first_image)
    assert sent_image_urls(openai_server) == [url]
    fill(win, message="And its size?")  # the next turn: the first turn's image goes again
    generate_and_wait(qtbot, win)
    sent = openai_server.chat_requests[-1].body["messages"]
    assert sent[-1] == {"role": "user", "content": "And its size?"}
    assert any(isinstance(m["content"], list) for m in sent)
    assert url in str(sent)
    QGuiApplication.clipboard().setImage(picture(20, 20, 0xFF0000))
    images.paste()  # a new image in the middle of a conversation
    fill(win, message="And this one?")
    requests = len(openai_server.chat_requests)
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "New chat" in win.error_banner.text() and win.error_banner.isVisible()
    assert len(openai_server.chat_requests) == requests  # not sent without it
    win.close()


def test_ctrl_v_outside_text_fields_attaches_a_screenshot(qtbot: QtBot, window: MainWindow) -> None:
    window.mode_list.setFocus()
    QGuiApplication.clipboard().setImage(picture(24, 12))
    qtbot.keyClick(window.mode_list, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(images_of(window).names()) == 1
    QGuiApplication.clipboard().setText("print('text stays text')")
    editor = code_editor(window)
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == "print('text stays text')"
    assert len(images_of(window).names()) == 1


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: a menu cannot grab keys
def test_every_text_field_can_insert_a_file_from_its_context_menu(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QFileDialog, QLineEdit, QMenu

    source = tmp_path / "topic.txt"
    source.write_bytes(codecs.BOM_UTF16_BE + "潮汐 and tides".encode("utf-16-be"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    choose_mode(window, "article")
    topic = window.current_form().widget("topic")
    assert isinstance(topic, QLineEdit)

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        (insert,) = [a for a in menu.actions() if a.objectName() == "insertFile"]
        insert.trigger()
        menu.close()

    QTimer.singleShot(0, choose)
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, QPoint(4, 4), topic.mapToGlobal(QPoint(4, 4))
    )
    QApplication.sendEvent(topic, event)
    assert topic.text() == "潮汐 and tides"
