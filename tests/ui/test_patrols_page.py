"""巡查日志 page: newest patrols first, the 日报 button makes real files for a date, a finding opens a
problem in one step, and the 火点统计 tab counts per village and month."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import records, settings
from ecodesk.services.org import UNITS
from ecodesk.services.patrols import FIRE_POINTS, PATROLS
from ecodesk.services.rectification import PROBLEMS
from ui.common import dialogs
from ui.patrols import daily_report
from ui.patrols.daily_report import DailyResultDialog, DateDialog
from ui.patrols.page import PatrolsPage

pytestmark = pytest.mark.gui


@pytest.fixture
def patrol_db(db: Database) -> Database:
    settings.save(db, town_name="清河镇")
    east = records.create(db, UNITS, {"name": "东沟村", "kind": "村", "sort_order": 1}).id
    west = records.create(db, UNITS, {"name": "西岭村", "kind": "村", "sort_order": 2}).id
    records.create(db, UNITS, {"name": "滨河社区", "kind": "社区", "sort_order": 3})
    day = dates.today() - timedelta(days=1)
    records.create(
        db, PATROLS, {"date": day - timedelta(days=1), "village": west, "kind": "巡河", "place": "清河西岭段"}
    )
    records.create(
        db,
        PATROLS,
        {
            "date": day,
            "village": east,
            "kind": "禁烧巡查",
            "place": "二组麦田",
            "findings": "秸秆堆放未清运",
            "fire_count": 2,
        },
    )
    records.create(db, PATROLS, {"date": day, "village": west, "kind": "扬尘检查", "place": "村内工地"})
    return db


@pytest.fixture
def alive() -> list[QWidget]:
    """Pages held until pytest-qt closes them after the test: dropped at the end of the test body,
    a page would be destroyed inside the test's last event processing (its history pane reacts to
    its own destruction)."""
    return []


def make_page(qtbot, db: Database, alive: list[QWidget]) -> PatrolsPage:
    page = PatrolsPage(db)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    alive.append(page)
    return page


def test_newest_patrols_first(qtbot, alive, patrol_db: Database) -> None:
    page = make_page(qtbot, patrol_db, alive)
    model = page.patrol_page.model
    assert model.rowCount() == 3
    dates = [model.index(row, 0).data() for row in range(3)]
    assert dates == sorted(dates, reverse=True)
    assert page.record_count() == 3


def test_daily_report_button_makes_pdf_and_xlsx_for_a_date(
    qtbot, alive, patrol_db: Database, monkeypatch
) -> None:
    day = dates.today() - timedelta(days=1)
    monkeypatch.setattr(DateDialog, "ask", classmethod(lambda cls, parent, default: day))
    shown: list[daily_report.DailyFiles] = []
    monkeypatch.setattr(
        DailyResultDialog, "show_for", classmethod(lambda cls, parent, files: shown.append(files))
    )
    page = make_page(qtbot, patrol_db, alive)
    button = page.patrol_page.daily_button
    assert button.text() == "生成日报"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    handle = page.patrol_page.daily_report.handle
    assert handle is not None
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert handle.error is None
    files = shown[0]
    assert files.report.day == day
    assert files.pdf.is_file() and files.pdf.read_bytes().startswith(b"%PDF")
    with pdfplumber.open(files.pdf) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages).replace(" ", "").replace("\n", "")
    assert "东沟村" in text and "秸秆堆放未清运" in text
    assert "滨河社区" in text  # the community that reported nothing is named
    with pdfplumber.open(files.table_pdf) as pdf:
        page_one = pdf.pages[0]
        assert page_one.width > page_one.height  # the 日报表 is A4 landscape
        table_text = "".join(p.extract_text() or "" for p in pdf.pages).replace(" ", "").replace("\n", "")
    assert "秸秆堆放未清运" in table_text and "滨河社区" in table_text
    book = openpyxl.load_workbook(files.xlsx, read_only=True)
    rows = [[c for c in row if c is not None] for row in book["日报明细"].iter_rows(values_only=True)]
    silent_rows = [r for r in rows if "滨河社区" in r]
    assert silent_rows and "未报送" in silent_rows[0]
    assert any("东沟村" in r and "禁烧巡查" in r for r in rows)

    # The result dialog says who reported nothing, in red, and opens the PDF with Enter.
    opened: list[object] = []
    monkeypatch.setattr(daily_report, "open_file", lambda path: opened.append(path) or True)
    result = DailyResultDialog(files)
    qtbot.addWidget(result)
    assert result.silent_label.text() == "未报告巡查的村（社区）1 个：滨河社区"
    assert "c62828" in result.silent_label.styleSheet()
    assert result.open_button.isDefault()
    qtbot.mouseClick(result.open_button, Qt.MouseButton.LeftButton)
    assert opened == [files.pdf]


def test_the_date_dialog_refuses_a_day_not_yet_come(qtbot) -> None:
    dialog = DateDialog(dates.today())
    qtbot.addWidget(dialog)
    dialog.date_edit.setText((dates.today() + timedelta(days=1)).isoformat())
    dialog._accept()
    assert dialog.chosen is None and "还没到" in dialog.error.text()
    dialog.date_edit.setText("2024年3月5日")
    dialog._accept()
    assert dialog.chosen == date(2024, 3, 5)


def test_a_finding_opens_a_problem_in_one_step(qtbot, alive, patrol_db: Database, monkeypatch) -> None:
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    infos: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="提示": infos.append(text))
    page = make_page(qtbot, patrol_db, alive)
    records_page = page.patrol_page
    finding_id = next(
        i for i in records_page.model.ids if records.get(patrol_db, PATROLS, i).findings == "秸秆堆放未清运"
    )
    records_page.select_ids([finding_id])
    assert records_page.problem_button.isEnabled()
    qtbot.mouseClick(records_page.problem_button, Qt.MouseButton.LeftButton)
    problems = records.list_ids(patrol_db, PROBLEMS, records.ListFilter())
    assert len(problems) == 1
    problem = records.get(patrol_db, PROBLEMS, problems[0])
    assert (problem.description, problem.source, problem.village.name) == (
        "秸秆堆放未清运",
        "巡查发现",
        "东沟村",
    )
    assert records.get(patrol_db, PATROLS, finding_id).problem_id == problem.id
    assert f"编号 {problem.id}" in infos[-1]
    assert f"已开为整改问题（编号 {problem.id}）" in records_page.detail.fields_view.toPlainText()

    # A second click says it is already open (the service refuses) and opens nothing more.
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": errors.append(text))
    qtbot.mouseClick(records_page.problem_button, Qt.MouseButton.LeftButton)
    assert len(records.list_ids(patrol_db, PROBLEMS, records.ListFilter())) == 1
    assert errors and "已立整改问题" in errors[-1]


def test_fire_counts_per_village_and_month(qtbot, alive, patrol_db: Database) -> None:
    day = dates.today() - timedelta(days=1)
    east = records.list_ids(patrol_db, UNITS, records.ListFilter(text="东沟村"))[0]
    records.create(
        patrol_db, FIRE_POINTS, {"date": day, "village": east, "source": "卫星遥感", "notice_no": "WX-1"}
    )
    page = make_page(qtbot, patrol_db, alive)
    view = page.show_tab("fire_counts")
    view.year.setValue(day.year)
    table = view.table
    villages = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert villages == ["东沟村", "西岭村", "滨河社区", "合计"]
    assert table.item(0, day.month).text() == "3"  # two from the patrol, one from the notice
    assert table.item(0, day.month).background().color().name() == "#fde2d4"
    assert table.item(1, day.month).text() == ""
    assert table.item(3, 13).text() == "3"
    assert view.total_label.text() == f"{day.year}年共 3 处火点"
    # The fire points tab lists them, and a satellite fire point can open a problem too.
    fire_page = page.show_tab("fire_points")
    assert fire_page.model.rowCount() == 3


def test_weekly_and_monthly_summaries_by_village_and_kind(
    qtbot, alive, patrol_db: Database, tmp_path: Path, monkeypatch
) -> None:
    infos: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": infos.append(text))
    page = make_page(qtbot, patrol_db, alive)
    records_page = page.patrol_page
    assert [a.text() for a in records_page.summary_button.menu().actions()] == [
        "本周汇总",
        "上周汇总",
        "本月汇总",
        "上月汇总",
        "",
        "选择时间段…",
    ]
    day = dates.today() - timedelta(days=1)
    target = tmp_path / "月汇总.xlsx"
    handle = records_page.export_summary("month", day, target)
    assert handle is not None
    with qtbot.waitSignal(handle.finished, timeout=20_000):
        pass
    assert str(target) in infos[-1]
    book = openpyxl.load_workbook(target, read_only=True)
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    header = next(r for r in rows if r and "村（社区）" in r)
    east = next(r for r in rows if r and "东沟村" in r)
    assert east[header.index("禁烧巡查")] == 1
