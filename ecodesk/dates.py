"""Dates as clerks type them, and as Chinese paper prints them.

Accepted forms: 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, an Excel serial number
(45356), and ``date``/``datetime`` objects; a time after the date (08:30) is allowed when it is a real
time of day. Anything else is rejected, never guessed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (accounting for its 1900 leap-year bug)
# Serials in this range cover 1954..2119: wide enough for real records, narrow enough that a
# stray number (a phone, an amount) is not silently taken for a date.
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000

_SEPARATED = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
# A date followed by a time of day (2024-03-05 08:30, 2024-03-05T08:30:15): the date is kept, the
# time checked — "25:00" or "24:61" is a typing mistake, refused rather than silently dropped.
_WITH_TIME = re.compile(r"^(.*?)[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*$")


def today() -> date:
    """Today by this PC's clock: the program's one clock.

    Call it as ``dates.today()`` (never ``from ecodesk.dates import today``) so that a test freezes
    time for the whole program with one ``monkeypatch.setattr(dates, "today", ...)``.
    """
    return date.today()


def now() -> datetime:
    """The time to the second, for the stamps on records, audit rows and backup files."""
    return datetime.now().replace(microsecond=0)


class DateParseError(ValueError):
    """The text is not a date we can read with certainty. The message is Chinese."""


def parse_date(value: object) -> date | None:
    """Return the date ``value`` means, ``None`` for blank, or raise :class:`DateParseError`."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise DateParseError("不是日期")
    if isinstance(value, int | float):
        return _from_serial(float(value))
    text = str(value).strip()
    if not text:
        return None
    text = text.replace("－", "-").replace("／", "/").replace("．", ".")
    match = _WITH_TIME.match(text)
    if match:
        hour, minute, second = (int(g or 0) for g in match.group(2, 3, 4))
        if hour > 23 or minute > 59 or second > 59:
            raise DateParseError(f"“{value}”中的时间 {text[len(match.group(1)) + 1 :].strip()} 不存在")
        text = match.group(1).strip()
    for pattern in (_SEPARATED, _COMPACT):
        match = pattern.match(text)
        if match:
            return _build(*(int(g) for g in match.groups()))
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _from_serial(float(text))
    raise DateParseError(f"“{value}”不是可识别的日期，请写成 2024-03-05 或 2024年3月5日")


def _build(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError(f"{year}年{month}月{day}日 不存在") from None


def _from_serial(serial: float) -> date:
    if not (_SERIAL_MIN <= serial <= _SERIAL_MAX) or serial != int(serial):
        raise DateParseError(f"数字 {serial:g} 不是可识别的日期")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def format_cn(value: date | None) -> str:
    """``2024年3月5日`` — no leading zeros, as GB/T 9704 dates are written."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def format_iso(value: date | None) -> str:
    return "" if value is None else value.isoformat()
