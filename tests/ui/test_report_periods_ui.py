"""巡查汇总 for a chosen period (Excel or PDF), Esc on the 日报 date never loses a typed date, and the
日报's temporary files go when the page or the program closes (old leftovers swept at start)."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import records, settings
from ecodesk.services.org import UNITS
from ecodesk.services.patrols import PATROLS
from tests.ui.helpers import keep_shot
from ui.common import dialogs, unsaved
from ui.patrols import daily_report, report_folders
from ui.patrols.daily_report import DailyResultDialog, DateDialog
from ui.patrols.page import PatrolRecordPage
from ui.patrols.summary import PDF, PeriodDialog

pytestmark = pytest.mark.gui
TODAY = date(2024, 10, 23)


@pytest.fixture
def town(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    settings.save(db, town_name="清河镇")
    east = records.create(db, UNITS, {"name": "东沟村", "kind": "村", "sort_order": 1}).id
    records.create(db, UNITS, {"name": "西岭村", "kind": "村", "sort_order": 2})
    for day in (date(2024, 10, 7), date(2024, 10, 15), date(2024, 10, 16)):
        records.create(db, PATROLS, {"date": day, "village": east, "kind": "禁烧巡查", "place": "二组"})
    return db


@pytest.fixture
def page(qtbot, town: Database) -> PatrolRecordPage:
    widget = PatrolRecordPage(town)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_summary_menu_offers_the_presets_and_any_period(
    qtbot, page: PatrolRecordPage, tmp_path, monkeypatch
) -> None:
    assert [a.text() for a in page.summary_button.menu().actions()] == [
        "本周汇总",
        "上周汇总",
        "本月汇总",
        "上月汇总",
        "",
        "选择时间段…",
    ]
    infos: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": infos.append(text))
    offered: list[tuple[str, str]] = []

    def save_as(parent, title, name, name_filter):
        offered.append((name, name_filter))
        return tmp_path / "上周"  # typed without an extension

    monkeypatch.setattr(dialogs, "ask_save_file", save_as)
    handle = page.export_preset("上周")
    assert handle is not None
    with qtbot.waitSignal(handle.finished, timeout=20_000):
        pass
    assert offered == [("巡查汇总2024-10-14至2024-10-20.xlsx", "Excel 文件 (*.xlsx);;PDF 文件 (*.pdf)")]
    rows = list(load_workbook(tmp_path / "上周.xlsx").active.iter_rows(values_only=True))
    assert rows[0][0] == "清河镇巡查情况周汇总（2024年10月14日—2024年10月20日）"
    assert rows[2][1] == "东沟村" and rows[2][rows[1].index("巡查合计")] == 2


def test_a_chosen_period_as_pdf(qtbot, page: PatrolRecordPage, tmp_path, monkeypatch) -> None:
    dialog = PeriodDialog((date(2024, 10, 1), date(2024, 10, 31)))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.date_from.setText("2024-10-06")
    dialog.date_to.setText("2024-10-05")
    dialog._accept()
    assert dialog.chosen is None and dialog.error.text() == "截止日期：2024-10-05 早于起始日期 2024-10-06"
    dialog.date_to.setText("2024-10-16")
    dialog.pdf.setChecked(True)
    keep_shot(dialog, "summary_period_dialog.png")
    dialog._accept()
    assert dialog.chosen is not None and dialog.chosen.suffix == PDF
    dialog.use_preset("上月")
    assert (dialog.date_from.parsed_date(), dialog.date_to.parsed_date()) == (
        date(2024, 9, 1),
        date(2024, 9, 30),
    )

    monkeypatch.setattr(dialogs, "show_info", lambda *args, **kwargs: None)
    handle = page.export_range(date(2024, 10, 6), date(2024, 10, 16), tmp_path / "区间.pdf")
    assert handle is not None
    with qtbot.waitSignal(handle.finished, timeout=20_000):
        pass
    with pdfplumber.open(tmp_path / "区间.pdf") as pdf:
        text = (pdf.pages[0].extract_text() or "").replace("\n", "")
    assert "清河镇巡查情况汇总（2024年10月6日—2024年10月16日）" in text and "东沟村" in text


def test_esc_on_the_period_dialog_asks_when_dates_were_typed(qtbot, monkeypatch) -> None:
    asked: list[object] = []
    monkeypatch.setattr(unsaved, "ask", lambda parent: asked.append(parent) or unsaved.Answer.KEEP)
    dialog = PeriodDialog((date(2024, 10, 1), date(2024, 10, 31)))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.date_from.setText("2024-10-06")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible() and dialog.date_from.text() == "2024-10-06"


def test_esc_on_the_daily_date_never_loses_a_typed_date(qtbot, monkeypatch) -> None:
    answers = [unsaved.Answer.KEEP, unsaved.Answer.DISCARD]
    asked: list[object] = []
    monkeypatch.setattr(unsaved, "ask", lambda parent: asked.append(parent) or answers.pop(0))
    untouched = DateDialog(TODAY)
    qtbot.addWidget(untouched)
    untouched.show()
    qtbot.keyClick(untouched, Qt.Key.Key_Escape)  # nothing typed: closes without a question
    assert not asked and untouched.result() == QDialog.DialogCode.Rejected.value and not untouched.isVisible()

    dialog = DateDialog(TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.date_edit.setText("2024-10-21")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert len(asked) == 1 and dialog.isVisible() and dialog.date_edit.text() == "2024-10-21"  # 继续编辑
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert len(asked) == 2 and not dialog.isVisible() and dialog.chosen is None  # 放弃


def test_save_on_the_daily_question_makes_the_report_for_the_typed_day(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(unsaved, "ask", lambda parent: unsaved.Answer.SAVE)
    dialog = DateDialog(TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.date_edit.setText("2024-10-21")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Accepted.value and dialog.chosen == date(2024, 10, 21)


def test_daily_files_go_with_the_page_and_at_quit(qtbot, town: Database, monkeypatch) -> None:
    shown: list[daily_report.DailyFiles] = []
    monkeypatch.setattr(
        DailyResultDialog, "show_for", classmethod(lambda cls, parent, files: shown.append(files))
    )
    page = PatrolRecordPage(town)  # not handed to qtbot: the test deletes it
    assert page.daily_report.folder is None  # nothing made before a report is asked for
    handle = page.make_daily_report(date(2024, 10, 15))
    assert handle is not None
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    folder = page.daily_report.folder
    assert folder is not None and folder.name.startswith(report_folders.PREFIX)
    assert shown[0].pdf.is_file() and shown[0].pdf.parent == folder
    page.deleteLater()  # the page closes (another file opened, a restore): its folder goes with it
    qtbot.waitUntil(lambda: not folder.exists(), timeout=5_000)

    second = PatrolRecordPage(town)
    qtbot.addWidget(second)
    handle = second.make_daily_report(date(2024, 10, 15))
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=30_000)
    other = second.daily_report.folder
    assert other is not None and other.is_dir()
    app = QCoreApplication.instance()
    assert app is not None
    app.aboutToQuit.emit()  # what closing the program sends
    assert not other.exists()


def test_old_leftovers_are_swept_and_fresh_ones_kept(tmp_path: Path) -> None:
    old = tmp_path / f"{report_folders.PREFIX}abc"
    fresh = tmp_path / f"{report_folders.PREFIX}def"
    other = tmp_path / "someone-else"
    for folder in (old, fresh, other):
        folder.mkdir()
        (folder / "x.pdf").write_bytes(b"%PDF")
    day_ago = time.time() - 24 * 3600
    os.utime(old, (day_ago, day_ago))
    os.utime(other, (day_ago, day_ago))
    assert report_folders.sweep_leftovers(tmp_path) == [old]
    assert not old.exists() and fresh.is_dir() and other.is_dir()
    assert report_folders.sweep_leftovers(tmp_path, older_than=0) == [fresh]
    assert report_folders.sweep_leftovers(tmp_path / "missing") == []
