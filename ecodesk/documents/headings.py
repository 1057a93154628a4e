"""Which body paragraphs are headings, and of which level — what the editor shows as hints.

The levels are those of the 党政机关公文 body: 一、 (黑体), （一） (楷体), 1. and （1） (仿宋). The layout
engine prints levels 1 and 2 in their fonts with the same patterns (``H1``/``H2``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecodesk.documents.spec import split_paragraphs

_CN_NUM = "一二三四五六七八九十百零〇"
H1 = re.compile(rf"^[{_CN_NUM}]+、")  # 一、 printed in 黑体 (the layout and the Word export use these)
H2 = re.compile(rf"^（[{_CN_NUM}]+）")  # （一） printed in 楷体
_LEVELS: tuple[tuple[int, re.Pattern[str], str], ...] = (
    (1, H1, "黑体"),
    (2, H2, "楷体"),
    (3, re.compile(r"^\d+[.．](?!\d)"), "仿宋"),
    (4, re.compile(r"^（\d+）"), "仿宋"),
)
LEVEL_NAMES = {1: "一级标题", 2: "二级标题", 3: "三级标题", 4: "四级标题"}


@dataclass(frozen=True)
class Heading:
    level: int
    number: str  # 一、 / （一） / 1. / （1）
    text: str  # the paragraph, shortened for display
    font: str
    paragraph: int  # 0-based index among the body's paragraphs


def heading_of(paragraph: str) -> tuple[int, str, str] | None:
    """(level, number, font) when ``paragraph`` starts like a heading."""
    for level, pattern, font in _LEVELS:
        match = pattern.match(paragraph.strip())
        if match:
            return level, match.group(0), font
    return None


def outline(body: str, width: int = 24) -> list[Heading]:
    """The headings of a body text, in order (paragraphs split as the PDF splits them)."""
    found: list[Heading] = []
    for index, para in enumerate(split_paragraphs(body)):
        head = heading_of(para)
        if head is not None:
            stop = para.find("。")  # "（一）加强巡查。每日一次…": the heading is the first sentence
            words = para[: stop + 1] if 0 <= stop < len(para) - 1 else para
            short = words if len(words) <= width else words[: width - 1] + "…"
            found.append(Heading(head[0], head[1], short, head[2], index))
    return found


_HEADING_MAX = 24  # a heading sentence longer than this runs on into body text


def heading_end(text: str, prefix: int, one_line: bool) -> int:
    """Where the heading words of a numbered paragraph end.

    Up to the first "。" when text follows it; the whole paragraph when it is one line; otherwise
    (a long paragraph run straight on from its heading) up to the first "）" or "：" near the start,
    else just the number — better too little in 楷体/黑体 than a whole paragraph.
    """
    stop = text.find("。")
    if 0 <= stop < len(text) - 1 and stop < prefix + _HEADING_MAX:
        return stop + 1
    if one_line:
        return len(text)
    for k in range(prefix, min(len(text), prefix + _HEADING_MAX)):
        if text[k] in "）：":
            return k + 1
    return prefix
