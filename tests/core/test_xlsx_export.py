"""Excel export: real files read back with openpyxl and unzipped, as Excel or WPS would see them."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from ecodesk.db import Database
from ecodesk.exports.xlsx_export import write_table
from ecodesk.jobs import Job, JobCancelledError
from ecodesk.schema import RecordKind
from ecodesk.services import records
from ecodesk.services.org import ENTERPRISES, HOUSEHOLDS, PEOPLE, UNITS
from ecodesk.services.record_export import export_xlsx
from ecodesk.services.record_import import import_xlsx
from ecodesk.services.records import ListFilter
from tests.core.helpers import add_villages, household_rows, inspection_kind


@pytest.fixture
def villages(db: Database) -> dict[str, int]:
    return add_villages(db)


@pytest.fixture
def inspections(db: Database) -> RecordKind:
    return inspection_kind(db)


HOUSEHOLD_DATA = [
    ("张建国", "东沟村", "一组", "东沟村12号", "13800001111", 4, "低保户"),
    ("李秀英", "南庄村", "三组", "南庄村3号", "0371-6512345", None, ""),
    ("王强", "东沟村", "", "", "", 2, "多行\n备注"),
]


def add_households(db: Database, data: list[tuple[object, ...]] = HOUSEHOLD_DATA) -> None:
    keys = ("head_name", "village", "group", "address", "phone", "members", "remark")
    for row in data:
        records.create(db, HOUSEHOLDS, {k: v for k, v in zip(keys, row, strict=True) if v not in (None, "")})


def open_sheet(path: Path) -> Worksheet:
    ws = openpyxl.load_workbook(path).active
    assert isinstance(ws, Worksheet)
    return ws


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


def test_export_is_laid_out_for_print(tmp_path: Path, db: Database, villages: dict[str, int]) -> None:
    add_households(db)
    path = tmp_path / "农户.xlsx"
    assert export_xlsx(db, HOUSEHOLDS, path) == 3
    ws = open_sheet(path)

    assert ws.title == "农户"
    title = ws["A1"]
    assert str(title.value).startswith("农户（") and "共3条" in str(title.value)
    assert title.font.b and title.font.sz == 16
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:H1"]
    headers = [c.value for c in ws[2]]
    assert headers == ["户主姓名", "所属村", "组", "网格", "门牌/住址", "联系电话", "人口", "备注"]
    for cell in ws[2]:
        assert cell.font.b and cell.fill.fgColor.rgb.endswith("D9E1F2") and cell.border.bottom.style == "thin"
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:H5"
    widths = {col: ws.column_dimensions[col].width for col in "ABCDEFGH"}
    assert widths["A"] == 12  # 户主姓名: four CJK characters need 8 units plus the filter button
    assert widths["E"] == 22 and widths["H"] == 24  # declared widths, wider than their headers
    assert all(w <= 60 for w in widths.values())
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)


def test_rows_follow_the_list_filter_and_order(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    add_households(db)
    path = tmp_path / "东沟村.xlsx"
    flt = ListFilter(village_id=villages["东沟村"])
    assert export_xlsx(db, HOUSEHOLDS, path, flt, sort_key="head_name", descending=True) == 2
    assert open_sheet(path)["A2"].value == "筛选：所属村=东沟村"  # the filter, under the title
    rows = list(open_sheet(path).iter_rows(min_row=4, values_only=True))
    assert rows == [  # 户主 by pinyin, descending: Zhang before Wang
        ("张建国", "东沟村", "一组", None, "东沟村12号", "13800001111", 4, "低保户"),
        ("王强", "东沟村", None, None, None, None, 2, "多行\n备注"),
    ]


def test_dates_are_dates_and_numbers_are_numbers(
    tmp_path: Path, db: Database, inspections: RecordKind
) -> None:
    records.create(db, inspections, {"place": "东沟村麦田", "visit_date": "2024年3月5日", "fire_points": 2})
    path = tmp_path / "检查.xlsx"
    export_xlsx(db, inspections, path)
    ws = open_sheet(path)
    place, day, fires, remark = ws[3]
    assert day.value == datetime(2024, 3, 5) and day.number_format == "yyyy-mm-dd" and day.is_date
    assert fires.value == 2 and fires.data_type == "n"
    assert place.value == "东沟村麦田" and remark.value is None


def test_text_never_becomes_a_formula(tmp_path: Path, db: Database, villages: dict[str, int]) -> None:
    hostile = ["=1+1", "+8613800001111", "-x", "@SUM(A1)", '=HYPERLINK("http://x","点我")', "#N/A"]
    for text in hostile:
        records.create(db, HOUSEHOLDS, {"head_name": text, "village": "东沟村", "remark": text})
    path = tmp_path / "injection.xlsx"
    export_xlsx(db, HOUSEHOLDS, path, sort_key="id")

    ws = open_sheet(path)
    for row, text in enumerate(hostile, start=3):
        for cell in (ws.cell(row, 1), ws.cell(row, 8)):
            assert (cell.value, cell.data_type) == (text, "s")
    xml = sheet_xml(path)
    assert not re.search(r"<f[\s>/]", xml), "a formula element was written"
    assert 't="e"' not in xml  # "#N/A" stays text, not an error cell


def test_round_trip_into_a_fresh_database(tmp_path: Path, db: Database, villages: dict[str, int]) -> None:
    tricky = [*HOUSEHOLD_DATA, ("=赵六", "河西社区", "5组", "河西社区8栋", "13900002222", 0, "+紧急")]
    add_households(db, tricky)
    path = tmp_path / "农户.xlsx"
    export_xlsx(db, HOUSEHOLDS, path, sort_key="id")

    with Database.open(tmp_path / "fresh.db", operator="测试员", create=True) as fresh:
        for order, name in enumerate(("东沟村", "南庄村", "河西社区"), start=1):
            kind = "社区" if "社区" in name else "村"
            records.create(fresh, UNITS, {"name": name, "kind": kind, "sort_order": order})
        report = import_xlsx(fresh, HOUSEHOLDS, path)
        assert report.ok and report.committed, report.summary_lines()
        assert report.header_row == 2 and not report.unmapped_headers
        assert household_rows(fresh) == household_rows(db)


def test_people_and_enterprises_round_trip(tmp_path: Path, db: Database, villages: dict[str, int]) -> None:
    records.create(
        db,
        PEOPLE,
        {"name": "郝翔", "unit": "东沟村", "roles": "网格员、领导小组成员（副镇长）", "active": False},
    )
    records.create(
        db, ENTERPRISES, {"name": "鑫源洗煤厂", "industry": "洗储煤", "tags": ["重点企业", "散乱污"]}
    )
    for kind in (PEOPLE, ENTERPRISES):
        path = tmp_path / f"{kind.name}.xlsx"
        export_xlsx(db, kind, path)
        # the same record again in one db: a duplicate, added only when asked
        report = import_xlsx(db, kind, path, dry_run=True, on_duplicate="add")
        assert report.ok and report.rows_ok == 1 and not report.unmapped_headers, report.summary_lines()
        assert len(report.duplicates) == 1
    assert (
        open_sheet(tmp_path / "enterprises.xlsx").title == "企业、场所"
    )  # "/" is not allowed in a sheet name


def test_write_table_any_table(tmp_path: Path) -> None:
    path = tmp_path / "考核.xlsx"
    rows = [
        ["东沟村", date(2024, 12, 31), 95.5, True, None, "a\x01b"],
        ["南庄村", datetime(2024, 12, 31, 9, 30), 88, False, "说明", "=1"],
    ]
    written = write_table(
        path,
        "2024年度考核汇总",
        ["单位", "日期", "得分", "达标", "备注", "其他"],
        [10, 10, 6, 4, 20, 8],
        rows,
    )
    assert written == 2
    ws = open_sheet(path)
    assert ws.title == "2024年度考核汇总"
    assert list(ws.iter_rows(min_row=3, values_only=True)) == [
        ("东沟村", datetime(2024, 12, 31), 95.5, "是", None, "ab"),  # control characters dropped
        ("南庄村", datetime(2024, 12, 31, 9, 30), 88, "否", "说明", "=1"),
    ]
    assert ws["B4"].number_format == "yyyy-mm-dd hh:mm"
    assert ws.column_dimensions["D"].width == 8  # "达标" is wider than the declared 4


def test_cancelled_export_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "表.xlsx"
    write_table(path, "旧", ["列"], [8], [["旧数据"]])
    before = path.read_bytes()
    job = Job(progress=lambda done, total, msg: job.cancel() if done >= 200 else None)
    with pytest.raises(JobCancelledError):
        write_table(path, "新", ["列"], [8], ([i] for i in range(1000)), job=job, total=1000)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["表.xlsx"]  # no temporary file left behind
