"""The Modes menu: New, Duplicate, Edit (the mode editor), Import, Export, Reset a built-in,
Delete one's own (with Undo), and the mode folder watched: files changed on disk (by the editor,
an import or another program) reload the mode list while the app runs, problems shown in the
mode-problems banner as at start."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from assistant.core.prompts.mode_types import is_user_mode
from assistant.core.prompts.modes import Mode, load_modes, user_modes_dir
from assistant.ui.qt_keys import set_shortcut
from assistant.ui.warm_up import once_painted

if TYPE_CHECKING:
    from assistant.core.prompts import mode_files
    from assistant.ui.main_window import MainWindow

RELOAD_DELAY_MS = 200


class ModeActions(QObject):
    """The actions of the Modes menu over the window's current mode."""

    def __init__(self, window: MainWindow, folder: Path | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.folder = folder or user_modes_dir()
        self.deleted: tuple[Path, str] | None = None  # the last deleted file, for Undo
        self.new_action = self._action(self.tr("New mode…"), self.new_mode, "Ctrl+Shift+N")
        self.duplicate_action = self._action(self.tr("Duplicate mode…"), self.duplicate_mode)
        self.edit_action = self._action(self.tr("Edit mode…"), self.edit_mode, "Ctrl+Shift+T")
        self.import_action = self._action(self.tr("Import modes…"), self.import_modes)
        self.export_action = self._action(self.tr("Export mode…"), self.export_mode)
        self.reset_action = self._action(self.tr("Reset to the built-in mode"), self.reset_mode)
        self.delete_action = self._action(self.tr("Delete my mode"), self.delete_mode)
        self.undo_action = self._action(self.tr("Undo delete"), self.undo_delete)
        self.undo_action.setEnabled(False)
        self.watcher: QFileSystemWatcher | None = None
        """The mode folder's watcher, made once the window is on screen."""
        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)
        once_painted(window, self._start_watching)
        window.mode_panel.sig_mode_changed.connect(lambda _id: self._update_enabled())
        self._update_enabled()

    def _action(self, text: str, slot: object, shortcut: str = "") -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            set_shortcut(action, shortcut)
        action.triggered.connect(lambda _=False: slot())  # type: ignore[operator]
        return action

    def menu(self) -> QMenu:
        """The Modes menu."""
        menu = QMenu(self.tr("&Modes"), self.window)
        menu.addActions([self.new_action, self.duplicate_action, self.edit_action])
        menu.addSeparator()
        menu.addActions([self.import_action, self.export_action])
        menu.addSeparator()
        menu.addActions([self.reset_action, self.delete_action, self.undo_action])
        return menu

    def _current(self) -> Mode:
        return self.window.mode_panel.current_mode()

    def _update_enabled(self) -> None:
        mode = self._current()
        own = is_user_mode(mode)
        self.delete_action.setEnabled(own and mode.id not in _builtin_ids())
        self.reset_action.setEnabled(own and mode.id in _builtin_ids())

    # --- editing -------------------------------------------------------------------------------

    def open_editor(self, text: str, editing: Path | None = None) -> object:
        from assistant.ui.mode_editor import ModeEditor

        groups = sorted({m.group for m in self.window.mode_panel.modes.values() if m.group})
        editor = ModeEditor(text, self.folder, editing, groups, self.window)
        editor.sig_saved.connect(self._saved)
        editor.setModal(False)
        editor.show()
        return editor

    def new_mode(self) -> object:
        from assistant.core.prompts.mode_document import new_mode_text

        taken = set(self.window.mode_panel.modes)
        number = 1
        while f"my-mode-{number}" in taken:
            number += 1
        return self.open_editor(new_mode_text(f"my-mode-{number}", self.tr("My mode")))

    def duplicate_mode(self) -> object:
        from assistant.core.prompts import mode_files
        from assistant.core.prompts.mode_document import ModeDocument

        mode = self._current()
        document = ModeDocument(mode_files.mode_text(mode))
        taken = set(self.window.mode_panel.modes)
        copy_id, number = f"{mode.id}-copy", 2
        while copy_id in taken:
            copy_id, number = f"{mode.id}-copy-{number}", number + 1
        document.set("id", copy_id)
        document.set("title", self.tr("{0} (copy)").format(mode.title))
        return self.open_editor(document.text())

    def edit_mode(self) -> object:
        """Edit the current mode: the person's own file, or a built-in (saved as their own
        version that replaces it; Reset brings the built-in back)."""
        from assistant.core.prompts import mode_files

        mode = self._current()
        editing = Path(mode.source) if is_user_mode(mode) else None
        return self.open_editor(mode_files.mode_text(mode), editing)

    def _saved(self, mode_id: str, path: str) -> None:
        self.reload()
        self.window.mode_panel.select_mode(mode_id)
        self.window.status.set_status(self.tr("Saved the mode to {0}").format(path))

    # --- files ---------------------------------------------------------------------------------

    def import_modes(self, path: str | None = None) -> int:
        """Import a mode file or a prompt list (CSV); returns how many modes were added."""
        from assistant.core.prompts import mode_files

        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self.window,
                self.tr("Import modes"),
                "",
                self.tr("Mode files and prompt lists (*.toml *.csv);;All files (*)"),
            )
            if not path:
                return 0
        try:
            items, skipped = mode_files.read_import(Path(path))
        except mode_files.ModeFileError as exc:
            QMessageBox.warning(self.window, self.tr("Import modes"), str(exc))
            return 0
        if not self._confirm_import(items, skipped):
            return 0
        written = 0
        for item in items:
            try:
                mode_files.write_mode(item, self.folder, replace=True)
                written += 1
            except (mode_files.ModeFileError, OSError) as exc:
                QMessageBox.warning(self.window, self.tr("Import modes"), str(exc))
        self.reload()
        self.window.status.set_status(self.tr("Imported {0} mode(s).").format(written))
        return written

    def _confirm_import(self, items: list[mode_files.ModeFile], skipped: list[str]) -> bool:
        """The preview before an import: what comes in, what is replaced, what is skipped."""
        existing = set(self.window.mode_panel.modes)
        lines = [
            ("↻ " if item.mode_id in existing else "+ ") + f"{item.title} ({item.mode_id})"
            for item in items[:40]
        ]
        if len(items) > 40:
            lines.append(self.tr("… and {0} more").format(len(items) - 40))
        box = QMessageBox(self.window)
        box.setObjectName("importPreview")
        box.setWindowTitle(self.tr("Import modes"))
        box.setText(
            self.tr("Import {0} mode(s)? (↻ replaces a mode of that id)").format(len(items))
        )
        details = [*lines, self.tr("Skipped:"), *skipped] if skipped else lines
        box.setDetailedText("\n".join(details))
        box.setInformativeText("\n".join(lines[:8]))
        box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Ok

    def export_mode(self, path: str | None = None) -> None:
        from assistant.core.prompts import mode_files

        mode = self._current()
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self.window, self.tr("Export mode"), f"{mode.id}.toml", "TOML (*.toml)"
            )
            if not path:
                return
        Path(path).write_text(mode_files.mode_text(mode), encoding="utf-8", newline="")
        self.window.status.set_status(self.tr("Exported the mode to {0}").format(path))

    def reset_mode(self) -> None:
        """Remove the person's file that replaces a built-in mode (it can be undone)."""
        self._remove(self._current(), self.tr("Reset “{0}” to the built-in mode."))

    def delete_mode(self) -> None:
        self._remove(self._current(), self.tr("Deleted the mode “{0}”."))

    def _remove(self, mode: Mode, message: str) -> None:
        if not is_user_mode(mode):
            return
        path = Path(mode.source)
        self.deleted = (path, path.read_text(encoding="utf-8"))
        path.unlink()
        self.undo_action.setEnabled(True)
        self.reload()
        self.window.status.set_status(
            message.format(mode.title) + " " + self.tr("Modes → Undo delete brings it back.")
        )

    def undo_delete(self) -> None:
        if self.deleted is None:
            return
        path, text = self.deleted
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        self.deleted = None
        self.undo_action.setEnabled(False)
        self.reload()
        self.window.status.set_status(self.tr("Restored {0}").format(path.name))

    # --- reloading -----------------------------------------------------------------------------

    def _start_watching(self) -> None:
        """Watch the folder from now on; a file added or removed since the list was loaded
        (before the window was painted) reloads it at once."""
        from assistant.ui.mode_problems_banner import ModeProblemsBanner

        self._watch()
        assert self.watcher is not None
        modes = self.window.mode_panel.modes.values()
        known = {mode.source for mode in modes if is_user_mode(mode)}
        banner = self.window.findChild(ModeProblemsBanner)
        known |= {problem.source for problem in banner.problems} if banner is not None else set()
        if set(self.watcher.files()) != known:
            self._reload_timer.start()

    def _watch(self) -> None:
        if self.watcher is None:
            self.watcher = QFileSystemWatcher(self)
            self.watcher.directoryChanged.connect(lambda _path: self._reload_timer.start())
            self.watcher.fileChanged.connect(lambda _path: self._reload_timer.start())
        self.folder.mkdir(parents=True, exist_ok=True)
        paths = [str(self.folder), *(str(p) for p in self.folder.glob("*.toml"))]
        known = set(self.watcher.directories()) | set(self.watcher.files())
        new = [p for p in paths if p not in known]
        if new:
            self.watcher.addPaths(new)

    def reload(self) -> None:
        """Load the modes again and show them (problems in the banner)."""
        catalog = load_modes(self.folder)
        self.window.mode_panel.set_modes(dict(catalog))
        self.window.show_mode_problems(catalog.errors)
        self._watch()
        self._update_enabled()


def _builtin_ids() -> set[str]:
    from assistant.core.prompts.modes import builtin_modes

    return set(builtin_modes())
