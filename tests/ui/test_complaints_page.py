"""信访举报 page on a real database: the complainant stays masked until a deliberate, audited reveal;
a complaint becomes a problem in one step; overdue complaints are red."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import complaints, records, rectification
from ecodesk.services.complaints import COMPLAINTS
from ecodesk.services.org import UNITS
from ecodesk.services.records import ListFilter
from tests.ui.helpers import keep_shot
from ui.common import dialogs
from ui.complaints.page import ComplaintsPage
from ui.records.action_dialog import ActionDialog
from ui.records.deadline_model import DEADLINE_ROLE

pytestmark = pytest.mark.gui

TODAY = dates.today()


@pytest.fixture
def complaint_db(village_db: Database) -> tuple[Database, dict[str, int]]:
    village = records.list_ids(village_db, UNITS)[0]

    def add(name: str, phone: str, received_days_ago: int, deadline_in: int, **more: Any) -> int:
        return int(
            records.create(
                village_db,
                COMPLAINTS,
                {
                    "received_date": TODAY - timedelta(days=received_days_ago),
                    "channel": "12345",
                    "complainant_name": name,
                    "complainant_phone": phone,
                    "content": f"反映东沟村第{received_days_ago}天夜间焚烧垃圾",
                    "village": village,
                    "category": "大气",
                    "deadline": TODAY + timedelta(days=deadline_in),
                    **more,
                },
            ).id
        )

    ids = {
        "overdue": add("张建国", "13812345678", 20, -3),
        "soon": add("欧阳小明", "13900001111", 10, 1),
        "done": add(
            "李秀英",
            "13700002222",
            30,
            -10,
            status="已办结",
            reply="已查实并清理",
            reply_date=TODAY - timedelta(days=12),
        ),
    }
    return village_db, ids


@pytest.fixture
def page(qtbot, complaint_db) -> ComplaintsPage:
    widget = ComplaintsPage(complaint_db[0])
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    return widget


def answer(monkeypatch, values: dict[str, Any]) -> None:
    def fake_exec(dialog: ActionDialog) -> int:
        for key, value in values.items():
            dialog.editors[key].set_value(value)
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(ActionDialog, "exec", fake_exec)


def column(key: str) -> int:
    return [f.key for f in COMPLAINTS.table_fields].index(key)


def test_complainant_masked_until_revealed_and_the_reveal_is_audited(monkeypatch, page, complaint_db) -> None:
    db, ids = complaint_db
    model = page.model
    row = model.row_of_id(ids["overdue"])
    assert model.data(model.index(row, column("complainant_name"))) == "张**"
    assert model.data(model.index(row, column("complainant_phone"))) == "138****5678"
    everything = "".join(
        str(model.data(model.index(r, c)) or "")
        for r in range(model.rowCount())
        for c in range(model.columnCount())
    )
    assert "张建国" not in everything and "13812345678" not in everything

    page.select_ids([ids["overdue"]])
    detail = page.detail
    assert "张**" in detail.complainant.text() and "张建国" not in detail.complainant.text()
    assert "张建国" not in detail.fields_view.toPlainText()
    assert "13812345678" not in detail.fields_view.toPlainText()
    assert detail.reveal_button.isEnabled()

    answer(monkeypatch, {"reason": "回访核实"})
    detail.reveal_button.click()
    assert "张建国" in detail.complainant.text() and "13812345678" in detail.complainant.text()
    assert "张建国" not in detail.fields_view.toPlainText()  # only the box shows it
    reveals = [e for e in records.history(db, COMPLAINTS, ids["overdue"]) if e.action == complaints.REVEAL]
    assert len(reveals) == 1 and reveals[0].operator == "测试员"
    assert "回访核实" in (reveals[0].new_value or "")
    shown = [
        (detail.history.item(r, 2).text(), detail.history.item(r, 3).text())
        for r in range(detail.history.rowCount())
    ]
    assert ("查看", "举报人信息") in shown

    page.select_ids([ids["soon"]])
    page.select_ids([ids["overdue"]])
    assert "张建国" not in detail.complainant.text()  # masked again once the selection moved
    assert complaints.reveal_count(db, ids["overdue"]) == 1


def test_reveal_needs_a_reason(monkeypatch, page, complaint_db) -> None:
    db, ids = complaint_db
    page.select_ids([ids["soon"]])
    answer(monkeypatch, {"reason": ""})
    assert page.detail.reveal() is None
    assert "欧阳小明" not in page.detail.complainant.text()
    assert complaints.reveal_count(db, ids["soon"]) == 0


def test_overdue_complaint_is_red(qtmodeltester, page, complaint_db) -> None:
    _db, ids = complaint_db
    model = page.model
    qtmodeltester.check(model)
    colours = {model.id_at(r): model.data(model.index(r, 0), DEADLINE_ROLE) for r in range(model.rowCount())}
    assert colours == {ids["overdue"]: "red", ids["soon"]: "amber", ids["done"]: ""}
    assert page.chips.buttons["已超期"].text() == "已超期 1"


def test_complaint_becomes_a_problem_in_one_step(monkeypatch, page, complaint_db) -> None:
    db, ids = complaint_db
    monkeypatch.setattr(dialogs, "show_info", lambda *a, **k: None)
    page.select_ids([ids["overdue"]])
    answer(monkeypatch, {"place": "东沟村垃圾点"})
    problem = page.open_problem()
    assert problem is not None
    stored = rectification.get_problem(db, problem.id)
    assert stored.complaint_id == ids["overdue"] and stored.source == "信访举报"
    assert stored.place == "东沟村垃圾点"
    assert "张建国" not in stored.description and "138" not in stored.description
    assert records.count(db, rectification.PROBLEMS, ListFilter()) == 1


def test_reveal_dialog_shows_its_whole_explanation_and_the_problem(qtbot, complaint_db) -> None:
    """Issue 14, 7: with 查看原因 left empty, the explanation is not cut at "原因）。" and 必须填写
    takes its own space under the box."""

    from PySide6.QtWidgets import QLabel

    from ui.complaints.page import REVEAL_FIELDS

    dialog = ActionDialog(
        None,
        complaint_db[0],
        "显示举报人",
        REVEAL_FIELDS,
        lambda v: v,
        [],
        intro="举报人信息依法保密。查看将记入本件的修改记录（查看人、时间、原因）。",
        ok_text="显示",
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.ok_button.click()
    intro = dialog.findChild(QLabel, "action_intro")
    assert intro is not None
    assert intro.height() >= intro.heightForWidth(intro.width())  # every line of it shows
    error = dialog.error_labels["reason"]  # under the 查看原因 box
    assert error.isVisible() and "必须填写" in error.text()
    assert error.height() >= error.heightForWidth(error.width())
    keep_shot(dialog, "reveal_dialog_problem.png")
