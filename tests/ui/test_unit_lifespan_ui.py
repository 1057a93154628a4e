"""基础信息 › 单位 with 设立日期 and 撤销日期 (issue 21 point 2): the list hides 撤销 units unless 含已撤销
is ticked (then grey), the form names a 撤销日期 before the 设立日期, and a 撤销 village is offered to no
new record while a record that names it keeps it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import records
from ecodesk.services.org import HOUSEHOLDS, UNITS
from ui.org.page import OrgPage
from ui.org.units import RETIRED_COLOUR, UnitPage
from ui.records.form import RecordDialog

pytestmark = pytest.mark.gui

TODAY = date(2026, 12, 5)


@pytest.fixture
def town(db: Database, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    ids = {
        name: int(records.create(db, UNITS, {"name": name, "kind": "村", "sort_order": n}).id)
        for n, name in enumerate(("东沟村", "西岭村", "南坡村"), start=1)
    }
    records.update(db, UNITS, ids["西岭村"], {"retired_date": "2026-11-20"})  # 撤并 into 东沟村
    ids["household"] = int(records.create(db, HOUSEHOLDS, {"head_name": "王福生", "village": "西岭村"}).id)
    return ids


def _names(page: UnitPage) -> list[str]:
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


def test_the_unit_list_hides_retired_units_unless_asked(
    qtbot, db: Database, town: dict[str, int], tmp_path: Path
) -> None:
    org = OrgPage(db)
    qtbot.addWidget(org)
    page = org.show_kind("units")
    assert isinstance(page, UnitPage)
    assert _names(page) == ["东沟村", "南坡村"]
    page.include_retired.setChecked(True)
    assert _names(page) == ["东沟村", "西岭村", "南坡村"]
    row = _names(page).index("西岭村")
    assert page.model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole) == RETIRED_COLOUR
    assert page.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    assert "设立日期" in headers and "撤销日期" in headers and "启用" not in headers
    org.resize(1366, 768)
    org.show()
    qtbot.waitExposed(org)
    org.grab().save(str(tmp_path / "units.png"))


def test_the_form_names_a_retired_date_before_the_set_up_date(
    qtbot, db: Database, town: dict[str, int]
) -> None:
    records.update(db, UNITS, town["南坡村"], {"established_date": "2026-06-01"})
    dialog = RecordDialog(db, UNITS, town["南坡村"])
    qtbot.addWidget(dialog)
    assert dialog.editors["established_date"].value() == "2026-06-01"
    dialog.editors["retired_date"].set_value(date(2026, 5, 1))
    dialog.save()
    assert dialog.saved_id is None
    assert (
        dialog.error_labels["retired_date"].text() == "不能早于设立日期 2026-06-01（撤销日期为 2026-05-01）"
    )
    assert records.get(db, UNITS, town["南坡村"]).retired_date is None


def test_a_retired_village_is_offered_to_no_new_record_but_kept_by_its_own(
    qtbot, db: Database, town: dict[str, int]
) -> None:
    new = RecordDialog(db, HOUSEHOLDS)
    qtbot.addWidget(new)
    combo = new.editors["village"].widget
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == ["东沟村", "南坡村"]
    old = RecordDialog(db, HOUSEHOLDS, town["household"])
    qtbot.addWidget(old)
    assert old.editors["village"].value() == town["西岭村"]
    old.save()  # saved unchanged: the household keeps its village
    assert records.get(db, HOUSEHOLDS, town["household"]).village_id == town["西岭村"]
