"""A table whose rows show a list of items: building it, which item is selected, selecting one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidget

T = TypeVar("T")


def item_table(name: str, labels: list[str]) -> QTableWidget:
    """A read-only table, one row per item, selected a whole row at a time; the first column
    takes the spare width, the others fit their contents."""
    table = QTableWidget(0, len(labels))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(labels)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(labels)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


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
