"""The forms and screens of issue 21 point 5: the 农户 form chooses 组 and 网格 from its village's lists
(and adds a 组), the 网格 form registers a person who is not in 人员 yet without losing what was
typed, the 今日未报送 contacts list the 网格长, and 批量打印 prints one 组's unsigned letters."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from ecodesk.db import Database
from ecodesk.services import letters, org, records, settings
from ecodesk.services.dashboard import Contact
from ecodesk.services.org import GRIDS, HOUSEHOLDS, PEOPLE
from ui.common import unsaved
from ui.dashboard.contacts import SilentVillagesDialog
from ui.letters import page as letters_page
from ui.letters.page import LettersPage
from ui.org import forms
from ui.org.forms import GridDialog, NewPersonDialog, VillageRecordDialog
from ui.org.page import OrgPage

pytestmark = pytest.mark.gui

YEAR = 2026
BAN = "禁烧承诺书"


def shot(widget: QWidget, name: str) -> None:
    """Screenshots for a person to look at, only when ECODESK_SHOTS names a folder."""
    folder = os.environ.get("ECODESK_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / name))


def items(combo) -> list[str]:  # noqa: ANN001 - a QComboBox
    return [combo.itemText(i) for i in range(combo.count())]


def choose(combo, text: str) -> None:  # noqa: ANN001 - a QComboBox
    index = combo.findText(text)
    assert index >= 0, (text, items(combo))
    combo.setCurrentIndex(index)


@pytest.fixture
def grid_db(village_db: Database) -> Database:
    """village_db (东沟村: 一组 二组 三组; 西岭村: 一组 三组) with a grid in each village."""
    records.create(village_db, GRIDS, {"name": "东沟村第一网格", "village": "东沟村"})
    records.create(village_db, GRIDS, {"name": "西岭村第一网格", "village": "西岭村"})
    return village_db


def open_dialog(qtbot, dialog: QWidget) -> QWidget:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_household_form_offers_the_villages_own_groups_and_grids(
    qtbot, grid_db: Database, monkeypatch
) -> None:
    dialog = open_dialog(qtbot, VillageRecordDialog(grid_db, HOUSEHOLDS))
    group = dialog.editors["group"].combo
    grid = dialog.editors["grid"].combo
    assert not group.isEditable()  # chosen, never typed
    dialog.editors["head_name"].set_value("孙玉芬")
    choose(dialog.editors["village"].combo, "西岭村")
    assert items(group) == ["（不选）", "一组", "三组"]
    assert items(grid) == ["（不选）", "西岭村第一网格"]
    choose(group, "三组")
    group.activated.emit(group.currentIndex())
    choose(dialog.editors["village"].combo, "东沟村")
    assert items(group) == ["（不选）", "一组", "二组", "三组"]
    assert group.currentText() == "（不选）"  # 西岭村's 三组 is not 东沟村's
    choose(dialog.editors["village"].combo, "西岭村")
    assert group.currentText() == "三组"  # the pick comes back with its village

    # 新增组: a 组 the village lacks, added and chosen.
    monkeypatch.setattr(forms, "ask_text", lambda *args, **kwargs: "第五组")
    dialog.editors["group"].add_button.click()
    assert items(group) == ["（不选）", "一组", "三组", "第五组"] and group.currentText() == "第五组"
    choose(grid, "西岭村第一网格")
    shot(dialog, "household_form.png")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    saved = records.get(grid_db, HOUSEHOLDS, dialog.saved_id)
    assert (saved.village.name, saved.group.name, saved.grid.name) == ("西岭村", "第五组", "西岭村第一网格")


def test_household_form_shows_the_record_group_and_grid_unchanged(qtbot, grid_db: Database) -> None:
    home = records.list_ids(grid_db, HOUSEHOLDS, sort_key="id")[3]  # 赵德明, 西岭村 三组
    records.update(grid_db, HOUSEHOLDS, home, {"grid": "西岭村第一网格"})
    dialog = open_dialog(qtbot, VillageRecordDialog(grid_db, HOUSEHOLDS, home))
    assert dialog.editors["group"].combo.currentText() == "三组"
    assert dialog.editors["grid"].combo.currentText() == "西岭村第一网格"
    assert not dialog.is_dirty()
    dialog.reject()


def test_org_tabs_open_the_village_aware_forms(qtbot, grid_db: Database) -> None:
    page = OrgPage(grid_db)
    qtbot.addWidget(page)
    assert page.page("households").dialog_class is VillageRecordDialog
    assert page.page("enterprises").dialog_class is VillageRecordDialog
    assert page.page("grids").dialog_class is GridDialog
    assert page.page("people").dialog_class is not GridDialog


def answer_modals(qtbot, handle: Callable[[QWidget], bool], times: int) -> list[int]:
    """Answer the next ``times`` modal dialogs with ``handle`` (which says whether it handled one)."""
    done: list[int] = []

    def poll() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None and handle(modal):
            done.append(1)
        if len(done) < times:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return done


def test_grid_form_registers_people_not_yet_in_the_list_and_keeps_the_form(
    qtbot, grid_db: Database, monkeypatch
) -> None:
    monkeypatch.setattr(forms.dialogs, "confirm", lambda *args, **kwargs: True)
    dialog = open_dialog(qtbot, GridDialog(grid_db, GRIDS))
    dialog.editors["name"].set_value("东沟村第二网格")
    choose(dialog.editors["village"].combo, "东沟村")
    dialog.editors["leader"].combo.setEditText("新人甲")
    dialog.editors["members"].set_value("新人乙")
    dialog.editors["remark"].set_value("沿河一带")
    east = dialog.editors["village"].value()
    seen: list[tuple[object, ...]] = []

    def register(modal: QWidget) -> bool:
        if not isinstance(modal, NewPersonDialog):
            return False
        seen.append(tuple(modal.editors[k].value() for k in ("name", "unit", "roles")))
        if len(seen) == 1:
            shot(modal, "new_person_dialog.png")
        modal.editors["phone"].set_value(f"1380000000{len(seen)}")
        modal.save()
        return True

    done = answer_modals(qtbot, register, 2)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    assert len(done) == 2
    assert seen == [("新人甲", east, "网格长"), ("新人乙", east, "网格员")]
    grid = records.get(grid_db, GRIDS, dialog.saved_id)
    assert (grid.name, grid.leader.name, [p.name for p in grid.members], grid.remark) == (
        "东沟村第二网格",
        "新人甲",
        ["新人乙"],
        "沿河一带",
    )
    people = records.fetch(grid_db, PEOPLE, records.list_ids(grid_db, PEOPLE, sort_key="id"))
    assert [(p.name, p.unit.name, p.role_text, p.phone) for p in people.values()] == [
        ("新人甲", "东沟村", "网格长", "13800000001"),
        ("新人乙", "东沟村", "网格员", "13800000002"),
    ]


def test_grid_form_stays_as_typed_when_adding_the_person_is_cancelled(
    qtbot, grid_db: Database, monkeypatch
) -> None:
    monkeypatch.setattr(forms.dialogs, "confirm", lambda *args, **kwargs: True)
    monkeypatch.setattr(unsaved, "ask", lambda _parent: unsaved.Answer.DISCARD)
    dialog = open_dialog(qtbot, GridDialog(grid_db, GRIDS))
    dialog.editors["name"].set_value("西岭村第二网格")
    choose(dialog.editors["village"].combo, "西岭村")
    dialog.editors["members"].set_value("未登记的人")

    def cancel(modal: QWidget) -> bool:
        if isinstance(modal, NewPersonDialog):
            modal.reject()
            return True
        return False

    done = answer_modals(qtbot, cancel, 1)
    dialog.save()
    qtbot.waitUntil(lambda: len(done) == 1)
    assert dialog.isVisible() and dialog.saved_id is None
    assert dialog.editors["name"].value() == "西岭村第二网格"
    assert dialog.editors["members"].value() == "未登记的人"
    assert records.count(grid_db, GRIDS) == 2 and records.count(grid_db, PEOPLE) == 0
    shot(dialog, "grid_form.png")


def test_silent_village_contacts_name_the_grid_leader_first(qtbot) -> None:
    contact = Contact(
        "东沟村", 1, (("张三", "13800001111"),), "王主任", "", grid_leaders=(("刘书记", "13900002222"),)
    )
    dialog = SilentVillagesDialog([contact])
    qtbot.addWidget(dialog)
    assert dialog.rows() == [
        ("东沟村", "刘书记", "网格长", "13900002222"),
        ("东沟村", "张三", "网格员", "13800001111"),
        ("东沟村", "王主任", "村（社区）负责人", "未登记"),
    ]


def test_batch_print_of_one_group_unsigned_only(
    qtbot, village_db: Database, tmp_path: Path, monkeypatch
) -> None:
    settings.save(village_db, town_name="清河镇")
    records.create(village_db, HOUSEHOLDS, {"head_name": "周三", "village": "东沟村", "group": "3组"})
    letters.generate(village_db, YEAR, [BAN])
    east = org.village_id(village_db, "东沟村")
    signed = [r.id for r in letters.list_rows(village_db, YEAR, BAN, east) if r.name == "陈桂兰"]
    letters.mark_signed(village_db, signed)
    monkeypatch.setattr(letters_page, "open_file", lambda _path: None)
    page = LettersPage(village_db)
    qtbot.addWidget(page)
    page.year.setValue(YEAR)
    page.resize(1366, 768)
    page.show()
    page.tabs.setCurrentIndex(next(i for i in range(page.tabs.count()) if page.tabs.tabText(i) == "批量打印"))
    assert not page.print_group.isEnabled()
    choose(page.print_village, "东沟村")
    assert items(page.print_group) == ["全村所有组", "一组（未签 1）", "二组（未签 1）", "三组（未签 1）"]
    choose(page.print_group, "三组（未签 1）")
    assert page.print_count.text() == "将打印 2 份（每份一页）"
    page.print_pending.setChecked(True)
    assert page.print_count.text() == "将打印 1 份（每份一页）"
    shot(page, "letters_print_by_group.png")
    out = tmp_path / "三组未签.pdf"
    handle = page.print_to(out)
    with qtbot.waitSignal(handle.finished, timeout=30000) as blocker:
        pass
    assert blocker.args == [True]
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    assert "周三" in "".join((reader.pages[0].extract_text() or "").split())


def test_add_person_button_registers_a_member_and_lists_them(qtbot, grid_db: Database, monkeypatch) -> None:
    monkeypatch.setattr(unsaved, "ask", lambda _parent: unsaved.Answer.DISCARD)  # closing at the end
    dialog = open_dialog(qtbot, GridDialog(grid_db, GRIDS))
    choose(dialog.editors["village"].combo, "西岭村")
    dialog.editors["members"].set_value("王福生、")

    def register(modal: QWidget) -> bool:
        if not isinstance(modal, NewPersonDialog):
            return False
        assert modal.editors["roles"].value() == "网格员"
        modal.editors["name"].set_value("新网格员")
        modal.save()
        return True

    done = answer_modals(qtbot, register, 1)
    dialog.findChild(QPushButton, "add_person").click()
    assert done == [1]
    assert dialog.editors["members"].value() == "王福生、新网格员"
    person = records.get(grid_db, PEOPLE, records.list_ids(grid_db, PEOPLE)[0])
    assert (person.name, person.unit.name) == ("新网格员", "西岭村")
