"""Fast patrol entry typed with the keyboard only: three paper lines become three patrols, a likely
duplicate is asked about first, and a bad line keeps what was typed with the reason beside the field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from ecodesk import dates
from ecodesk.dates import format_iso
from ecodesk.db import Database
from ecodesk.services import records
from ecodesk.services.org import GRIDS, PEOPLE, UNITS
from ecodesk.services.patrols import FIRE_POINTS, PATROLS
from ecodesk.services.records import ListFilter
from ecodesk.services.rectification import PROBLEMS
from tests.ui.helpers import type_text
from ui.common import unsaved
from ui.patrols import entry as patrol_entry
from ui.patrols.entry import PatrolEntryDialog

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _fresh_last_date(monkeypatch) -> None:
    """The form remembers the last date typed today across openings; each test starts without it.
    Esc on a line with typing asks 放弃未保存的内容？ (tests/ui/test_unsaved.py); here it is 放弃."""
    monkeypatch.setattr(patrol_entry, "_last_date", None)
    monkeypatch.setattr(unsaved, "ask", lambda _parent: unsaved.Answer.DISCARD)


@dataclass
class Town:
    east: int
    west: int
    east_grid: int
    zhang_east: int
    li: int


@pytest.fixture
def town(db: Database) -> Town:
    east = records.create(db, UNITS, {"name": "东沟村", "kind": "村", "sort_order": 1}).id
    west = records.create(db, UNITS, {"name": "西岭村", "kind": "村", "sort_order": 2}).id
    grid = records.create(db, GRIDS, {"name": "东沟村第一网格", "village": east}).id
    zhang_east = records.create(db, PEOPLE, {"name": "张建国", "unit": east, "roles": "网格员"}).id
    li = records.create(db, PEOPLE, {"name": "李秀英", "unit": east, "roles": "巡查员"}).id
    return Town(east, west, grid, zhang_east, li)


def open_entry(qtbot, db: Database) -> PatrolEntryDialog:
    dialog = PatrolEntryDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()  # a line edit connects its completer only when it really gets the focus
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    _current.append(dialog)
    return dialog


_current: list[PatrolEntryDialog] = []


def focused() -> QWidget | None:
    """The box that has the keyboard in the entry form (offscreen windows are never "active",
    so ask the window rather than the application)."""
    return _current[-1].focusWidget()


def tab(qtbot) -> None:
    """Tab from whatever has the focus, as the clerk's finger does."""
    widget = focused()
    assert widget is not None
    qtbot.keyClick(widget, Qt.Key.Key_Tab)


def enter(qtbot) -> None:
    widget = focused()
    assert widget is not None
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def type_here(qtbot, text: str) -> None:
    widget = focused()
    assert widget is not None
    type_text(qtbot, widget, text)


def pick_first(qtbot, popup: QWidget) -> None:
    """↓ then Enter in a completer popup, as the clerk picks the first suggestion."""
    assert popup.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert not popup.isVisible()


def live_patrols(db: Database) -> list:
    ids = records.list_ids(db, PATROLS, ListFilter(), sort_key="id")
    return [records.get(db, PATROLS, i) for i in ids]


def type_patrol(qtbot, dialog: PatrolEntryDialog, fields: dict[str, str]) -> None:
    """Walk the form with Tab from the first box, typing where the paper line has something."""
    assert focused() is dialog.edits["date"]
    for key, _label in patrol_entry.ENTRY_FIELDS:
        assert focused() is dialog.edits[key], f"focus should be on {key}"
        if key in fields:
            type_here(qtbot, fields[key])
        if key != patrol_entry.ENTRY_FIELDS[-1][0]:
            tab(qtbot)


