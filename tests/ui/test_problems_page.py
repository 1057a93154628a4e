"""问题整改 page on a real database: chips filter, moves, batch work, overdue colours, photos."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialog, QLabel

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import records, rectification
from ecodesk.services.org import UNITS
from ecodesk.services.patrols import PATROLS
from ecodesk.services.rectification import PROBLEMS
from tests.ui.helpers import type_text
from ui.problems.detail import move_fields
from ui.problems.page import ProblemsPage
from ui.records.action_dialog import ActionDialog
from ui.records.deadline_model import DEADLINE_ROLE, ROW_COLOURS

pytestmark = pytest.mark.gui

TODAY = dates.today()


def add_problem(
    db: Database,
    place: str,
    village: int,
    *,
    found_days_ago: int = 30,
    deadline_in: int | None = 10,
    status: str = "待整改",
) -> int:
    found = TODAY - timedelta(days=found_days_ago)
    problem = rectification.create_problem(
        db,
        {
            "found_date": found,
            "village": village,
            "place": place,
            "category": "大气",
            "description": f"{place}裸土未覆盖",
            "deadline": None if deadline_in is None else TODAY + timedelta(days=deadline_in),
        },
    )
    path = {"整改中": ["整改中"], "已整改待核查": ["已整改待核查"], "已销号": ["已整改待核查", "已销号"]}.get(
        status, []
    )
    for step in path:
        rectification.change_status(
            db, problem.id, step, on_date=found + timedelta(days=1), verifier="刘核查"
        )
    return problem.id


@pytest.fixture
def problem_db(village_db: Database) -> tuple[Database, dict[str, int]]:
    east = records.list_ids(village_db, UNITS)[0]
    ids = {
        "overdue": add_problem(village_db, "东沟村砖厂", east, deadline_in=-2),
        "soon": add_problem(village_db, "东沟村河滩", east, deadline_in=2, status="整改中"),
        "later": add_problem(village_db, "东沟村路口", east, deadline_in=20, status="整改中"),
        "awaiting": add_problem(village_db, "东沟村养殖场", east, deadline_in=5, status="已整改待核查"),
        "closed": add_problem(village_db, "东沟村工地", east, deadline_in=-20, status="已销号"),
    }
    return village_db, ids


@pytest.fixture
def page(qtbot, problem_db: tuple[Database, dict[str, int]]) -> ProblemsPage:
    widget = ProblemsPage(problem_db[0])
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    return widget


def answer(
    monkeypatch, *rounds: dict[str, Any], seen: list[str] | None = None, intros: list[str] | None = None
) -> None:
    """Replace the modal ``exec`` of every ActionDialog: type each round of values and press OK.

    After each round the red problems shown (if any, each named by its field) are appended to ``seen``.
    """

    def fake_exec(dialog: ActionDialog) -> int:
        intro = dialog.findChild(QLabel, "action_intro")
        if intros is not None and intro is not None:
            intros.append(intro.text())
        for values in rounds:
            for key, value in values.items():
                dialog.editors[key].set_value(value)
            dialog.save()
            if seen is not None:
                seen.append(dialog.problems_text())
            if dialog.result():
                break
        return dialog.result()

    monkeypatch.setattr(ActionDialog, "exec", fake_exec)


def status_of(db: Database, problem_id: int) -> str:
    return rectification.get_problem(db, problem_id).status


def test_status_chips_count_and_filter_the_list(qtbot, page: ProblemsPage) -> None:
    chips = page.chips.buttons
    assert chips[""].text() == "全部 5"
    assert chips["整改中"].text() == "整改中 2"
    assert chips["已超期"].text() == "已超期 1"
    assert chips["3天内到期"].text() == "3天内到期 1"
    assert chips["未销号"].text() == "未销号 4"

    qtbot.mouseClick(chips["整改中"], Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 2
    assert page.filter_bar.status.currentData() == "整改中"
    assert {page.model.data(page.model.index(r, 3)) for r in range(2)} == {"东沟村河滩", "东沟村路口"}

    qtbot.mouseClick(chips["已超期"], Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1
    assert page.model.data(page.model.index(0, 3)) == "东沟村砖厂"
    assert page.filter_bar.status.currentData() == ""
    assert page.count_label.text() == "共 1 条"

    page.filter_bar.status.setCurrentIndex(
        page.filter_bar.status.findData("已销号")
    )  # the combo lights its chip
    assert page.model.rowCount() == 1
    assert chips["已销号"].isChecked() and not chips["已超期"].isChecked()

    qtbot.mouseClick(chips[""], Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 5


def test_overdue_row_is_red_and_due_soon_amber(qtmodeltester, page: ProblemsPage, problem_db) -> None:
    _db, ids = problem_db
    model = page.model
    qtmodeltester.check(model)
    colour = {
        model.id_at(row): model.data(model.index(row, 0), DEADLINE_ROLE) for row in range(model.rowCount())
    }
    assert colour[ids["overdue"]] == "red"
    assert colour[ids["soon"]] == "amber"
    assert colour[ids["later"]] == colour[ids["closed"]] == colour[ids["awaiting"]] == ""
    red_row = model.row_of_id(ids["overdue"])
    background = model.data(model.index(red_row, 2), Qt.ItemDataRole.BackgroundRole)
    assert isinstance(background, QColor) and background == ROW_COLOURS["red"][1]
    assert model.data(model.index(red_row, 2), Qt.ItemDataRole.ForegroundRole) == ROW_COLOURS["red"][0]
    plain_row = model.row_of_id(ids["later"])
    assert model.data(model.index(plain_row, 2), Qt.ItemDataRole.BackgroundRole) is None


def test_only_allowed_moves_are_offered_and_a_move_is_logged(
    monkeypatch, page: ProblemsPage, problem_db
) -> None:
    db, ids = problem_db
    page.select_ids([ids["overdue"]])
    detail = page.detail
    assert set(detail.move_buttons) == {"开始整改", "整改完成"}  # never 核查销号 or 退回 from 待整改
    assert [detail.timeline.item(r, 1).text() for r in range(detail.timeline.rowCount())] == ["交办"]

    answer(monkeypatch, {"note": "已安排施工队覆盖"})
    detail.move_buttons["开始整改"].click()
    assert status_of(db, ids["overdue"]) == "整改中"
    page.select_ids([ids["overdue"]])
    assert set(page.detail.move_buttons) == {"整改完成"}
    timeline = page.detail.timeline
    assert timeline.rowCount() == 2  # the 交办 on creation, then the move
    assert timeline.item(1, 1).text() == "开始整改"
    assert "待整改 → 整改中：已安排施工队覆盖" in timeline.item(1, 2).text()
    assert timeline.item(1, 3).text() == "测试员"
    row = page.model.row_of_id(ids["overdue"])
    assert (
        page.model.data(page.model.index(row, [f.key for f in PROBLEMS.table_fields].index("status")))
        == "整改中"
    )

    page.select_ids([ids["closed"]])
    assert set(page.detail.move_buttons) == {"退回整改"}  # only back, when a re-inspection finds it
    assert not page.detail.note_button.isEnabled()


def test_send_back_needs_a_reason(monkeypatch, page: ProblemsPage, problem_db) -> None:
    db, ids = problem_db
    page.select_ids([ids["awaiting"]])
    assert set(page.detail.move_buttons) == {"核查销号", "退回"}
    seen: list[str] = []
    answer(monkeypatch, {"note": ""}, {"note": "覆盖不全，东侧仍有裸土"}, seen=seen)
    page.detail.move_buttons["退回"].click()
    assert "退回原因：必须填写" in seen[0]
    assert seen[1] == ""
    assert status_of(db, ids["awaiting"]) == "整改中"
    kinds = [item.kind for item in rectification.timeline(db, ids["awaiting"])]
    assert kinds[-1] == "退回"


def test_batch_extend_deadline_requires_a_reason(monkeypatch, page: ProblemsPage, problem_db) -> None:
    db, ids = problem_db
    page.select_ids([ids["overdue"], ids["soon"]])
    assert page.extend_button.isEnabled()
    new_deadline = TODAY + timedelta(days=30)
    seen: list[str] = []
    intros: list[str] = []
    answer(
        monkeypatch,
        {"deadline": new_deadline, "reason": ""},
        {"reason": "雨季无法施工"},
        seen=seen,
        intros=intros,
    )
    page.extend_button.click()
    assert (
        "2 个问题（东沟村河滩、东沟村砖厂）" in intros[0]
    )  # in list order (newest first): what he is about to change
    assert "延期原因：必须填写" in seen[0]
    assert seen[1] == ""
    for key in ("overdue", "soon"):
        problem = rectification.get_problem(db, ids[key])
        assert problem.deadline == new_deadline
        notes = [n for n in rectification.notes(db, ids[key]) if n.kind == "延期"]
        assert len(notes) == 1 and notes[0].text.endswith("雨季无法施工")
    row = page.model.row_of_id(ids["overdue"])
    assert page.model.data(page.model.index(row, 0), DEADLINE_ROLE) == ""  # no longer red
    assert page.chips.buttons["已超期"].text() == "已超期 0"


def test_batch_close_refuses_in_chinese_and_changes_nothing(
    monkeypatch, page: ProblemsPage, problem_db
) -> None:
    db, ids = problem_db
    page.select_ids([ids["awaiting"], ids["later"]])
    seen: list[str] = []
    answer(monkeypatch, {"verifier": "刘核查"}, seen=seen)
    page.close_button.click()
    assert "东沟村路口" in seen[0] and "不能改为“已销号”" in seen[0]
    assert "本次操作未做任何修改" in seen[0]
    assert status_of(db, ids["awaiting"]) == "已整改待核查"


def test_batch_assign_sets_the_responsible_unit(monkeypatch, page: ProblemsPage, problem_db) -> None:
    db, ids = problem_db
    west = records.list_ids(db, UNITS)[1]
    page.select_ids([ids["overdue"], ids["later"]])
    answer(monkeypatch, {"unit": west, "person": "李主任"})
    page.assign_button.click()
    for key in ("overdue", "later"):
        problem = rectification.get_problem(db, ids[key])
        assert problem.responsible_unit_id == west and problem.responsible_person == "李主任"


def test_photo_thumbnails_before_and_after(tmp_path: Path, page: ProblemsPage, problem_db) -> None:
    _db, ids = problem_db
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("#6b8e23"))
    photo = tmp_path / "现场.jpg"
    assert image.save(str(photo))
    page.select_ids([ids["soon"]])
    assert page.detail.add_photo("整改前", photo) is not None
    shown = page.detail.photo_lists["整改前"]
    assert shown.count() == 1 and shown.item(0).text() == "现场.jpg"
    assert not shown.item(0).icon().isNull()
    assert page.detail.photo_lists["整改后"].item(0).text() == "暂无照片"
    assert page.detail.tabs.tabText(2) == "照片（1）"


def test_status_and_deadline_are_in_view_without_scrolling(qtbot, page: ProblemsPage) -> None:
    page.resize(1280, 800)  # the program's first window size
    qtbot.waitUntil(lambda: page.table.viewport().width() > 600)
    header = page.table.horizontalHeader()
    keys = [f.key for f in PROBLEMS.table_fields]
    visual = {key: header.visualIndex(keys.index(key)) for key in ("place", "deadline", "status", "overdue")}
    assert visual == {"place": 2, "deadline": 4, "status": 5, "overdue": 6}
    overdue = keys.index("overdue")
    assert (
        header.sectionViewportPosition(overdue) + header.sectionSize(overdue) <= page.table.viewport().width()
    )


def test_ctrl_enter_in_the_reason_box_sends_back(qtbot, page: ProblemsPage, problem_db) -> None:
    db, ids = problem_db
    fields = move_fields("已整改待核查", "整改中")
    dialog = ActionDialog(
        page,
        db,
        "退回",
        fields,
        lambda v: rectification.change_status(
            db, ids["awaiting"], "整改中", on_date=v["on_date"], note=v["note"]
        ),
        [PROBLEMS],
        values={"on_date": TODAY},
    )
    qtbot.addWidget(dialog)
    dialog.show()
    reason = dialog.editors["note"].widget
    type_text(qtbot, reason, "照片不清楚，重新拍摄")
    qtbot.keyClick(reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert status_of(db, ids["awaiting"]) == "整改中"
    assert rectification.timeline(db, ids["awaiting"])[-1].text.endswith("照片不清楚，重新拍摄")


def test_a_deleted_problem_offers_no_moves(qtbot, page: ProblemsPage, problem_db) -> None:
    db, ids = problem_db
    records.soft_delete(db, PROBLEMS, [ids["overdue"]])
    page.filter_bar.show_deleted.setChecked(True)
    page.select_ids([ids["overdue"]])
    assert page.model.data(page.model.index(page.model.row_of_id(ids["overdue"]), 0), DEADLINE_ROLE) == ""
    assert page.detail.move_buttons == {}
    assert not page.assign_button.isEnabled() and not page.extend_button.isEnabled()
    assert "（已删除）" in page.detail.heading.text()


def test_links_name_the_patrol_it_was_found_on(qtbot, problem_db) -> None:
    db, ids = problem_db
    village = records.list_ids(db, UNITS)[0]
    patrol = records.create(
        db,
        PATROLS,
        {
            "date": TODAY - timedelta(days=31),
            "village": village,
            "kind": PATROLS.field("kind").choices[0],
            "place": "东沟村北砖厂一带",
        },
    )
    rectification.set_links(db, ids["later"], patrol_id=patrol.id)
    page = ProblemsPage(db)
    qtbot.addWidget(page)
    page.select_ids([ids["later"]])
    links = page.detail.links.text()
    assert "巡查记录" in links and "东沟村北砖厂一带" in links
    assert (TODAY - timedelta(days=31)).isoformat() in links


def test_draft_the_rectification_circular_into_the_register(qtbot, monkeypatch, db: Database) -> None:
    """起草整改通报 asks for the period and leaves a draft 通报 on the 公文 page."""
    import datetime as dt

    from ecodesk.services import documents, settings
    from ui.common import dialogs
    from ui.problems.page import ProblemsPage

    settings.save(db, **settings.defaults_for_town("清河镇"))
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(text))
    intros: list[str] = []
    answer(monkeypatch, {"date_from": dt.date(2026, 10, 1), "date_to": dt.date(2026, 10, 31)}, intros=intros)
    page = ProblemsPage(db)
    qtbot.addWidget(page)
    document = page.draft_circular()
    assert document is not None and document.kind == "通报" and document.sequence is None
    assert "整改较好" in intros[0]  # the grouping rules are stated where the clerk chooses
    assert "公文" in shown[0]
    assert [d.id for d in documents.list_documents(db)] == [document.id]


def test_newest_first_by_default(qtbot, problem_db) -> None:
    db, ids = problem_db
    east = records.list_ids(db, UNITS)[0]
    newest = add_problem(db, "东沟村新发现", east, found_days_ago=1)
    oldest = add_problem(db, "东沟村老问题", east, found_days_ago=90)
    page = ProblemsPage(db)
    qtbot.addWidget(page)
    column = [f.key for f in PROBLEMS.table_fields].index("found_date")
    dates_shown = [page.model.data(page.model.index(r, column)) for r in range(page.model.rowCount())]
    assert page.model.id_at(0) == newest and page.model.id_at(page.model.rowCount() - 1) == oldest
    assert dates_shown == sorted(dates_shown, reverse=True)
    header = page.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        column,
        Qt.SortOrder.DescendingOrder,
    )


def test_new_problem_is_found_today(monkeypatch, page: ProblemsPage) -> None:
    from ui.problems.page import ProblemDialog

    shown: list[str] = []

    def fake_exec(dialog: ProblemDialog) -> int:
        shown.append(dialog.editors["found_date"].value())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ProblemDialog, "exec", fake_exec)
    page.add_button.click()
    assert shown == [dates.format_iso(TODAY)]


def test_a_move_out_of_the_filter_keeps_the_problem_selected(qtbot, monkeypatch, problem_db) -> None:
    from ecodesk.services import settings as data_settings
    from ui.shell.main_window import MainWindow

    db, ids = problem_db
    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("problems")
    assert isinstance(page, ProblemsPage)
    page.choose_chip("整改中")
    page.select_ids([ids["soon"]])
    answer(monkeypatch, {"on_date": TODAY, "note": "已覆盖"})
    page.detail.move_buttons["整改完成"].click()
    assert status_of(db, ids["soon"]) == "已整改待核查"

    # Still in the list, selected and in the detail pane, though the chip says 整改中.
    assert page.chips.current() == "整改中" and page.selected_ids() == [ids["soon"]]
    row = page.model.row_of_id(ids["soon"])
    status = [f.key for f in PROBLEMS.table_fields].index("status")
    assert page.model.data(page.model.index(row, status)) == "已整改待核查"
    assert set(page.detail.move_buttons) == {"核查销号", "退回"}
    assert window.statusBar().currentMessage().startswith("该问题已移出当前筛选（状态：已整改待核查）")

    # Another record selected, or another filter: the list shows what the filter says again.
    page.select_ids([ids["later"]])
    page.refresh()
    assert page.model.row_of_id(ids["soon"]) == -1 and page.model.rowCount() == 1
    page.select_ids([ids["later"]])
    answer(monkeypatch, {"on_date": TODAY, "note": ""})
    page.detail.move_buttons["整改完成"].click()
    assert page.selected_ids() == [ids["later"]]
    page.choose_chip("整改中")
    assert page.model.rowCount() == 0


def test_a_closed_problem_found_back_is_sent_back_with_a_reason(
    monkeypatch, page: ProblemsPage, problem_db
) -> None:
    db, ids = problem_db
    page.select_ids([ids["closed"]])
    seen: list[str] = []
    answer(monkeypatch, {"note": ""}, {"note": "复查发现工地又有裸土"}, seen=seen)
    page.detail.move_buttons["退回整改"].click()
    assert "退回原因：必须填写" in seen[0] and seen[1] == ""
    assert status_of(db, ids["closed"]) == "整改中"
    page.select_ids([ids["closed"]])
    timeline = page.detail.timeline
    last = [timeline.item(timeline.rowCount() - 1, c).text() for c in range(3)]
    assert last == [f"{TODAY:%Y-%m-%d}", "退回整改", "已销号 → 整改中：复查发现工地又有裸土"]
    assert set(page.detail.move_buttons) == {"整改完成"}
    assert "已超期" in page.detail.heading.text()


def test_assigning_a_unit_and_deadline_is_a_step_in_the_process(page: ProblemsPage, problem_db) -> None:
    db, ids = problem_db
    unit = records.get(db, UNITS, records.list_ids(db, UNITS)[-1])
    new_deadline = TODAY + timedelta(days=30)
    records.update(
        db,
        PROBLEMS,
        ids["later"],
        {"responsible_unit": unit.id, "responsible_person": "张站长", "deadline": new_deadline},
    )
    page.select_ids([ids["later"]])
    timeline = page.detail.timeline
    rows = [[timeline.item(r, c).text() for c in range(4)] for r in range(timeline.rowCount())]
    assert rows[-1] == [
        f"{TODAY:%Y-%m-%d}",
        "交办",
        f"责任单位：{unit.name}；责任人：张站长；"
        f"整改时限由{TODAY + timedelta(days=20):%Y-%m-%d}改为{new_deadline:%Y-%m-%d}",
        "测试员",
    ]
    assert rows[0][1] == "交办"  # the deadline set when the problem was recorded


def test_draft_circular_help_reads_cleanly_and_the_draft_can_be_opened(
    qtbot, monkeypatch, db: Database
) -> None:
    """The rules are one per line (no "。；"), and 打开通报草稿 shows the draft on the 公文 page."""
    import datetime as dt

    from ecodesk.services import settings
    from ui.common import dialogs
    from ui.shell.main_window import MainWindow

    settings.save(db, **settings.defaults_for_town("清河镇"))
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(text))
    intros: list[str] = []
    answer(monkeypatch, {"date_from": dt.date(2026, 10, 1), "date_to": dt.date(2026, 10, 31)}, intros=intros)
    window = MainWindow(db)
    qtbot.addWidget(window)
    page = window.show_page("problems")
    assert isinstance(page, ProblemsPage)
    assert page.open_draft_button.isHidden()  # nothing drafted yet
    document = page.draft_circular()
    assert "。；" not in intros[0] and "<br>· 整改较好：" in intros[0]
    assert "打开通报草稿" in shown[0]
    assert not page.open_draft_button.isHidden() and page.open_draft_button.text() == "打开通报草稿"
    page.open_draft_button.click()
    documents_page = window.pages["documents"]
    assert window.current_key() == "documents"
    assert documents_page.current_id == document.id
    assert documents_page.editor.title.text() == document.title
