"""台账 page on a real database: one tab per declared kind with its own columns, the 挂牌销号
lifecycle, and 开为整改问题 in one step."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import ledgers, records, rectification
from ecodesk.services.ledgers import BARE_LAND, CONSTRUCTION, LEDGER_KINDS, SUCTION_TRUCKS
from ecodesk.services.org import UNITS
from ecodesk.services.records import Field, FieldType, ListFilter
from ui.common import dialogs
from ui.ledgers.page import LedgersPage
from ui.records.action_dialog import ActionDialog

pytestmark = pytest.mark.gui

TODAY = dates.today()


def open_page(qtbot, db: Database) -> LedgersPage:
    widget = LedgersPage(db)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    return widget


@pytest.fixture
def page(qtbot, village_db: Database) -> LedgersPage:
    return open_page(qtbot, village_db)


def answer(monkeypatch, values: dict[str, Any]) -> None:
    def fake_exec(dialog: ActionDialog) -> int:
        for key, value in values.items():
            dialog.editors[key].set_value(value)
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(ActionDialog, "exec", fake_exec)


def photo(folder: Path, name: str = "整改后.png") -> Path:
    from PySide6.QtGui import QColor, QImage

    image = QImage(120, 90, QImage.Format.Format_RGB32)
    image.fill(QColor("#4a7"))
    path = folder / name
    image.save(str(path))
    return path


def headers(page) -> list[str]:
    model = page.model
    return [
        model.headerData(c, page.table.horizontalHeader().orientation()) for c in range(model.columnCount())
    ]


def test_kind_selector_shows_each_kinds_own_columns(page: LedgersPage) -> None:
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        k.label for k in LEDGER_KINDS.values()
    ]
    for kind in LEDGER_KINDS.values():
        shown = page.show_kind(kind.name)
        assert page.tabs.currentWidget().findChild(type(shown)) is shown
        assert headers(shown) == [f.label for f in kind.table_fields]
    assert "六个百分之百" in headers(page.page(CONSTRUCTION.name))
    assert "车牌号" in headers(page.page(SUCTION_TRUCKS.name))
    assert "车牌号" not in headers(page.page(BARE_LAND.name))
    assert "面积（㎡）" in headers(page.page(BARE_LAND.name))
    construction = page.page(CONSTRUCTION.name)
    header = construction.table.horizontalHeader()
    six = [f.key for f in CONSTRUCTION.table_fields].index("six_score")
    assert header.visualIndex(six) == 3  # the derived summary next to the status, in view


def test_a_kind_declared_later_gets_its_own_tab(qtbot, village_db: Database) -> None:
    kind = ledgers.declare(
        "test_kilns",
        "砖瓦窑",
        (Field("kiln_count", "窑数", FieldType.INT, min_value=0, width=6),),
        name_label="窑厂名称",
    )
    try:
        records.create(village_db, kind, {"name": "东沟砖瓦窑", "listed_date": TODAY, "kiln_count": 2})
        widget = LedgersPage(village_db)
        qtbot.addWidget(widget)
        shown = widget.show_kind("test_kilns")
        assert widget.tabs.tabText(widget.tabs.currentIndex()) == "砖瓦窑"
        assert "窑数" in headers(shown) and "窑厂名称" in headers(shown)
        assert shown.model.rowCount() == 1
        assert shown.model.data(shown.model.index(0, headers(shown).index("窑数"))) == "2"
    finally:
        ledgers.forget("test_kilns")


def test_lifecycle_buttons_follow_the_allowed_moves(
    qtbot, monkeypatch, village_db: Database, tmp_path: Path
) -> None:
    entry = records.create(
        village_db,
        BARE_LAND,
        {
            "name": "东沟村河滩裸露地块",
            "village": records.list_ids(village_db, UNITS)[0],
            "listed_date": TODAY - timedelta(days=10),
            "area": 1200,
        },
    )
    page = open_page(qtbot, village_db)
    shown = page.show_kind(BARE_LAND.name)
    assert shown.chips.buttons["挂牌"].text() == "挂牌 1"
    shown.select_ids([entry.id])
    start, close = shown.move_buttons["整治中"], shown.move_buttons["销号"]
    assert start.isEnabled() and close.isEnabled()

    answer(monkeypatch, {"on_date": TODAY - timedelta(days=3)})
    start.click()
    assert records.get(village_db, BARE_LAND, entry.id).status == "整治中"
    assert records.get(village_db, BARE_LAND, entry.id).started_date == TODAY - timedelta(days=3)
    shown.select_ids([entry.id])
    assert not start.isEnabled() and close.isEnabled()
    assert shown.chips.buttons["整治中"].text() == "整治中 1"

    shown.detail.add_file("整改后", photo(tmp_path))
    answer(monkeypatch, {"on_date": TODAY, "verifier": "李明", "check_note": "已覆盖", "reason": "分期"})
    close.click()
    shown.select_ids([entry.id])
    assert records.get(village_db, BARE_LAND, entry.id).status == "销号"
    assert not start.isEnabled() and not close.isEnabled()


def test_open_problem_in_one_step(qtbot, monkeypatch, village_db: Database) -> None:
    unit = records.list_ids(village_db, UNITS)[0]
    entry = records.create(
        village_db,
        BARE_LAND,
        {
            "name": "西岭村砖厂旁裸露地块",
            "village": unit,
            "responsible_unit": unit,
            "responsible_person": "王村长",
            "listed_date": TODAY - timedelta(days=5),
        },
    )
    page = open_page(qtbot, village_db)
    infos: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda _parent, text, *a, **k: infos.append(text))
    shown = page.show_kind(BARE_LAND.name)
    shown.select_ids([entry.id])
    answer(monkeypatch, {"description": "地块约1200平方米未覆盖防尘网"})
    shown.problem_button.click()
    problem_ids = records.list_ids(village_db, rectification.PROBLEMS, ListFilter())
    assert len(problem_ids) == 1
    problem = rectification.get_problem(village_db, problem_ids[0])
    assert problem.ledger_entry_id == entry.id
    assert problem.place == "西岭村砖厂旁裸露地块"
    assert problem.responsible_unit_id == unit and problem.responsible_person == "王村长"
    assert problem.description == "地块约1200平方米未覆盖防尘网"
    assert problem.deadline == TODAY + timedelta(days=15)
    assert infos and "已开为整改问题" in infos[0]


def history_rows(shown: Any) -> list[tuple[str, ...]]:
    table = shown.detail.history
    return [
        tuple(table.item(r, c).text() for c in range(table.columnCount())) for r in range(table.rowCount())
    ]


def test_history_pane_reads_as_the_form(qtbot, village_db: Database) -> None:
    village = records.list_ids(village_db, UNITS)[0]
    village_name = records.get(village_db, UNITS, village).name
    entry = records.create(
        village_db,
        BARE_LAND,
        {"name": "河滩地块", "village": village, "listed_date": TODAY, "area": 500, "remark": "说" * 2000},
    )
    records.update(village_db, BARE_LAND, entry.id, {"area": 600, "cover_rate": 80})
    page = open_page(qtbot, village_db)
    shown = page.show_kind(BARE_LAND.name)
    shown.select_ids([entry.id])
    rows = history_rows(shown)
    changes = {(row[3], row[4]) for row in rows if row[2] == "修改"}
    assert changes == {("面积（㎡）", "500 → 600"), ("覆盖率（%）", "（空） → 80")}
    created = next(row for row in rows if row[2] == "新增")
    assert created[0].startswith(f"{TODAY:%Y-%m-%d}") and created[1]
    assert f"所在村：{village_name}" in created[4] and "面积（㎡）：500；" in created[4]
    assert f"挂牌日期：{TODAY:%Y-%m-%d}" in created[4]
    assert "备注：" + "说" * 60 + "…" in created[4] and "说" * 61 not in created[4]
    assert "说" * 2000 in shown.detail.history.item(rows.index(created), 4).toolTip()


def test_closing_asks_the_proof_and_warns_short_of_the_condition(
    qtbot, monkeypatch, village_db: Database, tmp_path: Path
) -> None:
    """覆盖率 30%: the 销号 dialog warns and asks a reason; no 整改后 photo: refused beside the fields."""
    entry = records.create(
        village_db, BARE_LAND, {"name": "南坡地块", "listed_date": TODAY, "area": 500, "cover_rate": 30}
    )
    page = open_page(qtbot, village_db)
    shown = page.show_kind(BARE_LAND.name)
    shown.select_ids([entry.id])
    seen: dict[str, Any] = {}

    def fake_exec(dialog: ActionDialog) -> int:
        seen["fields"] = list(dialog.editors)
        seen["intro"] = dialog.findChild(QLabel, "action_intro").text()
        for key, value in (("verifier", "李明"), ("check_note", "已覆盖三成"), ("reason", "冬季无法施工")):
            dialog.editors[key].set_value(value)
        dialog.save()
        seen["refused"] = dialog.error_label.text()
        return dialog.result()

    monkeypatch.setattr(ActionDialog, "exec", fake_exec)
    shown.move_buttons["销号"].click()
    assert seen["fields"] == ["on_date", "verifier", "check_note", "reason"]
    assert "覆盖率为30%，未达到100%，不符合销号条件" in seen["intro"]
    assert "还没有整改后照片" in seen["intro"]
    assert "整改后照片：销号须先添加至少一张整改后照片" in seen["refused"]
    assert records.get(village_db, BARE_LAND, entry.id).status == "挂牌"

    detail = shown.detail
    detail.add_file("整改后", photo(tmp_path))
    assert detail.tabs.tabText(1) == "照片和附件（1）"
    assert [
        detail.file_lists["整改后"].item(i).text() for i in range(detail.file_lists["整改后"].count())
    ] == ["整改后.png"]
    answer(
        monkeypatch,
        {"verifier": "李明", "check_note": "已覆盖三成", "reason": "冬季无法施工，开春补齐"},
    )
    shown.move_buttons["销号"].click()
    closed = records.get(village_db, BARE_LAND, entry.id)
    assert (closed.status, closed.verifier) == ("销号", "李明")
    assert "未达标销号：覆盖率为30%，未达到100%。原因：冬季无法施工，开春补齐" in closed.check_note
    shown.select_ids([entry.id])
    assert "核查人\n李明" in detail.fields_view.toPlainText()


def test_a_closed_entry_is_listed_again(qtbot, monkeypatch, village_db: Database, tmp_path: Path) -> None:
    entry = records.create(
        village_db, BARE_LAND, {"name": "西坡地块", "listed_date": TODAY, "cover_rate": 100}
    )
    ledgers.add_file(village_db, entry.id, photo(tmp_path), ledgers.PHOTO_AFTER)
    ledgers.advance(village_db, entry.id, "销号", TODAY, verifier="李明", check_note="全覆盖")
    page = open_page(qtbot, village_db)
    shown = page.show_kind(BARE_LAND.name)
    shown.select_ids([entry.id])
    assert shown.reopen_button.isEnabled() and not shown.move_buttons["销号"].isEnabled()
    answer(monkeypatch, {"on_date": TODAY, "reason": "复查发现防尘网被揭开"})
    shown.reopen_button.click()
    shown.select_ids([entry.id])
    assert records.get(village_db, BARE_LAND, entry.id).status == "挂牌"
    assert not shown.reopen_button.isEnabled() and shown.move_buttons["销号"].isEnabled()
    rows = history_rows(shown)
    assert (rows[0][2], rows[0][4]) == ("重新挂牌", f"{TODAY:%Y-%m-%d}重新挂牌：复查发现防尘网被揭开")
    assert ("修改", "核查人", "李明 → （空）") in {(r[2], r[3], r[4]) for r in rows}
