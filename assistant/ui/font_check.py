"""Glyphs no font can show: on a machine without a CJK font, Chinese, Japanese or Korean text
is drawn as empty boxes. :class:`GlyphWarning` says so once per script and session, naming the
font package to install, instead of letting a person stare at boxes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QFontDatabase

WritingSystem = QFontDatabase.WritingSystem

_SCRIPT_RANGES: tuple[tuple[WritingSystem, tuple[tuple[int, int], ...]], ...] = (
    (WritingSystem.Japanese, ((0x3040, 0x30FF),)),  # hiragana, katakana
    (WritingSystem.Korean, ((0xAC00, 0xD7AF), (0x1100, 0x11FF))),  # hangul
    (
        WritingSystem.SimplifiedChinese,  # han ideographs (shared by zh, ja, ko), CJK punctuation
        ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x3000, 0x303F), (0xFF00, 0xFFEF)),
    ),
)
_SCRIPT_NAMES = {
    WritingSystem.Japanese: "日本語",
    WritingSystem.Korean: "한국어",
    WritingSystem.SimplifiedChinese: "中文",
}
FONT_HINT = "fonts-noto-cjk / fonts-wqy-microhei"
"""The Debian packages that give Chinese, Japanese and Korean glyphs."""


def scripts_in(text: str) -> set[WritingSystem]:
    """The CJK writing systems whose characters occur in ``text``."""
    found: set[WritingSystem] = set()
    for char in text:
        code = ord(char)
        if code < 0x1100:
            continue
        for system, ranges in _SCRIPT_RANGES:
            if system not in found and any(low <= code <= high for low, high in ranges):
                found.add(system)
    return found


def script_name(system: WritingSystem) -> str:
    """The script's name in itself (中文, 日本語, 한국어)."""
    return _SCRIPT_NAMES[system]


def has_font_for(system: WritingSystem) -> bool:
    """True when an installed font supports ``system``."""
    return bool(QFontDatabase.families(system))


class GlyphWarning:
    """Calls ``warn(message)`` the first time text needs a script that no installed font has."""

    def __init__(
        self,
        warn: Callable[[str], None],
        has_font: Callable[[WritingSystem], bool] = has_font_for,
    ) -> None:
        self._warn = warn
        self._has_font = has_font
        self._checked: set[WritingSystem] = set()

    def check(self, text: str) -> bool:
        """Warn about the scripts of ``text`` not checked before; True if a warning was given."""
        missing = []
        for system in sorted(scripts_in(text) - self._checked, key=lambda s: s.value):
            self._checked.add(system)
            if not self._has_font(system):
                missing.append(script_name(system))
        if not missing:
            return False
        self._warn(missing_font_message(missing))
        return True


def missing_font_message(scripts: list[str]) -> str:
    """What to say when no font has the glyphs of ``scripts``."""
    from PySide6.QtCore import QCoreApplication

    return (
        QCoreApplication.translate(
            "GlyphWarning",
            "No installed font can show {scripts} text, so it appears as empty boxes. "
            "Install a CJK font (on Debian/Ubuntu: {packages}) and restart the app.",
        )
        .replace("{scripts}", " / ".join(scripts))
        .replace("{packages}", FONT_HINT)
    )
