"""GB/T 9704-2012 page geometry in PDF points (origin bottom-left, as reportlab draws).

The text block is a grid of 22 lines × 28 cells; body characters sit in their cells rather than at
their natural 16 pt advance, which is what makes a printout measure like the standard.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A4

MM = 72.0 / 25.4
PAGE_W, PAGE_H = float(A4[0]), float(A4[1])
LEFT = 28 * MM  # 订口
TOP = 37 * MM  # 天头
BLOCK_W = 156 * MM
BLOCK_H = 225 * MM
LINES = 22
CHARS = 28
CELL = BLOCK_W / CHARS  # one 3号 character cell, 15.79 pt
PITCH = BLOCK_H / LINES  # line pitch, 28.95 pt
RIGHT = LEFT + BLOCK_W
BLOCK_TOP_Y = PAGE_H - TOP
BLOCK_BOTTOM_Y = BLOCK_TOP_Y - BLOCK_H

SIZE_3 = 16.0  # 三号
SIZE_4 = 14.0  # 四号
SIZE_2 = 22.0  # 二号
SIZE_0 = 42.0  # 初号: 发文机关标志
BASELINE_RATIO = 0.88  # baseline this far (× size) below the top of a character's em box

RED = (230 / 255, 0.0, 18 / 255)  # #E60012


def line_top(index: int) -> float:
    """y of the top of grid line ``index`` (0-based) of the text block."""
    return BLOCK_TOP_Y - index * PITCH


def baseline_for_top(top: float, size: float, descent: float | None = None) -> float:
    """The baseline that puts a ``size`` character's em box top at ``top``.

    Lines mixing fonts use one fixed ratio so their baselines agree; a line in a single font (the
    red head, the title) passes the font's own ``descent`` (1/1000 em, negative) so its em box,
    as viewers and PDF tools compute it, starts exactly at ``top``.
    """
    if descent is None:
        return top - BASELINE_RATIO * size
    return top - size * (1 + descent / 1000)
