"""Colours: the app's light or dark palette from the ``theme`` setting, and the colours of
highlighted text (pygments token type -> cached ``QTextCharFormat``).

The ``theme`` setting is ``auto`` (the desktop's own palette), ``light`` or ``dark``. A chosen
theme asks the platform for that colour scheme (Qt 6.8 ``QStyleHints.setColorScheme``, honoured
where the platform supports it) and sets a full palette, so it also holds where the platform does
not; highlighters follow the palette through their ``PaletteChange`` events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pygments.token import _TokenType as TokenType
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from assistant.core.config.store import on_change
from assistant.core.text.highlight import CODE_BLOCK
from assistant.ui.settings_qt import QtSettings

if TYPE_CHECKING:  # made with the first highlighted token, see Theme._code_block
    from PySide6.QtGui import QTextCharFormat

LIGHT_STYLE = "friendly"
DARK_STYLE = "github-dark"


def is_dark_palette(palette: QPalette) -> bool:
    """True when the window colour is dark (a dark desktop theme)."""
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def monospace_font() -> QFont:
    """The system's fixed-pitch font."""
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


class Theme:
    """Char formats of one pygments style, built once per token type.

    The app's own two styles are loaded when first needed (``pygments.styles`` is not imported
    before the window shows); any other name is looked up at once and falls back to the light one.
    """

    def __init__(self, style_name: str = LIGHT_STYLE) -> None:
        self.style_name = style_name
        self._loaded: Any = None
        if style_name not in (LIGHT_STYLE, DARK_STYLE):
            self.style_name, self._loaded = _style_or_light(style_name)
        self._formats: dict[tuple[TokenType, bool], QTextCharFormat | None] = {}
        self._code_block_format: QTextCharFormat | None = None

    @classmethod
    def for_palette(cls, palette: QPalette) -> Theme:
        """The light or the dark style, whichever suits the palette's window colour."""
        return cls(DARK_STYLE if is_dark_palette(palette) else LIGHT_STYLE)

    @property
    def _style(self) -> Any:
        """The pygments style class."""
        if self._loaded is None:
            self.style_name, self._loaded = _style_or_light(self.style_name)
        return self._loaded

    @property
    def is_dark(self) -> bool:
        """True when the style's background is dark."""
        return self.background.lightnessF() < 0.5

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

    @property
    def _code_block(self) -> QTextCharFormat:
        """Made with the first highlighted token: an empty view is painted without
        ``QTextCharFormat`` (making its type and enums: ~13 M instructions, callgrind)."""
        if self._code_block_format is None:
            from PySide6.QtGui import QTextCharFormat

            self._code_block_format = fmt = QTextCharFormat()
            fmt.setFontFamilies(monospace_font().families())
            fmt.setFontFixedPitch(True)
        return self._code_block_format

    def _build(self, token: TokenType, in_code_block: bool) -> QTextCharFormat | None:
        if token is CODE_BLOCK:
            return self._code_block
        style = self._style.style_for_token(token)
        from PySide6.QtGui import QTextCharFormat

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


def _style_or_light(name: str) -> tuple[str, Any]:
    """(name, the pygments style class) of ``name``, else of the light style."""
    from pygments.styles import get_style_by_name
    from pygments.util import ClassNotFound

    try:
        return name, get_style_by_name(name)
    except ClassNotFound:
        return LIGHT_STYLE, get_style_by_name(LIGHT_STYLE)


# -- the application palette ----------------------------------------------------------------------

