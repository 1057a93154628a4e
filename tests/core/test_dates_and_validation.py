from __future__ import annotations

from datetime import date, datetime

import pytest

from ecodesk.dates import DateParseError, format_cn, parse_date
from ecodesk.services.validation import credit_code_check_digit, credit_code_problem, normalise_text


@pytest.mark.parametrize(
    "raw",
    [
        "2024-03-05",
        "2024/3/5",
        "2024.3.5",
        "2024年3月5日",
        "2024 年 3 月 5 日",
        "20240305",
        45356,
        "45356",
        45356.0,
        "2024-03-05 08:30",
        "2024-03-05T23:59:59",
        "2024年3月5日 0:00",
        datetime(2024, 3, 5, 8, 30),
        date(2024, 3, 5),
        "２０２４－０３－０５",
    ],
)
def test_dates_as_clerks_write_them(raw: object) -> None:
    assert parse_date(raw) == date(2024, 3, 5)


@pytest.mark.parametrize(
    "raw", ["2024-02-30", "3月5日", "明天", "2024-13-01", 12, 45356.5, "13800001111", True]
)
def test_uncertain_dates_are_rejected_not_guessed(raw: object) -> None:
    with pytest.raises(DateParseError):
        parse_date(raw)


def test_blank_dates_are_none() -> None:
    assert parse_date(None) is None
    assert parse_date("  ") is None


def test_chinese_date_format_has_no_leading_zeros() -> None:
    assert format_cn(date(2025, 3, 5)) == "2025年3月5日"


def test_credit_code_check_digit_known_example() -> None:
    assert credit_code_problem("91350100M000100Y43") is None
    assert credit_code_check_digit("91350100M000100Y4") == "3"
    assert "不允许的字符" in (credit_code_problem("91350100M000100YI3") or "")


def test_text_from_excel_is_normalised() -> None:
    assert normalise_text(13800001111.0) == "13800001111"
    assert normalise_text(" 王\u3000建国 \n") == "王 建国"
    assert normalise_text("１２３") == "123"


@pytest.mark.parametrize(
    ("raw", "time"),
    [
        ("2026-03-05T25:00", "25:00"),
        ("2026-03-05 24:61", "24:61"),
        ("2026-03-05 24:00", "24:00"),
        ("2026-03-05 08:60", "08:60"),
        ("2026-03-05 08:30:75", "08:30:75"),
    ],
)
def test_an_impossible_time_after_a_date_is_an_error(raw: str, time: str) -> None:
    """Before, the time was cut off unchecked and the date kept: a typing mistake passed silently."""
    with pytest.raises(DateParseError, match=f"“{raw}”中的时间 {time} 不存在"):
        parse_date(raw)
