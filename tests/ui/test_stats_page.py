"""The 统计 page and 按上级表格填报… (issue 17, part 3): the same counts as the records, exported and
filled into the county's form off the GUI thread."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ecodesk.db import Database
from ecodesk.services import county_forms
from tests.core.test_county_forms import END, START, county_form, expected
from tests.core.test_county_forms import town as town  # noqa: PLC0414 - the fixture, borrowed
from tests.ui.helpers import keep_shot
from ui.common import dialogs, unsaved
from ui.stats import fill_dialog
from ui.stats.fill_dialog import FillFormDialog
from ui.stats.model import TOTAL, TOWN
from ui.stats.page import CUSTOM, StatsPage

pytestmark = pytest.mark.gui

MAIN = ("巡查次数", "火点", "发现问题", "整改完成", "销号", "信访")


@pytest.fixture
def page(qtbot, db: Database, town: dict[str, int]) -> StatsPage:
    widget = StatsPage(db)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_dates(START, END)
    return widget


def _row(page: StatsPage, label: str) -> dict[str, str]:
    model = page.model
    for row in range(model.rowCount()):
        if model.value(row, 0) == label:
            return {p.name: model.data(model.index(row, c + 1)) for c, p in enumerate(model.columns)}
    raise AssertionError(f"no row {label}")


def test_the_page_shows_the_records_counts_per_village_with_a_total(
    page: StatsPage, db: Database, town: dict[str, int], qtmodeltester
) -> None:
    assert page.period.currentText() == CUSTOM
    qtmodeltester.check(page.model)
    model = page.model
    assert [model.value(r, 0) for r in range(model.rowCount())] == [
        "东沟村",
        "西岭村",
        "城关社区",
        TOTAL,
        TOWN,
    ]
    for name, village in town.items():
        row = _row(page, name)
        assert [int(row[n]) for n in MAIN] == expected(db, village)
    total = _row(page, TOTAL)
    for n in MAIN:
        assert int(total[n]) == sum(int(_row(page, v)[n]) for v in town)
    assert _row(page, TOWN)["信访"] == "2"  # the complaint of no village counts for the town only
    assert "2026年11月2日至2026年11月8日" in page.summary.text()
    tip = model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "{{报送天数}}" in tip
    page.show_all.setChecked(True)
    assert model.columnCount() == 1 + len(county_forms.COUNTS)
    keep_shot(page, "stats_page.png")


def test_the_named_periods_and_a_wrong_period(page: StatsPage) -> None:
    page.set_period("本年")
    assert page.date_from.text() == "2026-01-01" and page.date_to.text() == "2026-12-31"
    page.set_period("本季度")
    assert page.date_from.text() == "2026-10-01" and page.date_to.text() == "2026-12-31"
    page.date_to.setText("2026-09-01")
    page.date_to.editingFinished.emit()
    assert page.error.isVisible() and "早于起始日期" in page.error.text()
    assert page.period.currentText() == "本季度"  # nothing counted for the wrong dates


def test_export_writes_the_table(
    qtbot, page: StatsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "统计"
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *_a: out)
    monkeypatch.setattr(dialogs, "show_info", lambda *_a: None)
    handle = page.export()
    assert handle is not None
    with qtbot.wait_signal(handle.finished, timeout=10_000):
        pass
    ws = openpyxl.load_workbook(tmp_path / "统计.xlsx").active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in values if r and r[0] == "村（社区）")
    east = next(r for r in values if r and r[0] == "东沟村")
    assert east[header.index("巡查次数")] == int(_row(page, "东沟村")["巡查次数"]) == 3
    assert any(r[0] == "合计" for r in values)


def _dialog(qtbot, page: StatsPage, template: Path, out: Path) -> FillFormDialog:
    dialog = FillFormDialog(page.db, page.chosen_period(), page)
    qtbot.addWidget(dialog)
    dialog.template.setText(str(template))
    dialog.out.setText(str(out))
    return dialog


def test_fill_dialog_fills_the_form_off_the_gui_thread_and_offers_the_folder(
    qtbot,
    page: StatsPage,
    db: Database,
    town: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    told: list[Path] = []
    monkeypatch.setattr(fill_dialog, "tell_filled", lambda _p, filled, _n: told.append(filled.path) or False)
    template = county_form(tmp_path / "周报表.xlsx")
    dialog = _dialog(qtbot, page, template, tmp_path / "填好")
    dialog.resize(900, 680)
    dialog.show()
    keep_shot(dialog, "stats_fill_dialog.png")
    assert dialog.catalogue.rowCount() == len(county_forms.CATALOGUE)
    handle = dialog.save()
    assert handle is not None
    with qtbot.wait_signal(handle.finished, timeout=15_000):
        pass
    assert told == [tmp_path / "填好.xlsx"]
    assert dialog.result() == dialog.DialogCode.Accepted
    ws = openpyxl.load_workbook(tmp_path / "填好.xlsx").active
    assert [ws.cell(4, c).value for c in range(3, 9)] == [int(_row(page, "东沟村")[n]) for n in MAIN]


def test_fill_dialog_names_an_unknown_placeholder_and_stays_open(
    qtbot, page: StatsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = county_form(tmp_path / "周报表.xlsx")
    wb = openpyxl.load_workbook(template)
    wb.active["D4"] = "{{火点数}}"
    wb.save(template)
    dialog = _dialog(qtbot, page, template, tmp_path / "填好.xlsx")
    dialog.show()
    handle = dialog.save()
    assert handle is not None
    with qtbot.wait_signal(handle.finished, timeout=15_000):
        pass
    assert dialog.isVisible() and dialog.job is None  # it can be tried again
    assert "D4：不认识的占位符 {{火点数}}" in dialog.error.text()
    assert not (tmp_path / "填好.xlsx").exists()
    monkeypatch.setattr(unsaved, "ask", lambda _p: unsaved.Answer.DISCARD)  # closing it at the end


def test_fill_dialog_asks_before_dropping_a_chosen_form(
    qtbot, page: StatsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []
    monkeypatch.setattr(unsaved, "ask", lambda _p: asked.append(True) or unsaved.Answer.DISCARD)
    untouched = FillFormDialog(page.db, page.chosen_period(), page)
    qtbot.addWidget(untouched)
    untouched.show()
    untouched.reject()
    assert not asked and not untouched.isVisible()
    dialog = _dialog(qtbot, page, tmp_path / "表.xlsx", tmp_path / "out.xlsx")
    dialog.show()
    dialog.reject()
    assert asked == [True] and not dialog.isVisible()


def test_a_double_click_copies_the_placeholder(qtbot, page: StatsPage) -> None:
    dialog = FillFormDialog(page.db, None, page)
    qtbot.addWidget(dialog)
    row = next(i for i, p in enumerate(county_forms.CATALOGUE) if p.name == "巡查次数")
    dialog.catalogue.cellDoubleClicked.emit(row, 1)
    assert QApplication.clipboard().text() == "{{巡查次数}}"


def test_fill_dialog_asks_before_replacing_a_filled_form(
    qtbot, page: StatsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "填好.xlsx"
    out.write_bytes(b"last week's, corrected by hand")
    asked: list[Path] = []
    monkeypatch.setattr(fill_dialog, "replace_existing", lambda _p, path: asked.append(path) or False)
    dialog = _dialog(qtbot, page, county_form(tmp_path / "周报表.xlsx"), out)
    assert dialog.save() is None
    assert asked == [out] and out.read_bytes() == b"last week's, corrected by hand"
    monkeypatch.setattr(unsaved, "ask", lambda _p: unsaved.Answer.DISCARD)  # closing it at the end
