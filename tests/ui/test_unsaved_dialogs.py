"""The input dialogs beyond the record forms never throw typing away without "放弃未保存的内容？"
(issue 14, 1): 考核's 调整得分 and 考核方案, the reason to 解除锁定, the 作废 reasons of a 承诺书 and a
公文, the numbers read off returned 承诺书 — all on the shared :mod:`ui.common.text_input` dialog or
their own, each asking only once something was typed.

The question is answered through ``unsaved.ask`` (replaced here). A dialog shown modally by a page's
``ask`` function is driven from a timer while its ``exec`` runs, as the clerk's keys would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

from ecodesk.db import Database
from ecodesk.errors import FieldProblem, ValidationError
from ecodesk.schema import Field, FieldType
from ecodesk.services import appraisal
from ecodesk.services.rectification import PROBLEMS
from tests.core import helpers as h
from tests.ui.helpers import keep_shot, type_text
from ui.appraisal.page import AdjustDialog, UnlockDialog
from ui.appraisal.scheme import MAX, SchemeDialog
from ui.common import unsaved
from ui.common.text_input import TextInputDialog
from ui.common.unsaved import Answer
from ui.documents import page as documents_page
from ui.letters import signing
from ui.records.action_dialog import ActionDialog

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


def drive_modal(act: Callable[[QWidget], None]) -> None:
    """Run ``act`` on the modal dialog as soon as its ``exec`` shows it; the dialog is closed after it
    in any case (``act`` leaves it open only when a step failed)."""

    def attempt() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            QTimer.singleShot(10, attempt)
            return
        try:
            act(modal)
        finally:
            if modal.isVisible() and isinstance(modal, QDialog):
                modal.done(QDialog.DialogCode.Rejected.value)  # a failed step must not hang the run

    QTimer.singleShot(0, attempt)


def typing_box(dialog: QWidget) -> QWidget:
    focus = dialog.focusWidget()
    assert focus is not None
    return focus


def press_esc(qtbot, dialog: QWidget) -> None:
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)


def test_text_input_untouched_or_typed_back_closes_without_asking(qtbot, monkeypatch) -> None:
    asked = Asked(monkeypatch, Answer.KEEP)
    dialog = TextInputDialog(None, "作废", "作废原因：", required=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    type_text(qtbot, dialog.editor, "a")
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Backspace)
    press_esc(qtbot, dialog)
    assert asked.times == 0 and not dialog.isVisible()


def test_void_reason_of_a_document_asks_before_losing_typing(qtbot, monkeypatch) -> None:
    """公文 → 作废…: Esc after typing asks; 继续编辑 keeps the typing, 保存 then voids with it."""
    asked = Asked(monkeypatch, Answer.KEEP)
    seen: dict[str, Any] = {}

    def act(dialog: QWidget) -> None:
        type_text(qtbot, typing_box(dialog), "主送单位有误")
        press_esc(qtbot, dialog)
        seen["kept open"] = dialog.isVisible()
        keep_shot(dialog, "void_reason_dialog.png")
        asked.answer = Answer.SAVE
        press_esc(qtbot, dialog)

    drive_modal(act)
    reason = documents_page.ask_void_reason(None, "X环办〔2026〕3号")
    assert asked.times == 2 and seen["kept open"]
    assert reason == "主送单位有误"


def test_void_reason_left_blank_is_refused_under_the_box(qtbot, monkeypatch) -> None:
    asked = Asked(monkeypatch, Answer.DISCARD)
    seen: dict[str, Any] = {}

    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, TextInputDialog)
        dialog.ok_button.click()
        seen["open"] = dialog.isVisible()
        seen["problem"] = dialog.error_label.text() if dialog.error_label.isVisible() else ""
        type_text(qtbot, dialog.editor, "重复")
        seen["after typing"] = dialog.error_label.isVisible()
        press_esc(qtbot, dialog)

    drive_modal(act)
    assert signing.ask_void_reason(QWidget(), 3) is None  # 放弃
    assert seen == {"open": True, "problem": "必须填写", "after typing": False}
    assert asked.times == 1


def test_numbers_of_returned_letters_ask_before_losing_them(qtbot, monkeypatch) -> None:
    """按编号标记已签: the typed (scanned) numbers stay after 继续编辑; Ctrl+Enter takes them."""
    asked = Asked(monkeypatch, Answer.KEEP)
    seen: dict[str, Any] = {}

    def act(dialog: QWidget) -> None:
        box = typing_box(dialog)
        type_text(qtbot, box, "C000123")
        qtbot.keyClick(box, Qt.Key.Key_Return)
        type_text(qtbot, box, "C000124")
        press_esc(qtbot, dialog)
        seen["kept open"] = dialog.isVisible()
        qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    drive_modal(act)
    text = signing.ask_numbers(QWidget())
    assert asked.times == 1 and seen["kept open"]
    assert text == "C000123\nC000124"


def test_unlock_reason_is_required_and_asked_about(qtbot, monkeypatch) -> None:
    asked = Asked(monkeypatch, Answer.KEEP)
    seen: dict[str, Any] = {}

    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, TextInputDialog)
        dialog.ok_button.click()
        seen["problem"] = dialog.error_label.isVisible() and dialog.error_label.text()
        type_text(qtbot, dialog.editor, "南坡村火点复核撤销")
        press_esc(qtbot, dialog)
        seen["kept open"] = dialog.isVisible()
        asked.answer = Answer.DISCARD
        press_esc(qtbot, dialog)

    drive_modal(act)
    assert UnlockDialog.ask(None, 2025) is None
    assert seen == {"problem": "必须填写", "kept open": True}
    assert asked.times == 2


def adjust_dialog(qtbot) -> AdjustDialog:
    item = appraisal.ItemView(1, "大气", "火点", 15, False, "fire_points", {}, "")
    cell = appraisal.Cell(1, 9.0, 0.0, "", 9.0, 2)
    dialog = AdjustDialog("东沟村", item, cell)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_adjust_dialog_untouched_closes_without_asking(qtbot, monkeypatch) -> None:
    asked = Asked(monkeypatch, Answer.KEEP)
    dialog = adjust_dialog(qtbot)
    press_esc(qtbot, dialog)
    assert asked.times == 0 and not dialog.isVisible()


def test_adjust_dialog_asks_and_wants_a_reason(qtbot, monkeypatch) -> None:
    """A new score without a reason: 保存 from the question says 必须写明调整原因 under the reason box and
    keeps the dialog; with a reason, 保存 accepts it."""
    asked = Asked(monkeypatch, Answer.SAVE)
    dialog = adjust_dialog(qtbot)
    dialog.value.setValue(12)
    press_esc(qtbot, dialog)
    assert asked.times == 1 and dialog.isVisible()
    assert dialog.reason_error.isVisible() and dialog.reason_error.text() == "必须写明调整原因"
    reason_bottom = dialog.reason.mapTo(dialog, dialog.reason.rect().bottomLeft()).y()
    assert dialog.reason_error.mapTo(dialog, dialog.reason_error.rect().topLeft()).y() >= reason_bottom
    keep_shot(dialog, "adjust_dialog_reason.png")
    type_text(qtbot, dialog.reason, "一处火点为误报")
    assert not dialog.reason_error.isVisible()
    press_esc(qtbot, dialog)
    assert asked.times == 2 and not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Accepted.value
    assert (dialog.value.value(), dialog.reason.toPlainText()) == (12, "一处火点为误报")


def test_a_dirty_adjust_dialog_is_asked_when_the_program_closes(qtbot, monkeypatch) -> None:
    asked = Asked(monkeypatch, Answer.KEEP)
    dialog = adjust_dialog(qtbot)
    type_text(qtbot, dialog.reason, "复核")
    assert not unsaved.close_open_dialogs()
    assert asked.times == 1 and dialog.isVisible()
    asked.answer = Answer.DISCARD
    assert unsaved.close_open_dialogs() and not dialog.isVisible()


@pytest.fixture
def scheme_db(db: Database) -> Database:
    h.build_scored_town(db)
    appraisal.create_scheme(db, h.SCORED_YEAR, h.SCORED_ITEMS)
    return db


def scheme_dialog(qtbot, db: Database) -> SchemeDialog:
    dialog = SchemeDialog(db, h.SCORED_YEAR)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_scheme_dialog_looked_through_closes_without_asking(qtbot, monkeypatch, scheme_db) -> None:
    """Selecting each item (which fills in its rule pane) is not a change."""
    asked = Asked(monkeypatch, Answer.KEEP)
    dialog = scheme_dialog(qtbot, scheme_db)
    for row in range(dialog.table.rowCount()):
        dialog.table.selectRow(row)
    press_esc(qtbot, dialog)
    assert asked.times == 0 and not dialog.isVisible()


def test_scheme_dialog_asks_then_discards_or_saves(qtbot, monkeypatch, scheme_db) -> None:
    asked = Asked(monkeypatch, Answer.DISCARD)
    dialog = scheme_dialog(qtbot, scheme_db)
    type_text(qtbot, dialog.title, "（修订）")
    press_esc(qtbot, dialog)
    assert asked.times == 1 and not dialog.isVisible()
    assert appraisal.sheet(scheme_db, h.SCORED_YEAR).title.endswith("（修订）") is False

    asked.answer = Answer.SAVE
    again = scheme_dialog(qtbot, scheme_db)
    again.table.selectRow(0)
    again.table.item(0, MAX).setText("20")
    press_esc(qtbot, again)
    assert asked.times == 2 and not again.isVisible()
    assert appraisal.scheme_items(scheme_db, h.SCORED_YEAR)[0].max_score == 20


def test_text_input_prompt_wraps(qtbot) -> None:
    dialog = TextInputDialog(
        None, "作废公文", "作废 X环办〔2026〕3号。\n作废后文号保留、不再使用，PDF 存档不变。"
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    prompt = dialog.findChild(QLabel, "text_input_prompt")
    assert prompt is not None and prompt.height() >= prompt.heightForWidth(prompt.width())


LATE = (
    "整改完成日期不能早于整改开始日期（2026年11月20日）：请核对整改记录上的完成日期，"
    "如确为笔误，请先改正整改开始日期再办理整改完成"
)


def test_action_dialog_shows_each_problem_under_its_own_field(qtbot, db: Database) -> None:
    """整改完成 refused: the long date problem wraps under the date (never over the 整改情况 box), the
    photo problem (no field here) under the fields; fixing the date takes only its message away."""
    fields = (
        Field("date", "整改完成日期", FieldType.DATE, required=True),
        Field("note", "整改情况", FieldType.LONGTEXT, required=True),
    )

    def refuse(_values: dict[str, Any]) -> None:
        raise ValidationError(
            [
                FieldProblem("date", "整改完成日期", LATE),
                FieldProblem("photos", "整改后照片", "须先添加至少一张整改后照片"),
            ]
        )

    dialog = ActionDialog(None, db, "整改完成", fields, refuse, [PROBLEMS])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    type_text(qtbot, dialog.editors["date"].focus_widgets[0], "2026-11-01")
    type_text(qtbot, dialog.editors["note"].focus_widgets[0], "已清理")
    dialog.ok_button.click()
    date_error = dialog.error_labels["date"]
    assert date_error.isVisible() and date_error.text() == LATE
    assert not dialog.error_labels["note"].isVisible()
    assert date_error.height() >= date_error.heightForWidth(date_error.width())  # wrapped, every line
    assert date_error.height() > date_error.fontMetrics().height()  # more than one line: it wraps
    note_box = dialog.editors["note"].widget
    assert date_error.geometry().bottom() <= date_error.parentWidget().height()
    date_bottom = date_error.mapTo(dialog, date_error.rect().bottomLeft()).y()
    assert date_bottom <= note_box.mapTo(dialog, note_box.rect().topLeft()).y()
    assert dialog.error_label.isVisible() and "整改后照片" in dialog.error_label.text()
    assert dialog.problems_text() == f"整改完成日期：{LATE}\n整改后照片：须先添加至少一张整改后照片"
    keep_shot(dialog, "action_dialog_per_field.png")
    type_text(qtbot, dialog.editors["date"].focus_widgets[0], "5")
    assert not date_error.isVisible() and dialog.error_label.isVisible()
