"""设置: renaming the town offers, in one checklist, every text still naming the old town (issue 21.4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from ecodesk.db import Database
from ecodesk.services import rename
from ecodesk.services import settings as data_settings
from tests.ui.helpers import keep_shot
from ui.common import dialogs
from ui.settings import rename_dialog
from ui.settings.page import SettingsPage
from ui.settings.rename_dialog import RenameTownDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def town_db(db: Database) -> Database:
    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    return db


def _page(qtbot, db: Database) -> SettingsPage:
    page = SettingsPage(db)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    return page


def test_renaming_offers_the_places_and_updates_the_ticked_ones(
    qtbot, monkeypatch, town_db: Database
) -> None:
    offered: list[tuple[list[rename.Place], str, str]] = []

    def answer(parent, places, old, new):
        offered.append((places, old, new))
        return [p.key for p in places if p.key != "settings/printing_organ"]  # one left as it was

    monkeypatch.setattr(RenameTownDialog, "ask", answer)
    page = _page(qtbot, town_db)
    page.town.setText("柳园镇")
    assert page.save() is not None
    places, old, new = offered[0]
    assert (old, new) == ("清河镇", "柳园镇")
    assert "设置 › 发文机关第1行 › 发文机关标志" in {p.where for p in places}
    current = data_settings.load(town_db)
    assert current.town_name == "柳园镇"
    assert [o.mark for o in current.organ_list()] == ["柳园镇人民政府文件", "柳园镇环境保护办公室文件"]
    assert current.printing_organ == "清河镇党政综合办公室"  # not ticked: kept
    assert page.organs.item(0, 1).text() == "柳园镇人民政府文件"  # the page shows what is stored
    assert page.problems.text() == f"已保存，并把 {len(places) - 1} 处旧名称改为“柳园镇”。"


def test_declining_keeps_the_texts_and_the_page_offers_them_again(
    qtbot, monkeypatch, town_db: Database
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        RenameTownDialog, "ask", lambda parent, places, old, new: asked.append(old)
    )  # 暂不更新
    page = _page(qtbot, town_db)
    assert not page.old_name_row.isVisibleTo(page)  # never renamed: nothing to say
    page.town.setText("柳园镇")
    page.save()
    assert data_settings.load(town_db).organ_list()[0].name == "清河镇人民政府"
    count = len(rename.places_naming(town_db, "清河镇"))
    assert page.old_name_row.isVisibleTo(page)
    assert page.old_name_note.text() == f"还有 {count} 处写着原来的名称“清河镇”（发文机关、模板等）。"
    keep_shot(page, "settings_old_name_note.png")
    page.save()  # the name did not change this time: not asked again
    assert asked == ["清河镇"]
    monkeypatch.setattr(RenameTownDialog, "ask", lambda parent, places, old, new: [p.key for p in places])
    told: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": told.append(text))
    page.recipients.setText("各村（社区）")  # typed, not saved: updating would reload it away
    page.old_name_button.click()
    assert "尚未保存的修改" in told[0] and page.recipients.text() == "各村（社区）"
    page.load()  # 撤销修改
    page.old_name_button.click()
    assert data_settings.load(town_db).organ_list()[0].name == "柳园镇人民政府"
    assert page.organs.item(0, 0).text() == "柳园镇人民政府"
    assert not page.old_name_row.isVisibleTo(page)
    assert page.problems.text() == f"已把 {count} 处旧名称改为“柳园镇”。"


def test_the_checklist_ticks_all_but_signed_wordings_and_counts(
    qtbot, town_db: Database, tmp_path: Path
) -> None:
    data_settings.save(town_db, town_name="柳园镇")
    places = [
        *rename.places_naming(town_db, "清河镇"),
        rename.Place(
            "letter_templates/9/party_b",
            "承诺书模板 › 2026年禁烧承诺书 › 右侧落款",
            "清河镇人民政府（盖章）",
            "柳园镇人民政府（盖章）",
            ticked=False,
            note="已签 3 份：重印时会与已签的纸质件不同，默认不改",
        ),
    ]
    dialog = RenameTownDialog(places, "清河镇", "柳园镇")
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.table
    assert table.rowCount() == len(places)
    assert table.item(0, 1).text() == "清河镇人民政府" and table.item(0, 2).text() == "→ 柳园镇人民政府"
    assert len(dialog.chosen_keys()) == len(places) - 1
    assert dialog.update_button.text() == f"更新勾选的 {len(places) - 1} 处"
    last = table.item(len(places) - 1, 0)
    assert "已签 3 份" in last.text() and last.checkState() == Qt.CheckState.Unchecked
    table.item(0, 0).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.update_button.text() == f"更新勾选的 {len(places) - 2} 处"
    keep_shot(dialog, "rename_town_dialog.png")
    dialog.grab().save(str(tmp_path / "rename.png"))
    for button in dialog.findChildren(type(dialog.update_button)):
        if button.text() == "全不选":
            button.click()
    assert dialog.chosen_keys() == [] and not dialog.update_button.isEnabled()


def test_long_texts_show_the_words_around_the_change() -> None:
    body = "为切实做好秸秆禁烧工作，" * 6 + "本人自愿遵守清河镇的各项规定。" + "特此承诺。" * 5
    before, after = rename.excerpt(body, body.replace("清河镇", "柳园镇"))
    assert "清河镇" in before and "柳园镇" in after
    assert before.startswith("…") and before.endswith("…") and len(before) < 60
    assert rename_dialog.COLUMNS == ("位置", "原来", "改为")
