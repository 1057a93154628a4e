"""Esc, 取消 or closing the window never throws typing away without "放弃未保存的内容？" (issue 14, 1).

The question is answered through ``unsaved.ask`` (replaced here, as pytest-qt advises for modals);
each test records whether it was asked and checks what the clerk is left with: the form open or
closed, the record saved or not.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from ecodesk.db import Database
from ecodesk.schema import Field, FieldType
from ecodesk.services import records
from ecodesk.services import settings as data_settings
from ecodesk.services.org import HOUSEHOLDS
from ecodesk.services.patrols import PATROLS
from ecodesk.services.records import ListFilter
from tests.ui.helpers import keep_shot, type_text
from ui.common import unsaved
from ui.common.unsaved import Answer
from ui.patrols import entry as patrol_entry
from ui.patrols.entry import PatrolEntryDialog
from ui.records.action_dialog import ActionDialog
from ui.records.form import RecordDialog
from ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


class Asked:
    """Stands in for the modal question: answers ``answer`` and counts the times it was asked."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: Answer) -> None:
        self.answer = answer
        self.times = 0
        monkeypatch.setattr(unsaved, "ask", self)

    def __call__(self, _parent: object) -> Answer:
        self.times += 1
        return self.answer


def open_form(qtbot, db: Database) -> RecordDialog:
    dialog = RecordDialog(db, HOUSEHOLDS)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def press_esc(qtbot, dialog: QDialog) -> None:
    target = dialog.focusWidget() or dialog
    qtbot.keyClick(target, Qt.Key.Key_Escape)


def households(db: Database) -> int:
    return len(records.list_ids(db, HOUSEHOLDS, ListFilter()))


def test_untouched_form_closes_on_esc_without_asking(qtbot, monkeypatch, village_db: Database) -> None:
    asked = Asked(monkeypatch, Answer.KEEP)
    dialog = open_form(qtbot, village_db)
    press_esc(qtbot, dialog)
    assert asked.times == 0
    assert not dialog.isVisible()


def test_typed_then_deleted_back_is_untouched(qtbot, monkeypatch, village_db: Database) -> None:
    asked = Asked(monkeypatch, Answer.KEEP)
    dialog = open_form(qtbot, village_db)
    widget = dialog.editors["address"].focus_widgets[0]
    type_text(qtbot, widget, "4")
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    dialog.cancel_button.click()
    assert asked.times == 0
    assert not dialog.isVisible()


def test_esc_on_half_filled_form_asks_and_keep_editing_keeps_it(
    qtbot, monkeypatch, village_db: Database
) -> None:
    asked = Asked(monkeypatch, Answer.KEEP)
    dialog = open_form(qtbot, village_db)
    type_text(qtbot, dialog.editors["head_name"].focus_widgets[0], "孙玉芬")
    press_esc(qtbot, dialog)
    assert asked.times == 1
    assert dialog.isVisible()
    assert dialog.editors["head_name"].value() == "孙玉芬"
    keep_shot(dialog, "unsaved_form_kept.png")


def test_cancel_then_discard_closes_without_saving(qtbot, monkeypatch, village_db: Database) -> None:
    before = households(village_db)
    asked = Asked(monkeypatch, Answer.DISCARD)
    dialog = open_form(qtbot, village_db)
    type_text(qtbot, dialog.editors["head_name"].focus_widgets[0], "孙玉芬")
    dialog.cancel_button.click()
    assert asked.times == 1
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected.value
    assert households(village_db) == before


