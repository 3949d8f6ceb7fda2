"""The settings store seen from Qt: a signal per change, observers that die with their widget,
and the debounced save on a timer (the one save rule of ``assistant.core.config.store``)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from assistant.core.config.settings import Settings
from assistant.core.config.store import SettingsStore, observers_of

SAVE_DELAY_MS = 800
"""Changes are written this long after the last one (typing in a field writes once)."""


class QtSettings(QObject):
    """Qt adapter over a :class:`SettingsStore` (one per app; views share it)."""

    sig_changed = Signal(str)
    """A setting changed; the argument is its name, the value is on ``settings``."""

    sig_save_failed = Signal(str)
    """The settings file could not be written as asked; the argument says why, for the person."""

    def __init__(
        self, store: SettingsStore, parent: QObject | None = None, delay_ms: int = SAVE_DELAY_MS
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._save_timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._save_timer.timeout.connect(store.flush)
        store.use_save_scheduler(self._save_timer.start)
        undo = [
            store.subscribe(self.sig_changed.emit),
            store.on_save_problem(self.sig_save_failed.emit),
        ]

        def detach() -> None:
            for each in undo:
                each()
            store.use_save_scheduler(store.flush)

        self.destroyed.connect(detach)

    @property
    def settings(self) -> Settings:
        """The current values, for reading; edit them through ``store``."""
        return self.store.settings

    def observe(self, view: QObject) -> None:
        """Connect the methods of ``view`` declared with ``on_change`` (disconnected when the
        view is destroyed, so no observer outlives its widget)."""
        for method in observers_of(view):
            self.sig_changed.connect(method)

    def flush(self) -> str | None:
        """Write pending changes now (closing the app, closing a dialog)."""
        self._save_timer.stop()
        return self.store.flush()
