"""Chinese numerals both ways: how rosters, headings and dates write numbers.

``parse_cn_int`` reads a 组 number (三, 十一, 一百零二) and a year or day written digit by digit
(二〇二三, 十二, 二十); ``cn_numeral`` writes 1 → 一, 12 → 十二, 35 → 三十五 (headings, group and grid names).
Ground level: no imports from the rest of EcoDesk.
"""

from __future__ import annotations

# 〇 and its look-alikes (○, a full-width or Latin O typed for it) are 0; 两 is 2 (两百).
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0, "Ｏ": 0, "O": 0, "两": 2}
_NUMERALS = "零一二三四五六七八九"


def parse_cn_int(text: str) -> int | None:
    """The number ``text`` writes in Arabic or Chinese digits; None when it is not a number.

    With 十 or 百 the characters add up (十一 = 11, 二十 = 20, 一百零二 = 102); without, they are
    read digit by digit, as years are written (二〇二三 = 2023).
    """
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    if any(c not in _DIGITS and c not in "十百" for c in text):
        return None
    if "十" not in text and "百" not in text:
        value = 0
        for c in text:
            value = value * 10 + _DIGITS[c]
        return value
    total, current = 0, 0
    for c in text:
        if c == "百":
            total += (current or 1) * 100
            current = 0
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS[c]
    return total + current


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五; 100 and above stay in Arabic digits."""
    if 0 <= n < 10:
        return _NUMERALS[n]
    if 10 <= n < 100:
        tens, units = divmod(n, 10)
        return ("" if tens == 1 else _NUMERALS[tens]) + "十" + (_NUMERALS[units] if units else "")
    return str(n)
