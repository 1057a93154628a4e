"""Breaking a long 标题 into centred lines that read well (GB/T 9704 7.3.3).

A title line must not break a word; with no dictionary we prefer the points a typesetter uses —
before 关于 / 的通知 / 的通报 …, around 《》 and quotes, after 、，— and shape the lines as a
trapezoid (each line no longer than the one above) or a diamond. All break choices for the smallest
workable line count (and one more) are scored; titles are short, so this is cheap.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from ecodesk.documents.linebreak import can_break

_BEFORE = ("关于", "的通知", "的通报", "的函", "的决定", "的意见", "的报告", "的批复", "通知书")
# Common words of township environmental titles: breaking before one is fine, inside one is not.
_WORDS = (
    "实施方案",
    "工作方案",
    "专项",
    "整改",
    "情况",
    "工作",
    "开展",
    "加强",
    "做好",
    "进一步",
    "行动",
    "污染",
    "防治",
    "整治",
    "攻坚",
    "生态环境",
    "环境",
    "监督",
    "检查",
    "畜禽",
    "养殖",
    "秸秆",
    "禁烧",
    "大气",
    "水污染",
    "土壤",
    "河道",
    "政治",
    "人民政府",
    "第一季度",
    "第二季度",
    "第三季度",
    "第四季度",
)
_UNITS = "年月日号个家名元万亿季度期批次"
_AFTER_CHARS = "、，》”）"
_BEFORE_CHARS = "《“（"
_MAX_LINES = 4


def _penalty(text: str, i: int) -> float:
    """Cost of breaking before ``text[i]``: 0 at natural points, high inside a phrase."""
    if not can_break(text, i):
        return math.inf
    for word in _BEFORE:
        if text.startswith(word, i):
            return 0.0
        # never inside one of the known words
        for k in range(1, len(word)):
            if text.startswith(word, i - k):
                return math.inf
    if text[i - 1].isdigit() and text[i] in _UNITS:
        return math.inf
    for word in _WORDS:
        if any(text.startswith(word, i - k) for k in range(1, len(word))):
            return math.inf
    if text[i - 1] in _AFTER_CHARS or text[i] in _BEFORE_CHARS:
        return 1.0
    if any(text.startswith(word, i) for word in _WORDS) or text[i - 1] == "的":
        return 4.0
    return 12.0


def _shape_cost(widths: Sequence[float], unit: float) -> float:
    cost = 0.0
    peak = widths.index(max(widths))
    for k in range(1, len(widths)):
        grows = widths[k] - widths[k - 1]
        if k <= peak and grows > 0 and peak not in (0, len(widths) - 1):
            continue  # rising towards the middle of a diamond
        if grows > 0:
            cost += 3.0 * grows / unit
    # prefer balanced lines to one long line and a stub
    cost += 0.15 * (max(widths) - min(widths)) / unit
    return cost


def split_title(text: str, max_width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines of ``text`` each at most ``max_width`` wide (``measure`` gives a string's width)."""
    text = text.strip()
    if not text:
        return []
    if measure(text) <= max_width:
        return [text]
    unit = max(measure("国"), 1.0)
    n_min = max(2, math.ceil(measure(text) / max_width))
    prefix = [0.0]
    for ch in text:
        prefix.append(prefix[-1] + measure(ch))
    points = [i for i in range(1, len(text)) if not math.isinf(_penalty(text, i))]
    best: tuple[float, list[str]] | None = None
    for n in range(n_min, min(n_min + 1, _MAX_LINES) + 1):
        if n - 1 > len(points):
            break
        combos: itertools.combinations[tuple[int, ...]] = itertools.combinations(points, n - 1)
        for cuts in combos:
            bounds = (0, *cuts, len(text))
            parts = [text[bounds[k] : bounds[k + 1]] for k in range(n)]
            widths = [prefix[bounds[k + 1]] - prefix[bounds[k]] for k in range(n)]
            if max(widths) > max_width:
                continue
            cost = sum(_penalty(text, c) for c in cuts)
            if math.isinf(cost):
                continue
            cost += _shape_cost(widths, unit) + 2.0 * (n - n_min)
            if best is None or cost < best[0]:
                best = (cost, parts)
    if best is not None:
        return best[1]
    return _greedy(text, max_width, measure)


def _greedy(text: str, max_width: float, measure: Callable[[str], float]) -> list[str]:
    from ecodesk.documents.linebreak import break_lines

    advances = [measure(ch) for ch in text]
    return [text[a:b] for a, b in break_lines(text, advances, max_width)]
