"""Qt enum values set by their key names, so the window's first paint does without ``Qt``.

The first use of PySide's ``Qt`` namespace (``from PySide6.QtCore import Qt``) makes all of its 93
Python enums at once: ~125 M instructions under callgrind, as much as a fifth of the whole start-up
(tests/benchmarks/startup.py). What is built before the first paint sets Qt enum properties through
``QObject.setProperty`` with the key names, which Qt converts itself, and passes item roles and
alignment as the plain ints the C++ signatures take; code that runs later uses ``Qt`` as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

USER_ROLE = 0x0100
"""``Qt.ItemDataRole.UserRole``."""
TOOLTIP_ROLE = 3
"""``Qt.ItemDataRole.ToolTipRole``."""
ALIGN_RIGHT = 0x0002
"""``Qt.AlignmentFlag.AlignRight`` (for ``QPainter.drawText``'s ``int`` flags)."""


def set_keys(target: QObject, name: str, keys: str) -> None:
    """Set the Qt enum or flags property ``name`` of ``target`` to ``keys`` (``"A"``, ``"A|B"``)."""
    if not target.setProperty(name, keys):
        raise ValueError(f"{type(target).__name__}.{name} cannot be {keys!r}")


def set_shortcut(action: QAction, key: str | QKeySequence.StandardKey) -> None:
    """``action.setShortcut(key)``: the key, or the first binding of a standard key (as
    ``QKeySequence(key)`` has it); the one-key overloads make ``Qt`` to choose between them."""
    if isinstance(key, str):
        action.setShortcuts([QKeySequence(key)])
    else:
        action.setShortcuts(QKeySequence.keyBindings(key)[:1])
