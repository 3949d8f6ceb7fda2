"""Translation hook for user-visible strings produced by the core.

The core cannot import Qt, so it calls :func:`tr`; the app installs Qt's translator at start-up
(``install(QCoreApplication.translate)``). Without one, text is returned unchanged (CLI, tests).
"""

from __future__ import annotations

from collections.abc import Callable

Translator = Callable[[str, str], str]

_translator: Translator | None = None


def install(translator: Translator | None) -> None:
    """Route :func:`tr` through ``translator(context, text)`` (None restores the identity)."""
    global _translator
    _translator = translator


def tr(text: str, context: str = "core") -> str:
    """Translate a user-visible core string."""
    return _translator(context, text) if _translator else text
