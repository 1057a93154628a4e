"""The generated record form: typed with the keyboard, saved with Enter, errors beside their field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ecodesk.db import Database
from ecodesk.services import records
from ecodesk.services.org import ENTERPRISES, HOUSEHOLDS, UNITS
from tests.ui.helpers import type_text
from ui.common import unsaved
from ui.records.detail import DetailPane
from ui.records.form import RecordDialog

pytestmark = pytest.mark.gui


def open_form(qtbot, db: Database, kind=HOUSEHOLDS, record_id: int | None = None) -> RecordDialog:
    dialog = RecordDialog(db, kind, record_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def type_into(qtbot, dialog: RecordDialog, key: str, text: str, *, clear: bool = False) -> None:
    widget = dialog.editors[key].focus_widgets[0]
    if clear:
        widget.clear()
    type_text(qtbot, widget, text)


def test_add_then_edit_round_trip(qtbot, village_db: Database) -> None:
    dialog = open_form(qtbot, village_db)
    type_into(qtbot, dialog, "head_name", "孙玉芬")
    type_into(qtbot, dialog, "village", "西岭村")
    type_into(qtbot, dialog, "group", "四组")
    type_into(qtbot, dialog, "phone", "13812345678")
    type_into(qtbot, dialog, "members", "4")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.editors["members"].focus_widgets[0], Qt.Key.Key_Return)
    record_id = dialog.saved_id
    assert record_id is not None
    saved = records.get(village_db, HOUSEHOLDS, record_id)
    assert (saved.head_name, saved.village.name, saved.group.name, saved.phone, saved.members) == (
        "孙玉芬",
        "西岭村",
        "四组",
        "13812345678",
        4,
    )

    edit = open_form(qtbot, village_db, record_id=record_id)
    assert edit.editors["head_name"].value() == "孙玉芬"
    type_into(qtbot, edit, "group", "五组", clear=True)
    with qtbot.waitSignal(edit.accepted):
        qtbot.keyClick(edit.editors["group"].focus_widgets[0], Qt.Key.Key_Enter)
    assert records.get(village_db, HOUSEHOLDS, record_id).group.name == "五组"

    pane = DetailPane(village_db, HOUSEHOLDS)
    qtbot.addWidget(pane)
    pane.show_record(record_id)
    rows = [
        [pane.history.item(row, col).text() for col in range(pane.history.columnCount())]
        for row in range(pane.history.rowCount())
    ]
    assert rows[0][2:] == ["修改", "组", "四组 → 五组"]
    assert rows[0][1] == "测试员"
    assert rows[-1][2] == "新增"
    assert "户主姓名：孙玉芬" in rows[-1][4]
    assert "孙玉芬" in pane.fields_view.toPlainText()


def test_required_field_blank_shows_error_and_saves_nothing(qtbot, village_db: Database) -> None:
    before = records.count(village_db, HOUSEHOLDS)
    dialog = open_form(qtbot, village_db)
    type_into(qtbot, dialog, "village", "东沟村")
    type_into(qtbot, dialog, "address", "东沟村三组12号")
    qtbot.keyClick(dialog.editors["address"].focus_widgets[0], Qt.Key.Key_Return)
    error: QLabel = dialog.error_labels["head_name"]
    assert error.isVisible()
    assert "必须填写" in error.text()
    assert dialog.isVisible()
    assert dialog.editors["address"].value() == "东沟村三组12号"  # nothing typed is lost
    assert dialog.focusWidget() is dialog.editors["head_name"].focus_widgets[0]
    assert records.count(village_db, HOUSEHOLDS) == before


def test_unknown_village_and_bad_phone_are_named(qtbot, village_db: Database) -> None:
    dialog = open_form(qtbot, village_db)
    type_into(qtbot, dialog, "head_name", "周大海")
    type_into(qtbot, dialog, "village", "北山村")
    qtbot.keyClick(dialog.editors["head_name"].focus_widgets[0], Qt.Key.Key_Return)
    assert "北山村" in dialog.error_labels["village"].text()
    assert dialog.error_labels["village"].isVisible()
    assert dialog.result() != RecordDialog.DialogCode.Accepted


def test_escape_cancels(qtbot, monkeypatch, village_db: Database) -> None:
    monkeypatch.setattr(unsaved, "ask", lambda _parent: unsaved.Answer.DISCARD)  # typed: asked, 放弃
    dialog = open_form(qtbot, village_db)
    type_into(qtbot, dialog, "head_name", "不保存")
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog.editors["head_name"].focus_widgets[0], Qt.Key.Key_Escape)
    assert dialog.saved_id is None
    assert records.count(village_db, HOUSEHOLDS) == 5


def test_enterprise_form_choices_multi_and_ctrl_enter(qtbot, village_db: Database) -> None:
    dialog = open_form(qtbot, village_db, ENTERPRISES)
    type_into(qtbot, dialog, "name", "清河红砖厂")
    industry = dialog.editors["industry"].widget
    industry.setCurrentIndex(industry.findText("砖瓦"))
    dialog.editors["tags"].boxes[1].setChecked(True)  # 散乱污
    remark = dialog.editors["remark"].focus_widgets[0]
    type_text(qtbot, remark, "第一行")
    qtbot.keyClick(remark, Qt.Key.Key_Return)  # a new line, not a save
    type_text(qtbot, remark, "第二行")
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(remark, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    saved = records.get(village_db, ENTERPRISES, dialog.saved_id)
    assert (saved.industry, saved.tags, saved.status, saved.remark) == (
        "砖瓦",
        ["散乱污"],
        "正常",
        "第一行\n第二行",
    )


def test_unchanged_edit_writes_nothing(qtbot, village_db: Database) -> None:
    unit_id = records.list_ids(village_db, UNITS)[0]
    before = len(records.history(village_db, UNITS, unit_id))
    dialog = open_form(qtbot, village_db, UNITS, unit_id)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.editors["name"].focus_widgets[0], Qt.Key.Key_Return)
    assert len(records.history(village_db, UNITS, unit_id)) == before


def test_history_names_referenced_records(qtbot, village_db: Database) -> None:
    record_id = records.list_ids(village_db, HOUSEHOLDS)[-1]  # an 东沟村 household (default order)
    assert records.get(village_db, HOUSEHOLDS, record_id).village.name == "东沟村"
    edit = open_form(qtbot, village_db, record_id=record_id)
    combo = edit.editors["village"].widget
    combo.setCurrentIndex(combo.findText("西岭村"))
    edit.editors["group"].set_value(None)  # its 组 is 东沟村's: a household moving village leaves it
    with qtbot.waitSignal(edit.accepted):
        qtbot.keyClick(edit.editors["head_name"].focus_widgets[0], Qt.Key.Key_Return)
    pane = DetailPane(village_db, HOUSEHOLDS)
    qtbot.addWidget(pane)
    pane.show_record(record_id)
    changes = {pane.history.item(row, 3).text(): pane.history.item(row, 4).text() for row in (0, 1)}
    assert changes["所属村"] == "东沟村 → 西岭村"