def test_three_patrols_typed_without_the_mouse(qtbot, db: Database, town: Town) -> None:
    yesterday = format_iso(dates.today() - timedelta(days=1))
    dialog = open_entry(qtbot, db)
    assert dialog.edits["date"].text() == format_iso(dates.today())  # the date starts at today

    # 1: a new date typed over today's (Tab into a box selects what it holds, typing replaces it)
    type_patrol(
        qtbot,
        dialog,
        {
            "date": yesterday,
            "village": "东沟村",
            "start_time": "8:30",
            "end_time": "1100",
            "patrollers": "李秀英",
            "place": "一组至三组田间",
            "findings": "二组麦田有秸秆堆放",
            "fire_count": "1",
            "measures": "已督促清运",
        },
    )
    enter(qtbot)
    assert len(dialog.saved_ids) == 1
    # The next line starts on the first box, with the date kept and everything else empty.
    assert focused() is dialog.edits["date"]
    assert dialog.edits["date"].text() == yesterday
    assert dialog.edits["village"].text() == "" and dialog.edits["patrollers"].text() == ""

    # 2: 巡河 typed in part ("河" names one kind only), the grid and the second patroller picked from
    # the completer popups with the arrow keys
    assert focused() is dialog.edits["date"]
    tab(qtbot)
    type_here(qtbot, "东沟")
    pick_first(qtbot, dialog.village_completer.popup())
    assert dialog.edits["village"].text() == "东沟村"
    tab(qtbot)
    type_here(qtbot, "第一")
    pick_first(qtbot, dialog.grid_completer.popup())
    assert dialog.edits["grid"].text() == "东沟村第一网格"
    tab(qtbot)
    type_here(qtbot, "河")
    tab(qtbot)
    tab(qtbot)
    tab(qtbot)
    assert focused() is dialog.edits["patrollers"]
    type_here(qtbot, "李秀英、张")
    popup = dialog.people_completer.popup()
    assert popup.isVisible()
    assert popup.model().index(0, 0).data() == "张建国（东沟村 网格员）"
    pick_first(qtbot, popup)
    assert dialog.edits["patrollers"].text() == "李秀英、张建国"
    tab(qtbot)
    type_here(qtbot, "清河东沟段")
    enter(qtbot)
    assert len(dialog.saved_ids) == 2, dialog.general_error.text()

    # 3: another village, fields left blank where the paper is blank
    type_patrol(qtbot, dialog, {"village": "西岭村", "kind": "扬尘检查"})
    enter(qtbot)
    assert len(dialog.saved_ids) == 3
    assert dialog.saved_label.text().startswith("本次已录入 3 条")

    first, second, third = live_patrols(db)
    assert (format_iso(first.date), first.village.name, first.kind) == (yesterday, "东沟村", "禁烧巡查")
    assert (first.start_time, first.end_time, first.patroller_text) == ("08:30", "11:00", "李秀英")
    assert (first.place, first.findings, first.fire_count, first.measures) == (
        "一组至三组田间",
        "二组麦田有秸秆堆放",
        1,
        "已督促清运",
    )
    assert (second.kind, second.grid.name) == ("巡河", "东沟村第一网格")
    assert sorted(p.id for p in second.patrollers) == sorted([town.li, town.zhang_east])
    assert (third.village.name, third.kind, third.patrollers, format_iso(third.date)) == (
        "西岭村",
        "扬尘检查",
        [],
        yesterday,
    )
    # The fire typed on the first line is a fire point of its own.
    fires = records.list_ids(db, FIRE_POINTS, ListFilter())
    assert len(fires) == 1

    # Esc ends the entry.
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog.edits["date"], Qt.Key.Key_Escape)


def test_duplicate_warning_before_saving(qtbot, db: Database, town: Town, monkeypatch) -> None:
    day = dates.today()
    records.create(
        db,
        PATROLS,
        {"date": day, "village": town.east, "kind": "禁烧巡查", "patrollers": "李秀英", "place": "田间"},
    )
    asked: list[str] = []
    answer = {"value": False}

    def fake_ask(_parent, text: str) -> bool:
        asked.append(text)
        return answer["value"]

    monkeypatch.setattr(patrol_entry, "ask_duplicate", fake_ask)
    dialog = open_entry(qtbot, db)
    type_patrol(qtbot, dialog, {"village": "东沟村", "patrollers": "李秀英"})
    enter(qtbot)
    assert len(asked) == 1
    assert "同一村（社区）、同一天、同类巡查、同一巡查人员已有记录" in asked[0]
    assert "东沟村 禁烧巡查（李秀英）" in asked[0]
    # 返回修改: nothing saved, the form keeps what was typed, the cursor goes to the patrollers.
    assert dialog.saved_ids == [] and len(live_patrols(db)) == 1
    assert dialog.edits["village"].text() == "东沟村"
    assert focused() is dialog.edits["patrollers"]

    # Another patroller is no duplicate: saved without asking.
    dialog.edits["patrollers"].clear()
    type_here(qtbot, "张建国")
    dialog.edits["patrollers"].setText("张建国")
    dialog.people_completer.picked["张建国"] = town.zhang_east
    enter(qtbot)
    assert len(asked) == 1 and len(dialog.saved_ids) == 1

    # The same line once more, and 仍然保存 this time.
    answer["value"] = True
    type_patrol(qtbot, dialog, {"village": "东沟村", "patrollers": "李秀英"})
    enter(qtbot)
    assert len(asked) == 2 and len(dialog.saved_ids) == 2
    assert len(live_patrols(db)) == 3


