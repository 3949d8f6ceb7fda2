"""Text fields with suggestions (translate's target, code-tests' framework): the list is offered
as completions, and any other text is still accepted."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from assistant.core.prompts.modes import builtin_modes
from assistant.ui.mode_form import ModeForm


# The offscreen platform cannot raise a popup or grab the keyboard for it (harmless there).
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_suggestions_complete_and_free_text_is_kept(qtbot: QtBot) -> None:
    form = ModeForm(builtin_modes()["translate"])
    qtbot.addWidget(form)
    target = form.widget("target")
    assert isinstance(target, QLineEdit) and target.completer() is not None
    completer = target.completer()
    completer.setCompletionPrefix("中")  # matches anywhere: 简体中文, 繁體中文
    found = {
        completer.completionModel().index(i, 0).data() for i in range(completer.completionCount())
    }
    assert found == {"简体中文", "繁體中文"}
    form.show()
    (button,) = [a for a in target.actions() if a.objectName() == "showSuggestions"]
    button.trigger()  # the arrow lists every suggestion
    qtbot.waitUntil(completer.popup().isVisible)
    assert completer.completionCount() == len(builtin_modes()["translate"].fields[2].choices)
    completer.popup().hide()
    form.set_values({"target": "Suomi"})
    assert form.values()["target"] == "Suomi"
    tests = ModeForm(builtin_modes()["code-tests"])
    qtbot.addWidget(tests)
    framework = tests.widget("framework")
    assert isinstance(framework, QLineEdit) and framework.completer() is not None
