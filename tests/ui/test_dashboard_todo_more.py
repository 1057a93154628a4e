"""The 工作台's 待办 never drops rows silently: the heading counts every overdue and soon-due item (not
only those listed), and 还有 N 条，点此查看全部 opens all of them, each opening its record."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import dashboard
from ecodesk.services import settings as data_settings
from tests.core.helpers import build_dashboard_town
from tests.core.test_dashboard import add_late_work
from tests.ui.helpers import keep_shot
from ui.dashboard.page import DashboardPage
from ui.dashboard.todo import AllTodoDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def late_db(db: Database) -> Database:
    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    add_late_work(db, dates.today(), build_dashboard_town(db, dates.today()))
    return db


def test_the_service_counts_and_lists_every_item_beyond_the_limit(late_db: Database, monkeypatch) -> None:
    monkeypatch.setattr(dashboard, "TODO_LIMIT", 3)
    d = dashboard.load(late_db)
    assert len(d.todo) == 3 and d.todo_total == 8 and d.todo_overdue_total == 4
    everything = dashboard.all_todo(late_db)
    assert len(everything) == 8 and sum(1 for i in everything if i.overdue) == 4
    assert everything[:3] == d.todo  # the listed ones are the oldest, in the same order
    assert [i.deadline for i in everything] == sorted(i.deadline for i in everything)


def test_the_list_says_how_many_more_and_opens_them_all(qtbot, late_db: Database, monkeypatch) -> None:
    monkeypatch.setattr(dashboard, "TODO_LIMIT", 3)
    page = DashboardPage(late_db)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    todo = page.todo
    assert todo.table.rowCount() == 3
    assert todo.heading.text() == "待办　已逾期 4 项，3天内到期 4 项"  # all of them, not the three listed
    assert todo.more.isVisible()
    assert todo.more.text() == '列出最早到期的 3 条，还有 5 条，<a href="all">点此查看全部</a>'
    keep_shot(page, "dashboard_todo_more.png")

    opened: list[AllTodoDialog] = []
    monkeypatch.setattr(AllTodoDialog, "open", lambda self: opened.append(self))
    todo.more.linkActivated.emit("all")  # what clicking 点此查看全部 sends
    assert len(opened) == 1
    dialog = opened[0]
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "全部待办（8 条）"
    assert dialog.todo.table.rowCount() == 8 and not dialog.todo.more.isVisible()
    assert dialog.todo.heading.text() == "待办　已逾期 4 项，3天内到期 4 项"
    last = dialog.todo.row_texts(7)
    assert last[1].endswith("天后到期") or last[1] == "今天到期"
    with qtbot.waitSignal(dialog.open_requested) as blocker:
        dialog.todo.table.selectRow(7)
        qtbot.keyClick(dialog.todo.table, Qt.Key.Key_Return)
    assert blocker.args == [dialog.todo.target_at(7)]
    assert dialog.result() == AllTodoDialog.DialogCode.Accepted.value


def test_nothing_more_when_all_are_listed(qtbot, late_db: Database) -> None:
    page = DashboardPage(late_db)
    qtbot.addWidget(page)
    assert page.todo.table.rowCount() == 8 and page.todo.more.isHidden()