def test_a_bad_line_shows_the_reason_beside_the_field_and_keeps_the_text(
    qtbot, db: Database, town: Town
) -> None:
    dialog = open_entry(qtbot, db)
    type_patrol(qtbot, dialog, {"village": "南山村", "start_time": "25:00", "patrollers": "王五"})
    enter(qtbot)
    assert dialog.saved_ids == [] and live_patrols(db) == []
    errors = {key: label.text() for key, label in dialog.error_labels.items() if label.isVisible()}
    assert set(errors) == {"village", "start_time", "patrollers"}
    assert (
        "南山村" in errors["village"] and "25:00" in errors["start_time"] and "王五" in errors["patrollers"]
    )
    assert dialog.edits["village"].text() == "南山村"  # what was typed stays
    assert focused() is dialog.edits["village"]  # the cursor on the first problem

    # Corrected, but dated tomorrow: the date is refused and nothing else is flagged any more.
    dialog.edits["village"].setText("东沟村")
    dialog.edits["start_time"].setText("8:00")
    dialog.edits["patrollers"].setText("李秀英")
    dialog.edits["date"].setText(format_iso(dates.today() + timedelta(days=1)))
    enter(qtbot)
    errors = {key: label.text() for key, label in dialog.error_labels.items() if label.isVisible()}
    assert list(errors) == ["date"] and "还没到" in errors["date"]
    assert focused() is dialog.edits["date"]
    assert live_patrols(db) == []


def test_a_village_fills_empty_boxes_from_its_last_patrol(qtbot, db: Database, town: Town) -> None:
    records.create(
        db,
        PATROLS,
        {
            "date": dates.today() - timedelta(days=1),
            "village": town.east,
            "grid": town.east_grid,
            "kind": "禁烧巡查",
            "patrollers": "张建国、李秀英",
            "place": "全村田间地头",
            "start_time": "08:00",
            "end_time": "10:00",
        },
    )
    dialog = open_entry(qtbot, db)
    type_patrol(qtbot, dialog, {"village": "东沟村"})
    assert dialog.edits["grid"].text() == "东沟村第一网格"
    assert dialog.edits["patrollers"].text() == "张建国、李秀英"
    assert dialog.edits["place"].text() == "全村田间地头"
    # The namesake of 西岭村 is not taken: the ids are the ones of the last patrol.
    assert dialog.patroller_value() == [town.zhang_east, town.li]


def test_a_namesake_picked_in_the_completer_is_saved(qtbot, db: Database, town: Town) -> None:
    namesake = records.create(db, PEOPLE, {"name": "张建国", "unit": town.west, "roles": "护林员"}).id
    dialog = open_entry(qtbot, db)
    type_patrol(qtbot, dialog, {"village": "西岭村"})
    dialog.edits["patrollers"].setFocus()
    type_here(qtbot, "张建")
    popup = dialog.people_completer.popup()
    assert popup.model().index(0, 0).data() == "张建国（西岭村 护林员）"  # the village's own first
    pick_first(qtbot, popup)
    assert dialog.patroller_value() == [namesake]
    enter(qtbot)
    assert [p.id for p in live_patrols(db)[0].patrollers] == [namesake]


def test_a_finding_opened_as_a_problem_while_typing(qtbot, db: Database, town: Town) -> None:
    dialog = open_entry(qtbot, db)
    type_patrol(qtbot, dialog, {"village": "东沟村", "place": "二组河沟", "findings": "河沟内有生活垃圾"})
    qtbot.keyClick(focused(), Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)  # Alt+W: 开为整改问题
    assert dialog.problem_box.isChecked()
    enter(qtbot)
    assert len(dialog.saved_ids) == 1 and len(dialog.problem_ids) == 1
    patrol = records.get(db, PATROLS, dialog.saved_ids[0])
    problem = records.get(db, PROBLEMS, dialog.problem_ids[0])
    assert patrol.problem_id == problem.id
    assert (problem.description, problem.place, problem.village.name) == (
        "河沟内有生活垃圾",
        "二组河沟",
        "东沟村",
    )
    assert f"整改问题（编号 {problem.id}）" in dialog.saved_list.item(0).text()
    # The next line starts unticked, and a patrol without findings never opens one.
    assert not dialog.problem_box.isChecked()
    type_patrol(qtbot, dialog, {"village": "西岭村"})
    qtbot.keyClick(focused(), Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    enter(qtbot)
    assert len(dialog.saved_ids) == 2 and len(dialog.problem_ids) == 1


def test_the_last_date_typed_today_is_kept_when_the_form_opens_again(qtbot, db: Database, town: Town) -> None:
    day = format_iso(dates.today() - timedelta(days=3))
    first = open_entry(qtbot, db)
    type_patrol(qtbot, first, {"date": day, "village": "东沟村"})
    enter(qtbot)
    assert len(first.saved_ids) == 1
    with qtbot.waitSignal(first.rejected):
        qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    again = open_entry(qtbot, db)
    assert again.edits["date"].text() == day
    assert again.edits["date"].selectedText() == day  # typing replaces it at once
