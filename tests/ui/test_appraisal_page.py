"""考核 page on real widgets: create the scheme, compute as a job, evidence on click, adjust with a
reason, finalise (read-only) and unlock, export the sheet, edit the scheme."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QComboBox, QDialog, QDoubleSpinBox

from ecodesk.db import Database
from ecodesk.services import appraisal, documents
from tests.core import helpers as h
from ui.appraisal import page as appraisal_page
from ui.appraisal.page import AdjustDialog, AppraisalPage, UnlockDialog
from ui.appraisal.scheme import BONUS, MAX, NAME, RULE, SchemeDialog
from ui.common import dialogs
from ui.common.changes import changes

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch) -> AppraisalPage:
    h.build_scored_town(db)
    appraisal.create_scheme(db, h.SCORED_YEAR, h.SCORED_ITEMS)
    # The page judges "today" as the service does; pin it to the test's as-of day.
    monkeypatch.setattr(appraisal, "_today", lambda as_of: as_of or h.SCORED_AS_OF)
    monkeypatch.setattr(dialogs, "show_info", lambda *a, **k: None)
    p = AppraisalPage(db)
    qtbot.addWidget(p)
    p.year.setValue(h.SCORED_YEAR)
    p.resize(1280, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


def _compute(qtbot, page: AppraisalPage) -> None:
    handle = page.compute()
    with qtbot.wait_signal(handle.finished, timeout=20000) as blocker:
        pass
    assert blocker.args == [True]


def test_compute_then_evidence_on_click(qtbot, page: AppraisalPage) -> None:
    assert page.model.rowCount() == 0 and not page.finalise_button.isEnabled()
    _compute(qtbot, page)
    model = page.model
    assert [model.data(model.index(r, 0)) for r in range(3)] == ["东沟村", "西岭村", "南坡村"]
    assert [model.data(model.index(r, 1)) for r in range(3)] == ["62.5", "68", "65"]  # 合计
    assert [model.data(model.index(r, 3)) for r in range(3)] == ["3", "1", "2"]  # 排名
    fire_column = next(
        c
        for c in range(model.columnCount())
        if (model.item_at(c) or None) and model.item_at(c).name == "火点"
    )
    page.select_cell(0, fire_column)
    assert page.evidence.heading.text().startswith("东沟村 · 大气 / 火点")
    assert page.evidence.table.rowCount() == 2
    assert page.evidence.table.item(0, 1).text().startswith("火点（巡查发现）")
    assert "计算得分：9" in page.evidence.summary.text()
    assert page.export_button.isEnabled() and page.finalise_button.isEnabled()
    page.by_rank.setChecked(True)
    assert [model.data(model.index(r, 0)) for r in range(3)] == ["西岭村", "南坡村", "东沟村"]
    assert page.evidence.heading.text().startswith(
        "东沟村 · 大气 / 火点"
    )  # the selected cell follows its village


def test_score_model_passes_the_model_tester(qtbot, qtmodeltester, page: AppraisalPage) -> None:
    _compute(qtbot, page)
    qtmodeltester.check(page.model)


def test_adjust_needs_a_reason_and_shows_amber(
    qtbot, page: AppraisalPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    _compute(qtbot, page)
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _p, text, *_a: errors.append(text))
    page.select_cell(0, page.model.column_of(next(i.id for i in page.model.items if i.name == "火点")))
    monkeypatch.setattr(AdjustDialog, "ask", classmethod(lambda cls, *a: (12.0, "")))
    page.adjust_selected()
    assert errors and "调整原因" in errors[0]
    monkeypatch.setattr(AdjustDialog, "ask", classmethod(lambda cls, *a: (12.0, "一处火点为误报")))
    page.adjust_selected()
    index = page.grid.currentIndex()
    assert page.model.data(index) == "12"
    assert page.model.data(index, appraisal_page.Qt.ItemDataRole.BackgroundRole) is not None
    assert "人工调整：+3（一处火点为误报）" in page.evidence.summary.text()
    assert page.model.data(page.model.index(0, 1)) == "65.5"


def test_the_real_adjust_dialog(qtbot) -> None:
    item = appraisal.ItemView(1, "大气", "火点", 15, False, "fire_points", {}, "")
    cell = appraisal.Cell(1, 9.0, 0.0, "", 9.0, 2)
    dialog = AdjustDialog("东沟村", item, cell)
    qtbot.addWidget(dialog)
    spin = dialog.findChild(QDoubleSpinBox, "adjust_value")
    assert spin.value() == 9 and spin.maximum() == 15


def test_finalise_locks_and_unlock_reopens(
    qtbot, page: AppraisalPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    _compute(qtbot, page)
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    page.finalise()
    assert page.model.sheet is not None and page.model.sheet.locked
    assert "定稿锁定" in page.banner.text() and "测试员" in page.banner.text()
    assert not page.compute_button.isEnabled() and not page.scheme_button.isEnabled()
    assert page.unlock_button.isVisible() and not page.finalise_button.isVisible()
    page.select_cell(0, 4)
    assert not page.evidence.adjust_button.isEnabled()
    assert page.export_button.isEnabled()  # a locked sheet is still exported
    monkeypatch.setattr(UnlockDialog, "ask", classmethod(lambda cls, *a: "南坡村火点复核撤销"))
    page.unlock()
    assert not page.model.sheet.locked and page.compute_button.isEnabled()
    assert appraisal.lock_history(page.db, h.SCORED_YEAR)[-1][2:] == ("解除锁定", "南坡村火点复核撤销")


def test_export_and_circular(qtbot, page: AppraisalPage, tmp_path: Path) -> None:
    _compute(qtbot, page)
    handle = page.export_to(tmp_path / "考核表.xlsx")
    with qtbot.wait_signal(handle.finished, timeout=20000):
        pass
    assert page.last_export is not None and load_workbook(page.last_export).sheetnames == [
        "考核得分表",
        "扣分依据",
    ]
    doc = page.draft_circular()
    assert documents.get(page.db, doc.id).status == "草稿"


def test_create_scheme_for_a_new_year_and_edit_it(
    qtbot, page: AppraisalPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    page.year.setValue(h.SCORED_YEAR + 1)
    assert page.create_button.isVisible() and "还没有考核方案" in page.banner.text()
    page.create_scheme()
    assert not page.create_button.isVisible() and len(page.model.items) == len(
        h.SCORED_ITEMS
    )  # copied from 2025

    dialog = SchemeDialog(page.db, h.SCORED_YEAR + 1)
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.rowCount() == len(h.SCORED_ITEMS)
    dialog.table.selectRow(0)
    table.item(0, MAX).setText("20")
    dialog.param_editors["points"].setValue(4)
    dialog.add_item()
    new = 1
    table.item(new, NAME).setText("秸秆综合利用")
    combo = table.cellWidget(new, RULE)
    assert isinstance(combo, QComboBox)
    assert table.item(new, BONUS) is not None
    dialog.save()
    items = appraisal.scheme_items(page.db, h.SCORED_YEAR + 1)
    assert (items[0].max_score, items[0].params["points"]) == (20, 4)
    assert items[1].name == "秸秆综合利用" and items[1].category == "大气" and items[1].rule == "manual"
    assert len(items) == len(h.SCORED_ITEMS) + 1

    again = SchemeDialog(page.db, h.SCORED_YEAR + 1)
    qtbot.addWidget(again)
    again.table.selectRow(1)
    again.move_item(-1)  # 秸秆综合利用 first
    again.table.selectRow(2)
    again.remove_item()  # 超期 goes
    assert "满分" in again.total_label.text()
    again.save()
    names = [i.name for i in appraisal.scheme_items(page.db, h.SCORED_YEAR + 1)]
    assert names[:3] == ["秸秆综合利用", "火点", "未销号"] and "超期" not in names

    bad = SchemeDialog(page.db, h.SCORED_YEAR + 1)
    qtbot.addWidget(bad)
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _p, text, *_a: errors.append(text))
    bad.table.item(0, NAME).setText("")
    bad.save()
    assert errors and "名称必须填写" in errors[0]
    assert appraisal.scheme_items(page.db, h.SCORED_YEAR + 1)[0].name == "秸秆综合利用"  # nothing saved


def test_the_scheme_editor_saves_through_the_change_hub(
    qtbot, page: AppraisalPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The editor's 保存 is an ordinary write now: the open 考核 page hears of it and shows the new title,
    and a refused scheme is listed under its own title with nothing announced."""
    heard: list[str] = []
    changes().records_changed.connect(heard.append)
    try:
        dialog = SchemeDialog(page.db, h.SCORED_YEAR)  # opened on its own: only the hub tells the page
        qtbot.addWidget(dialog)
        dialog.title.setText("2025年度考核方案（修订）")
        with qtbot.wait_signal(page.sheet_shown, timeout=5000):
            dialog.save()
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert heard == ["appraisal"]
        assert page.banner.text().startswith("2025年度考核方案（修订）：")

        errors: list[tuple[str, str]] = []
        monkeypatch.setattr(dialogs, "show_error", lambda _p, text, title="": errors.append((title, text)))
        bad = SchemeDialog(page.db, h.SCORED_YEAR)
        qtbot.addWidget(bad)
        bad.title.setText("")
        bad.save()
        assert [title for title, _text in errors] == ["方案填写有误"]
        assert bad.result() != QDialog.DialogCode.Accepted and heard == ["appraisal"]
    finally:
        changes().records_changed.disconnect(heard.append)


