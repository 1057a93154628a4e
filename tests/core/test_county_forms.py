"""The county's own report form filled from the records (issue 17, part 3): the template engine
(``exports/form_fill``), the counts per village (``services/county_forms``) and ``ecodesk report fill``.

The form is built the way a county office makes one: a title merged across all columns, a two-row
header with merged cells and units, a row per village, a 合计 row (SUM formulas and placeholders), a
统计时间 line and a 填报人 line merged below, print titles rows 1–3, A4 landscape fitted to the width.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import func, select

from ecodesk import dates
from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.exports.form_fill import FormData, FormError, fill_form
from ecodesk.models import Unit
from ecodesk.models.complaint import Complaint
from ecodesk.models.patrol import FirePoint, Patrol
from ecodesk.models.rectification import Problem
from ecodesk.services import county_forms
from tests.core.helpers import build_town
from tests.core.test_cli_lock import window_open
from tests.core.test_documents_word import convert_with_libreoffice

START, END = date(2026, 11, 2), date(2026, 11, 8)
TODAY = date(2026, 11, 10)
TITLE_HEIGHT, ROW_HEIGHT, TOTAL_HEIGHT = 36, 22, 24


# -- the county's form --------------------------------------------------------------------------------


def county_form(path: Path) -> Path:
    """Eight columns: 序号, 村, 巡查次数, 火点 | 发现问题, 整改完成, 销号 | 信访; village row 4, 合计 row 5."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "周报表"
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws["A1"] = "{{乡镇}}秸秆禁烧和环境问题整改情况周报表"
    ws["A1"].font = Font(name="方正小标宋简体", size=18)
    ws["A1"].alignment = center
    ws.merge_cells("A1:H1")
    heads = {
        "A2": "序号",
        "B2": "村（社区）",
        "C2": "巡查情况",
        "E2": "问题整改",
        "H2": "信访举报（件）",
        "C3": "巡查次数（次）",
        "D3": "火点（处）",
        "E3": "发现问题（个）",
        "F3": "整改完成（个）",
        "G3": "销号（个）",
    }
    for ref, text in heads.items():
        ws[ref] = text
    for rng in ("A2:A3", "B2:B3", "C2:D2", "E2:G2", "H2:H3"):
        ws.merge_cells(rng)
    village_row = [
        "{{序号}}",
        "{{村}}",
        "{{巡查次数}}",
        "{{火点}}",
        "{{发现问题}}",
        "{{整改完成}}",
        "{{销号}}",
        "{{信访}}",
    ]
    for col, text in enumerate(village_row, start=1):
        ws.cell(4, col, text)
    ws["A5"] = "合  计"
    ws.merge_cells("A5:B5")
    ws["C5"] = "=SUM(C4:C4)"
    ws["D5"] = "=SUM(D4)"
    for col, text in zip("EFGH", ("{{发现问题}}", "{{整改完成}}", "{{销号}}", "{{信访}}"), strict=True):
        ws[f"{col}5"] = text
    for row in ws.iter_rows(min_row=2, max_row=5, max_col=8):
        for cell in row:
            cell.border = box
            cell.alignment = center
            bold = cell.row != 4
            cell.font = Font(name="黑体" if bold else "宋体", size=11, bold=bold)
            if cell.row <= 3:
                cell.fill = PatternFill("solid", fgColor="D9E1F2")
    for col in "CDEFGH":
        ws[f"{col}4"].number_format = "0"
    ws["A6"] = (
        "统计时间：{{开始日期}}至{{结束日期}}。全镇共巡查{{巡查次数}}次，火点{{火点}}处，受理信访{{信访}}件。"
    )
    ws.merge_cells("A6:H6")
    ws["A7"] = "填报单位：{{乡镇}}人民政府　　填报人：{{填报人}}　　审核人：　　　　填报日期：{{填报日期}}"
    ws.merge_cells("A7:H7")
    ws["A8"] = "全镇信访件数"
    ws.merge_cells("A8:B8")
    ws["C8"] = "{{信访}}"
    ws["C8"].number_format = '0"件"'
    for col, width in zip("ABCDEFGH", (6, 14, 12, 10, 12, 12, 10, 12), strict=True):
        ws.column_dimensions[col].width = width
    for row, height in {1: TITLE_HEIGHT, 2: 20, 3: 30, 4: ROW_HEIGHT, 5: TOTAL_HEIGHT, 6: 30, 7: 28}.items():
        ws.row_dimensions[row].height = height
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.8
    ws.print_title_rows = "1:3"
    ws.print_area = "A1:H8"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddHeader.right.text = "{{乡镇}}环保办"
    ws.freeze_panes = "C4"
    validation = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
    ws.add_data_validation(validation)
    validation.add("C4:H4")
    red = PatternFill("solid", fgColor="FFC7CE")
    ws.conditional_formatting.add("D4", CellIsRule(operator="greaterThan", formula=["0"], fill=red))
    wb.save(path)
    return path


