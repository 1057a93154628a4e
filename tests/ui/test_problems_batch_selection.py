"""问题整改: after a batch action moves the selected problems out of the current filter (批量销号 while
the list shows 已整改待核查), the whole selection stays selected and in view, and the status bar says so."""

from __future__ import annotations

import pytest

from ecodesk.db import Database
from ecodesk.services import records
from ecodesk.services.org import UNITS
from ecodesk.services.rectification import PROBLEMS
from tests.ui.test_problems_page import TODAY, add_problem, answer, status_of
from ui.problems.page import ProblemsPage

pytestmark = pytest.mark.gui


@pytest.fixture
def awaiting(village_db: Database) -> tuple[Database, list[int], int]:
    east = records.list_ids(village_db, UNITS)[0]
    ids = [
        add_problem(village_db, place, east, deadline_in=5, status="已整改待核查")
        for place in ("东沟村砖厂", "东沟村河滩", "东沟村养殖场")
    ]
    other = add_problem(village_db, "东沟村路口", east, deadline_in=20, status="整改中")
    return village_db, ids, other


def test_a_batch_close_keeps_the_whole_selection_selected_and_shown(
    qtbot, monkeypatch, awaiting: tuple[Database, list[int], int]
) -> None:
    db, ids, other = awaiting
    page = ProblemsPage(db)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.choose_chip("已整改待核查")
    assert page.model.rowCount() == 3
    chosen = ids[:2]
    page.select_ids(chosen)
    answer(monkeypatch, {"verifier": "刘核查", "on_date": TODAY})
    page.close_button.click()
    assert [status_of(db, pid) for pid in chosen] == ["已销号", "已销号"]

    # Both still listed (after the one the filter keeps), both still selected.
    assert page.chips.current() == "已整改待核查"
    assert sorted(page.selected_ids()) == sorted(chosen)
    status = [f.key for f in PROBLEMS.table_fields].index("status")
    for pid in chosen:
        row = page.model.row_of_id(pid)
        assert row >= 1 and page.model.data(page.model.index(row, status)) == "已销号"
    assert page.model.rowCount() == 3
    assert page.notice == (
        "选中的 2 个问题仍全部选中；其中 2 个已移出当前筛选（已销号2个），显示在列表末尾，更换筛选后不再显示"
    )

    # Selecting another problem lets them go at the next refresh; so does choosing a filter.
    page.select_ids([ids[2]])
    page.refresh()
    assert page.model.rowCount() == 1 and page.selected_ids() == [ids[2]]
    page.select_ids([other])  # not in this list: nothing selected
    page.choose_chip("全部")
    assert page.model.rowCount() == 4


def test_a_batch_that_leaves_some_in_the_filter_names_only_those_that_left(
    qtbot, monkeypatch, awaiting: tuple[Database, list[int], int]
) -> None:
    db, ids, other = awaiting
    page = ProblemsPage(db)
    qtbot.addWidget(page)
    page.choose_chip("全部")
    page.select_ids([ids[0], other])
    west = records.list_ids(db, UNITS)[1]
    answer(monkeypatch, {"unit": west, "person": "李主任"})
    page.assign_button.click()  # 交办 changes no status: both stay in 全部
    assert sorted(page.selected_ids()) == sorted([ids[0], other])
    assert page.model.rowCount() == 4 and page.pinning.outside == ()
