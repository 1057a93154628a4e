"""Issue 20 point 10: Windows 11 in dark mode must not turn the program pale-on-white.

Windows' colour scheme cannot be switched on Qt's offscreen platform, so the dark mode is simulated
the way it reaches the program: Qt hands the application a dark palette. Then the program's palette
(``ui.shell.palette``) is applied as ``ui.shell.app`` does, and the main window is looked at: the
palette's text against its backgrounds, and the navigation bar — a light style sheet — as drawn.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit

from ecodesk.db import Database
from tests.ui.helpers import keep_shot
from ui.shell.main_window import MainWindow
from ui.shell.palette import apply_light_palette

pytestmark = pytest.mark.gui

Role = QPalette.ColorRole
Group = QPalette.ColorGroup
READABLE = 7.0  # WCAG's contrast ratio for small text at level AAA
READABLE_GREYED = 4.0  # a greyed-out field (Fusion's own pale grey is 1.9:1 on its window)


def dark_palette() -> QPalette:
    """What Qt gives an application on Windows 11 in dark mode (its windows11 style's colours)."""
    palette = QPalette()
    for role, colour in {
        Role.Window: QColor(32, 32, 32),
        Role.WindowText: QColor(255, 255, 255),
        Role.Base: QColor(45, 45, 45),
        Role.AlternateBase: QColor(55, 55, 55),
        Role.Text: QColor(255, 255, 255),
        Role.Button: QColor(60, 60, 60),
        Role.ButtonText: QColor(255, 255, 255),
        Role.PlaceholderText: QColor(200, 200, 200),
        Role.ToolTipBase: QColor(43, 43, 43),
        Role.ToolTipText: QColor(255, 255, 255),
    }.items():
        palette.setColor(role, colour)
    return palette


@pytest.fixture
def dark_mode(qapp: QApplication) -> Iterator[QApplication]:
    """The application as Windows' dark mode leaves it; its own style and palette back afterwards."""
    style, palette = qapp.style().name(), qapp.palette()
    qapp.setPalette(dark_palette())
    yield qapp
    qapp.setStyle(style)
    qapp.setPalette(palette)


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 … 21)."""

    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def dark_pixels(image: QImage) -> int:
    """Pixels dark enough to be text on the navigation bar's pale grey."""
    return sum(
        1
        for y in range(image.height())
        for x in range(image.width())
        if QColor(image.pixel(x, y)).lightness() < 110
    )


def test_in_dark_mode_the_window_is_still_dark_on_light(qtbot, dark_mode: QApplication, db: Database) -> None:
    apply_light_palette(dark_mode)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    edit = QLineEdit("张建国")
    qtbot.addWidget(edit)
    for palette in (window.palette(), edit.palette(), window.nav.palette()):
        for group, needed in ((Group.Active, READABLE), (Group.Disabled, READABLE_GREYED)):
            for text, ground in (
                (Role.Text, Role.Base),
                (Role.WindowText, Role.Window),
                (Role.ButtonText, Role.Button),
            ):
                fore, back = palette.color(group, text), palette.color(group, ground)
                assert fore.lightness() < back.lightness(), (
                    group,
                    text,
                )  # dark on light, as the style sheets assume
                assert contrast(fore, back) >= needed, (group, text)
    assert dark_mode.style().name().lower() == "fusion"
    # The navigation bar's light style sheet draws its labels (工作台, 巡查日志 …) in dark text; the
    # unselected items are below the first (selected, white on blue).
    nav = window.nav.grab().toImage()
    first = window.nav.visualItemRect(window.nav.item(0))
    below = nav.copy(0, first.bottom() + 1, nav.width(), nav.height() - first.bottom() - 1)
    assert dark_pixels(below) > 200
    keep_shot(window, "dark_mode_main_window.png")
