"""The daily report (日报): exactly the villages without a patrol, findings and fire points; read back
from the PDF (pdfplumber) and the xlsx (openpyxl); weekly/monthly summaries; the CLI; demo patrols."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ecodesk import dates, demo
from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.models.patrol import FirePoint, Patrol
from ecodesk.services import records, reports
from ecodesk.services.org import UNITS
from ecodesk.services.patrols import FIRE_POINTS, PATROLS
from tests.core.helpers import Town, build_town

DAY = date(2024, 10, 15)


@pytest.fixture
def town(db: Database) -> Town:
    t = build_town(db)
    # merged away before DAY: 撤销日期 set
    records.create(db, UNITS, {"name": "旧村", "kind": "村", "sort_order": 9, "retired_date": "2024-01-01"})
    add = records.create
    add(
        db,
        PATROLS,
        {
            "date": DAY,
            "village": "东沟村",
            "kind": "禁烧巡查",
            "patrollers": "张三、李四",
            "place": "一组田间",
            "findings": "二组麦田焚烧秸秆",
            "fire_count": 1,
            "measures": "已扑灭",
        },
    )
    add(
        db,
        PATROLS,
        {"date": DAY, "village": "东沟村", "kind": "巡河", "patrollers": "李四", "findings": "无"},
    )
    gone = add(db, PATROLS, {"date": DAY, "village": "城关社区", "kind": "禁烧巡查", "patrollers": "赵六"})
    records.soft_delete(db, PATROLS, [gone.id])  # a deleted patrol is no report
    add(
        db,
        PATROLS,
        {"date": DAY - timedelta(days=1), "village": "西岭村", "kind": "禁烧巡查", "patrollers": "王五"},
    )
    add(
        db,
        FIRE_POINTS,
        {"date": DAY, "village": "西岭村", "source": "卫星遥感", "notice_no": "WX-07", "place": "西岭坡地"},
    )
    return t


def test_lists_exactly_the_villages_without_a_patrol_that_day(db: Database, town: Town) -> None:
    report = reports.daily_report(db, DAY)
    assert [v.village for v in report.villages] == ["东沟村", "西岭村", "城关社区"]  # 撤销 旧村 left out
    assert report.silent == ["西岭村", "城关社区"]
    assert [v.village for v in report.reported] == ["东沟村"]
    east = report.villages[0]
    assert east.kind_counts == {"禁烧巡查": 1, "巡河": 1} and east.patroller_text == "张三、李四"
    assert [p.findings for p in east.findings] == ["二组麦田焚烧秸秆"]  # "无" is no finding
    assert (report.patrol_count, report.finding_count, report.fire_count) == (2, 1, 2)
    assert [(f.source, f.from_patrol) for f in report.villages[1].fires] == [("卫星遥感", False)]
    assert reports.daily_report(db, DAY - timedelta(days=1)).silent == ["东沟村", "城关社区"]
    assert reports.daily_report(db, DAY + timedelta(days=1)).silent == ["东沟村", "西岭村", "城关社区"]


def test_daily_pdf_is_a_circular_that_names_the_silent_villages(
    db: Database, town: Town, tmp_path: Path
) -> None:
    out = reports.write_daily(db, DAY, tmp_path / "日报.pdf")
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        fonts = {c["fontname"] for page in pdf.pages for c in page.chars}
    flat = text.replace("\n", "")
    assert "关于2024年10月15日全镇生态环境巡查情况的通报" in flat
    assert "全镇3个村（社区）中1个报送了巡查情况" in flat and "共开展巡查2次" in flat
    assert "1.东沟村（禁烧巡查，张三、李四）：二组麦田焚烧秸秆。处置情况：已扑灭。" in flat
    assert "当日共发现火点2处：东沟村1处（巡查发现1处）；西岭村1处（卫星遥感1处）" in flat
    assert "西岭村、城关社区，共2个村（社区）未报送当日巡查情况" in flat
    assert (
        "2.西岭村：未报送，火点1处。" in flat
        and "1.东沟村：巡查2次（禁烧巡查1次、巡河1次），发现问题1个，火点1处。" in flat
    )
    assert "Helvetica" not in " ".join(fonts)  # every glyph from an embedded CJK font


def test_daily_table_pdf_has_a_row_per_patrol_and_per_silent_village(
    db: Database, town: Town, tmp_path: Path
) -> None:
    out = reports.write_daily(db, DAY, tmp_path / "日报表.pdf", table=True)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        assert page.width > page.height  # A4 landscape
        table = page.extract_table()
        fonts = {c["fontname"] for c in page.chars}
    assert table is not None
    assert table[0][:3] == ["序号", "村（社区）", "巡查类型"]
    assert [(r[1], r[2]) for r in table[1:]] == [
        ("东沟村", "禁烧巡查"),
        ("东沟村", "巡河"),
        ("西岭村", "未报送"),
        ("城关社区", "未报送"),
    ]
    assert table[1][6] == "二组麦田焚烧秸秆" and table[2][6] == "未发现问题" and table[3][7] == "1"
    assert "Helvetica" not in " ".join(fonts)


def test_daily_xlsx_rows_and_totals(db: Database, town: Town, tmp_path: Path) -> None:
    out = reports.write_daily(db, DAY, tmp_path / "日报.xlsx")
    wb = load_workbook(out)
    ws = wb["日报明细"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "本镇巡查日报（2024年10月15日）"
    assert rows[1][:3] == ("序号", "村（社区）", "巡查类型")
    body = rows[2:]
    assert [(r[1], r[2], r[10]) for r in body[:4]] == [
        ("东沟村", "禁烧巡查", "已报送"),
        ("东沟村", "巡河", "已报送"),
        ("西岭村", None, "未报送"),
        ("城关社区", None, "未报送"),
    ]
    assert body[0][5] == "张三、李四" and body[0][7] == "二组麦田焚烧秸秆" and body[0][8] == 1
    assert body[1][7] == "未发现问题"
    assert body[4][0] == "合计" and body[4][8] == 2 and body[4][10] == "未报送2个"
    assert body[5][0] == "未报送巡查情况的村（社区）：西岭村、城关社区"
    assert ws.freeze_panes == "A3" and ws.page_setup.orientation == "landscape"
    assert ws.cell(row=5, column=2).fill.fgColor.rgb.endswith("FCE4D6")  # the silent village is marked
    fires = list(wb["火点"].iter_rows(values_only=True))
    assert [(r[1], r[2], r[4]) for r in fires[2:]] == [
        ("东沟村", "巡查发现", None),
        ("西岭村", "卫星遥感", "WX-07"),
    ]


def test_weekly_and_monthly_summaries(db: Database, town: Town, tmp_path: Path) -> None:
    week = reports.weekly_summary(db, DAY)
    assert (week.date_from, week.date_to, week.days) == (date(2024, 10, 14), date(2024, 10, 20), 7)
    by_name = {r.village: r for r in week.rows}
    assert by_name["东沟村"].by_kind == {"禁烧巡查": 1, "巡河": 1} and by_name["东沟村"].days_reported == 1
    assert by_name["西岭村"].total == 1 and week.days_silent(by_name["西岭村"]) == 6
    assert by_name["西岭村"].fire_points == 1 and by_name["东沟村"].findings == 1
    assert by_name["城关社区"].total == 0  # its only patrol was deleted
    month = reports.monthly_summary(db, 2024, 10)
    assert (month.date_from, month.date_to, month.total) == (date(2024, 10, 1), date(2024, 10, 31), 3)
    out = reports.write_summary_xlsx(month, tmp_path / "月汇总.xlsx", "清河镇")
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "清河镇巡查情况月汇总（2024年10月）"
    header = rows[1]
    east = rows[2]
    assert east[header.index("禁烧巡查")] == 1 and east[header.index("巡查合计")] == 2
    assert east[header.index("未报送天数")] == 30
    total = rows[5]
    assert total[0] == "合计" and total[header.index("巡查合计")] == 3 and total[header.index("火点")] == 2
    with pytest.raises(Exception, match="月份"):
        reports.monthly_summary(db, 2024, 13)


def test_fire_count_sheet(db: Database, town: Town, tmp_path: Path) -> None:
    out = reports.write_fire_counts_xlsx(db, 2024, tmp_path / "火点.xlsx")
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("序号", "村（社区）", "1月")
    assert rows[2][1] == "东沟村" and rows[2][11] == 1 and rows[2][-1] == 1
    assert rows[-1][0] == "合计" and rows[-1][-1] == 2


def test_cli_report_daily(db_path: Path, tmp_path: Path) -> None:
    with Database.open(db_path) as db:
        build_town(db)
        records.create(db, PATROLS, {"date": DAY, "village": "西岭村", "kind": "巡河", "patrollers": "王五"})
    pdf, xlsx = tmp_path / "d.pdf", tmp_path / "d.xlsx"
    assert main(["--db", str(db_path), "report", "daily", "--date", "2024年10月15日", "--out", str(pdf)]) == 0
    assert main(["--db", str(db_path), "report", "daily", "--date", "2024-10-15", "--out", str(xlsx)]) == 0
    with pdfplumber.open(pdf) as doc:
        assert "东沟村、城关社区" in "".join((p.extract_text() or "") for p in doc.pages).replace("\n", "")
    assert load_workbook(xlsx)["日报明细"]["B3"].value == "东沟村"
    assert (
        main(["--db", str(db_path), "report", "daily", "--date", "2024-10-15", "--table", "--out", str(pdf)])
        == 0
    )
    with pdfplumber.open(pdf) as doc:
        assert "生态环境巡查日报表" in (doc.pages[0].extract_text() or "")
    assert main(["--db", str(db_path), "report", "daily", "--date", "2024-02-30", "--out", str(pdf)]) == 1
    assert main(["--db", str(db_path), "report", "daily", "--out", str(tmp_path / "d.docx")]) == 1
    assert (
        main(
            [
                "--db",
                str(db_path),
                "report",
                "monthly",
                "--month",
                "2024-10",
                "--out",
                str(tmp_path / "m.xlsx"),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "--db",
                str(db_path),
                "report",
                "weekly",
                "--date",
                "2024-10-15",
                "--out",
                str(tmp_path / "w.xlsx"),
            ]
        )
        == 0
    )
    assert (
        main(["--db", str(db_path), "report", "fires", "--year", "2024", "--out", str(tmp_path / "f.xlsx")])
        == 0
    )


def test_demo_patrols_have_seasons_and_most_villages_report(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = date(2026, 11, 28)
    monkeypatch.setattr(dates, "today", lambda: today)  # the demo's year ends "today": pin it
    summary = demo.generate(db, scale="small")
    made = {label: n for label, n, _w in summary.more}
    assert made["巡查记录"] > 500 and made["专项行动"] >= 1
    with db.session() as s:
        per_month = dict(
            s.execute(
                select(func.strftime("%m", Patrol.date), func.count()).group_by(
                    func.strftime("%m", Patrol.date)
                )
            )
            .tuples()
            .all()
        )
        fires_by_month = dict(
            s.execute(
                select(func.strftime("%m", FirePoint.date), func.count()).group_by(
                    func.strftime("%m", FirePoint.date)
                )
            )
            .tuples()
            .all()
        )
        first, last = s.execute(select(func.min(Patrol.date), func.max(Patrol.date))).one()
    assert last == today
    # Harvest (June, October) sends more patrols out than midsummer (August).
    assert per_month["10"] > per_month["08"] and per_month["06"] > per_month["08"]
    harvest = sum(fires_by_month.get(m, 0) for m in ("05", "06", "09", "10", "11"))
    assert harvest >= sum(fires_by_month.values()) * 0.7
    # Most villages report most days.
    days = (today - first).days
    report_days = [
        reports.period_summary(db, first, today - timedelta(days=1)).rows[i].days_reported for i in (0, 1)
    ]
    assert all(n >= days * 0.6 for n in report_days)