# -- the town -------------------------------------------------------------------------------------------


def build_report_town(db: Database) -> dict[str, int]:
    """东沟村, 西岭村, 城关社区 in being; 南坡村 撤销 before the week, 新村 set up after it; records in,
    before and after the week, one deleted, and a problem and a complaint of no village."""
    town = build_town(db)
    with db.session() as s:
        gone = Unit(name="南坡村", kind="村", sort_order=4, retired_date=date(2026, 10, 1))
        late = Unit(name="新村", kind="村", sort_order=5, established_date=date(2026, 11, 20))
        s.add_all([gone, late])
        s.flush()

        def patrol(village: int, day: date, findings: str = "", deleted: bool = False) -> None:
            s.add(
                Patrol(
                    date=day,
                    village_id=village,
                    kind="禁烧巡查",
                    findings=findings,
                    deleted_at=datetime(2026, 11, 9) if deleted else None,
                )
            )

        patrol(town.east, date(2026, 11, 2))
        patrol(town.east, date(2026, 11, 2), "发现秸秆堆放")
        patrol(town.east, date(2026, 11, 5))
        patrol(town.east, date(2026, 11, 1))  # the day before the week
        patrol(town.east, date(2026, 11, 4), deleted=True)
        patrol(town.west, date(2026, 11, 8), "无")
        s.add(FirePoint(date=date(2026, 11, 3), village_id=town.east, source="卫星遥感"))
        s.add(FirePoint(date=date(2026, 11, 9), village_id=town.west, source="巡查发现"))

        def problem(village: int | None, found: date, **kw: Any) -> None:
            s.add(Problem(year=found.year, found_date=found, village_id=village, place="路边", **kw))

        problem(town.east, date(2026, 11, 3), status="已整改待核查", rectified_date=date(2026, 11, 5))
        problem(town.east, date(2026, 11, 6))
        problem(town.west, date(2026, 10, 20), status="已销号", rectified_date=date(2026, 11, 3),
                verifier="王", closed_date=date(2026, 11, 6))  # fmt: skip
        problem(None, date(2026, 11, 4))  # no village: the town's figure only
        s.add(Complaint(year=2026, received_date=date(2026, 11, 7), village_id=town.street, content="噪声"))
        s.add(Complaint(year=2026, received_date=date(2026, 11, 2), content="异味"))
    return {"东沟村": town.east, "西岭村": town.west, "城关社区": town.street}


def count(db: Database, model: Any, *conditions: Any) -> int:
    with db.session() as s:
        return int(
            s.scalar(select(func.count()).select_from(model).where(model.deleted_at.is_(None), *conditions))
        )


def expected(db: Database, village: int) -> list[int]:
    """巡查次数, 火点, 发现问题, 整改完成, 销号, 信访 of one village in the week, straight from the tables."""
    return [
        count(db, Patrol, Patrol.village_id == village, Patrol.date.between(START, END)),
        count(db, FirePoint, FirePoint.village_id == village, FirePoint.date.between(START, END)),
        count(db, Problem, Problem.village_id == village, Problem.found_date.between(START, END)),
        count(db, Problem, Problem.village_id == village, Problem.rectified_date.between(START, END)),
        count(db, Problem, Problem.village_id == village, Problem.closed_date.between(START, END)),
        count(db, Complaint, Complaint.village_id == village, Complaint.received_date.between(START, END)),
    ]


