"""A table whose rows show a list of items: which item is selected, and selecting one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtWidgets import QTableView

T = TypeVar("T")


def selected_item(table: QTableView, items: Sequence[T]) -> T | None:
    """The item of the selected row (rows follow ``items``' order), or None."""
    selection = table.selectionModel()
    rows = selection.selectedRows() if selection is not None else []
    if not rows or not 0 <= rows[0].row() < len(items):
        return None
    return items[rows[0].row()]


def select_item(table: QTableView, items: Sequence[T], wanted: Callable[[T], bool]) -> bool:
    """Select the row of the first item that is ``wanted``; False when there is none."""
    for row, item in enumerate(items):
        if wanted(item):
            table.selectRow(row)
            return True
    return False
