"""Colours for highlighted text: pygments token type -> cached ``QTextCharFormat``."""

from __future__ import annotations

from pygments.styles import get_style_by_name
from pygments.token import _TokenType as TokenType
from pygments.util import ClassNotFound
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette, QTextCharFormat

from assistant.core.text.highlight import CODE_BLOCK

LIGHT_STYLE = "friendly"
DARK_STYLE = "github-dark"


def is_dark_palette(palette: QPalette) -> bool:
    """True when the window colour is dark (a dark desktop theme)."""
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def monospace_font() -> QFont:
    """The system's fixed-pitch font."""
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


class Theme:
    """Char formats of one pygments style, built once per token type."""

    def __init__(self, style_name: str = LIGHT_STYLE) -> None:
        try:
            self._style = get_style_by_name(style_name)
            self.style_name = style_name
        except ClassNotFound:
            self._style = get_style_by_name(LIGHT_STYLE)
            self.style_name = LIGHT_STYLE
        self.is_dark = QColor(self._style.background_color).lightnessF() < 0.5
        self._formats: dict[tuple[TokenType, bool], QTextCharFormat | None] = {}
        self._code_block = QTextCharFormat()
        self._code_block.setFontFamilies(monospace_font().families())
        self._code_block.setFontFixedPitch(True)

    @classmethod
    def for_palette(cls, palette: QPalette) -> Theme:
        """The light or the dark style, whichever suits the palette's window colour."""
        return cls(DARK_STYLE if is_dark_palette(palette) else LIGHT_STYLE)

    @property
    def background(self) -> QColor:
        """The style's own background colour."""
        return QColor(self._style.background_color)

    def format(self, token: TokenType, *, in_code_block: bool = False) -> QTextCharFormat | None:
        """The format of ``token`` (None when the style leaves it plain)."""
        key = (token, in_code_block)
        if key not in self._formats:
            self._formats[key] = self._build(token, in_code_block)
        return self._formats[key]

    def code_block_format(self) -> QTextCharFormat:
        """Base format of fenced code lines in markdown (monospace)."""
        return self._code_block

    def _build(self, token: TokenType, in_code_block: bool) -> QTextCharFormat | None:
        if token is CODE_BLOCK:
            return self._code_block
        style = self._style.style_for_token(token)
        fmt = QTextCharFormat(self._code_block) if in_code_block else QTextCharFormat()
        styled = in_code_block
        if style["color"]:
            fmt.setForeground(QColor("#" + style["color"]))
            styled = True
        if style["bgcolor"] and QColor("#" + style["bgcolor"]) != self.background:
            fmt.setBackground(QColor("#" + style["bgcolor"]))
            styled = True
        if style["bold"]:
            fmt.setFontWeight(QFont.Weight.Bold)
            styled = True
        if style["italic"]:
            fmt.setFontItalic(True)
            styled = True
        if style["underline"]:
            fmt.setFontUnderline(True)
            styled = True
        return fmt if styled else None