@pytest.fixture
def town(db: Database, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    from ecodesk.services import settings as settings_service

    settings_service.save(db, town_name="青山镇")
    return build_report_town(db)


# -- filling --------------------------------------------------------------------------------------------


def test_the_county_form_is_filled_from_the_records_keeping_its_layout(
    db: Database, town: dict[str, int], tmp_path: Path
) -> None:
    template = county_form(tmp_path / "周报表.xlsx")
    out = tmp_path / "填好.xlsx"
    filled, _counts = county_forms.fill_county_form(db, template, out, START, END)
    assert filled.rows == 3
    before = openpyxl.load_workbook(template).active
    ws = openpyxl.load_workbook(out).active

    # the villages in being that week, in the 基础信息 order, numbered; counts equal the records'
    assert [ws.cell(r, 2).value for r in (4, 5, 6)] == ["东沟村", "西岭村", "城关社区"]
    assert [ws.cell(r, 1).value for r in (4, 5, 6)] == [1, 2, 3]
    rows = [[ws.cell(r, c).value for c in range(3, 9)] for r in (4, 5, 6)]
    assert rows == [expected(db, town[name]) for name in ("东沟村", "西岭村", "城关社区")]
    assert rows[0] == [3, 1, 2, 1, 0, 0]  # the hand count: the deleted and the out-of-week ones left out
    assert all(isinstance(v, int) for row in rows for v in row)

    # the 合计 row moved below the villages: formulas widened, placeholders the sum of the villages
    assert ws["A7"].value == "合  计"
    assert ws["C7"].value == "=SUM(C4:C6)"
    assert ws["D7"].value == "=SUM(D4:D6)"
    assert [ws.cell(7, c).value for c in range(5, 9)] == [sum(r[i] for r in rows) for i in range(2, 6)]

    # the lines under the table: the town's figures (the no-village problem and complaint too) and dates
    assert ws["A8"].value == "统计时间：2026年11月2日至2026年11月8日。全镇共巡查4次，火点1处，受理信访2件。"
    assert ws["A9"].value.startswith("填报单位：青山镇人民政府　　填报人：测试员")
    assert ws["A9"].value.endswith("填报日期：2026年11月10日")
    assert ws["C10"].value == 2 and ws["C10"].number_format == '0"件"'  # a number in the form's format
    assert ws["A1"].value == "青山镇秸秆禁烧和环境问题整改情况周报表"
    assert ws.oddHeader.right.text == "青山镇环保办"

    # merges: the title and header kept, everything below the village row moved down by two
    assert {str(m) for m in ws.merged_cells.ranges} == {
        "A1:H1", "A2:A3", "B2:B3", "C2:D2", "E2:G2", "H2:H3", "A7:B7", "A8:H8", "A9:H9", "A10:B10",
    }  # fmt: skip
    # styles: each village row is the template row; the 合计 row kept its own
    for r in (4, 5, 6):
        for c in range(1, 9):
            cell, model = ws.cell(r, c), before.cell(4, c)
            assert [repr(x) for x in (cell.font, cell.border, cell.alignment)] == [
                repr(x) for x in (model.font, model.border, model.alignment)
            ]
            assert cell.number_format == model.number_format
    assert ws["C7"].font.bold and ws["C7"].border.bottom.style == "thin"
    assert ws["C2"].fill.fgColor.rgb == before["C2"].fill.fgColor.rgb
    # heights follow their rows, the copies take the village row's
    heights = {r: ws.row_dimensions[r].height for r in range(1, 10)}
    assert heights == {1: 36, 2: 20, 3: 30, 4: 22, 5: 22, 6: 22, 7: 24, 8: 30, 9: 28}
    # widths and print settings are the form's
    assert {c: ws.column_dimensions[c].width for c in "ABCDEFGH"} == {
        c: before.column_dimensions[c].width for c in "ABCDEFGH"
    }
    assert ws.print_title_rows == "$1:$3"
    assert ws.print_area == "'周报表'!$A$1:$H$10"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_margins.left == 0.5 and ws.page_margins.top == 0.8
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert ws.freeze_panes == "C4"
    assert str(ws.data_validations.dataValidation[0].sqref) == "C4:H6"
    assert [str(cf.sqref) for cf in ws.conditional_formatting] == ["D4:D6"]


def test_counts_per_village_and_for_the_town(db: Database, town: dict[str, int]) -> None:
    counts = county_forms.period_counts(db, START, END)
    assert [r.village for r in counts.rows] == ["东沟村", "西岭村", "城关社区"]  # 南坡村 撤销, 新村 later
    east = counts.rows[0].counts
    assert (east["巡查次数"], east["报送天数"], east["巡查发现问题"], east["卫星火点"]) == (3, 2, 1, 1)
    assert east["未报送天数"] == 7 - 2
    assert east["未整改"] == 1  # found on 11-06, not rectified by the 8th
    assert counts.total("发现问题") == 2 and counts.town["发现问题"] == 3  # + the problem of no village
    assert counts.total("信访") == 1 and counts.town["信访"] == 2
    assert counts.town["巡查次数"] == counts.total("巡查次数") == 4
    assert {p.name for p in county_forms.COUNTS} == set(east)


def test_an_unknown_placeholder_names_its_cell_and_nothing_is_written(
    db: Database, town: dict[str, int], tmp_path: Path
) -> None:
    template = county_form(tmp_path / "周报表.xlsx")
    wb = openpyxl.load_workbook(template)
    wb.active["C4"] = "{{巡查数}}"
    wb.active["A8"] = "{{序号}}"
    wb.save(template)
    out = tmp_path / "填好.xlsx"
    with pytest.raises(FormError) as caught:
        county_forms.fill_county_form(db, template, out, START, END)
    message = str(caught.value)
    assert "C4：不认识的占位符 {{巡查数}}（是不是 {{巡查次数}}？）" in message
    assert "A8：{{序号}} 只能写在有 {{村}} 的那一行" in message
    assert not out.exists()


def test_two_village_rows_and_other_formats_are_refused(tmp_path: Path) -> None:
    data = FormData({"乡镇": "青山镇"}, [{"村": "东沟村", "n": 1}], frozenset({"村", "n"}))
    wb = openpyxl.Workbook()
    wb.active["A2"], wb.active["A4"] = "{{村}}", "{{村}}"
    wb.save(tmp_path / "two.xlsx")
    with pytest.raises(FormError, match="第2行、第4行都有 {{村}}"):
        fill_form(tmp_path / "two.xlsx", tmp_path / "out.xlsx", data)
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(FormError, match="Excel 97-2003 工作簿.*另存为.*xlsx"):
        fill_form(tmp_path / "old.xls", tmp_path / "out.xlsx", data)
    (tmp_path / "form.et").write_bytes(b"x")
    with pytest.raises(FormError, match="WPS 表格"):
        fill_form(tmp_path / "form.et", tmp_path / "out.xlsx", data)
    with pytest.raises(FormError, match="存回原表格"):
        fill_form(tmp_path / "two.xlsx", tmp_path / "two.xlsx", data)
    assert not (tmp_path / "out.xlsx").exists()


def test_formulas_in_and_below_the_village_row_follow_the_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = "{{村}}", "{{n}}", "=B2*2", "=SUM(B$2:B2)"
    ws["A3"], ws["B3"], ws["C3"] = "合计", "=SUM(B2)", "{{n}}"
    ws["A4"], ws["B4"] = "比上行", "=B3+C3"
    wb.save(tmp_path / "f.xlsx")
    data = FormData(
        {}, [{"村": v, "n": i} for i, v in enumerate(("甲", "乙", "丙"), 1)], frozenset({"村", "n"})
    )
    fill_form(tmp_path / "f.xlsx", tmp_path / "out.xlsx", data)
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    assert [ws.cell(r, 3).value for r in (2, 3, 4)] == ["=B2*2", "=B3*2", "=B4*2"]
    assert [ws.cell(r, 4).value for r in (2, 3, 4)] == ["=SUM(B$2:B2)", "=SUM(B$2:B3)", "=SUM(B$2:B4)"]
    assert (ws["B5"].value, ws["C5"].value) == ("=SUM(B2:B4)", 6)
    assert ws["B6"].value == "=B5+C5"


# -- the command line ------------------------------------------------------------------------------------


def test_report_fill_list_prints_every_placeholder_with_what_it_counts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["report", "fill", "--list"]) == 0
    printed = capsys.readouterr().out
    for placeholder in county_forms.CATALOGUE:
        assert placeholder.token in printed
        assert placeholder.description in printed


