"""Files into a form's text fields: drop a file on a field, or use the Open… button beside it.

The text is read by ``core/text/file_text.py`` (UTF-8, UTF-16 with a BOM, GB18030; binary files
and unknown encodings refused with a message). A file over the size limit is never cut silently:
the person is asked whether to include its first part. An image file dropped on a text field of a
mode that takes images is attached to its image field instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QContextMenuEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox, QPlainTextEdit, QToolButton

from assistant.ui.image_field import ImageField, image_files, local_files

if TYPE_CHECKING:  # read when a file is inserted, not before the window's first paint
    from assistant.core.text.file_text import FileTooLarge, TextFile

TextWidget = QPlainTextEdit | QLineEdit


class FileInput(QObject):
    """Puts files into text widgets; ``sig_status`` says what was inserted or why not."""

    sig_status = Signal(str)
    """A line for the status bar."""

    def __init__(self, parent: QObject | None = None, images: ImageField | None = None) -> None:
        super().__init__(parent)
        self.images = images
        self._targets: dict[QObject, TextWidget] = {}

    def watch(self, widget: TextWidget) -> None:
        """Take file drops on ``widget`` (on its viewport for a plain-text editor)."""
        target = widget.viewport() if isinstance(widget, QPlainTextEdit) else widget
        self._targets[target] = widget
        target.installEventFilter(self)

    def open_button(self, widget: TextWidget) -> QToolButton:
        """An "Open…" button that reads a file into ``widget``."""
        button = QToolButton()
        button.setText(self.tr("Open…"))
        button.setObjectName(f"open_{widget.objectName().removeprefix('field_')}")
        button.setToolTip(self.tr("Insert the text of a file (or drop a file on the field)"))
        button.clicked.connect(lambda _=False: self.open_into(widget))
        return button

    def open_into(self, widget: TextWidget) -> bool:
        """Choose a file and insert its text into ``widget``."""
        path, _ = QFileDialog.getOpenFileName(widget, self.tr("Insert a file"))
        return bool(path) and self.load_into(widget, Path(path))

    def load_into(self, widget: TextWidget, path: Path) -> bool:
        """Insert the text of ``path`` at the cursor of ``widget`` (one undo step)."""
        from assistant.core.text.file_text import FileTextError, FileTooLarge, read_text_file

        if self.images is not None and image_files([path]):
            return self.images.add_file(path) is not None
        try:
            loaded = read_text_file(path)
        except FileTooLarge as big:
            if not self.ask_first_part(widget, big):
                self.sig_status.emit(self.tr("{0} was not inserted.").format(path.name))
                return False
            try:
                loaded = read_text_file(path, first_part=True)
            except FileTextError as exc:
                self.sig_status.emit(str(exc))
                return False
        except FileTextError as exc:
            self.sig_status.emit(str(exc))
            return False
        _insert(widget, loaded.text)
        widget.setFocus()
        self.sig_status.emit(self._inserted(path, loaded))
        return True

    def ask_first_part(self, widget: TextWidget, big: FileTooLarge) -> bool:
        """Ask whether to include the first part of a file over the limit (default: no)."""
        limit = f"{big.limit / (1024 * 1024):.1f} MB"
        question = self.tr("{0}\n\nInclude its first {1} (up to the last whole line)?").format(
            str(big), limit
        )
        yes, cancel = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Cancel
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("File too large"), question)
        box.setParent(widget.window(), box.windowFlags())
        box.setStandardButtons(yes | cancel)
        box.setDefaultButton(cancel)
        include = box.button(yes)
        if include is not None:
            include.setText(self.tr("Include the first {0}").format(limit))
        box.setObjectName("fileTooLarge")
        answer = box.exec()
        box.deleteLater()
        return answer == yes

    def _inserted(self, path: Path, loaded: TextFile) -> str:
        if loaded.complete:
            return self.tr("Inserted {0} ({1}).").format(path.name, loaded.encoding_name)
        lines = loaded.text.count("\n")
        return self.tr(
            "Inserted the first {0} lines of {1} ({2}); the rest of the file was left out."
        ).format(f"{lines:,}", path.name, loaded.encoding_name)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()  # every event of the editors passes here: drag and drop ones first
        if kind == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            return self._context_menu(watched, event)
        if kind not in _DRAG_EVENTS or not isinstance(event, QDropEvent):
            return False
        widget = self._targets.get(watched)
        if widget is None or widget.isReadOnly():
            return False
        files = local_files(event.mimeData())
        if not files:
            return False
        event.acceptProposedAction()
        if kind == QEvent.Type.Drop:
            for path in files:
                self.load_into(widget, path)
        return True

    def _context_menu(self, watched: QObject, event: QContextMenuEvent) -> bool:
        """The field's usual context menu with "Insert file…" (Open… for every text field)."""
        widget = self._targets.get(watched)
        if widget is None or widget.isReadOnly():
            return False
        menu = widget.createStandardContextMenu()
        if menu is None:
            return False
        menu.addSeparator()
        insert = menu.addAction(self.tr("Insert file…"))
        insert.setObjectName("insertFile")
        insert.triggered.connect(lambda _=False: self.open_into(widget))
        menu.exec(event.globalPos())
        menu.deleteLater()
        return True


_DRAG_EVENTS = frozenset({QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop})


def _insert(widget: TextWidget, text: str) -> None:
    if isinstance(widget, QLineEdit):
        widget.insert(" ".join(text.splitlines()))
        return
    cursor = widget.textCursor()
    cursor.beginEditBlock()
    cursor.insertText(text)
    cursor.endEditBlock()
    widget.setTextCursor(cursor)
