"""承诺书 signing: who must sign, idempotent generation, bulk signing, 作废, scans, coverage arithmetic."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ecodesk.db import Database
from ecodesk.errors import ValidationError
from ecodesk.models.letter import STATUS_PENDING, STATUS_SIGNED, STATUS_VOID
from ecodesk.services import letter_print, letters, records
from ecodesk.services.org import ENTERPRISES, HOUSEHOLDS, UNITS

YEAR = 2026
BAN = "禁烧承诺书"


@pytest.fixture
def town(db: Database) -> Database:
    """Two villages, five households, a town office and three enterprises."""
    east = records.create(db, UNITS, {"name": "东沟村", "kind": "村", "sort_order": 1})
    west = records.create(db, UNITS, {"name": "西岭村", "kind": "村", "sort_order": 2})
    records.create(db, UNITS, {"name": "镇农业服务中心", "kind": "镇属单位", "sort_order": 10})
    for name, village, group in (
        ("张建国", east.id, "十一组"),
        ("李秀英", east.id, "二组"),
        ("陈桂兰", east.id, "十组"),
        ("王福生", west.id, "一组"),
        ("赵德明", west.id, "三组"),
    ):
        records.create(db, HOUSEHOLDS, {"head_name": name, "village": village, "group": group})
    records.create(db, ENTERPRISES, {"name": "恒昌洗煤厂", "industry": "洗储煤", "village": east.id})
    records.create(db, ENTERPRISES, {"name": "老王饭店", "industry": "餐饮", "village": west.id})
    records.create(db, ENTERPRISES, {"name": "旧砖厂", "industry": "洗储煤", "status": "关闭淘汰"})
    return db


def _by_village(rows: list[letters.CoverageRow]) -> dict[str, letters.CoverageRow]:
    return {r.village: r for r in rows}


def test_generate_creates_one_letter_per_signer_and_is_idempotent(town: Database) -> None:
    first = letters.generate(town, YEAR)
    # 5 households + 3 units (2 villages, 1 town office) + 1 coal (the closed one is not asked) + 1 shop
    assert first.created == 5 + 3 + 1 + 1
    again = letters.generate(town, YEAR)
    assert again.created == 0
    assert again.total == first.total == 10
    kinds = {r.kind for r in letters.list_rows(town, YEAR)}
    assert kinds == {BAN, "环境保护目标责任书", "煤矸石处置承诺书", "门前三包责任书"}


def test_a_new_household_is_added_and_a_deleted_one_voided(town: Database) -> None:
    letters.generate(town, YEAR, [BAN])
    east = records.list_ids(town, UNITS, records.ListFilter(text="东沟村"))[0]
    records.create(town, HOUSEHOLDS, {"head_name": "新户", "village": east, "group": "二组"})
    gone = records.list_ids(town, HOUSEHOLDS, records.ListFilter(text="赵德明"))
    records.soft_delete(town, HOUSEHOLDS, gone)
    result = letters.generate(town, YEAR, [BAN])
    assert (result.created, result.voided, result.total) == (1, 1, 5)
    voided = letters.list_rows(town, YEAR, BAN, statuses=[STATUS_VOID])
    assert [r.name for r in voided] == ["赵德明"]


def test_rows_sort_by_village_then_group_counted_the_chinese_way(town: Database) -> None:
    letters.generate(town, YEAR, [BAN])
    rows = letters.list_rows(town, YEAR, BAN)
    assert [(r.village, r.group) for r in rows] == [
        ("东沟村", "二组"),
        ("东沟村", "十组"),
        ("东沟村", "十一组"),
        ("西岭村", "一组"),
        ("西岭村", "三组"),
    ]


def test_coverage_with_no_households_is_a_dash_not_zero_percent(db: Database) -> None:
    records.create(db, UNITS, {"name": "空村", "kind": "村"})
    letters.generate(db, YEAR, [BAN])
    rows = _by_village(letters.coverage(db, YEAR, BAN))
    assert rows["空村"].required == 0
    assert rows["空村"].rate is None
    assert rows["空村"].rate_text == "—"
    assert rows["合计"].rate_text == "—"


def test_coverage_all_signed_and_void_letters_not_counted(town: Database) -> None:
    letters.generate(town, YEAR, [BAN])
    east = [r for r in letters.list_rows(town, YEAR, BAN) if r.village == "东沟村"]
    assert letters.mark_signed(town, [r.id for r in east[:2]], date(2026, 3, 5)) == 2
    assert letters.void(town, [east[2].id], "举家外迁，户籍已转出") == 1
    rows = _by_village(letters.coverage(town, YEAR, BAN))
    assert (rows["东沟村"].required, rows["东沟村"].signed, rows["东沟村"].void) == (2, 2, 1)
    assert rows["东沟村"].rate == 1.0
    assert rows["东沟村"].rate_text == "100.0%"
    assert (rows["西岭村"].signed, rows["西岭村"].required, rows["西岭村"].rate) == (0, 2, 0.0)
    assert (rows["合计"].signed, rows["合计"].required, rows["合计"].void) == (2, 4, 1)
    assert rows["合计"].rate_text == "50.0%"
    # a 作废 letter is not signed by a later bulk tick
    assert letters.mark_signed(town, [east[2].id]) == 0


def test_unit_letters_outside_villages_get_their_own_row(town: Database) -> None:
    letters.generate(town, YEAR, ["环境保护目标责任书"])
    rows = letters.coverage(town, YEAR, "环境保护目标责任书")
    assert [(r.village, r.required) for r in rows] == [
        ("东沟村", 1),
        ("西岭村", 1),
        (letters.TOWN_UNITS, 1),
        ("合计", 3),
    ]


def test_mark_signed_by_village_and_group(town: Database) -> None:
    letters.generate(town, YEAR, [BAN])
    east = records.list_ids(town, UNITS, records.ListFilter(text="东沟村"))[0]
    counts = letters.group_counts(town, YEAR, BAN, east)
    assert [(g.group, g.pending) for g in counts] == [("二组", 1), ("十组", 1), ("十一组", 1)]
    assert letters.mark_signed_where(town, YEAR, BAN, east, ["二组", "十一组"], date(2026, 4, 1)) == 2
    signed = letters.list_rows(town, YEAR, BAN, east, statuses=[STATUS_SIGNED])
    assert sorted(r.name for r in signed) == ["张建国", "李秀英"]
    assert {r.signed_date for r in signed} == {date(2026, 4, 1)}
    assert letters.mark_signed_where(town, YEAR, BAN, east) == 1  # the rest of the village
    assert letters.mark_pending(town, [signed[0].id]) == 1
    assert letters.list_rows(town, YEAR, BAN, east, statuses=[STATUS_PENDING])[0].signed_date is None


def test_mark_signed_from_a_scanned_list_of_numbers(town: Database) -> None:
    letters.generate(town, YEAR, [BAN])
    rows = letters.list_rows(town, YEAR, BAN)
    letters.void(town, [rows[1].id], "重复登记")
    text = f"{rows[0].number}\n编号 {rows[1].id}，{rows[2].number.lower()} C999999"
    result = letters.mark_signed_by_numbers(town, text, YEAR)
    assert (result.marked, result.void, result.unknown) == (2, [rows[1].id], [999999])
    assert "找不到：C999999" in str(result)
    with pytest.raises(ValidationError, match="“XYZ”不是承诺书编号"):
        letters.parse_numbers("C000001 XYZ")


def test_void_needs_a_reason(town: Database) -> None:
    letters.generate(town, YEAR, [BAN])
    with pytest.raises(ValidationError, match="作废原因：必须填写"):
        letters.void(town, [1], "  ")


def test_a_scan_is_kept_with_the_letter_and_marks_it_signed(town: Database, tmp_path: Path) -> None:
    letters.generate(town, YEAR, [BAN])
    row = letters.list_rows(town, YEAR, BAN)[0]
    scan = tmp_path / "张建国 承诺书.jpg"
    scan.write_bytes(b"\xff\xd8fake jpeg")
    letters.attach_scan(town, row.id, scan)
    after = next(r for r in letters.list_rows(town, YEAR, BAN) if r.id == row.id)
    assert (after.status, after.scans) == (STATUS_SIGNED, 1)
    assert [a.original_name for a in letters.scans(town, row.id)] == ["张建国 承诺书.jpg"]


def test_templates_copy_last_years_wording(town: Database) -> None:
    tpl = letters.template_for(town, 2025, BAN)
    letters.save_template(
        town,
        tpl.id,
        {"title": "{年度}年禁烧承诺", "body": "本户{户主}承诺不烧。", "party_a": "{户主}", "party_b": ""},
    )
    assert letters.template_for(town, 2026, BAN).body == "本户{户主}承诺不烧。"
    assert letters.template_for(town, 2026, "门前三包责任书").title.endswith("责任书")


def test_unknown_placeholder_is_refused_naming_it(town: Database) -> None:
    tpl = letters.template_for(town, YEAR, BAN)
    with pytest.raises(ValidationError) as info:
        letters.save_template(
            town, tpl.id, {"title": "承诺书", "body": "户主{户名}承诺", "party_a": "", "party_b": ""}
        )
    assert "正文：有未知的占位符 {户名}" in str(info.value)
    assert "{户主}" in str(info.value)  # and says what can be used


def test_coverage_exports_to_xlsx_with_the_unsigned_list(town: Database, tmp_path: Path) -> None:
    letters.generate(town, YEAR, [BAN])
    rows = letters.list_rows(town, YEAR, BAN)
    letters.mark_signed(town, [rows[0].id])
    out = tmp_path / "签订率.xlsx"
    villages, unsigned = letter_print.export_coverage(town, YEAR, out, BAN)
    assert (villages, unsigned) == (2, 4)
    wb = load_workbook(out)
    cov = wb["签订情况"]
    assert cov["A1"].value == "2026年度禁烧承诺书签订情况"
    assert [c.value for c in cov[2]] == ["村（社区）", "应签", "已签", "未签", "作废", "签订率"]
    assert [c.value for c in cov[3]] == ["东沟村", 3, 1, 2, 0, "33.3%"]
    assert [c.value for c in cov[5]][:3] == ["合计", 5, 1]
    assert cov.freeze_panes == "A3"
    names = [r[4] for r in wb["未签名单"].iter_rows(min_row=3, values_only=True)]
    assert names == ["陈桂兰", "张建国", "王福生", "赵德明"]


def test_names_in_one_group_sort_by_pinyin(db: Database) -> None:
    village = records.create(db, UNITS, {"name": "东沟村", "kind": "村"})
    for name in ("赵德明", "白秀兰", "曹建国"):
        records.create(db, HOUSEHOLDS, {"head_name": name, "village": village.id, "group": "一组"})
    letters.generate(db, YEAR, [BAN])
    assert [r.name for r in letters.list_rows(db, YEAR, BAN)] == ["白秀兰", "曹建国", "赵德明"]
