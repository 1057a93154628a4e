"""The same light look on every PC, whatever Windows' colour mode.

The program's style sheets and row colours are drawn for a light window (the navigation bar's pale
grey, the status chips, the 超期 red and 到期 amber rows). On Windows 11 in dark mode Qt's default
style takes the system's dark palette, so the text turned white on those pale backgrounds and could
not be read. Rather than make every style sheet follow the palette, the program keeps one look: Qt's
Fusion style (drawn by Qt the same on Windows 10, 11 and in the tests, which run on Linux with it)
and an explicit light palette — the colours of Fusion's own light palette, written out so a dark system
palette cannot leak in. Where Qt can be told (6.8 and later), it is also asked for the light scheme,
so the title bars and Qt's own dialogs match.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

STYLE = "Fusion"

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup

_WINDOW = QColor(239, 239, 239)
_TEXT = QColor(0, 0, 0)
_BASE = QColor(255, 255, 255)
_DISABLED_TEXT = QColor(110, 110, 110)  # still readable (4.4:1 on the window), unlike Fusion's pale grey
_HIGHLIGHT = QColor(48, 140, 198)

_COLOURS: dict[QPalette.ColorRole, QColor] = {
    _Role.Window: _WINDOW,
    _Role.WindowText: _TEXT,
    _Role.Base: _BASE,
    _Role.AlternateBase: QColor(247, 247, 247),
    _Role.ToolTipBase: QColor(255, 255, 220),
    _Role.ToolTipText: _TEXT,
    _Role.PlaceholderText: QColor(0, 0, 0, 128),
    _Role.Text: _TEXT,
    _Role.Button: _WINDOW,
    _Role.ButtonText: _TEXT,
    _Role.BrightText: QColor(255, 255, 255),
    _Role.Light: QColor(255, 255, 255),
    _Role.Midlight: QColor(202, 202, 202),
    _Role.Mid: QColor(184, 184, 184),
    _Role.Dark: QColor(159, 159, 159),
    _Role.Shadow: QColor(118, 118, 118),
    _Role.Highlight: _HIGHLIGHT,
    _Role.HighlightedText: QColor(255, 255, 255),
    _Role.Link: QColor(0, 0, 255),
    _Role.LinkVisited: QColor(255, 0, 255),
}
_DISABLED: dict[QPalette.ColorRole, QColor] = {
    _Role.WindowText: _DISABLED_TEXT,
    _Role.Text: _DISABLED_TEXT,
    _Role.ButtonText: _DISABLED_TEXT,
    _Role.Base: _WINDOW,
    _Role.Highlight: QColor(145, 145, 145),
}


def light_palette() -> QPalette:
    """Black on white and light grey, in every state of every widget."""
    palette = QPalette()
    for role, colour in _COLOURS.items():
        palette.setColor(role, colour)  # all groups: active, inactive, disabled
    for role, colour in _DISABLED.items():
        palette.setColor(_Group.Disabled, role, colour)
    return palette


def apply_light_palette(app: QApplication) -> None:
    """Fusion and the light palette for the whole program (once, at start-up, before any window)."""
    app.setStyle(STYLE)  # before the palette: setting a style resets the palette to the style's own
    hints = app.styleHints()
    if hasattr(hints, "setColorScheme"):  # Qt 6.8+
        hints.setColorScheme(Qt.ColorScheme.Light)
    app.setPalette(light_palette())
