"""Chinese numerals both ways (ecodesk.cn_numbers): 组 numbers, heading numbers and dates."""

from __future__ import annotations

import pytest

from ecodesk.cn_numbers import cn_numeral, parse_cn_int


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3), ("三", 3), ("十", 10), ("十一", 11), ("二十", 20), ("三十一", 31), ("一百零二", 102),
     ("两百", 200), ("二〇二三", 2023), ("二○二三", 2023), ("十二", 12)],
)  # fmt: skip
def test_parse(text: str, value: int) -> None:
    assert parse_cn_int(text) == value


@pytest.mark.parametrize("text", ["", "组", "三组", "A", "１２"])
def test_not_a_number(text: str) -> None:
    assert parse_cn_int(text) is None


def test_numeral_round_trips() -> None:
    assert [cn_numeral(n) for n in (1, 10, 12, 20, 35)] == ["一", "十", "十二", "二十", "三十五"]
    assert all(parse_cn_int(cn_numeral(n)) == n for n in range(100))
    assert cn_numeral(120) == "120"