def test_save_answer_saves_or_stays_open_with_problems(qtbot, monkeypatch, village_db: Database) -> None:
    Asked(monkeypatch, Answer.SAVE)
    before = households(village_db)
    dialog = open_form(qtbot, village_db)
    type_text(qtbot, dialog.editors["address"].focus_widgets[0], "四组")  # 户主 and 村 still missing
    press_esc(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.error_labels["head_name"].isVisible()
    assert households(village_db) == before

    type_text(qtbot, dialog.editors["head_name"].focus_widgets[0], "孙玉芬")
    type_text(qtbot, dialog.editors["village"].focus_widgets[0], "西岭村")
    press_esc(qtbot, dialog)
    assert not dialog.isVisible()
    assert dialog.saved_id is not None
    assert records.get(village_db, HOUSEHOLDS, dialog.saved_id).head_name == "孙玉芬"
    assert households(village_db) == before + 1


def action_dialog(qtbot, db: Database, done: list[dict[str, object]]) -> ActionDialog:
    fields = (
        Field("date", "整改完成日期", FieldType.DATE, required=True),
        Field("note", "整改情况", FieldType.TEXT, required=True),
    )
    dialog = ActionDialog(None, db, "整改完成", fields, done.append, [PATROLS])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_action_dialog_asks_only_when_typed(qtbot, monkeypatch, village_db: Database) -> None:
    asked = Asked(monkeypatch, Answer.KEEP)
    done: list[dict[str, object]] = []
    untouched = action_dialog(qtbot, village_db, done)
    press_esc(qtbot, untouched)
    assert asked.times == 0 and not untouched.isVisible()

    typed = action_dialog(qtbot, village_db, done)
    type_text(qtbot, typed.editors["note"].focus_widgets[0], "已清理")
    press_esc(qtbot, typed)
    assert asked.times == 1 and typed.isVisible()

    asked.answer = Answer.SAVE  # 保存 with the date missing: the dialog stays, the problem shown
    press_esc(qtbot, typed)
    assert typed.isVisible() and done == []
    type_text(qtbot, typed.editors["date"].focus_widgets[0], "2026-11-30")
    press_esc(qtbot, typed)
    assert not typed.isVisible()
    assert len(done) == 1 and done[0]["note"] == "已清理"


def test_patrol_entry_asks_for_a_half_typed_line(qtbot, monkeypatch, village_db: Database) -> None:
    monkeypatch.setattr(patrol_entry, "_last_date", None)
    asked = Asked(monkeypatch, Answer.KEEP)
    dialog = PatrolEntryDialog(village_db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    press_esc(qtbot, dialog)
    assert asked.times == 0 and not dialog.isVisible()

    dialog = PatrolEntryDialog(village_db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    type_text(qtbot, dialog.edits["place"], "河堤")
    press_esc(qtbot, dialog)
    assert asked.times == 1 and dialog.isVisible()
    assert dialog.edits["place"].text() == "河堤"
    asked.answer = Answer.DISCARD
    dialog.close_button.click()
    assert asked.times == 2 and not dialog.isVisible()
    assert dialog.saved_ids == []


def test_closing_the_window_asks_the_open_form(qtbot, monkeypatch, village_db: Database) -> None:
    data_settings.save(village_db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    window = MainWindow(village_db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    asked = Asked(monkeypatch, Answer.KEEP)
    dialog = RecordDialog(village_db, HOUSEHOLDS, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    type_text(qtbot, dialog.editors["head_name"].focus_widgets[0], "孙玉芬")

    assert not window.close()  # 继续编辑: the program stays open with the form
    assert asked.times == 1
    assert window.isVisible() and dialog.isVisible()

    asked.answer = Answer.DISCARD
    assert window.close()
    assert asked.times == 2
    assert not dialog.isVisible()


def test_action_dialog_problems_take_their_own_space_and_clear_on_edit(qtbot, village_db: Database) -> None:
    """Issue 14, 7: each problem under its own field — the date's above the 整改情况 box, never drawn
    over it — and a stale 必须填写 goes as soon as its field is typed in."""
    done: list[dict[str, object]] = []
    dialog = action_dialog(qtbot, village_db, done)
    type_text(qtbot, dialog.editors["date"].focus_widgets[0], "2026-13-45")
    dialog.ok_button.click()
    date_error, note_error = dialog.error_labels["date"], dialog.error_labels["note"]
    assert date_error.isVisible() and "不存在" in date_error.text()
    assert note_error.isVisible() and note_error.text() == "必须填写"
    note_box = dialog.editors["note"].widget
    bottom = date_error.mapTo(dialog, date_error.rect().bottomLeft()).y()
    assert bottom <= note_box.mapTo(dialog, note_box.rect().topLeft()).y()  # not drawn over 整改情况
    top = note_error.mapTo(dialog, note_error.rect().topLeft()).y()
    assert top >= note_box.mapTo(dialog, note_box.rect().bottomLeft()).y()
    for error in (date_error, note_error):
        assert error.height() >= error.heightForWidth(error.width())  # every line shows
    keep_shot(dialog, "action_dialog_problems.png")
    type_text(qtbot, dialog.editors["note"].focus_widgets[0], "已清理")
    assert not note_error.isVisible() and date_error.isVisible()  # only the fixed field's goes


def test_record_form_clears_a_stale_problem_on_edit(qtbot, village_db: Database) -> None:
    dialog = open_form(qtbot, village_db)
    dialog.save_button.click()
    assert dialog.error_labels["head_name"].isVisible()
    type_text(qtbot, dialog.editors["head_name"].focus_widgets[0], "孙玉芬")
    assert not dialog.error_labels["head_name"].isVisible()
    assert dialog.error_labels["village"].isVisible()
