"""A cheaper answer to the question PySide asks of every module imported after it.

To know whether a module's ``from __feature__ import ...`` switches apply, PySide 6 looks for the
text "PySide6" in each newly imported module's source, read with ``inspect.getsource`` (its
``shibokensupport.feature._mod_uses_pyside``), which also keeps every module's text in
``linecache``. ``import openai`` after the window shows brings some 900 modules: the check took
~120 ms of its ~550 ms CPU here (``time.process_time`` with and without it). Searching the file's
bytes gives the same answer; modules without a plain source file still get PySide's own check, and
a PySide without this hook is left alone.
"""

from __future__ import annotations

import sys
from types import ModuleType

FEATURE_MODULE = "shibokensupport.feature"
MARKER = b"PySide6"


def install() -> bool:
    """Answer PySide's check from the module file's bytes; True when the hook was found."""
    feature = sys.modules.get(FEATURE_MODULE)
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or original is None:
        return False
    if hasattr(original, "pyside_check"):
        return True  # installed already

    def mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(original(module))
        try:
            with open(path, "rb") as source:
                return MARKER in source.read()
        except OSError:
            return bool(original(module))

    mod_uses_pyside.pyside_check = original  # type: ignore[attr-defined]
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[attr-defined]
    return True
