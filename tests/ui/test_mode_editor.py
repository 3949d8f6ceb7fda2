"""The mode editor in the real window: build a mode from scratch, see its preview, save it and
run it against the loopback server; a broken template is shown where it is and not saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from assistant.core.prompts.modes import user_modes_dir
from assistant.ui.main_window import MainWindow
from assistant.ui.mode_editor import ModeEditor
from tests.fakeserver import FakeOpenAIServer

HAND_WRITTEN = """# Haiku mode, written by hand.
title = "Haiku"   # short and sweet

[prompt]
user = "Write a haiku about {{ subject }}."

[[fields]]
name = "subject"
required = true
"""


def type_into(editor: Any, text: str) -> None:
    editor.setPlainText(text)


def test_a_mode_built_from_scratch_is_previewed_saved_and_run(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    editor = window.mode_actions.new_mode()
    assert isinstance(editor, ModeEditor)
    qtbot.addWidget(editor)
    editor.mode_id.setText("tagline")
    editor.mode_id.textEdited.emit("tagline")
    editor.title_edit.setText("Tagline")
    editor.title_edit.textEdited.emit("Tagline")
    editor.fields.add_field()
    editor.fields.name.setText("product")
    editor.fields.name.textEdited.emit("product")
    editor.fields.required.setChecked(True)
    editor.system.setPlainText("You write taglines. Today is {{ weekday }}.")
    editor.user.setPlainText("A tagline for {{ product }} from this: {{ text }}")
    qtbot.waitUntil(lambda: "A tagline for" in editor.preview.toPlainText())
    assert editor.problems == [] and editor.save_button.isEnabled()
    preview = editor.preview.toPlainText()
    assert "── system ──\nYou write taglines. Today is" in preview
    assert "── user ──\nA tagline for <Field1>" not in preview  # the label was not changed
    row = [editor.samples.item(r, 0).text() for r in range(editor.samples.rowCount())]
    editor.samples.item(row.index("product"), 1).setText("Lumen desk lamp")
    wanted = "A tagline for Lumen desk lamp from this:"
    qtbot.waitUntil(lambda: wanted in editor.preview.toPlainText())

    with qtbot.waitSignal(editor.sig_saved):
        editor.save_button.click()
    saved = user_modes_dir() / "tagline.toml"
    assert saved.is_file()
    assert "tagline" in window.mode_panel.modes
    assert window.current_mode().id == "tagline"  # chosen after saving
    form = window.current_form()
    form.widget("product").setText("Lumen {{ lamp }}")  # type: ignore[union-attr]
    form.widget("text").setPlainText("warm light, no flicker")  # type: ignore[union-attr]
    window.answer_panel.generate_button.click()
    assert openai_server.wait_for_requests(1, timeout=10)
    messages = openai_server.chat_requests[-1].body["messages"]
    assert messages[-1] == {
        "role": "user",
        "content": "A tagline for Lumen {{ lamp }} from this: warm light, no flicker",
    }


def test_a_broken_template_is_marked_where_it_is_and_cannot_be_saved(
    qtbot: QtBot, window: MainWindow
) -> None:
    editor = window.mode_actions.new_mode()
    assert isinstance(editor, ModeEditor)
    qtbot.addWidget(editor)
    editor.user.setPlainText("Line one\n  {{ txt }} and {% if %}")
    qtbot.waitUntil(lambda: bool(editor.problems))
    texts = [editor.problem_list.item(i).text() for i in range(editor.problem_list.count())]
    assert any(t.startswith("User message, line 2, column 3: template syntax error") for t in texts)
    assert not editor.save_button.isEnabled()
    marked = editor.user.extraSelections()
    assert marked and marked[0].cursor.blockNumber() == 1
    editor.user.setPlainText("Line one\n  {{ txt }}")
    qtbot.waitUntil(lambda: any("'txt'" in p.message for p in editor.problems))
    [problem] = [p for p in editor.problems if "'txt'" in p.message]
    assert (problem.key, problem.offset) == ("prompt.user", 14)
    assert editor.user.extraSelections()[0].cursor.selectedText() == "txt"

    shown: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            shown.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(10, answer)

    QTimer.singleShot(0, answer)
    editor.save()  # even when asked directly: refused, with the reason
    assert shown and "not saved" in shown[0] and "'txt'" in shown[0]
    assert not any(user_modes_dir().glob("*.toml"))


def test_editing_a_hand_written_mode_keeps_its_comments_and_reloads_the_list(
    qtbot: QtBot, window: MainWindow
) -> None:
    folder = user_modes_dir()
    (folder / "haiku.toml").write_text(HAND_WRITTEN, encoding="utf-8")
    qtbot.waitUntil(lambda: "haiku" in window.mode_panel.modes, timeout=5000)  # watched folder
    window.mode_panel.select_mode("haiku")
    editor = window.mode_actions.edit_mode()
    assert isinstance(editor, ModeEditor)
    qtbot.addWidget(editor)
    editor.title_edit.setText("Haiku poem")
    editor.title_edit.textEdited.emit("Haiku poem")
    qtbot.waitUntil(lambda: editor.save_button.isEnabled())
    with qtbot.waitSignal(editor.sig_saved):
        editor.save_button.click()
    text = (folder / "haiku.toml").read_text(encoding="utf-8")
    header = '# Haiku mode, written by hand.\ntitle = "Haiku poem"   # short and sweet'
    assert text.startswith(header)
    assert window.mode_panel.modes["haiku"].title == "Haiku poem"
    window.mode_actions.delete_mode()
    assert not (folder / "haiku.toml").exists() and "haiku" not in window.mode_panel.modes
    window.mode_actions.undo_action.trigger()
    assert (folder / "haiku.toml").read_text(encoding="utf-8") == text
    assert "haiku" in window.mode_panel.modes


def test_a_broken_file_dropped_in_the_folder_is_reported_while_the_app_runs(
    qtbot: QtBot, window: MainWindow
) -> None:
    from assistant.ui.mode_problems_banner import ModeProblemsBanner

    Path(user_modes_dir() / "oops.toml").write_text('title = "Oops"\n[prompt\n', encoding="utf-8")
    qtbot.waitUntil(lambda: window.findChild(ModeProblemsBanner) is not None, timeout=5000)
    banner = window.findChild(ModeProblemsBanner)
    assert banner is not None
    qtbot.waitUntil(banner.isVisible)
    assert "oops.toml" in banner.problems[0].source


def test_import_previews_then_adds_and_reset_brings_the_builtin_back(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    prompts = tmp_path / "prompts.csv"
    prompts.write_text('act,prompt\n"Travel Guide","Act as a travel guide."\n', encoding="utf-8")
    seen: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text() + "\n" + box.informativeText())
            box.button(button).click()
        else:
            QTimer.singleShot(10, lambda: answer(button))

    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.Cancel))
    assert window.mode_actions.import_modes(str(prompts)) == 0  # previewed, then cancelled
    assert "+ Travel Guide (travel-guide)" in seen[0]
    assert "travel-guide" not in window.mode_panel.modes
    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.Ok))
    assert window.mode_actions.import_modes(str(prompts)) == 1
    assert window.mode_panel.modes["travel-guide"].title == "Travel Guide"

    window.mode_panel.select_mode("article")
    editor = window.mode_actions.edit_mode()  # a built-in: saved as the person's own version
    assert isinstance(editor, ModeEditor)
    qtbot.addWidget(editor)
    editor.title_edit.setText("My article")
    editor.title_edit.textEdited.emit("My article")
    qtbot.waitUntil(editor.save_button.isEnabled)
    with qtbot.waitSignal(editor.sig_saved):
        editor.save_button.click()
    assert window.mode_panel.modes["article"].title == "My article"
    assert window.mode_actions.reset_action.isEnabled()
    window.mode_actions.reset_action.trigger()
    assert window.mode_panel.modes["article"].title == "Article"
    assert not (user_modes_dir() / "article.toml").exists()
