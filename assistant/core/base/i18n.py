"""Translation hook for user-visible strings produced by the core.

The core cannot import Qt, so it calls :func:`tr`; the app installs Qt's translator at start-up
(``install(QCoreApplication.translate)``). Without one, text is returned unchanged (CLI, tests).
"""

from __future__ import annotations

import os
from collections.abc import Callable

Translator = Callable[[str, str], str]

_translator: Translator | None = None
_language = ""


def install(translator: Translator | None) -> None:
    """Route :func:`tr` through ``translator(context, text)`` (None restores the identity)."""
    global _translator
    _translator = translator


def tr(text: str, context: str = "core") -> str:
    """Translate a user-visible core string."""
    return _translator(context, text) if _translator else text


def set_language(code: str) -> None:
    """Record the UI language in use (``zh_CN``, ``en_US``), as templates' ``locale`` shows it."""
    global _language
    _language = code


def language() -> str:
    """The UI language: the one set by the app, else the environment's (``LANG``), else ``en``."""
    if _language:
        return _language
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        code = os.environ.get(name, "").split(".")[0].split("@")[0]
        if code and code not in ("C", "POSIX"):
            return code
    return "en"
