"""The id-only table model: Qt's model checks, sorting and filtering in SQL, refresh after writes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ecodesk.db import Database
from ecodesk.services import records
from ecodesk.services.lookups import ref_choices
from ecodesk.services.org import HOUSEHOLDS, UNITS, VILLAGE_REF
from ecodesk.services.records import ListFilter
from ui.records.model import BLOCK_SIZE, DELETED_ROLE, ID_ROLE, RecordTableModel

pytestmark = pytest.mark.gui


def column_of(model: RecordTableModel, key: str) -> int:
    return next(c for c in range(model.columnCount()) if model.field_at(c).key == key)


def names(model: RecordTableModel) -> list[str]:
    col = column_of(model, "head_name")
    return [model.index(row, col).data() for row in range(model.rowCount())]


def test_model_checks_with_rows(qtmodeltester, village_db: Database) -> None:
    model = RecordTableModel(village_db, HOUSEHOLDS)
    assert model.rowCount() == 5
    assert model.headerData(0, Qt.Orientation.Horizontal) == "户主姓名"
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)


def test_model_checks_empty(qtmodeltester, db: Database) -> None:
    model = RecordTableModel(db, HOUSEHOLDS)
    assert model.rowCount() == 0
    qtmodeltester.check(model, force_py=True)


def test_display_id_and_village_name(village_db: Database) -> None:
    model = RecordTableModel(village_db, HOUSEHOLDS)
    village_col = column_of(model, "village")
    # Default order is by village sort order: 西岭村 (1) before 东沟村 (2).
    assert model.index(0, village_col).data() == "西岭村"
    assert model.index(model.rowCount() - 1, village_col).data() == "东沟村"
    record_id = model.index(0, 0).data(ID_ROLE)
    assert records.get(village_db, HOUSEHOLDS, record_id).village.name == "西岭村"


def test_sort_by_column(qtbot, village_db: Database) -> None:
    model = RecordTableModel(village_db, HOUSEHOLDS)
    col = column_of(model, "head_name")
    with qtbot.waitSignal(model.layoutChanged):
        model.sort(col, Qt.SortOrder.AscendingOrder)
    ascending = names(model)
    assert ascending == sorted(ascending, key=lambda name: name.encode("gb18030"))  # pinyin order
    model.sort(col, Qt.SortOrder.DescendingOrder)
    assert names(model) == list(reversed(ascending))


def test_filter_by_text_and_village(village_db: Database) -> None:
    model = RecordTableModel(village_db, HOUSEHOLDS)
    model.set_filter(ListFilter(text="秀英"))
    assert names(model) == ["李秀英"]
    model.set_filter(ListFilter(text="三组"))
    assert sorted(names(model)) == ["赵德明", "陈桂兰"]
    units = {name: rid for rid, name in ref_choices(village_db, VILLAGE_REF)}
    model.set_filter(ListFilter(village_id=units["东沟村"]))
    assert sorted(names(model)) == ["张建国", "李秀英", "陈桂兰"]


def test_refresh_after_edit_is_targeted(qtbot, village_db: Database) -> None:
    model = RecordTableModel(village_db, HOUSEHOLDS)
    col = column_of(model, "head_name")
    record_id = model.id_at(2)
    assert model.index(2, col).data()  # cached now
    records.update(village_db, HOUSEHOLDS, record_id, {"head_name": "改名后"})
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged) as blocker:
        model.refresh([record_id])
    assert blocker.args[0].row() == 2
    assert model.index(2, col).data() == "改名后"


def test_delete_and_show_deleted(village_db: Database) -> None:
    model = RecordTableModel(village_db, HOUSEHOLDS)
    record_id = model.id_at(0)
    records.soft_delete(village_db, HOUSEHOLDS, [record_id])
    model.refresh()
    assert model.rowCount() == 4
    model.set_filter(ListFilter(include_deleted=True))
    assert model.rowCount() == 5
    row = model.row_of_id(record_id)
    assert model.index(row, 0).data(DELETED_ROLE) is True
    assert model.is_deleted(row)


def test_fetches_only_what_is_shown(monkeypatch, village_db: Database) -> None:
    """A long list asks the service only for the block of rows being displayed."""
    village = records.list_ids(village_db, UNITS)[0]
    with village_db.session() as session:
        for i in range(BLOCK_SIZE * 3):
            records.new_record(session, HOUSEHOLDS, {"head_name": f"户主{i:04d}", "village": village})
    asked: list[int] = []
    real_fetch = records.list_rows

    def counting_fetch(db, kind, ids):
        asked.append(len(ids))
        return real_fetch(db, kind, ids)

    monkeypatch.setattr(records, "list_rows", counting_fetch)
    model = RecordTableModel(village_db, HOUSEHOLDS)
    assert model.rowCount() == BLOCK_SIZE * 3 + 5
    assert asked == []
    model.index(BLOCK_SIZE + 5, 0).data()
    model.index(BLOCK_SIZE + 6, 1).data()
    assert asked == [BLOCK_SIZE]
