"""Chinese line breaking with 避头尾, done by us (reportlab's CJK wrap uses Japanese rules).

Pure functions over a string and the advance of each character, so the rules are unit-tested without
fonts or PDFs. The layout supplies the advances: on the GB/T 9704 grid a full-width character takes
one cell (156 mm / 28) and a half-width one (digits, Latin) its natural width.

Rules:
- no line begins with closing punctuation (``NO_START``) and none ends with opening punctuation
  (``NO_END``); when the greedy break point breaks a rule, characters move to the next line;
- a run of half-width letters/digits/symbols (``PM2.5``, ``2023--2024``, ``100%``) stays together
  unless it is too long for half a line; Latin text breaks at spaces;
- ``——`` and ``……`` are never split.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

NO_START = frozenset("，。、；：！？）》”』」’〕】〉〗〙〛］｝…·・‥々〜～％‰℃°,.;:!?)]}%")
NO_END = frozenset("（《“『「‘〔【〈〖〘〚［｛([{")
_UNSPLITTABLE = frozenset("—…")
_EPS = 0.01


def is_wide(ch: str) -> bool:
    """True for characters that take a full grid cell (CJK, full-width and Chinese punctuation)."""
    return unicodedata.east_asian_width(ch) in ("W", "F", "A")


def _is_word_char(ch: str) -> bool:
    return not is_wide(ch) and not ch.isspace()


def can_break(text: str, i: int, *, keep_words: bool = True) -> bool:
    """May a line end before ``text[i]``? (0 < i < len(text))."""
    before, after = text[i - 1], text[i]
    if after in NO_START or before in NO_END:
        return False
    if before == after and before in _UNSPLITTABLE:
        return False
    return not (keep_words and _is_word_char(before) and _is_word_char(after))


def break_lines(
    text: str, advances: Sequence[float], width: float, first_width: float | None = None
) -> list[tuple[int, int]]:
    """Split ``text`` into lines no wider than ``width`` (``first_width`` for the first line).

    Returns ``(start, end)`` index pairs; spaces at a wrapped line's start are dropped. A line never
    comes out empty; a single character wider than the line still gets a line of its own.
    """
    if len(advances) != len(text):
        raise ValueError("one advance per character")
    lines: list[tuple[int, int]] = []
    start, n = 0, len(text)
    avail = width if first_width is None else first_width
    while start < n:
        total, end = 0.0, start
        while end < n and total + advances[end] <= avail + _EPS:
            total += advances[end]
            end += 1
        if end >= n:
            lines.append((start, n))
            break
        if end == start:
            end = start + 1
        brk = _best_break(text, advances, start, end, avail)
        lines.append((start, brk))
        start = brk
        while start < n and text[start] == " ":
            start += 1
        avail = width
    return lines


def _best_break(text: str, advances: Sequence[float], start: int, end: int, avail: float) -> int:
    """The break point at or before ``end`` (the first index that did not fit)."""
    for keep_words in (True, False):
        for b in range(end, start, -1):
            if can_break(text, b, keep_words=keep_words):
                # Keeping a word together must not empty more than half a line.
                if keep_words and sum(advances[start:b]) < avail / 2:
                    break
                return b
    return end


def justify(advances: Sequence[float], width: float, *, last: bool, max_stretch: float) -> list[float]:
    """x offsets of each character of one line, spreading slack over the gaps of a wrapped line.

    Lines left short by 避头尾 or a kept word get the slack spread (两端对齐) when it is at most
    ``max_stretch``; the last line of a paragraph stays flush left.
    """
    xs: list[float] = []
    x = 0.0
    for a in advances:
        xs.append(x)
        x += a
    slack = width - x
    if last or len(xs) < 2 or slack <= _EPS or slack > max_stretch:
        return xs
    step = slack / (len(xs) - 1)
    return [x0 + i * step for i, x0 in enumerate(xs)]
