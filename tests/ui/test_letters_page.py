"""The 承诺书 page on real widgets and a real SQLite file: batch print with a moving progress bar,
cancel, bulk signing by village and 组, 作废, coverage, template editing with its preview."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import insert

from ecodesk.db import Database
from ecodesk.models import Household
from ecodesk.models.letter import STATUS_SIGNED, STATUS_VOID
from ecodesk.services import letters, records
from ecodesk.services.org import UNITS, add_group
from ui.common import dialogs
from ui.letters import page as letters_page
from ui.letters import signing as letter_signing
from ui.letters.page import LettersPage

pytestmark = pytest.mark.gui

YEAR = 2026
BAN = "禁烧承诺书"


@pytest.fixture
def big_town(db: Database) -> Database:
    """Two villages; 东沟村 with 400 households in 8 组 (bulk-inserted like a roster import)."""
    east = records.create(db, UNITS, {"name": "东沟村", "kind": "村", "sort_order": 1})
    west = records.create(db, UNITS, {"name": "西岭村", "kind": "村", "sort_order": 2})
    names = ["一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组"]
    with db.session() as session:
        groups = [add_group(session, east.id, name).id for name in names]
        west_one = add_group(session, west.id, "一组").id
    rows = [
        {"head_name": f"户主{n:03d}", "village_id": east.id, "group_id": groups[n % 8], "address": ""}
        for n in range(400)
    ]
    rows += [{"head_name": "西<岭>&户", "village_id": west.id, "group_id": west_one, "address": ""}]
    with db.session() as session:
        session.execute(insert(Household), rows)
    return db


@pytest.fixture
def page(qtbot, big_town: Database, monkeypatch: pytest.MonkeyPatch) -> LettersPage:
    opened: list[Path] = []
    monkeypatch.setattr(letters_page, "open_file", opened.append)
    p = LettersPage(big_town)
    p.year.setValue(YEAR)
    qtbot.addWidget(p)
    p.resize(1200, 760)
    p.show()
    p.opened = opened  # type: ignore[attr-defined]
    return p


def _generate(qtbot, page: LettersPage, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(text))
    handle = page.generate()
    with qtbot.waitSignal(handle.finished, timeout=20000) as blocker:
        pass
    assert blocker.args == [True]
    assert "新增 403 份" in shown[0]  # 401 households and 2 villages' 责任书


def test_batch_print_runs_and_the_progress_bar_moves(qtbot, page: LettersPage, tmp_path: Path) -> None:
    assert page.print_count.text() == "没有需要打印的承诺书，请先生成签订名单。"
    out = tmp_path / "全镇禁烧.pdf"
    handle = page.print_to(out)
    values: list[int] = []
    handle.signals.progress.connect(
        lambda done, total, msg: values.append(handle.dialog.value() if handle.dialog else -1)
    )
    with qtbot.waitSignal(handle.finished, timeout=30000) as blocker:
        pass
    assert blocker.args == [True]
    assert page.last_result.pages == 401
    assert len(set(values)) >= 10 and values == sorted(values) and max(values) == 401
    assert page.opened == [out]  # type: ignore[attr-defined]
    assert page.print_count.text() == "已生成 全镇禁烧.pdf：401 页"
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 401
        last = "".join((pdf.pages[-1].extract_text() or "").split())
    assert "本户户主西<岭>&户，住西岭村一组" in last


def test_cancelled_print_leaves_no_file(qtbot, page: LettersPage, tmp_path: Path, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(title))
    out = tmp_path / "pdf" / "取消.pdf"
    handle = page.print_to(out)
    handle.signals.progress.connect(lambda done, total, msg: handle.cancel() if done >= 50 else None)
    with qtbot.waitSignal(handle.finished, timeout=30000) as blocker:
        pass
    assert blocker.args == [False]
    assert shown == ["已取消"]
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_tick_groups_and_mark_them_signed(qtbot, page: LettersPage, monkeypatch) -> None:
    _generate(qtbot, page, monkeypatch)
    signing = page.signing
    signing.select_village("东沟村")
    assert signing.groups.count() == 8
    assert signing.model.rowCount() == 400
    signing.tick_groups(["一组", "三组"])
    assert signing.model.rowCount() == 100
    asked: list[str] = []
    monkeypatch.setattr(
        dialogs, "confirm", lambda parent, text, title="", ok_text="": asked.append(text) or True
    )
    qtbot.mouseClick(signing.sign_groups, Qt.MouseButton.LeftButton)
    assert "把东沟村一组、三组的 100 份待签禁烧承诺书标记为已签" in asked[0]
    signed = letters.list_rows(page.db, YEAR, BAN, statuses=[STATUS_SIGNED])
    assert len(signed) == 100 and {r.group for r in signed} == {"一组", "三组"}
    first = signing.villages.item(0).text()
    assert first.startswith("东沟村　100/400　25.0%")
    total = page.coverage_model.rows[-1]
    assert (total.village, total.signed, total.required) == ("合计", 100, 401)
    assert "已签 100" in page.headline.text()


def test_select_rows_mark_signed_void_and_scan(qtbot, page: LettersPage, monkeypatch, tmp_path: Path) -> None:
    _generate(qtbot, page, monkeypatch)
    signing = page.signing
    signing.select_village("东沟村")
    signing.tick_groups(["二组"])
    signing.table.selectRow(0)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    signing.table.selectionModel().select(signing.model.index(1, 0), flags)
    ids = signing.selected_ids()
    assert len(ids) == 2
    qtbot.mouseClick(signing.sign_selected, Qt.MouseButton.LeftButton)
    assert {r.status for r in letters.list_rows(page.db, YEAR, BAN) if r.id in ids} == {STATUS_SIGNED}
    signing.table.selectRow(5)
    monkeypatch.setattr(letter_signing, "ask_void_reason", lambda parent, count: "举家外迁")
    signing.void_selected()
    voided = letters.list_rows(page.db, YEAR, BAN, statuses=[STATUS_VOID])
    assert [r.void_reason for r in voided] == ["举家外迁"]
    assert page.coverage_model.rows[0].required == 399
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(text))
    signing.table.selectRow(5)
    signing.open_scan()
    assert shown == ["这份承诺书还没有扫描件。"]
    scan = tmp_path / "扫描.jpg"
    scan.write_bytes(b"\xff\xd8 scan")
    signing.table.selectRow(2)
    row_id = signing.selected_ids()[0]
    signing.attach_scan_file(row_id, scan)
    row = next(r for r in signing.model.rows if r.id == row_id)
    assert (row.status, row.scans) == (STATUS_SIGNED, 1)
    opened: list[Path] = []
    monkeypatch.setattr(letter_signing, "open_file", opened.append)
    signing.table.selectRow(signing.model.rows.index(row))
    signing.open_scan()
    assert opened and opened[0].read_bytes() == b"\xff\xd8 scan"
    monkeypatch.setattr(letter_signing, "ask_numbers", lambda parent: f"{voided[0].number}\nC999999")
    shown.clear()
    signing.mark_by_numbers()
    assert "已作废未标记" in shown[0] and "找不到：C999999" in shown[0]


def test_template_edit_warns_about_an_unknown_placeholder_and_previews(
    qtbot, page: LettersPage, monkeypatch
) -> None:
    page.tabs.setCurrentWidget(page.templates)
    tpl = page.templates
    with qtbot.waitSignal(tpl.preview_ready, timeout=20000) as blocker:
        pass
    assert blocker.args == [True]
    assert tpl.pdf.pageCount() == 1
    assert "正文 16 磅" in tpl.preview_status.text()
    with qtbot.waitSignal(tpl.preview_ready, timeout=20000) as blocker:
        tpl.body.setPlainText("本户{户主}承诺不烧秸秆。" * 150)
    assert blocker.args == [False]
    assert "一页印不下" in tpl.preview_status.text()
    tpl.body.setPlainText("本户{户名}承诺不烧秸秆。")
    assert "正文：有未知的占位符 {户名}" in tpl.problem.text()
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": errors.append(text))
    assert tpl.save() is False
    assert "{户名}" in errors[0]
    tpl.body.setPlainText("本户{户主}承诺不烧秸秆。")
    assert tpl.problem.text() == ""
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": None)
    with qtbot.waitSignal(tpl.preview_ready, timeout=20000):  # saving reloads and re-renders
        assert tpl.save() is True
    assert letters.template_for(page.db, YEAR, BAN).body == "本户{户主}承诺不烧秸秆。"


def test_a_preview_finishing_after_the_page_closed_is_ignored(qtbot, big_town: Database) -> None:
    from ui.common import jobs

    p = LettersPage(big_town)
    p.year.setValue(YEAR)
    p.tabs.setCurrentWidget(p.templates)  # starts a preview render on a worker thread
    assert jobs._running
    p.deleteLater()
    qtbot.waitUntil(lambda: not jobs._running, timeout=20000)  # its result arrives to a closed page


def _form_labels(page: LettersPage) -> list[str]:
    from PySide6.QtWidgets import QFormLayout, QLabel

    form = page.print_button.parentWidget().findChild(QFormLayout)
    labels = []
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        if item is not None and isinstance(item.widget(), QLabel):
            labels.append(item.widget().text())
    return labels


def test_the_chosen_date_is_named_in_words_and_printed_on_the_letter(
    qtbot, page: LettersPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QDate

    _generate(qtbot, page, monkeypatch)
    page.tabs.setCurrentIndex(2)
    assert "落款日期" in _form_labels(page) and not any("{" in t for t in _form_labels(page))
    page.print_date.setDate(QDate(2026, 3, 1))
    assert page.print_date_hint.text() == "印在右侧签署栏的落款处：2026年3月1日"
    page.print_village.setCurrentIndex(page.print_village.findText("西岭村"))
    out = tmp_path / "西岭村.pdf"
    with qtbot.waitSignal(page.print_to(out).finished, timeout=30000):
        pass
    with pdfplumber.open(out) as pdf:
        first = pdf.pages[0]
        right = "".join(
            (first.crop((first.width / 2, 0, first.width, first.height)).extract_text() or "").split()
        )
    assert "西岭村村民委员会（盖章）" in right and "2026年3月1日" in right


def test_a_wording_without_a_date_says_the_date_is_not_printed(qtbot, page: LettersPage) -> None:
    template = letters.template_for(page.db, YEAR, BAN)
    letters.save_template(
        page.db,
        template.id,
        {
            "title": template.title,
            "body": template.body,
            "party_a": template.party_a,
            "party_b": "村委会（盖章）",
        },
    )
    page.reload()
    assert page.print_date_hint.text().startswith(f"本年度{BAN}的模板没有落款日期的位置，所选日期不会印出")


def test_the_status_bar_counts_what_the_tab_shows(qtbot, page: LettersPage, monkeypatch) -> None:
    _generate(qtbot, page, monkeypatch)
    counts: list[object] = []
    page.count_changed.connect(counts.append)
    assert page.record_count() == page.signing.model.rowCount() > 2  # 签订名单: the letters listed
    page.tabs.setCurrentWidget(page.coverage_tab)
    assert page.record_count() == 2 and counts[-1] == 2  # 签订率: 东沟村 and 西岭村 (合计 not counted)
    page.tabs.setCurrentIndex(2)
    assert page.record_count() is None and counts[-1] is None  # 批量打印 is not a list
