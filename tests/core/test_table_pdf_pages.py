"""The printed list (21.8): no row split across pages, the header on every page, "第 X 页 共 Y 页",
the filter named under the title — on paper and in the Excel export alike."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.documents.fonts import resolve_fonts
from ecodesk.exports.table_pdf import CONTINUED, CONTINUES, write_table_pdf
from ecodesk.jobs import Job, JobCancelledError
from ecodesk.services import records
from ecodesk.services.kinds import get_kind
from ecodesk.services.record_export import describe_filter, export_kind_pdf, export_xlsx, list_title
from ecodesk.services.records import ListFilter
from tests.core.helpers import build_town

SCATTERED = get_kind("scattered_polluters")
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def polluters(db: Database, monkeypatch: pytest.MonkeyPatch) -> tuple[Database, int]:
    """60 enterprises in 东沟村 (every fifth with a 位置 long enough for a dozen lines), a few elsewhere."""
    monkeypatch.setattr(dates, "today", lambda: date(2026, 12, 6))
    town = build_town(db)
    for n in range(1, 61):
        address = f"东沟村{n}号" + ("沿河北路往东再往南拐进小巷" * 8 if n % 5 == 0 else "")
        records.create(
            db,
            SCATTERED,
            {
                "name": f"晋D·EBDC{n:02d}号作坊",
                "village": "东沟村",
                "address": address,
                "disposal": "整治规范",
                "status": "整治中",
                "listed_date": date(2026, 11, 1 + n % 28),
            },
        )
    for n in range(1, 4):
        records.create(
            db,
            SCATTERED,
            {
                "name": f"西岭{n}号",
                "village": "西岭村",
                "disposal": "关闭淘汰",
                "listed_date": date(2026, 11, 3),
            },
        )
    return db, town.east


def _filter(village: int) -> ListFilter:
    return ListFilter(village_id=village, status="整治中", date_from=NOVEMBER[0], date_to=NOVEMBER[1])


def test_the_filter_in_words_names_village_status_and_dates(polluters: tuple[Database, int]) -> None:
    db, east = polluters
    assert describe_filter(db, SCATTERED, _filter(east)) == (
        "筛选：所在村=东沟村；状态=整治中；挂牌日期 2026-11-01 至 2026-11-30"
    )
    assert describe_filter(db, SCATTERED, ListFilter()) == ""


def test_no_row_is_split_and_every_page_has_header_footer(
    polluters: tuple[Database, int], tmp_path: Path
) -> None:
    db, east = polluters
    out = tmp_path / "散乱污.pdf"
    rows, pages = export_kind_pdf(db, SCATTERED, out, resolve_fonts(), _filter(east))
    assert rows == 60 and pages > 2

    seen: dict[int, str] = {}
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == pages
        first = pdf.pages[0].extract_text().replace(" ", "")
        assert list_title(db, SCATTERED) in first
        assert "筛选：所在村=东沟村；状态=整治中；挂牌日期2026-11-01至2026-11-30" in first
        for number, page in enumerate(pdf.pages, 1):
            flat = page.extract_text().replace(" ", "")
            assert f"第{number}页共{pages}页" in flat
            tables = page.extract_tables()
            assert tables, f"page {number} has no table"
            table = tables[0]
            assert "".join(table[0][:2]).replace("\n", "") == "序号企业名称"  # the header, on every page
            for cells in table[1:]:
                texts = ["".join((c or "").split()) for c in cells]
                serial, name, _village, address = texts[0], texts[1], texts[2], texts[3]
                assert serial.isdigit(), f"page {number}: a row without its 序号 (split?): {texts}"
                assert CONTINUED not in serial and CONTINUES not in address
                seen[int(serial)] = name + "|" + address
    assert sorted(seen) == list(range(1, 61)), "every row once, whole, on one page"
    by_name = {v.split("|")[0]: v.split("|")[1] for v in seen.values()}
    for n in range(1, 61):
        expected = f"东沟村{n}号" + ("沿河北路往东再往南拐进小巷" * 8 if n % 5 == 0 else "")
        assert by_name[f"晋D·EBDC{n:02d}号作坊"] == expected


def test_a_row_taller_than_a_page_is_the_only_one_cut_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "长.pdf"
    huge = "超长的情况说明。" * 700
    rows = [["1", "甲", "短"], ["2", "乙", huge], ["3", "丙", "短"]]
    pages = write_table_pdf(out, "名单", ["序号", "名称", "情况"], [4, 10, 60], rows, resolve_fonts())
    assert pages >= 3
    with pdfplumber.open(out) as pdf:
        flat = ["".join(p.extract_text().split()) for p in pdf.pages]
    joined = "".join(flat)
    assert CONTINUES in joined and f"2{CONTINUED}" in joined
    assert f"第1页共{pages}页" in flat[0] and f"第{pages}页共{pages}页" in flat[-1]


def test_the_excel_export_names_the_filter_under_the_title(
    polluters: tuple[Database, int], tmp_path: Path
) -> None:
    db, east = polluters
    out = tmp_path / "散乱污.xlsx"
    assert export_xlsx(db, SCATTERED, out, _filter(east)) == 60
    sheet = openpyxl.load_workbook(out).active
    assert re.match(r"散乱污企业（2026年12月6日导出，共60条）", str(sheet["A1"].value))
    assert sheet["A2"].value == "筛选：所在村=东沟村；状态=整治中；挂牌日期 2026-11-01 至 2026-11-30"
    assert sheet["A3"].value == "企业名称"
    assert sheet.freeze_panes == "A4"

    plain = tmp_path / "全部.xlsx"
    export_xlsx(db, SCATTERED, plain)
    sheet = openpyxl.load_workbook(plain).active
    assert sheet["A2"].value == "企业名称"  # no filter, no line: the header right under the title


def test_cancelling_while_pages_are_laid_out_leaves_no_file(
    polluters: tuple[Database, int], tmp_path: Path
) -> None:
    db, east = polluters
    job = Job()

    def progress(_done: int, _total: int, message: str) -> None:
        if message == "正在排版第 2 页":
            job.cancel()

    job.progress = progress
    out = tmp_path / "取消.pdf"
    with pytest.raises(JobCancelledError):
        export_kind_pdf(db, SCATTERED, out, resolve_fonts(), _filter(east), job=job)
    assert not [p.name for p in tmp_path.iterdir() if "取消" in p.name]  # nor a half-written temporary
