"""Our own CJK line breaking: 避头尾, Latin words and numbers kept whole, title splitting."""

from __future__ import annotations

import pytest

from ecodesk.documents.linebreak import NO_END, NO_START, break_lines, can_break, is_wide, justify
from ecodesk.documents.title import split_title


def adv(text: str) -> list[float]:
    """Full-width = 2 units, half-width = 1 unit."""
    return [2.0 if is_wide(ch) else 1.0 for ch in text]


def wrap(text: str, width: float, first: float | None = None) -> list[str]:
    return [text[a:b] for a, b in break_lines(text, adv(text), width, first)]


def test_plain_cjk_fills_each_line() -> None:
    text = "一二三四五六七八九十" * 3
    assert wrap(text, 20) == ["一二三四五六七八九十"] * 3


@pytest.mark.parametrize("punct", list("，。、；：！？）》”』」’〕】…"))
def test_closing_punctuation_never_starts_a_line(punct: str) -> None:
    text = "一二三四五" + punct + "六七八"
    lines = wrap(text, 10)  # 5 characters fit; the punctuation would start line 2
    assert all(line[0] not in NO_START for line in lines)
    assert "".join(lines) == text
    assert lines[0] == "一二三四"  # the last character moved down with the punctuation


@pytest.mark.parametrize("punct", list("（《“『「‘〔【"))
def test_opening_punctuation_never_ends_a_line(punct: str) -> None:
    text = "一二三四" + punct + "五六七八"
    lines = wrap(text, 10)
    assert all(line[-1] not in NO_END for line in lines)
    assert lines[0] == "一二三四"


def test_double_closing_punctuation_moves_together() -> None:
    text = "一二三四五。”六七"
    lines = wrap(text, 10)
    assert lines[0] == "一二三四"
    assert lines[1].startswith("五。”")


def test_numbers_and_latin_words_stay_whole() -> None:
    text = "一二三PM2.5浓度"
    lines = wrap(text, 10)
    assert lines == ["一二三", "PM2.5浓度"]
    text = "共检查养殖场2023家"
    assert wrap(text, 14) == ["共检查养殖场", "2023家"]
    assert wrap(text, 15) == ["共检查养殖场", "2023家"]  # the number moves whole


def test_latin_text_breaks_at_spaces_and_drops_the_space() -> None:
    assert wrap("hello world again", 12) == ["hello world ", "again"]


def test_overlong_word_is_broken_rather_than_lost() -> None:
    text = "A" * 25
    lines = wrap(text, 10)
    assert "".join(lines) == text
    assert all(len(line) <= 10 for line in lines)


def test_first_line_width_is_used_for_the_indent() -> None:
    text = "一" * 30
    lines = wrap(text, 20, first=16)
    assert [len(line) for line in lines] == [8, 10, 10, 2]


def test_dash_and_ellipsis_are_not_split() -> None:
    assert not can_break("一——二", 2)
    assert not can_break("一……二", 2)


def test_justify_spreads_slack_on_wrapped_lines_only() -> None:
    xs = justify([2, 2, 2], 8, last=False, max_stretch=4)
    assert xs == [0, 3, 6]
    assert justify([2, 2, 2], 8, last=True, max_stretch=4) == [0, 2, 4]


def measure(s: str) -> float:
    return sum(22.0 if is_wide(ch) else 11.0 for ch in s)


def test_short_title_is_one_line() -> None:
    assert split_title("关于开展秸秆禁烧工作的通知", 442, measure) == ["关于开展秸秆禁烧工作的通知"]


def test_long_title_breaks_at_natural_points_as_a_trapezoid() -> None:
    title = "八义镇人民政府关于印发《八义镇关于开展大气污染防治专项政治监督行动工作实施方案》的通知"
    lines = split_title(title, 442, measure)
    assert "".join(lines) == title
    assert all(measure(line) <= 442 for line in lines)
    assert len(lines) == 3
    for line in lines:  # no line starts with closing or ends with opening punctuation
        assert line[0] not in NO_START and line[-1] not in NO_END
    joined = "|".join(lines)
    for word in ("人民政府", "大气", "污染", "防治", "专项", "实施方案", "通知"):
        assert word in joined  # never split inside these words


def test_title_does_not_split_a_year_from_its_unit() -> None:
    title = "关于2024年第一季度畜禽养殖污染整改情况的通报"
    lines = split_title(title, 330, measure)
    assert "2024年" in "|".join(lines)
    assert "养殖" in "|".join(lines)
