"""Issue 21.1 through the dialog: adding 总结验收阶段 and shortening 整改提升阶段 keeps every phase's
需报送材料 (also after reopening the file), a removed phase's materials are named in a warning line
before saving, and Esc asks 放弃未保存的内容？ only once something was changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from ecodesk.db import Database
from ecodesk.services import campaigns, records
from ecodesk.services.campaigns import CAMPAIGNS, DeliverableInput, PhaseInput
from tests.core.helpers import build_town
from ui.campaigns.detail import PhasesView
from ui.campaigns.phases import PhasesDialog
from ui.campaigns.submission import DeliverableDialog, SubmissionDialog
from ui.common import unsaved

pytestmark = pytest.mark.gui

SHOTS = Path("/tmp/h21")


@pytest.fixture
def campaign_id(db: Database) -> int:
    build_town(db)
    return campaigns.create_campaign(
        db,
        {"name": "2024年大气污染防治攻坚冲刺行动", "start_date": "2024-10-01", "end_date": "2024-12-31"},
        phases=[
            PhaseInput("动员部署阶段", date(2024, 10, 20)),
            PhaseInput("排查梳理阶段", date(2024, 11, 30), date(2024, 10, 21)),
            PhaseInput("整改提升阶段", date(2024, 12, 30), date(2024, 12, 1)),
        ],
        deliverables=[
            DeliverableInput("工作计划", date(2024, 10, 20), phase="动员部署阶段"),
            DeliverableInput("问题整改清单", date(2024, 11, 30), phase="排查梳理阶段"),
            DeliverableInput("工作总结", date(2024, 12, 30), phase="整改提升阶段"),
        ],
    )


def button(dialog: PhasesDialog, text: str) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == text)


def row_of(dialog: PhasesDialog, name: str) -> int:
    return next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == name)


def asked_column(db: Database, campaign_id: int, qtbot) -> dict[str, str]:
    view = PhasesView(db)
    qtbot.addWidget(view)
    view.show_campaign(campaigns.get_campaign(db, campaign_id), date(2024, 12, 25))
    return {
        view.table.item(r, 0).text().removesuffix("（进行中）"): view.table.item(r, 2).text()
        for r in range(view.table.rowCount())
    }


def test_adding_a_phase_and_shortening_another_keeps_the_materials(
    qtbot, db: Database, campaign_id: int
) -> None:
    before = asked_column(db, campaign_id, qtbot)
    assert all(before.values())
    dialog = PhasesDialog(db, campaign_id)
    qtbot.addWidget(dialog)
    dialog.table.item(row_of(dialog, "整改提升阶段"), 2).setText("2024-12-20")
    qtbot.mouseClick(button(dialog, "添加阶段"), Qt.MouseButton.LeftButton)
    new = dialog.table.rowCount() - 1
    for column, text in enumerate(("总结验收阶段", "2024-12-21", "2024-12-31", "组织验收")):
        dialog.table.item(new, column).setText(text)
    qtbot.mouseClick(button(dialog, "保存"), Qt.MouseButton.LeftButton)
    assert dialog.saved, dialog.error.text()

    db.close()
    reopened = Database.open(db.path, operator="测试员")
    try:
        after = asked_column(reopened, campaign_id, qtbot)
        assert {k: after[k] for k in before} == before
        assert after["总结验收阶段"] == ""
        lines = records.history_lines(reopened, CAMPAIGNS, campaign_id)
        assert any(x.label == "工作阶段" and x.new.startswith("总结验收阶段") for x in lines)
        assert any(
            x.label == "工作阶段“整改提升阶段”结束日期" and (x.old, x.new) == ("2024-12-30", "2024-12-20")
            for x in lines
        )
    finally:
        reopened.close()
    assert dialog.warning.isHidden()  # nothing was removed: nothing to warn about


def test_removing_a_phase_warns_before_saving(qtbot, db: Database, campaign_id: int) -> None:
    dialog = PhasesDialog(db, campaign_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.table.selectRow(row_of(dialog, "排查梳理阶段"))
    qtbot.mouseClick(button(dialog, "删除选中阶段"), Qt.MouseButton.LeftButton)
    assert dialog.warning.isVisible()
    assert dialog.warning.text() == "删除阶段“排查梳理阶段”后，它的 1 项需报送材料将不属于任何阶段"
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "phases_warning.png"))
    qtbot.mouseClick(button(dialog, "保存"), Qt.MouseButton.LeftButton)
    assert dialog.saved
    kept = {d.name: d.phase_id for d in campaigns.get_campaign(db, campaign_id).deliverables}
    assert kept["问题整改清单"] is None and kept["工作计划"] is not None and kept["工作总结"] is not None


def test_esc_asks_only_when_something_changed(qtbot, monkeypatch, db: Database, campaign_id: int) -> None:
    untouched = PhasesDialog(db, campaign_id)
    qtbot.addWidget(untouched)
    untouched.show()
    qtbot.keyClick(untouched, Qt.Key.Key_Escape)  # the fixture fails the test if it asks
    assert not untouched.isVisible()

    asked: list[unsaved.Answer] = []

    def answer_with(choice: unsaved.Answer):
        def answer(_parent: object) -> unsaved.Answer:
            asked.append(choice)
            return choice

        return answer

    dialog = PhasesDialog(db, campaign_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.table.item(0, 3).setText("召开动员会")
    monkeypatch.setattr(unsaved, "ask", answer_with(unsaved.Answer.KEEP))
    dialog.reject()
    assert dialog.isVisible() and asked == [unsaved.Answer.KEEP]
    dialog.table.item(0, 3).setText("")  # typed and deleted back: untouched again
    dialog.table.item(0, 3).setText("召开动员会")
    monkeypatch.setattr(unsaved, "ask", answer_with(unsaved.Answer.SAVE))
    dialog.reject()
    assert not dialog.isVisible() and dialog.saved
    assert campaigns.get_campaign(db, campaign_id).phases[0].tasks == "召开动员会"

    discarded = PhasesDialog(db, campaign_id)
    qtbot.addWidget(discarded)
    discarded.show()
    discarded.table.item(0, 3).setText("别的内容")
    monkeypatch.setattr(unsaved, "ask", answer_with(unsaved.Answer.DISCARD))
    qtbot.keyClick(discarded, Qt.Key.Key_Escape)
    assert not discarded.isVisible()
    assert campaigns.get_campaign(db, campaign_id).phases[0].tasks == "召开动员会"


def test_deliverable_dialog_asks_when_typed(qtbot, monkeypatch, db: Database, campaign_id: int) -> None:
    untouched = DeliverableDialog(db, campaign_id, ["动员部署阶段"])
    qtbot.addWidget(untouched)
    untouched.show()
    untouched.reject()
    assert not untouched.isVisible()

    dialog = DeliverableDialog(db, campaign_id, ["动员部署阶段"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("整改台账")
    monkeypatch.setattr(unsaved, "ask", lambda _parent: unsaved.Answer.KEEP)
    dialog.reject()
    assert dialog.isVisible()
    monkeypatch.setattr(unsaved, "ask", lambda _parent: unsaved.Answer.SAVE)
    dialog.reject()  # 保存 without a due date: refused, the problem under 截止日期, still open
    assert dialog.isVisible()
    assert dialog.error_labels["due_date"].text() == "必须填写"
    dialog.grab().save(str(SHOTS / "deliverable_dialog.png"))


def test_submission_dialog_asks_only_when_typed(qtbot, monkeypatch, db: Database, campaign_id: int) -> None:
    status = campaigns.deliverable_statuses(db, campaign_id, today=date(2024, 10, 25))[0]
    untouched = SubmissionDialog(db, status)
    qtbot.addWidget(untouched)
    untouched.show()
    qtbot.keyClick(untouched, Qt.Key.Key_Escape)  # today's date and the material's name as shown: no question
    assert not untouched.isVisible()

    typed = SubmissionDialog(db, status)
    qtbot.addWidget(typed)
    typed.show()
    typed.remark.setText("电话催报后送来")
    asked: list[object] = []
    monkeypatch.setattr(unsaved, "ask", lambda parent: asked.append(parent) or unsaved.Answer.DISCARD)
    qtbot.keyClick(typed, Qt.Key.Key_Escape)
    assert asked == [typed] and not typed.isVisible()
    assert campaigns.deliverable_statuses(db, campaign_id, today=date(2024, 10, 25))[0].received_date is None


def test_the_campaigns_history_pane_shows_phase_changes(qtbot, db: Database, campaign_id: int) -> None:
    from ui.records.detail import DetailPane

    phases = campaigns.get_campaign(db, campaign_id).phases
    campaigns.set_phases(
        db,
        campaign_id,
        [
            *(PhaseInput(p.name, p.end_date, p.start_date, p.tasks, p.id) for p in phases[:2]),
            PhaseInput("整改提升阶段", date(2024, 12, 20), date(2024, 12, 1), "", phases[2].id),
            PhaseInput("总结验收阶段", date(2024, 12, 31), date(2024, 12, 21)),
        ],
    )
    pane = DetailPane(db, CAMPAIGNS)
    qtbot.addWidget(pane)
    pane.resize(1000, 500)
    pane.show_record(campaign_id)
    rows = [
        tuple(pane.history.item(r, c).text() for c in range(2, 5)) for r in range(pane.history.rowCount())
    ]
    assert ("新增", "工作阶段", "总结验收阶段（2024-12-21 至 2024-12-31）") in rows
    assert ("修改", "工作阶段“整改提升阶段”结束日期", "2024-12-30 → 2024-12-20") in rows
    pane.grab().save(str(SHOTS / "campaign_history.png"))