def _column(page: AppraisalPage, name: str) -> int:
    model = page.model
    return next(c for c in range(model.columnCount()) if model.item_at(c) and model.item_at(c).name == name)


def test_a_deduction_line_opens_the_record_behind_it(qtbot, db: Database, monkeypatch) -> None:
    from PySide6.QtCore import Qt

    from ecodesk import dates
    from ecodesk.services import settings as data_settings
    from ui.shell.main_window import MainWindow

    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    town = h.build_scored_town(db)
    appraisal.create_scheme(db, h.SCORED_YEAR, h.SCORED_ITEMS)
    appraisal.compute(db, h.SCORED_YEAR, as_of=h.SCORED_AS_OF)
    monkeypatch.setattr(dates, "today", lambda: h.SCORED_AS_OF)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("appraisal")
    assert isinstance(page, AppraisalPage)
    page.year.setValue(h.SCORED_YEAR)
    east = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).village_id == town.east)

    # 超期: a problem, by double-click on its line.
    page.select_cell(east, _column(page, "超期"))
    lines = page.evidence.lines
    assert lines and lines[0].table == "problems"
    table = page.evidence.table
    rect = table.visualRect(table.model().index(0, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_key() == "problems"
    assert window.pages["problems"].selected_ids() == [lines[0].record_id]

    # 火点: a fire point, by Enter.
    window.show_page("appraisal")
    page.select_cell(east, _column(page, "火点"))
    fire = page.evidence.lines[1]
    table.setFocus()
    table.setCurrentCell(1, 1)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    patrols = window.pages["patrols"]
    assert window.current_key() == "patrols" and patrols.fire_page.selected_ids() == [fire.record_id]

    # 巡查: a month short of patrols opens that village's patrols of that month.
    window.show_page("appraisal")
    page.select_cell(east, _column(page, "巡查"))
    short = page.evidence.lines[0]
    assert short.table == "patrols" and short.record_id is None
    listing = page.open_evidence(short)
    assert listing is patrols.patrol_page
    bar = patrols.patrol_page.filter_bar
    assert bar.village.currentData() == town.east
    assert (bar.date_from.parsed_date().day, bar.date_to.parsed_date().month) == (1, 2)
