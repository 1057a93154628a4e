"""A header click on a long list, as the clerk makes it (issue 19): pinyin order, the selection kept,
the column widths kept, and only the first screen of rows read."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import insert

from ecodesk.db import Database
from ecodesk.models import Household
from ecodesk.services import records
from ecodesk.services.org import HOUSEHOLDS, UNITS
from tests.core.test_list_sort import PINYIN_ORDER, TYPED_ORDER
from ui.records.model import BLOCK_SIZE, ID_ROLE, RecordTableModel
from ui.records.page import RecordPage

pytestmark = pytest.mark.gui

FILLER = 1000  # households beyond the six named ones: five blocks of rows


def _roster(db: Database) -> dict[str, int]:
    """Six named households with a long phone number each, then ``FILLER`` more named 周… (zhou: after
    赵, zhao) without a phone, written in bulk."""
    village = int(records.create(db, UNITS, {"name": "东沟村", "kind": "村", "sort_order": 1}).id)
    named = {
        name: int(
            records.create(
                db, HOUSEHOLDS, {"head_name": name, "village": "东沟村", "phone": "(0351) 1234-5678"}
            ).id
        )
        for name in TYPED_ORDER
    }
    with db.session() as session:
        session.execute(
            insert(Household),
            [{"head_name": f"周{n:04d}", "village_id": village} for n in range(FILLER)],
        )
    return named


def _column(model: RecordTableModel, key: str) -> int:
    return next(c for c in range(model.columnCount()) if model.field_at(c).key == key)


def test_a_header_click_sorts_by_pinyin_and_keeps_the_selection_and_the_widths(qtbot, db: Database) -> None:
    named = _roster(db)
    page = RecordPage(db, HOUSEHOLDS)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    model, header = page.model, page.table.horizontalHeader()
    name_column = _column(model, "head_name")
    page.select_ids([named["王芳"]])
    widths = [header.sectionSize(c) for c in range(header.count())]

    with qtbot.waitSignal(model.layoutChanged):
        header.setSortIndicator(name_column, Qt.SortOrder.AscendingOrder)
    shown = [model.index(row, name_column).data() for row in range(len(PINYIN_ORDER))]
    assert shown == PINYIN_ORDER  # 阿 白 李 王 张 赵, then the 周… rows (zhou)
    assert page.selected_ids() == [named["王芳"]]
    assert model.index(page.table.currentIndex().row(), 0).data(ID_ROLE) == named["王芳"]
    with qtbot.waitSignal(model.layoutChanged):
        header.setSortIndicator(name_column, Qt.SortOrder.DescendingOrder)
    # A sort is a layout change, not a reset: the columns keep the widths they were measured to,
    # though the rows now on screen (周…, no phone) would measure the 联系电话 column narrower.
    assert [header.sectionSize(c) for c in range(header.count())] == widths
    last = [model.index(row, name_column).data() for row in range(model.rowCount() - 6, model.rowCount())]
    assert last == PINYIN_ORDER[::-1]
    assert page.selected_ids() == [named["王芳"]]
    # The id-holding model read only the rows shown and the block they sit in, not the whole list.
    qtbot.wait(10)
    assert len(model._cache) <= 3 * BLOCK_SIZE < model.rowCount()


def test_the_model_passes_qt_checks_sorted_by_a_referenced_name(qtmodeltester, db: Database) -> None:
    _roster(db)
    model = RecordTableModel(db, HOUSEHOLDS)
    model.sort(_column(model, "village"), Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == FILLER + len(PINYIN_ORDER)
    qtmodeltester.check(model, force_py=True)
