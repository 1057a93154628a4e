"""考核 evidence opens the exact record (issue 14, 9): a 报送材料 line opens its campaign with that
village's cell of that deliverable selected, a 承诺书 line opens the village's letters still 待签 —
not just the page. Real data file, real main window, the line double-clicked or entered."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import appraisal, records
from ecodesk.services import settings as data_settings
from ecodesk.services.campaigns import CAMPAIGNS
from tests.core import helpers as h
from tests.ui.helpers import keep_shot
from ui.appraisal.page import AppraisalPage
from ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    h.build_scored_town(db)
    # A later campaign, listed first: the link must choose the right one, not the first.
    records.create(
        db,
        CAMPAIGNS,
        {
            "name": "冬季巡查",
            "start_date": date(h.SCORED_YEAR, 12, 1),
            "end_date": date(h.SCORED_YEAR, 12, 31),
        },
    )
    appraisal.create_scheme(db, h.SCORED_YEAR, h.SCORED_ITEMS)
    appraisal.compute(db, h.SCORED_YEAR, as_of=h.SCORED_AS_OF)
    monkeypatch.setattr(dates, "today", lambda: h.SCORED_AS_OF)
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    return win


def appraisal_cell(window: MainWindow, village: str, item: str) -> AppraisalPage:
    page = window.show_page("appraisal")
    assert isinstance(page, AppraisalPage)
    page.year.setValue(h.SCORED_YEAR)
    model = page.model
    row = next(r for r in range(model.rowCount()) if model.row_at(r).village == village)
    column = next(c for c in range(model.columnCount()) if model.item_at(c) and model.item_at(c).name == item)
    page.select_cell(row, column)
    return page


def test_evidence_lines_carry_what_opens_them(db: Database) -> None:
    town = h.build_scored_town(db)
    appraisal.create_scheme(db, h.SCORED_YEAR, h.SCORED_ITEMS)
    appraisal.compute(db, h.SCORED_YEAR, as_of=h.SCORED_AS_OF)
    lines = appraisal.evidence(db, h.SCORED_YEAR, village_id=town.west)
    late = next(line for line in lines if line.table == "campaign_deliverables")
    [campaign_id] = records.list_ids(db, CAMPAIGNS, records.ListFilter())
    assert (late.village_id, late.campaign_id) == (town.west, campaign_id)
    east_letters = next(
        line
        for line in appraisal.evidence(db, h.SCORED_YEAR, village_id=town.east)
        if line.table == "commitments"
    )
    assert (east_letters.village_id, east_letters.letter_kind) == (town.east, "禁烧承诺书")


def test_a_deliverable_line_opens_its_cell_in_the_campaign(qtbot, window: MainWindow) -> None:
    page = appraisal_cell(window, "西岭村", "材料")
    line = page.evidence.lines[0]
    assert line.table == "campaign_deliverables" and "未报送" in line.text
    assert "报送材料" in page.evidence.table.item(0, 1).toolTip()
    table = page.evidence.table
    rect = table.visualRect(table.model().index(0, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_key() == "campaigns"
    campaigns = window.pages["campaigns"]
    assert campaigns.detail.campaign_id == line.campaign_id
    status = campaigns.detail.grid.selected_status()
    assert status is not None
    assert (status.unit, status.deliverable_id) == ("西岭村", line.record_id)
    assert campaigns.detail.tabs.currentWidget() is campaigns.detail.grid
    keep_shot(window, "evidence_opens_deliverable.png")


def test_a_letters_line_opens_the_village_letters_still_to_sign(qtbot, window: MainWindow) -> None:
    letters_page = window.show_page("letters")
    letters_page.signing.select_village("南坡村")  # elsewhere first
    page = appraisal_cell(window, "东沟村", "承诺书")
    line = page.evidence.lines[0]
    assert line.table == "commitments" and "未签1份" in line.text
    table = page.evidence.table
    table.setFocus()
    table.setCurrentCell(0, 1)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.current_key() == "letters"
    assert letters_page.tabs.tabText(letters_page.tabs.currentIndex()) == "签订名单"
    signing = letters_page.signing
    assert signing.villages.currentItem().text().startswith("东沟村")
    assert signing.status.currentText() == "待签"
    assert letters_page.current_kind() == "禁烧承诺书" and letters_page.current_year() == h.SCORED_YEAR
    assert signing.model.rowCount() == 1  # the one letter 东沟村 has still to sign
    keep_shot(window, "evidence_opens_letters.png")
