"""文件 → 切换操作员 (issue 21.10): a colleague takes over without restarting, and every edit from then
on is in the 修改记录 under the new name; 设置 → 添加操作员 is a proper small dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import select

from ecodesk.db import Database
from ecodesk.db.audit import AuditEntry
from ecodesk.services import records
from ecodesk.services import settings as data_settings
from ecodesk.services.org import HOUSEHOLDS
from tests.ui.helpers import keep_shot, type_text
from ui.common import machine_settings
from ui.common.text_input import TextInputDialog
from ui.settings.page import SettingsPage
from ui.shell.main_window import MainWindow
from ui.shell.operator_dialog import OperatorDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, village_db: Database) -> MainWindow:
    data_settings.save(
        village_db, **data_settings.defaults_for_town("清河镇"), operators=["测试员", "李会计"]
    )
    win = MainWindow(village_db)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _audit_operators(db: Database, record_id: int) -> list[tuple[str, str | None, str]]:
    with db.session() as session:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.table_name == "households", AuditEntry.record_id == record_id)
            .order_by(AuditEntry.id)
        ).all()
        return [(e.action, e.field, e.operator) for e in rows]


def test_switching_puts_the_new_name_on_every_edit(qtbot, monkeypatch, window: MainWindow) -> None:
    db = window.db
    household = records.list_ids(db, HOUSEHOLDS)[0]
    records.update(db, HOUSEHOLDS, household, {"phone": "13800000001"})
    assert window.switch_operator_action.text() == "切换操作员(&S)…"
    monkeypatch.setattr(OperatorDialog, "ask_switch", lambda parent, known, current: "李会计")
    window.switch_operator_action.trigger()
    assert window.db.operator == "李会计"
    assert window.operator_label.text() == "操作员：李会计"
    assert "已切换操作员：李会计" in window.statusBar().currentMessage()
    assert machine_settings.last_operator() == "李会计"  # offered first at the next start
    records.update(db, HOUSEHOLDS, household, {"phone": "13800000002"})
    assert _audit_operators(db, household)[-2:] == [
        ("update", "phone", "测试员"),
        ("update", "phone", "李会计"),
    ]
    keep_shot(window, "switch_operator_window.png")


def test_a_new_name_joins_the_operator_list(qtbot, monkeypatch, window: MainWindow) -> None:
    monkeypatch.setattr(OperatorDialog, "ask_switch", lambda parent, known, current: "周干事")
    assert window.switch_operator() == "周干事"
    assert data_settings.load(window.db).operators == ["测试员", "李会计", "周干事"]
    created = records.create(window.db, HOUSEHOLDS, {"head_name": "孙大成", "village": "东沟村"})
    assert _audit_operators(window.db, created.id) == [("insert", None, "周干事")]


def test_cancel_or_the_same_name_changes_nothing(qtbot, monkeypatch, window: MainWindow) -> None:
    monkeypatch.setattr(OperatorDialog, "ask_switch", lambda parent, known, current: None)
    assert window.switch_operator() is None and window.db.operator == "测试员"
    monkeypatch.setattr(OperatorDialog, "ask_switch", lambda parent, known, current: "测试员")
    assert window.switch_operator() is None and window.operator_label.text() == "操作员：测试员"


def test_the_switch_dialog_names_the_current_operator_and_offers_another(qtbot) -> None:
    dialog = OperatorDialog(["测试员", "李会计"], "李会计", current="测试员")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "切换操作员"
    assert dialog.combo.currentText() == "李会计" and dialog.combo.isEditable()
    assert {b.text() for b in dialog.findChild(QDialogButtonBox).buttons()} == {"切换", "取消"}
    keep_shot(dialog, "switch_operator_dialog.png")
    dialog.combo.setEditText("")
    type_text(qtbot, dialog.combo, "周干事")
    assert dialog.combo.currentText() == "周干事"


def test_add_operator_is_a_small_dialog_that_keeps_typing(qtbot, db: Database) -> None:
    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    page = SettingsPage(db)
    qtbot.addWidget(page)
    seen: list[str] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, TextInputDialog)
        seen.append(dialog.windowTitle())
        dialog.save()  # empty: 必须填写 under the box, still open
        seen.append(dialog.error_label.text())
        type_text(qtbot, dialog.editor, "李会计")
        dialog.save()

    QTimer.singleShot(0, fill)
    page._add_operator()
    assert seen == ["添加操作员", "必须填写"]
    assert [page.operators.item(i).text() for i in range(page.operators.count())] == ["测试员", "李会计"]
    page.save()
    assert data_settings.load(db).operators == ["测试员", "李会计"]
