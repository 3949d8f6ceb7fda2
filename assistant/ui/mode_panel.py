"""The mode side of the window: the list of modes, the chosen mode's form and its parameters.

A mode's form is built the first time it is shown (start-up builds only the last-used one). The
input of every mode is kept as a draft while the person types, written shortly after the last
keystroke, and put back in the form when it is built. The last mode and each mode's parameters
are settings: edited through the settings store, and followed when they change elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from assistant.core.config.settings import Settings
from assistant.core.config.store import on_change
from assistant.core.prompts.modes import Mode
from assistant.core.prompts.request import merge_params
from assistant.core.storage.drafts import DraftStore
from assistant.ui.mode_form import ModeForm, tr_mode
from assistant.ui.params_panel import ParamsPanel
from assistant.ui.paste_watch import PasteWatch
from assistant.ui.qt_keys import USER_ROLE, set_shortcut
from assistant.ui.settings_qt import QtSettings

DRAFT_DELAY_MS = 400  # drafts are written this long after the last keystroke


class ModePanel(QWidget):
    """Mode list | the current mode's form, its parameters and a footer (the buttons)."""

    sig_mode_changed = Signal(str)
    """(mode id) Another mode was chosen (its form is shown)."""
    sig_status = Signal(str)
    """A line for the status bar (paste notices, draft problems)."""

    def __init__(
        self,
        modes: dict[str, Mode],
        settings: QtSettings,
        drafts: DraftStore | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.modes = modes
        self.store = settings.store
        self._editing = False  # the parameters being announced were typed here
        self.drafts = drafts
        self._forms: dict[str, ModeForm] = {}
        self._waiting_drafts: dict[str, dict[str, Any]] = {}  # for forms not built yet
        self._dirty_drafts: set[str] = set()
        self._draft_timer = QTimer(self, singleShot=True, interval=DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_drafts)
        self.paste_watch = PasteWatch(self)  # says what pasting changed (line endings, bytes)
        self.paste_watch.sig_notice.connect(self.sig_status)
        self.paste_watch.paste_image = self._paste_image
        self.mode_list = QListWidget()
        self.mode_list.setObjectName("modeList")
        self.mode_list.setMaximumWidth(210)
        self.mode_list.setMinimumWidth(150)
        self.mode_list.setStyleSheet("QListWidget#modeList::item { padding: 6px 4px; }")
        self._fill_list()
        for number in range(1, 10):
            action = QAction(self)
            set_shortcut(action, f"Ctrl+{number}")
            action.triggered.connect(lambda _=False, row=number - 1: self.select_row(row))
            self.addAction(action)
        self.forms = QStackedWidget()
        self.params_panel = ParamsPanel()
        self.params_panel.sig_changed.connect(self._params_edited)
        self.params_panel.repetition.model_default = self.model_repetition
        middle = QWidget()
        self._column = QVBoxLayout(middle)
        self._column.addWidget(self.forms, 1)
        self._column.addWidget(self.params_panel)
        splitter = QSplitter()  # horizontal
        splitter.addWidget(self.mode_list)
        splitter.addWidget(middle)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([170, 480])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.mode_list.currentRowChanged.connect(self._mode_chosen)
        settings.observe(self)

    @property
    def settings(self) -> Settings:
        """The current values (read only: edits go through ``store``)."""
        return self.store.settings

    @on_change("last_mode")
    def _last_mode_changed(self, name: str) -> None:
        self.select_mode(self.settings.last_mode)

    @on_change("mode_params")
    def _mode_params_changed(self, name: str) -> None:
        if not self._editing:
            mode = self.current_mode()
            self.params_panel.set_params(merge_params(mode, self.settings.mode_params.get(mode.id)))

    def add_footer(self, row: QLayout) -> None:
        """Put ``row`` under the parameters (the Stop and Generate buttons)."""
        self._column.addLayout(row)

    # --- modes and forms -----------------------------------------------------------------------

    def _fill_list(self) -> None:
        """One row per mode, under a header per group (when there are several); the person's own
        modes are marked."""
        self.mode_list.clear()
        self._headers: list[QListWidgetItem] = []
        grouped: dict[str, list[Mode]] = {}  # groups in the order of their first mode
        for mode in self.modes.values():
            grouped.setdefault(mode.group, []).append(mode)
        self.ordered_ids = [mode.id for modes in grouped.values() for mode in modes]
        shown_group: str | None = None
        for mode in (self.modes[mode_id] for mode_id in self.ordered_ids):
            if len(grouped) > 1 and mode.group != shown_group:
                shown_group = mode.group
                header = QListWidgetItem(tr_mode(mode.group) or self.tr("Other"), self.mode_list)
                self._headers.append(header)
                font = header.font()
                font.setBold(True)
                font.setPointSizeF(font.pointSizeF() * 0.9)
                header.setFont(font)
            own = not mode.source.startswith("builtin:")
            title = tr_mode(mode.title)
            item = QListWidgetItem(f"✎ {title}" if own else title, self.mode_list)
            item.setData(USER_ROLE, mode.id)
            tip = tr_mode(mode.description)
            if own:
                tip = self.tr("Your own mode ({0})").format(mode.source) + (
                    "\n" + tip if tip else ""
                )
            item.setToolTip(tip)

    def settle_headers(self) -> None:
        """Make the group headers unselectable (after the first paint: ``Qt``'s enums cost
        start-up time, see ui/qt_keys.py; until then choosing one picks its first mode)."""
        from PySide6.QtCore import Qt

        for header in self._headers:
            header.setFlags(Qt.ItemFlag.NoItemFlags)

    def _row_of(self, mode_id: str) -> int:
        for row in range(self.mode_list.count()):
            if self.mode_list.item(row).data(USER_ROLE) == mode_id:
                return row
        return -1

    def set_modes(self, modes: dict[str, Mode]) -> None:
        """Show ``modes`` instead (a mode file was added, changed or removed): forms of changed
        modes are rebuilt with the input they held, the current mode stays chosen if it still
        exists."""
        current = self.current_mode().id if self.modes else ""
        for mode_id, form in list(self._forms.items()):
            if modes.get(mode_id) != form.mode:
                self._waiting_drafts[mode_id] = form.values()
                self.forms.removeWidget(form)
                form.deleteLater()
                del self._forms[mode_id]
        self.modes.clear()
        self.modes.update(modes)  # the same dict the window's services hold
        blocked = self.mode_list.blockSignals(True)
        try:
            self._fill_list()
        finally:
            self.mode_list.blockSignals(blocked)
        self.settle_headers()
        if current in self.modes:
            self.mode_list.setCurrentRow(self._row_of(current))
            self._mode_chosen(self._row_of(current))
        else:
            self.select_row(0)

    def current_mode(self) -> Mode:
        item = self.mode_list.currentItem()
        mode_id = item.data(USER_ROLE) if item else None
        return self.modes[mode_id] if mode_id in self.modes else next(iter(self.modes.values()))

    def current_form(self) -> ModeForm:
        return self.form(self.current_mode().id)

    def form(self, mode_id: str) -> ModeForm:
        """The form of ``mode_id``, built now if it was never shown."""
        form = self._forms.get(mode_id)
        if form is None:
            form = ModeForm(self.modes[mode_id])
            form.set_values(self._waiting_drafts.pop(mode_id, {}))
            form.sig_changed.connect(self._input_changed)
            form.sig_status.connect(self.sig_status)
            self.paste_watch.watch(form.findChildren(QPlainTextEdit))
            self._forms[mode_id] = form
            self.forms.addWidget(form)
        return form

    def _paste_image(self, editor: QPlainTextEdit) -> bool:
        """Ctrl+V of a screenshot in a text field: attach it to the form's image field."""
        images = self.current_form().image_field
        return images is not None and images.paste()

    def built_forms(self) -> list[ModeForm]:
        """The forms built so far (the modes shown since start)."""
        return list(self._forms.values())

    def select_mode(self, mode_id: str) -> None:
        row = self._row_of(mode_id)
        if row >= 0:
            self.mode_list.setCurrentRow(row)

    def select_row(self, number: int) -> None:
        """Choose the ``number``-th mode as listed (from 0, group headers not counted)."""
        if 0 <= number < len(self.ordered_ids):
            self.select_mode(self.ordered_ids[number])

    def _mode_chosen(self, row: int) -> None:
        if row < 0:
            return
        if self.mode_list.item(row).data(USER_ROLE) is None:  # a group header: its first mode
            self.mode_list.setCurrentRow(min(row + 1, self.mode_list.count() - 1))
            return
        mode = self.current_mode()
        self.forms.setCurrentWidget(self.form(mode.id))
        self.params_panel.set_params(merge_params(mode, self.settings.mode_params.get(mode.id)))
        self.store.set("last_mode", mode.id)
        self.sig_mode_changed.emit(mode.id)

    def _params_edited(self) -> None:
        mode = self.current_mode()
        defaults = mode.params.to_dict()
        changed = {
            key: value
            for key, value in self.params_panel.params().to_dict().items()
            if key != "model" and value != defaults.get(key)
        }
        self._editing = True
        try:
            self.store.set_mode_params(mode.id, changed)
        finally:
            self._editing = False

    def raise_repetition(self) -> None:
        """One step more Repetition under Parameters (from the model's own default if unset)."""
        from assistant.core.providers.sampling import raised

        current = self.params_panel.params().repetition
        if current is None:  # the model's own: its family's default
            current = self.model_repetition()
        self.params_panel.repetition.setValue(raised(current))

    def model_repetition(self) -> float:
        """The Repetition strength of the built-in engine's model (its family's default)."""
        from assistant.core.engine.catalogue import DEFAULT_REPETITION, default_repetition
        from assistant.core.engine.models import default_model_path

        path = self.settings.engine_model_path or default_model_path()
        return default_repetition(Path(path)) if path else DEFAULT_REPETITION

    # --- drafts --------------------------------------------------------------------------------

    def restore_drafts(self) -> None:
        """Put each mode's saved input back (into its form when it is built)."""
        if self.drafts is None:
            return
        try:
            drafts = self.drafts.load_all()
        except Exception as exc:
            self.sig_status.emit(self.tr("Drafts could not be read: {0}").format(exc))
            return
        for mode_id, values in drafts.items():
            if mode_id in self._forms:
                self._forms[mode_id].set_values(values)
            elif mode_id in self.modes:
                self._waiting_drafts[mode_id] = values
        self._dirty_drafts.clear()

    def _input_changed(self) -> None:
        """Remember which mode's input changed; write it shortly after the last keystroke."""
        form = self.sender()
        if isinstance(form, ModeForm):
            self._dirty_drafts.add(form.mode.id)
            self._draft_timer.start()

    def save_drafts(self) -> None:
        """Write the input of every mode edited since the last save."""
        if self.drafts is None:
            self._dirty_drafts.clear()
            return
        for mode_id in sorted(self._dirty_drafts):
            try:
                self.drafts.save(mode_id, self._forms[mode_id].values())
            except Exception as exc:
                self.sig_status.emit(self.tr("The draft could not be saved: {0}").format(exc))
                return
        self._dirty_drafts.clear()
