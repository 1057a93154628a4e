"""周报/月报 for any period and as PDF too; the daily 通报 printed as a 信息 (no red 文件 head, no
发文字号, nothing added to the 公文 register). Read back with pdfplumber and openpyxl."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ecodesk import dates
from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.errors import EcoDeskError
from ecodesk.models.document import Document
from ecodesk.services import records, reports
from ecodesk.services.patrols import PATROLS
from tests.core.helpers import build_town


@pytest.fixture
def town(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setattr(dates, "today", lambda: date(2024, 10, 31))
    build_town(db)
    for day, village in (
        (date(2024, 10, 3), "东沟村"),
        (date(2024, 10, 9), "东沟村"),
        (date(2024, 10, 9), "西岭村"),
    ):
        records.create(
            db, PATROLS, {"date": day, "village": village, "kind": "禁烧巡查", "patrollers": "张三"}
        )
    return db


def test_presets_are_whole_weeks_and_months() -> None:
    wednesday = date(2024, 10, 9)
    assert reports.preset_range("本周", wednesday) == (date(2024, 10, 7), date(2024, 10, 13))
    assert reports.preset_range("上周", wednesday) == (date(2024, 9, 30), date(2024, 10, 6))
    assert reports.preset_range("本月", wednesday) == (date(2024, 10, 1), date(2024, 10, 31))
    assert reports.preset_range("上月", date(2024, 1, 15)) == (date(2023, 12, 1), date(2023, 12, 31))
    assert reports.preset_range("本月", date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    with pytest.raises(EcoDeskError, match="没有“本年”这个期间"):
        reports.preset_range("本年", wednesday)


def test_any_range_counts_only_its_days(town: Database) -> None:
    summary = reports.range_summary(town, date(2024, 10, 2), date(2024, 10, 8))
    assert summary.title == "巡查情况汇总（2024年10月2日—2024年10月8日）"
    by_name = {r.village: r for r in summary.rows}
    assert (summary.days, summary.total) == (7, 1)
    assert by_name["东沟村"].days_reported == 1 and by_name["西岭村"].total == 0
    # A whole week or month keeps its usual title.
    assert reports.range_summary(town, date(2024, 10, 7), date(2024, 10, 13)).title.startswith(
        "巡查情况周汇总"
    )
    assert reports.range_summary(town, date(2024, 10, 1), date(2024, 10, 31)).title == (
        "巡查情况月汇总（2024年10月）"
    )
    with pytest.raises(EcoDeskError, match="早于开始日期"):
        reports.range_summary(town, date(2024, 10, 8), date(2024, 10, 2))


def test_summary_pdf_shows_the_same_table_as_the_excel(town: Database, tmp_path: Path) -> None:
    summary = reports.range_summary(town, date(2024, 10, 2), date(2024, 10, 10))
    xlsx = reports.write_summary(town, summary, tmp_path / "汇总.xlsx")
    pdf = reports.write_summary(town, summary, tmp_path / "汇总.pdf")
    sheet = [
        [("" if v is None else str(v)) for v in row]
        for row in load_workbook(xlsx).active.iter_rows(values_only=True)
    ]
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        text = page.extract_text() or ""
        table = page.extract_table()
        fonts = {c["fontname"] for c in page.chars}
    assert "巡查情况汇总（2024年10月2日—2024年10月10日）" in text.replace("\n", "")
    assert "统计期间：2024年10月2日至2024年10月10日，应报送9天。" in text.replace("\n", "")
    assert table is not None
    assert [c.replace("\n", "") for c in table[0]] == sheet[1]  # the header row
    assert [[c.replace("\n", "") for c in row] for row in table[1:]] == sheet[2:-1]  # villages and 合计
    assert table[-1][0] == "合计" and table[1][1] == "东沟村"
    assert "第 1 页" in text and "Helvetica" not in " ".join(fonts)
    with pytest.raises(EcoDeskError, match=r"只能保存为 \.xlsx 或 \.pdf"):
        reports.write_summary(town, summary, tmp_path / "汇总.docx")


def test_cli_range_weekly_and_monthly_write_pdf_and_excel(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "today", lambda: date(2024, 11, 5))
    with Database.open(db_path) as db:
        build_town(db)
        records.create(db, PATROLS, {"date": date(2024, 10, 9), "village": "东沟村", "kind": "巡河"})

    def run(*argv: str) -> int:
        return main(["--db", str(db_path), "-q", "report", *argv])

    out = tmp_path / "区间.pdf"
    assert run("range", "--from", "2024-10-08", "--to", "2024-10-20", "--out", str(out)) == 0
    with pdfplumber.open(out) as doc:
        assert "2024年10月8日—2024年10月20日" in (doc.pages[0].extract_text() or "").replace("\n", "")
    assert run("range", "--period", "上月", "--out", str(tmp_path / "上月.xlsx")) == 0
    rows = list(load_workbook(tmp_path / "上月.xlsx").active.iter_rows(values_only=True))
    assert rows[0][0] == "巡查情况月汇总（2024年10月）"  # a file without a town name set
    assert run("weekly", "--date", "2024-10-09", "--out", str(tmp_path / "周.pdf")) == 0
    assert run("monthly", "--month", "2024-10", "--out", str(tmp_path / "月.pdf")) == 0
    assert run("monthly", "--month", "2024-10", "--out", str(tmp_path / "月.xlsx")) == 0  # as before
    capsys.readouterr()
    assert run("range", "--from", "2024-10-08", "--out", str(out)) == 1
    assert "请给出 --from 和 --to" in capsys.readouterr().err
    assert run("range", "--period", "本月", "--from", "2024-10-08", "--out", str(out)) == 1
    assert run("range", "--from", "2024-10-08", "--to", "2024-10-20", "--out", str(tmp_path / "x.docx")) == 1


def test_daily_circular_is_an_information_sheet_without_red_head_or_number(
    town: Database, tmp_path: Path
) -> None:
    """A 通报 with a red 文件 head and no 发文字号 is wrong on paper: the daily one prints as a 信息."""
    with town.session() as session:
        before = session.scalar(select(func.count()).select_from(Document))
    out = reports.write_daily(town, date(2024, 10, 9), tmp_path / "日报.pdf")
    with pdfplumber.open(out) as pdf:
        first = pdf.pages[0]
        lines = (first.extract_text() or "").splitlines()
        colours = {tuple(c.get("non_stroking_color") or ()) for p in pdf.pages for c in p.chars}
        red_lines = [
            r
            for p in pdf.pages
            for r in (p.lines + p.rects)
            if r.get("stroking_color") not in (None, (0,), [0])
        ]
    assert lines[0].startswith("关于2024年10月9日全镇生态环境巡查情况")  # the title leads: no masthead
    assert "文件" not in "".join(lines[:3]) and "〔" not in "".join(lines[:4])  # no 文件 head, no 发文字号
    assert all(not (len(c) == 3 and c[0] > 0.5 and c[1] < 0.3) for c in colours)  # nothing printed red
    assert red_lines == []  # no red rule under a head
    with town.session() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == before  # not in the register