def test_report_fill_writes_the_form(
    db: Database, town: dict[str, int], db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db.close()
    template = county_form(tmp_path / "周报表.xlsx")
    out = tmp_path / "填好.xlsx"
    argv = [
        "--db",
        str(db_path),
        "report",
        "fill",
        str(template),
        "--from",
        "2026-11-02",
        "--to",
        "2026-11-08",
    ]
    with window_open(db_path):  # only reads: works while the window holds the file
        assert main([*argv, "--out", str(out)]) == 0
    assert "3个村（社区）" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).active["C4"].value == 3
    assert main([*argv, "--out", str(tmp_path / "x.pdf")]) == 1
    assert main(["--db", str(db_path), "report", "fill", str(template), "--out", str(out)]) == 1
    assert "--from" in capsys.readouterr().err


# -- as printed ------------------------------------------------------------------------------------------


def _calc_installed() -> bool:
    soffice = shutil.which("soffice")
    return soffice is not None and (Path(soffice).resolve().parent / "libsclo.so").exists()


def test_the_filled_form_prints_as_the_county_form(
    db: Database, town: dict[str, int], tmp_path: Path
) -> None:
    """LibreOffice Calc opens the filled form and prints it on one A4 landscape page with the totals."""
    if shutil.which("soffice") and not _calc_installed():
        if os.environ.get("ECODESK_REQUIRE_SOFFICE") == "1":  # CI installs Calc: a skip there hides a gap
            pytest.fail("LibreOffice Calc is required here (libreoffice-calc-nogui)")
        pytest.skip("LibreOffice Calc is not installed here (libreoffice-calc-nogui)")
    pdfplumber = pytest.importorskip("pdfplumber")
    out = tmp_path / "填好.xlsx"
    county_forms.fill_county_form(db, county_form(tmp_path / "周报表.xlsx"), out, START, END)
    pdf = convert_with_libreoffice(out, tmp_path)
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == 1
        page = doc.pages[0]
        assert page.width > page.height  # landscape
        text = page.extract_text()
    assert "青山镇秸秆禁烧和环境问题整改情况周报表" in text
    for name in ("东沟村", "西岭村", "城关社区"):
        assert name in text
    assert "全镇共巡查4次" in text
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 0