_Role = QPalette.ColorRole
_PALETTES: dict[str, dict[QPalette.ColorRole, str]] = {
    "light": {
        _Role.Window: "#efefef",
        _Role.WindowText: "#1a1a1a",
        _Role.Base: "#ffffff",
        _Role.AlternateBase: "#f5f5f5",
        _Role.ToolTipBase: "#ffffdc",
        _Role.ToolTipText: "#1a1a1a",
        _Role.PlaceholderText: "#808080",
        _Role.Text: "#1a1a1a",
        _Role.Button: "#efefef",
        _Role.ButtonText: "#1a1a1a",
        _Role.BrightText: "#ffffff",
        _Role.Light: "#ffffff",
        _Role.Midlight: "#cacaca",
        _Role.Mid: "#b8b8b8",
        _Role.Dark: "#9f9f9f",
        _Role.Shadow: "#767676",
        _Role.Highlight: "#308cc6",
        _Role.HighlightedText: "#ffffff",
        _Role.Link: "#0b57d0",
        _Role.LinkVisited: "#7b3fb5",
    },
    "dark": {
        _Role.Window: "#2d2d2d",
        _Role.WindowText: "#e6e6e6",
        _Role.Base: "#1e1e1e",
        _Role.AlternateBase: "#262626",
        _Role.ToolTipBase: "#3a3a3a",
        _Role.ToolTipText: "#e6e6e6",
        _Role.PlaceholderText: "#8c8c8c",
        _Role.Text: "#e6e6e6",
        _Role.Button: "#353535",
        _Role.ButtonText: "#e6e6e6",
        _Role.BrightText: "#ffffff",
        _Role.Light: "#4a4a4a",
        _Role.Midlight: "#3e3e3e",
        _Role.Mid: "#2a2a2a",
        _Role.Dark: "#1a1a1a",
        _Role.Shadow: "#0f0f0f",
        _Role.Highlight: "#2f6fb3",
        _Role.HighlightedText: "#ffffff",
        _Role.Link: "#7cb4ff",
        _Role.LinkVisited: "#c29bff",
    },
}
_DISABLED = {"light": "#a0a0a0", "dark": "#7a7a7a"}
_APPLIED = "assistantTheme"  # application property: the theme set last


def palette_for(theme: str) -> QPalette | None:
    """The full palette of a chosen theme; None for ``auto`` (the desktop's own)."""
    colours = _PALETTES.get(theme)
    if colours is None:
        return None
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (_Role.WindowText, _Role.Text, _Role.ButtonText, _Role.PlaceholderText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(_DISABLED[theme]))
    return palette


def apply_theme(theme: str, app: QApplication | None = None) -> None:
    """Give the application the palette of ``theme`` (``auto``: back to the desktop's own)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if not isinstance(app, QApplication):
        return
    previous = app.property(_APPLIED) or "auto"
    if theme in ("light", "dark"):
        from PySide6.QtCore import Qt  # here: the default (auto) starts without it (ui/qt_keys.py)

        scheme = Qt.ColorScheme.Light if theme == "light" else Qt.ColorScheme.Dark
        app.styleHints().setColorScheme(scheme)
    elif previous != "auto":
        app.styleHints().unsetColorScheme()
    palette = palette_for(theme)
    if palette is not None:
        app.setPalette(palette)
    elif previous != "auto":
        app.setPalette(QPalette())  # nothing set: the platform's palette again
    app.setProperty(_APPLIED, theme)
    if palette is not None or previous != "auto":
        _repolish_style_sheets(app)


def _repolish_style_sheets(app: QApplication) -> None:
    """Widgets with a style sheet of their own keep the palette they were polished with; set
    their sheet again so a theme chosen while the window is open reaches them too."""
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet)


class ThemeFollower(QObject):
    """Applies the ``theme`` setting at start and whenever it changes."""

    def __init__(self, settings: QtSettings, parent: QObject | None = None) -> None:
        super().__init__(parent or settings)
        self._settings = settings
        apply_theme(settings.settings.theme)
        settings.observe(self)

    @on_change("theme")
    def _theme_changed(self, name: str) -> None:
        apply_theme(self._settings.settings.theme)


class ThemeMenu(QMenu):
    """View → Theme: System, Light or Dark; shows the setting and follows it."""

    def __init__(self, settings: QtSettings, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("&Theme"), parent)
        self.setObjectName("themeMenu")
        self._settings = settings
        self._group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for theme, label in (
            ("auto", self.tr("System")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        ):
            action = self.addAction(label)
            action.setCheckable(True)
            action.setData(theme)
            action.triggered.connect(lambda _=False, t=theme: self._choose(t))
            self._group.addAction(action)
            self.theme_actions[theme] = action
        self._theme_changed("theme")
        settings.observe(self)

    def _choose(self, theme: str) -> None:
        self._settings.store.set("theme", theme)

    @on_change("theme")
    def _theme_changed(self, name: str) -> None:
        action = self.theme_actions.get(self._settings.settings.theme)
        if action is not None:
            action.setChecked(True)
