"""Screenshot of the mode editor with its live preview and a problem marked:
`python -m tests.screenshot_mode_editor OUT.png`."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.fixtures.screenshots import save_shot, shot_output

TEXT = '''# Release notes from a list of changes.
id = "release-notes"
title = "Release notes"
description = "Turn a list of merged changes into release notes for users."
group = "My modes"
output = "markdown"

[params]
temperature = 0.4

[prompt]
system = """
You write release notes for the users of {{ product }}. Plain words, no internal ticket numbers.
Today is {{ today }}.
"""
user = """
Write the release notes of {{ product }} {{ version }} from these changes:

{{ changes }}
{% if audiense %}Audience: {{ audience }}{% endif %}
"""

[[fields]]
name = "product"
label = "Product"
required = true
placeholder = "e.g. Lumen"

[[fields]]
name = "version"
label = "Version"
placeholder = "e.g. 2.4"

[[fields]]
name = "changes"
label = "Changes"
kind = "multiline"
required = true
placeholder = "e.g. - Faster start-up\\n- Dark theme follows the system"

[[fields]]
name = "audience"
label = "Audience"
kind = "choice"
choices = ["everyone", "developers", "administrators"]
'''


def main() -> int:
    out = shot_output("mode-editor.png")
    app = QApplication(sys.argv[:1])
    from assistant.ui.mode_editor import ModeEditor

    editor = ModeEditor(TEXT, groups=["Writing", "Code", "My modes"])
    editor.resize(1280, 820)
    editor.show()
    editor.fields.field_list.setCurrentRow(2)

    def shoot() -> None:
        editor.problem_list.setCurrentRow(-1)
        save_shot(editor, out)
        app.quit()

    QTimer.singleShot(600, shoot)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
