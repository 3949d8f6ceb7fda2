"""The one diff view of the app: coloured hunks, inline or side by side, optionally with an
accept/reject choice per hunk.

``show_diff(old, new, by_lines)`` diffs and lays the documents out on a :class:`Worker` (the one
worker abstraction), so a 5 000-line file or two 50 000-character versions never block the GUI;
``sig_shown`` says when the diff is on screen. A newer ``show_diff`` wins over a slower older one.
Accepted hunks show what changes (deleted text struck through in red, new text in green);
rejected ones show what stays (the old text plain, the new text greyed and struck through).
``result()`` is the old text with the accepted hunks applied.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from assistant.core.text.diffs import TextDiff
from assistant.ui import diff_layout
from assistant.ui.diff_layout import DiffLayout
from assistant.ui.diff_pane import DiffPane, block_format, char_format
from assistant.ui.theme import is_dark_palette
from assistant.ui.worker import Worker

FILL_SECONDS = 0.008
"""GUI time per event-loop turn while a big diff fills its document (then the GUI's turn)."""


class DiffView(QWidget):
    """Shows one diff; with ``choosable`` each hunk can be accepted or rejected."""

    sig_shown = Signal()
    """The diff asked for last is on screen."""
    sig_choice_changed = Signal()
    """A hunk was accepted or rejected."""

    def __init__(self, parent: QWidget | None = None, *, choosable: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("diffView")
        self._layout: DiffLayout | None = None
        self._accepted: set[int] = set()
        self._by_lines = True
        self._asked = 0
        self._worker: Worker | None = None
        self._sides_filled = False
        self._filling = False
        self._clicked: DiffPane | None = None
        self.fill_seconds = FILL_SECONDS
        self.choosable = choosable
        self._build()

    def _build(self) -> None:
        self.layout_box = QComboBox()
        self.layout_box.setObjectName("diffLayoutBox")
        self.layout_box.addItems([self.tr("Inline"), self.tr("Side by side")])
        self.layout_box.currentIndexChanged.connect(self._layout_chosen)
        self.summary = QLabel()
        self.summary.setObjectName("diffSummary")
        self.accept_all_button = QPushButton(self.tr("Accept all"))
        self.accept_all_button.clicked.connect(lambda: self.set_all(True))
        self.reject_all_button = QPushButton(self.tr("Reject all"))
        self.reject_all_button.clicked.connect(lambda: self.set_all(False))
        self.all_lines_box = QCheckBox(self.tr("All lines"))
        self.all_lines_box.setObjectName("diffAllLines")
        self.all_lines_box.setToolTip(
            self.tr("Show every unchanged line, not only the lines around the changes")
        )
        self.all_lines_box.toggled.connect(self._all_lines_toggled)
        top = QHBoxLayout()
        top.addWidget(self.layout_box)
        top.addWidget(self.all_lines_box)
        top.addWidget(self.summary, 1)
        top.addWidget(self.accept_all_button)
        top.addWidget(self.reject_all_button)
        self.inline = DiffPane("diffInline")
        self.left = DiffPane("diffLeft")
        self.right = DiffPane("diffRight")
        sides = QSplitter()
        sides.addWidget(self.left)
        sides.addWidget(self.right)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.inline)
        self.stack.addWidget(sides)
        self.hunk_list = QListWidget()
        self.hunk_list.setObjectName("hunkList")
        self.hunk_list.itemChanged.connect(self._item_changed)
        self.hunk_list.currentRowChanged.connect(self._go_to_hunk)
        body = QSplitter()
        body.addWidget(self.hunk_list)
        body.addWidget(self.stack)
        body.setStretchFactor(1, 3)
        body.setSizes([220, 660])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(body, 1)
        for pane in (self.inline, self.left, self.right):
            pane.cursorPositionChanged.connect(lambda pane=pane: self._cursor_moved(pane))
        self.left.verticalScrollBar().valueChanged.connect(lambda v: self._follow(self.right, v))
        self.right.verticalScrollBar().valueChanged.connect(lambda v: self._follow(self.left, v))
        for one, other in ((self.left, self.right), (self.right, self.left)):
            one.horizontalScrollBar().valueChanged.connect(other.horizontalScrollBar().setValue)
        self._navigation()
        for widget in (self.accept_all_button, self.reject_all_button):
            widget.setVisible(self.choosable)

    # --- the diff ------------------------------------------------------------------------------

    def show_diff(self, old: str, new: str, *, by_lines: bool) -> None:
        """Diff ``old`` against ``new`` off the GUI thread, then show it (``sig_shown``)."""
        self._asked += 1
        asked = self._asked
        self._by_lines = by_lines
        self.all_lines_box.setVisible(by_lines)  # prose is shown whole
        self.summary.setText(self.tr("Comparing…"))
        if self._worker is not None:
            self._worker.quit()
        label = self._fold_label()
        self._start(lambda: diff_layout.lay_out(old, new, by_lines, label), asked, None)

    def _fold_label(self) -> str:
        """The line that stands for folded unchanged lines ("" when every line is shown)."""
        return "" if self.all_lines_box.isChecked() else self.tr("⋯ {0} unchanged lines ⋯")

    def _start(self, job: Callable[[], DiffLayout], asked: int, keep: set[int] | None) -> None:
        """Lay the documents out on a worker; ``keep``: the hunks to show accepted (None: all)."""
        if self._worker is not None:
            self._worker.quit()
        worker = Worker(lambda _report, _abort: job(), self)
        worker.sig_returned.connect(lambda layout: self._laid_out(asked, layout, keep))
        worker.sig_errored.connect(lambda error: self.summary.setText(str(error)))
        self._worker = worker
        worker.start()

    def _all_lines_toggled(self, _on: bool) -> None:
        """Fold the unchanged lines or show them all, keeping the hunks chosen."""
        if self._layout is None or not self._by_lines or self.is_busy():
            return
        self._asked += 1
        diff, label = self._layout.diff, self._fold_label()
        self._start(lambda: diff_layout.plan(diff, label), self._asked, set(self._accepted))

    def is_busy(self) -> bool:
        """True while a diff asked for is still being computed."""
        return self._filling or (self._worker is not None and self._worker.is_running)

    @property
    def diff(self) -> TextDiff | None:
        """The diff on screen (None before the first one is shown)."""
        return self._layout.diff if self._layout else None

    def _laid_out(self, asked: int, layout: DiffLayout, keep: set[int] | None) -> None:
        if asked != self._asked:
            return  # a newer diff was asked for meanwhile
        self._filling = True
        self.inline.begin(self._by_lines, is_dark_palette(self.palette()))
        self._fill_inline(asked, layout, (0, 0), keep)

    def _fill_inline(
        self, asked: int, layout: DiffLayout, at: tuple[int, int], keep: set[int] | None
    ) -> None:
        """Fill the inline document a slice per event-loop turn (the GUI never waits long)."""
        if asked != self._asked:
            return  # a newer diff took over the document
        at = self.inline.add(layout.inline, at, time.perf_counter() + self.fill_seconds)
        if at[0] < len(layout.inline):
            QTimer.singleShot(0, lambda: self._fill_inline(asked, layout, at, keep))
            return
        self.inline.end(layout.inline)
        self._filling = False
        self._layout = layout
        everything = {hunk.index for hunk in layout.diff.hunks}
        self._accepted = everything if keep is None else keep & everything
        self._sides_filled = False
        if self.stack.currentIndex() == 1:
            self._fill_sides()
        else:  # filled when first shown
            for pane in (self.left, self.right):
                pane.fill([], self._by_lines, False)
        for index in everything - self._accepted:
            self._paint(index)
        self._fill_list()
        self._update_summary()
        self.sig_shown.emit()

    def _fill_list(self) -> None:
        assert self._layout is not None
        self.hunk_list.blockSignals(True)
        self.hunk_list.clear()
        for hunk in self._layout.diff.hunks:
            removed, added, old, new = diff_layout.hunk_summary(hunk, self._by_lines)
            if self._by_lines:
                where = self.tr("Line {0}: −{1} +{2}").format(hunk.old_line, removed, added)
            else:
                where = self.tr("Line {0}").format(hunk.old_line)
            text = f"{where}\n{old or '∅'} → {new or '∅'}"
            item = QListWidgetItem(text)
            if self.choosable:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                accepted = hunk.index in self._accepted
                item.setCheckState(Qt.CheckState.Checked if accepted else Qt.CheckState.Unchecked)
            self.hunk_list.addItem(item)
        self.hunk_list.blockSignals(False)

    # --- choosing hunks ------------------------------------------------------------------------

    def accepted(self) -> set[int]:
        """Indexes of the accepted hunks."""
        return set(self._accepted)

    def set_accepted(self, index: int, accepted: bool) -> None:
        """Accept or reject one hunk."""
        item = self.hunk_list.item(index)
        if item is not None and self.choosable:
            state = Qt.CheckState.Checked if accepted else Qt.CheckState.Unchecked
            item.setCheckState(state)  # -> _item_changed

    def set_all(self, accepted: bool) -> None:
        """Accept or reject every hunk."""
        for index in range(self.hunk_list.count()):
            self.set_accepted(index, accepted)

    def result(self) -> str:
        """The old text with the accepted hunks applied."""
        return self._layout.diff.apply(self._accepted) if self._layout else ""

    def _item_changed(self, item: QListWidgetItem) -> None:
        index = self.hunk_list.row(item)
        accepted = item.checkState() == Qt.CheckState.Checked
        if accepted == (index in self._accepted):
            return
        if accepted:
            self._accepted.add(index)
        else:
            self._accepted.discard(index)
        self._paint(index)
        self._update_summary()
        self.sig_choice_changed.emit()

    def _update_summary(self) -> None:
        hunks = len(self._layout.diff.hunks) if self._layout else 0
        if not hunks:
            self.summary.setText(self.tr("No changes."))
        elif self.choosable:
            self.summary.setText(
                self.tr("{0} of {1} changes accepted").format(len(self._accepted), hunks)
            )
        else:
            self.summary.setText(self.tr("%n change(s)", "", hunks))

    def _paint(self, index: int) -> None:
        """Colour the hunk's runs in the three documents as accepted or rejected."""
        dark = is_dark_palette(self.palette())
        accepted = index in self._accepted
        for pane in (self.inline, self.left, self.right):
            for start, end, kind in pane.spans.get(index, ()):
                cursor = QTextCursor(pane.document())
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(char_format(kind, accepted, self._by_lines, dark))
                if self._by_lines:  # not the block after the run's last newline
                    cursor.setPosition(start)
                    cursor.setPosition(max(start, end - 1), QTextCursor.MoveMode.KeepAnchor)
                    cursor.setBlockFormat(block_format(kind, accepted, dark))

    # --- navigation and layout -----------------------------------------------------------------

    def _layout_chosen(self, index: int) -> None:
        if index == 1 and not self._sides_filled:
            self._fill_sides()
        self.stack.setCurrentIndex(index)

    def _fill_sides(self) -> None:
        """The side-by-side documents, filled when first shown."""
        if self._layout is None:
            return
        dark = is_dark_palette(self.palette())
        self.left.fill(self._layout.left, self._by_lines, dark)
        self.right.fill(self._layout.right, self._by_lines, dark)
        self._sides_filled = True
        for index in set(range(len(self._layout.diff.hunks))) - self._accepted:
            self._paint(index)

    def set_side_by_side(self, side_by_side: bool) -> None:
        """Show the two texts side by side (True) or one inline document (False)."""
        self.layout_box.setCurrentIndex(1 if side_by_side else 0)

    def _go_to_hunk(self, index: int) -> None:
        """A hunk chosen in the list: every document scrolls to it (not the one clicked in)."""
        if index >= 0:
            for pane in (self.inline, self.left, self.right):
                if pane is self._clicked:
                    continue
                pane.blockSignals(True)
                pane.show_hunk(index)
                pane.blockSignals(False)

    def _cursor_moved(self, pane: DiffPane) -> None:
        """A click in a hunk's text selects it in the list, without moving the text."""
        hunk = pane.hunk_at(pane.textCursor().position())
        if hunk is not None and hunk != self.hunk_list.currentRow():
            self._clicked = pane
            try:
                self.hunk_list.setCurrentRow(hunk)
            finally:
                self._clicked = None

    def _navigation(self) -> None:
        """Alt+Down / Alt+Up: the next / previous change (where the focus is in this view)."""
        for keys, step, text in (
            ("Alt+Down", 1, self.tr("Next change")),
            ("Alt+Up", -1, self.tr("Previous change")),
        ):
            action = QAction(text, self)
            action.setShortcuts([QKeySequence(keys)])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, step=step: self.step(step))
            self.addAction(action)

    def step(self, step: int) -> None:
        """Go to the change ``step`` hunks after (negative: before) the current one."""
        count = self.hunk_list.count()
        if count:
            row = self.hunk_list.currentRow()
            self.hunk_list.setCurrentRow(min(count - 1, max(0, row + step)) if row >= 0 else 0)

    def _follow(self, pane: DiffPane, value: int) -> None:
        """Keep the two sides scrolled together (line diffs line up; prose by proportion)."""
        bar = pane.verticalScrollBar()
        source = self.left if pane is self.right else self.right
        if self._by_lines:
            bar.setValue(value)
        elif source.verticalScrollBar().maximum():
            bar.setValue(round(value * bar.maximum() / source.verticalScrollBar().maximum()))
