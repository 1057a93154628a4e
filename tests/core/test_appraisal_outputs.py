"""The appraisal sheet read back with openpyxl, the results 通报 draft, and the CLI."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.models.document import DRAFT
from ecodesk.services import appraisal, documents
from tests.core import helpers as h


@pytest.fixture
def town(db: Database) -> h.ScoredTown:
    town = h.build_scored_town(db)
    appraisal.create_scheme(db, h.SCORED_YEAR, h.SCORED_ITEMS, title="清河镇2025年度考核", weight=10)
    appraisal.compute(db, h.SCORED_YEAR, as_of=h.SCORED_AS_OF)
    return town


def test_sheet_values_merges_print_settings_and_frozen_panes(
    db: Database, town: h.ScoredTown, tmp_path: Path
) -> None:
    fire = appraisal.scheme_items(db, h.SCORED_YEAR)[0]
    appraisal.adjust(
        db, h.SCORED_YEAR, fire.id, town.east, 1.5, "=误报核减"
    )  # text that looks like a formula
    out = appraisal.export_xlsx(db, h.SCORED_YEAR, tmp_path / "考核.xlsx", today=date(2026, 1, 12))
    wb = load_workbook(out)
    ws = wb["考核得分表"]
    assert ws["A1"].value == "清河镇2025年度考核得分表"
    merged = {str(r) for r in ws.merged_cells.ranges}
    n_items = len(h.SCORED_ITEMS)
    last = 2 + n_items + 3
    from openpyxl.utils import get_column_letter as col

    assert f"A1:{col(last)}1" in merged
    assert {"A3:A4", "B3:B4"} <= merged  # 序号, 村 span both header rows
    assert "C3:E3" in merged  # 大气: 火点, 承诺书 and 巡查 under one category cell
    assert ws["C3"].value == "大气" and ws["C4"].value == "火点\n（15分）"
    bonus_col = 2 + n_items
    assert ws.cell(4, bonus_col).value == "表彰\n（加分，≤3分）"
    assert [ws.cell(3, c).value for c in (last - 2, last - 1, last)] == ["合计", "折算分\n（×10%）", "排名"]
    rows = {ws.cell(r, 2).value: r for r in range(5, 8)}
    assert set(rows) == {"东沟村", "西岭村", "南坡村"}
    east = rows["东沟村"]
    # Categories keep their items together: 大气 = 火点, 承诺书, 巡查.
    assert [ws.cell(4, c).value.split("\n")[0] for c in range(3, 3 + n_items)] == [
        "火点",
        "承诺书",
        "巡查",
        "超期",
        "未销号",
        "材料",
        "信访",
        "宣传",
        "表彰",
    ]
    assert ws.cell(east, 3).value == 10.5 and ws.cell(east, 3).number_format == "0.00"
    assert ws.cell(east, last - 2).value == 64.0 and ws.cell(east, last - 1).value == 6.4
    assert ws.cell(east, last).value == 3 and ws.cell(rows["西岭村"], last).value == 1
    texts = [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("制表人") for t in texts) and any(t.startswith("审核人") for t in texts)
    assert any(t.startswith("日期：2026年") for t in texts)
    # Print: A4 landscape, one page wide, header rows on every page, panes frozen below the header.
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert (
        ws.page_setup.fitToWidth == 1
        and ws.page_setup.fitToHeight == 0
        and ws.sheet_properties.pageSetUpPr.fitToPage
    )
    assert ws.print_title_rows == "$3:$4"
    assert ws.freeze_panes == "C5"

    ev = wb["扣分依据"]
    assert ev.freeze_panes == "A3" and ev.print_title_rows == "$1:$2"
    lines = [[c.value for c in row] for row in ev.iter_rows(min_row=3, values_only=False)]
    east_lines = [line for line in lines if line[1] == "东沟村"]
    assert [line[2] for line in east_lines][:3] == ["火点", "火点", "火点"]
    adjustment = next(line for line in east_lines if "人工调整" in str(line[4]))
    assert adjustment[4] == "人工调整（加1.5分）：=误报核减" and adjustment[5] == 1.5
    cell = next(c for row in ev.iter_rows(min_row=3) for c in row if c.value == adjustment[4])
    assert cell.data_type == "s"  # stays text, never a formula
    # 西岭村: one missing deliverable, twelve months short of patrols, and the note that nothing was to be signed.
    assert sum(1 for line in lines if line[1] == "西岭村") == 14
    assert all(line[5] <= 0 for line in lines if "人工调整" not in str(line[4]))


def test_results_circular_is_a_draft_in_the_register(db: Database, town: h.ScoredTown) -> None:
    doc = appraisal.draft_circular(db, h.SCORED_YEAR, today=date(2026, 1, 12))
    stored = documents.get(db, doc.id)
    assert stored.status == DRAFT and stored.kind == "通报"
    assert stored.title == "关于2025年度各村（社区）生态环境保护工作考核结果的通报"
    assert "西岭村（68分）" in stored.body and "按10%纳入" in stored.body
    ranking = stored.attachments[0]["body"]
    assert ranking.split("\n\n")[0] == "1. 西岭村：68.00分，折算分6.80分"


def test_cli_compute_export_finalise(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database.open(db_path, operator="测试员")
    h.build_scored_town(db)
    db.close()
    assert main(["--db", str(db_path), "appraisal", "compute", "--year", "2025"]) == 0
    out = capsys.readouterr().out
    assert "已计算2025年度考核：3个村（社区）× 14个项目" in out
    xlsx = tmp_path / "sheet.xlsx"
    assert main(["--db", str(db_path), "appraisal", "export", "--year", "2025", "--out", str(xlsx)]) == 0
    assert load_workbook(xlsx).sheetnames == ["考核得分表", "扣分依据"]
    assert main(["--db", str(db_path), "appraisal", "finalise", "--year", "2025"]) == 0
    assert main(["--db", str(db_path), "appraisal", "compute", "--year", "2025"]) == 1
    assert "定稿锁定" in capsys.readouterr().err
    assert (
        main(
            ["--db", str(db_path), "appraisal", "export", "--year", "2025", "--out", str(tmp_path / "x.pdf")]
        )
        == 1
    )
    assert ".xlsx" in capsys.readouterr().err


def test_cli_compute_on_a_file_without_villages_changes_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), "appraisal", "compute", "--year", "2025"]) == 1
    assert "没有可考核的村或社区" in capsys.readouterr().err
    with Database.open(db_path) as db:
        assert appraisal.years(db) == []  # no half-made scheme left behind


def test_demo_data_brings_a_computed_scheme(db: Database) -> None:
    from ecodesk import dates, demo

    summary = demo.generate(db, "small", seed=7)
    assert any(label == "考核方案" for label, _n, _w in summary.more)  # two years in a January
    data = appraisal.sheet(db, dates.today().year)
    assert len(data.rows) == 2 and not data.locked and data.full_marks == 100
    assert all(0 <= r.total <= 108 for r in data.rows) and sorted(r.rank for r in data.rows)[0] == 1
