"""专项行动 page: deliverable states shown right at their edges (received on the due date, the day
after, nothing by the day after, due today), a submission recorded through the dialog with its file,
and the reminder list leading to the cell that needs chasing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ecodesk import dates
from ecodesk.dates import format_cn
from ecodesk.db import Database
from ecodesk.services import attachments, campaigns, records
from ecodesk.services.campaigns import SUBMISSION_TABLE, DeliverableInput, MemberInput, PhaseInput
from ecodesk.services.org import PEOPLE, UNITS
from ui.campaigns import detail as campaign_detail
from ui.campaigns.page import CampaignsPage
from ui.campaigns.phases import PhasesDialog
from ui.campaigns.submission import SubmissionDialog
from ui.common import dialogs

pytestmark = pytest.mark.gui

VILLAGES = ("东沟村", "西岭村", "南山村", "北坪村")


@pytest.fixture
def campaign_db(db: Database) -> tuple[Database, int]:
    today = dates.today()
    due = today - timedelta(days=10)
    units = {
        name: records.create(db, UNITS, {"name": name, "kind": "村", "sort_order": i}).id
        for i, name in enumerate(VILLAGES)
    }
    leader = records.create(db, PEOPLE, {"name": "郝翔", "roles": "领导小组成员（党委副书记、镇长）"}).id
    campaign_id = campaigns.create_campaign(
        db,
        {
            "name": "大气污染防治攻坚冲刺行动",
            "start_date": today - timedelta(days=30),
            "end_date": today + timedelta(days=30),
            "document_no": "八镇政字〔2023〕35号",
        },
        phases=[
            PhaseInput("动员部署阶段", due),
            PhaseInput("排查梳理阶段", today + timedelta(days=10), due + timedelta(days=1)),
        ],
        roster=[
            MemberInput("组长", "党委副书记、镇长", leader),
            MemberInput("成员", "", None, "各村到村工作大学生"),
        ],
        deliverables=[
            DeliverableInput("工作计划", due, phase="动员部署阶段"),
            DeliverableInput("问题整改清单", today),
            DeliverableInput("工作总结", today + timedelta(days=2), tuple(units[v] for v in VILLAGES[:2])),
        ],
    )
    plan = next(d for d in campaigns.get_campaign(db, campaign_id).deliverables if d.name == "工作计划")
    campaigns.record_submission(db, plan.id, units["东沟村"], due)  # on the due date itself: on time
    campaigns.record_submission(db, plan.id, units["西岭村"], due + timedelta(days=1))  # a day after: late
    campaigns.record_submission(db, plan.id, units["北坪村"], due - timedelta(days=3))
    return db, campaign_id


@pytest.fixture
def alive() -> list[QWidget]:
    """Pages held until pytest-qt closes them after the test: dropped at the end of the test body,
    a page would be destroyed inside the test's last event processing (its history pane reacts to
    its own destruction)."""
    return []


def make_page(qtbot, db: Database, alive: list[QWidget]) -> CampaignsPage:
    page = CampaignsPage(db)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    qtbot.waitExposed(page)
    alive.append(page)
    return page


def cell(page: CampaignsPage, unit: str, deliverable: str) -> tuple[str, str]:
    """(text, background colour) of the grid cell of a unit and a deliverable."""
    table = page.detail.grid.table
    row = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())].index(unit)
    column = [table.horizontalHeaderItem(c).text().split("\n")[0] for c in range(table.columnCount())].index(
        deliverable
    )
    item = table.item(row, column)
    return item.text(), item.background().color().name()


def test_deliverable_states_at_the_edges(qtbot, alive, campaign_db) -> None:
    db, campaign_id = campaign_db
    page = make_page(qtbot, db, alive)
    assert page.detail.campaign_id == campaign_id  # the only campaign is shown at once
    due = dates.today() - timedelta(days=10)
    green, amber, red, yellow = (
        campaign_detail.COLOURS[k][0] for k in ("按时报送", "逾期报送", "未报送", "soon")
    )
    assert cell(page, "东沟村", "工作计划") == (f"按时 {due.isoformat()[5:]}", green)
    assert cell(page, "西岭村", "工作计划") == (f"逾期1天 {(due + timedelta(days=1)).isoformat()[5:]}", amber)
    assert cell(page, "南山村", "工作计划") == ("未报送（逾期10天）", red)
    assert cell(page, "北坪村", "工作计划")[1] == green
    # Due today with nothing received is not yet missing; within three days it is yellow.
    assert cell(page, "南山村", "问题整改清单") == ("今天截止", yellow)
    assert cell(page, "东沟村", "工作总结") == ("待报送（还有2天）", yellow)
    assert cell(page, "南山村", "工作总结")[0] == "—"  # not asked of that village
    counts = page.detail.grid.counts_label.text()
    assert "按时报送 2" in counts and "逾期报送 1" in counts and "未报送 1" in counts and "待报送 6" in counts

    # The day after the due date with nothing received: now missing.
    page.set_today(dates.today() + timedelta(days=1))
    assert cell(page, "南山村", "问题整改清单") == ("未报送（逾期1天）", red)

    heading = page.detail.heading.text()
    assert "大气污染防治攻坚冲刺行动" in heading and "当前：排查梳理阶段" in heading
    phases = page.detail.phases.table
    assert phases.item(1, 0).text() == "排查梳理阶段（进行中）"
    assert phases.item(0, 2).text() == f"工作计划（{due.isoformat()[5:]}）"
    roster = page.detail.roster.table
    assert [roster.item(r, c).text() for r in range(2) for c in range(3)] == [
        "组长",
        "郝翔",
        "党委副书记、镇长",
        "成员",
        "各村到村工作大学生",
        "",
    ]


def test_record_a_submission_with_its_file(qtbot, alive, campaign_db, tmp_path: Path) -> None:
    db, _campaign_id = campaign_db
    page = make_page(qtbot, db, alive)
    status = page.detail.grid.status_at("南山村", "问题整改清单")
    assert status is not None
    scan = tmp_path / "南山村问题整改清单.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    dialog = SubmissionDialog(db, status)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.received.text() == dates.today().isoformat()
    dialog.file_edit.setText(str(tmp_path / "没有这个文件.pdf"))
    dialog.save()
    assert dialog.saved_id is None and "找不到文件" in dialog.error_labels["file"].text()
    dialog.file_edit.setText(str(scan))
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)
    assert dialog.saved_id is not None
    # The page heard of the change: the cell is green now, and the file was stored with the submission.
    green = campaign_detail.COLOURS["按时报送"][0]
    assert cell(page, "南山村", "问题整改清单") == (f"按时 {dates.today().isoformat()[5:]}", green)
    stored = attachments.list_for(db, SUBMISSION_TABLE, dialog.saved_id)
    assert len(stored) == 1 and attachments.open_path(db, stored[0].id).read_bytes() == b"%PDF-1.4 scan"


def test_reminders_lead_to_the_cell_to_chase(qtbot, alive, campaign_db) -> None:
    db, _campaign_id = campaign_db
    page = make_page(qtbot, db, alive)
    reminders = page.reminders.table
    rows = [[reminders.item(r, c).text() for c in range(4)] for r in range(reminders.rowCount())]
    assert rows[0][0] == "南山村" and rows[0][1] == "工作计划" and rows[0][3] == "已逾期10天"
    assert ["南山村", "问题整改清单"] in [r[:2] for r in rows]
    assert all(r[0] != "东沟村" or r[1] != "工作计划" for r in rows)  # handed in: no reminder
    assert reminders.item(0, 0).background().color().name() == campaign_detail.COLOURS["未报送"][0]
    # Another tab showing; Enter on a reminder shows the grid with that cell current.
    page.detail.tabs.setCurrentIndex(2)
    reminders.setCurrentCell(0, 0)
    qtbot.keyClick(reminders, Qt.Key.Key_Return)
    assert page.detail.tabs.currentWidget() is page.detail.grid
    selected = page.detail.grid.selected_status()
    assert selected is not None and (selected.unit, selected.deliverable) == ("南山村", "工作计划")


def test_export_the_status_sheet_and_remove_a_deliverable(
    qtbot, alive, campaign_db, tmp_path: Path, monkeypatch
) -> None:
    db, _campaign_id = campaign_db
    infos: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": infos.append(text))
    page = make_page(qtbot, db, alive)
    grid = page.detail.grid
    target = tmp_path / "报送情况.xlsx"
    handle = grid.export_xlsx(target)
    assert handle is not None
    with qtbot.waitSignal(handle.finished, timeout=20_000):
        pass
    assert str(target) in infos[-1]
    book = openpyxl.load_workbook(target, read_only=True)
    rows = [[c for c in row if c is not None] for row in book.worksheets[0].iter_rows(values_only=True)]
    south = next(r for r in rows if "南山村" in r)
    assert "未报送" in south  # the missing 工作计划, as the grid shows it

    # 工作总结 (nothing handed in) can go; 工作计划 (handed in) cannot.
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": errors.append(text))
    headers = [
        grid.table.horizontalHeaderItem(c).text().split("\n")[0] for c in range(grid.table.columnCount())
    ]
    grid.table.setCurrentCell(0, headers.index("工作计划"))
    grid.remove_deliverable()
    assert errors and "不能删除" in errors[-1]
    grid.table.setCurrentCell(0, headers.index("工作总结"))
    assert grid.remove_button.isEnabled()
    grid.remove_deliverable()
    headers = [
        grid.table.horizontalHeaderItem(c).text().split("\n")[0] for c in range(grid.table.columnCount())
    ]
    assert headers == ["工作计划", "问题整改清单"]


def test_edit_the_phases(qtbot, alive, campaign_db) -> None:
    db, campaign_id = campaign_db
    page = make_page(qtbot, db, alive)
    dialog = PhasesDialog(db, campaign_id)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    today = dates.today()
    # A third phase ending after the campaign: refused with the service's reason, nothing saved.
    dialog.add_row(
        "整改提升阶段", (today + timedelta(days=11)).isoformat(), (today + timedelta(days=90)).isoformat()
    )
    dialog.save()
    assert not dialog.saved and "应在行动期间" in dialog.error.text()
    dialog.add_row("", "明天", "")
    dialog.save()
    assert "第4行" in dialog.error.text()
    dialog.table.removeRow(3)
    dialog.table.item(2, 2).setText(format_cn(today + timedelta(days=30)))  # typed as 2026年12月28日
    dialog.save()
    assert dialog.saved
    assert [p.name for p in campaigns.get_campaign(db, campaign_id).phases][-1] == "整改提升阶段"
    assert page.detail.phases.table.rowCount() == 3  # the page heard of it
