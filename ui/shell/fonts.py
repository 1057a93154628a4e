"""Chinese that never shows as boxes: the bundled fonts, and the UI font chosen from what is there.

The clerk's PC normally has Microsoft YaHei; a stripped or non-Windows machine may have no Chinese
font at all, so the open-licence fonts in ``resources/fonts`` are always registered with Qt and the
bundled Hei (WenQuanYi Micro Hei) becomes the UI font when nothing better is installed.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ecodesk.paths import resources_dir

log = logging.getLogger(__name__)

BUNDLED_FILES = ("wqy-microhei.ttc", "gbsn00lp.ttf", "gkai00mp.ttf")
BUNDLED_HEI = "WenQuanYi Micro Hei"
# Fonts drawn for a Chinese screen, best first. The bundled Hei closes the list, so one always exists.
PREFERRED_UI_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    BUNDLED_HEI,
)


def load_bundled_fonts() -> list[str]:
    """Register every bundled font with Qt; returns the family names that were added."""
    families: list[str] = []
    folder = resources_dir() / "fonts"
    for name in BUNDLED_FILES:
        path = folder / name
        if not path.is_file():
            log.warning("bundled font missing: %s", path)
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("Qt could not load bundled font %s", path)
            continue
        families += QFontDatabase.applicationFontFamilies(font_id)
    return families


def choose_ui_family(available: list[str] | None = None, platform: str = sys.platform) -> str:
    """The best Chinese UI family present; on Windows Microsoft YaHei when it is installed."""
    present = set(available if available is not None else QFontDatabase.families())
    candidates: tuple[str, ...] = PREFERRED_UI_FAMILIES
    if platform != "win32":
        # Outside Windows a "Microsoft YaHei" entry is usually a fontconfig alias, not the real font.
        candidates = tuple(f for f in candidates if not f.startswith("Microsoft"))
    for family in candidates:
        if family in present:
            return family
    return BUNDLED_HEI


def apply_ui_font(app: QApplication) -> str:
    """Load the bundled fonts and give the application a font that has Chinese glyphs."""
    load_bundled_fonts()
    family = choose_ui_family()
    font = QFont(app.font())
    font.setFamilies([family, BUNDLED_HEI])
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)  # 9 pt Chinese is hard to read on a 1366×768 office screen
    app.setFont(font)
    log.info("UI font: %s %.1fpt", family, font.pointSizeF())
    return family