def test_merges_breaks_filter_dates_and_full_width_braces(tmp_path: Path) -> None:
    from openpyxl.worksheet.pagebreak import Break

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["F1"] = "村", "数", "｛｛ 乡 镇 ｝｝"
    ws["A2"], ws["B2"], ws["G2"] = "{{村}}", "{{n}}", "{{开始日期}}"
    ws["C2"] = "{{开始日期}}"
    ws["C2"].number_format = "yyyy-mm-dd"
    ws.merge_cells("G2:H2")  # inside the village row: repeated on each copy
    ws.merge_cells("F2:F3")  # over the village row and the next: grows
    ws["A3"] = "合计"
    ws["A4"] = "备注"
    ws.merge_cells("A4:H4")
    ws.auto_filter.ref = "A1:B2"
    ws.row_breaks.append(Break(id=3))
    wb.save(tmp_path / "f.xlsx")
    rows = [{"村": v, "n": 1} for v in ("甲", "乙", "丙")]
    data = FormData({"乡镇": "青山镇", "开始日期": START}, rows, frozenset({"村", "n"}))
    fill_form(tmp_path / "f.xlsx", tmp_path / "out.xlsx", data)
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    assert {str(m) for m in ws.merged_cells.ranges} == {"G2:H2", "G3:H3", "G4:H4", "F2:F5", "A6:H6"}
    assert ws["F1"].value == "青山镇"
    assert ws["C3"].value == datetime(2026, 11, 2)  # a date cell stays a date
    assert ws["G3"].value == "2026年11月2日"  # the same placeholder in a text cell reads as text
    assert ws.auto_filter.ref == "A1:B4"
    assert [b.id for b in ws.row_breaks.brk] == [5]
    assert ws["A6"].value == "备注"


def test_forms_that_cannot_be_filled(tmp_path: Path) -> None:
    data = FormData({"乡镇": "青山镇"}, [], frozenset({"村"}))
    wb = openpyxl.Workbook()
    wb.active["A1"] = "没有占位符"
    wb.save(tmp_path / "plain.xlsx")
    with pytest.raises(FormError, match="没有占位符"):
        fill_form(tmp_path / "plain.xlsx", tmp_path / "out.xlsx", data)
    wb.active["A2"] = "{{村}}"
    wb.save(tmp_path / "empty.xlsx")
    with pytest.raises(FormError, match="没有在册的村"):
        fill_form(tmp_path / "empty.xlsx", tmp_path / "out.xlsx", data)
    (tmp_path / "renamed.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(FormError, match="改了扩展名的旧 .xls，或设了打开密码"):
        fill_form(tmp_path / "renamed.xlsx", tmp_path / "out.xlsx", data)
    assert not (tmp_path / "out.xlsx").exists()
