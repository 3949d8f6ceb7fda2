"""Image fields say, under their thumbnails, when the chosen provider or model cannot take images.

The same rule as the check before sending (``core/providers/vision.py``), shown as soon as an image
is attached or the provider or model changes, so nobody attaches screenshots in vain. Also the
window's Ctrl+V for a screenshot when no text field has the focus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from assistant.ui.image_field import ImageField
    from assistant.ui.main_window import MainWindow


class VisionNotes:
    """Keeps the note of every built form's image field up to date."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._followed: set[int] = set()
        bar = window.provider_bar
        bar.provider_combo.currentIndexChanged.connect(self.update)
        bar.model_combo.currentTextChanged.connect(self.update)
        window.mode_panel.sig_mode_changed.connect(self.update)
        self.update()

    def _fields(self) -> list[ImageField]:
        forms = self.window.mode_panel.built_forms()
        return [form.image_field for form in forms if form.image_field is not None]

    def update(self) -> None:
        """Recompute the notes (and follow the image fields of forms built since)."""
        fields = self._fields()
        if not fields:  # no form with an image field built yet: nothing to note
            return
        from assistant.core.providers.vision import images_refusal

        profile = self.window.current_profile()
        model = self.window.provider_bar.model_name() or profile.model
        refusal = images_refusal(profile, model)
        for field in fields:
            if id(field) not in self._followed:
                self._followed.add(id(field))
                field.sig_changed.connect(self.update)
            field.set_note(refusal if field.names() else None)


def paste_image_action(window: MainWindow) -> QAction:
    """Ctrl+V where no text field takes it (the mode list, the answer): a screenshot on the
    clipboard goes to the current mode's image field. Text fields keep their own paste."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QAction, QKeySequence

    from assistant.ui.qt_keys import set_keys, set_shortcut

    action = QAction(QCoreApplication.translate("MainWindow", "Paste image"), window)
    set_shortcut(action, QKeySequence.StandardKey.Paste)
    set_keys(action, "shortcutContext", "WindowShortcut")

    def paste() -> None:
        field = window.current_form().image_field
        if field is not None:
            field.paste()

    action.triggered.connect(paste)
    return action
