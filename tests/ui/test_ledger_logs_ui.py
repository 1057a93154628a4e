"""台账 filings and logs on screen (issue 21.6): the 吸污车作业报备 and 巡河记录 tabs have no 状态 column,
filter or chips and no 挂牌/整治/销号/重新挂牌 buttons; they lead with the date they were filed under,
newest first; the search box finds a filing by plate and company; the detail keeps 附件 only. The 火点
form shows the report's fields (issue 21.7). Screenshots at 1366×768 when ``ECODESK_SHOTS`` is set."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QApplication

from ecodesk.db import Database
from ecodesk.services import ledgers, records
from ecodesk.services.ledgers import BARE_LAND, RIVER_PATROLS, SUCTION_TRUCKS
from ecodesk.services.patrols import FIRE_POINTS
from tests.ui.helpers import keep_shot, type_text
from ui.ledgers.page import LedgersPage
from ui.records.form import RecordDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def filings(village_db: Database) -> dict[str, int]:
    made = {}
    for plate, company, day, place in (
        ("晋D·7K2M9", "县顺通吸污服务队", "2024-06-01", "东沟村村北"),
        ("晋D·A1234", "县洁美环境服务部", "2024-06-03", "西岭村村口"),
        ("晋D·B5678", "县洁美环境服务部", "2024-05-28", "东沟村南沟"),
    ):
        entry = records.create(
            village_db,
            SUCTION_TRUCKS,
            {
                "name": f"{place[:3]}化粪池清掏",
                "village": place[:3],
                "plate": plate,
                "company": company,
                "listed_date": day,
                "source_place": place,
                "disposal_place": "清河镇污水处理站",
                "volume": 8,
                "reporter": "王师傅",
            },
        )
        made[plate] = entry.id
    records.create(
        village_db,
        RIVER_PATROLS,
        {"name": "清河东沟段巡河", "river": "清河东沟段", "listed_date": "2024-06-02", "patroller": "李河长"},
    )
    records.create(village_db, BARE_LAND, {"name": "北坡地块", "listed_date": "2024-06-01"})
    return made


def open_page(qtbot, db: Database) -> LedgersPage:
    widget = LedgersPage(db)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    return widget


def headers(page) -> list[str]:
    model = page.model
    return [
        model.headerData(c, page.table.horizontalHeader().orientation()) for c in range(model.columnCount())
    ]


def visual_headers(page) -> list[str]:
    header = page.table.horizontalHeader()
    return [headers(page)[header.logicalIndex(v)] for v in range(header.count())]


def test_a_log_tab_has_no_lifecycle_and_reads_newest_first(
    qtbot, village_db: Database, filings: dict[str, int]
) -> None:
    widget = open_page(qtbot, village_db)
    trucks = widget.show_kind("suction_trucks")
    assert (
        "状态" not in headers(trucks)
        and "挂牌日期" not in headers(trucks)
        and "销号日期" not in headers(trucks)
    )
    assert visual_headers(trucks)[:3] == ["作业日期", "报备事项", "所在村"]
    assert trucks.filter_bar.status is None and trucks.chips.isHidden()
    assert trucks.move_buttons == {} and trucks.reopen_button.isHidden()
    assert not trucks.problem_button.isHidden()
    # Newest first: 06-03, 06-01, 05-28.
    assert trucks.model.ids == [filings["晋D·A1234"], filings["晋D·7K2M9"], filings["晋D·B5678"]]
    assert "车牌号" in trucks.filter_bar.text.placeholderText()
    # A 挂牌销号 tab keeps everything.
    bare = widget.show_kind("bare_land")
    assert "状态" in headers(bare) and bare.filter_bar.status is not None and not bare.chips.isHidden()
    assert set(bare.move_buttons) == {"整治中", "销号"} and not bare.reopen_button.isHidden()
    river = widget.show_kind("river_patrols")
    assert visual_headers(river)[:1] == ["巡河日期"] and "状态" not in headers(river)


def test_the_search_box_finds_a_filing_by_plate_and_company(
    qtbot, village_db: Database, filings: dict[str, int]
) -> None:
    widget = open_page(qtbot, village_db)
    trucks = widget.show_kind("suction_trucks")
    for text, wanted in (
        ("7K2M9", ["晋D·7K2M9"]),
        ("顺通", ["晋D·7K2M9"]),
        ("洁美", ["晋D·A1234", "晋D·B5678"]),
    ):
        trucks.filter_bar.text.clear()
        type_text(qtbot, trucks.filter_bar.text, text)
        qtbot.waitUntil(lambda w=wanted: trucks.model.ids == [filings[p] for p in w])
    trucks.filter_bar.text.clear()
    qtbot.waitUntil(lambda: trucks.model.rowCount() == 3)
    river = widget.show_kind("river_patrols")
    type_text(qtbot, river.filter_bar.text, "李河长")
    qtbot.waitUntil(lambda: river.model.rowCount() == 1)


def test_the_detail_of_a_filing_keeps_files_not_rectification_photos(
    qtbot, village_db: Database, filings: dict[str, int]
) -> None:
    widget = open_page(qtbot, village_db)
    trucks = widget.show_kind("suction_trucks")
    trucks.table.selectRow(trucks.model.row_of_id(filings["晋D·7K2M9"]))
    detail = trucks.detail
    assert set(detail.file_lists) == {ledgers.OTHER_FILES}
    text = detail.fields_view.toPlainText()
    for shown in (
        "车牌号",
        "晋D·7K2M9",
        "作业单位",
        "县顺通吸污服务队",
        "作业日期",
        "2024-06-01",
        "报备人",
        "王师傅",
    ):
        assert shown in text
    assert "挂牌日期" not in text and "状态" not in text
    assert trucks.problem_button.isEnabled()
    qtbot.wait(50)  # let the tab lay out its page before the picture
    keep_shot(widget, "ledger_suction_trucks_list.png")
    detail.resize(520, 700)
    keep_shot(detail, "ledger_suction_trucks_detail.png")


def test_the_filing_form_asks_its_own_fields(qtbot, village_db: Database, filings: dict[str, int]) -> None:
    dialog = RecordDialog(village_db, SUCTION_TRUCKS)
    qtbot.addWidget(dialog)
    assert "status" not in dialog.editors and "listed_date" in dialog.editors
    for key in ("plate", "company", "source_place", "disposal_place", "volume", "reporter"):
        assert key in dialog.editors
    dialog.editors["name"].set_value("西岭村化粪池清掏")
    dialog.editors["plate"].set_value("晋D·C9999")
    dialog.editors["company"].set_value("县顺通吸污服务队")
    dialog.editors["listed_date"].set_value(date(2024, 6, 6))
    dialog.save()
    assert dialog.saved_id is not None
    saved = records.get(village_db, SUCTION_TRUCKS, dialog.saved_id)
    assert (saved.listed_date, saved.status, saved.data["plate"]) == (date(2024, 6, 6), "", "晋D·C9999")


def test_the_fire_point_form_shows_the_report_fields(qtbot, village_db: Database) -> None:
    dialog = RecordDialog(village_db, FIRE_POINTS)
    qtbot.addWidget(dialog)
    for key in ("found_time", "extinguished_at", "burned_area", "outcome", "responsible_person"):
        assert key in dialog.editors
    dialog.editors["date"].set_value(date(2024, 10, 8))
    dialog.editors["village"].set_value(dialog.editors["village"].widget.itemData(1))
    dialog.editors["source"].set_value("卫星遥感")
    dialog.editors["found_time"].set_value("14:20")
    dialog.editors["burned_area"].set_value("-2")
    dialog.show()
    dialog.save()
    assert dialog.saved_id is None
    assert dialog.error_labels["burned_area"].text() == "不能小于0"
    dialog.editors["burned_area"].set_value("1.5")
    dialog.editors["extinguished_at"].set_value("13:00")
    dialog.save()
    QApplication.processEvents()
    assert dialog.saved_id is None
    assert "早于发现时间" in dialog.error_labels["extinguished_at"].text()
    qtbot.wait(50)  # the dialog at its own size, laid out, before the picture
    keep_shot(dialog, "fire_point_form.png")
    dialog.editors["extinguished_at"].set_value("次日 01:20")
    dialog.editors["outcome"].set_value("教育")
    dialog.editors["responsible_person"].set_value("张建国")
    dialog.save()
    assert dialog.saved_id is not None
    fire = records.get(village_db, FIRE_POINTS, dialog.saved_id)
    assert (fire.found_time, fire.outcome, fire.responsible_person) == ("14:20", "教育", "张建国")
