"""The import dialog names the rows that repeat a record and offers 跳过重复 / 更新已有 / 仍然导入
(issue 21 point 3): real workbook, real importer, the dialog offscreen."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from ecodesk.db import Database
from ecodesk.services import records
from ecodesk.services.org import HOUSEHOLDS
from tests.ui.helpers import keep_shot
from ui.common import dialogs, excel_io
from ui.common.changes import changes

pytestmark = pytest.mark.gui

ROWS = [
    ("张建国", "东沟村", "13800000001"),  # in the file already (village_db), no phone there
    ("李 秀英", "东沟村", "13800000002"),  # 李秀英, typed with a space
    ("刘大山", "东沟村", "13800000003"),  # new
    ("刘大山", "东沟村", "13800000003"),  # the row above again
]


def _roster(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "花名册"
    ws.append(["户主", "村", "手机号"])
    for row in ROWS:
        ws.append(list(row))
    wb.save(path)
    return path


@pytest.fixture
def summaries(monkeypatch) -> list[tuple[str, str]]:
    """The message after an import: its text and its 显示详细信息 list, recorded instead of shown."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append((text, "")))

    def summary(parent, report) -> None:
        box = excel_io.import_summary_box(parent, report)
        shown.append((box.text(), box.detailedText()))
        box.deleteLater()

    monkeypatch.setattr(excel_io, "show_import_summary", summary)
    return shown


def _check(qtbot, dialog: excel_io.ImportDialog) -> str:
    with qtbot.waitSignal(dialog.check().finished, timeout=10000):
        pass
    return dialog.report.toPlainText()


def _choose(qtbot, dialog: excel_io.ImportDialog, mode: str) -> str:
    """Click one of the three answers: the check runs again for it."""
    dialog.choose_duplicates(mode)
    assert dialog.last_handle is not None
    with qtbot.waitSignal(dialog.last_handle.finished, timeout=10000):
        pass
    return dialog.report.toPlainText()


def test_the_dialog_lists_the_duplicates_and_offers_three_choices(
    qtbot, tmp_path: Path, village_db: Database, summaries
) -> None:
    dialog = excel_io.ImportDialog(village_db, HOUSEHOLDS, _roster(tmp_path / "花名册.xlsx"))
    qtbot.addWidget(dialog)
    assert dialog.duplicates_box.isHidden()  # nothing to say before a check

    report = _check(qtbot, dialog)
    assert "第2行“张建国 · 东沟村”与已有的农户“张建国 · 东沟村”相同，跳过。" in report
    assert "第3行“李 秀英 · 东沟村”与已有的农户“李秀英 · 东沟村”相同，跳过。" in report
    assert "第5行“刘大山 · 东沟村”与本表第4行相同，跳过。" in report
    assert report.splitlines()[-1] == "检查通过：1 条可以导入，将跳过重复 3 条（未写入）。"
    assert not dialog.duplicates_box.isHidden()
    assert "2 行与已有的农户记录相同，1 行与本表前面的行相同" in dialog.duplicates_label.text()
    buttons = dialog.duplicate_buttons
    assert [b.text() for b in buttons.values()] == ["跳过重复", "更新已有", "仍然导入"]
    assert buttons["skip"].isChecked() and dialog.import_button.isEnabled()
    dialog.show()
    dialog.resize(760, 680)
    qtbot.waitExposed(dialog)
    keep_shot(dialog, "import_duplicates.png")
    assert dialog.duplicates_box.isVisible()

    report = _choose(qtbot, dialog, "add")
    assert report.splitlines()[-1].startswith("检查通过：4 条记录都可以导入，其中 3 条")
    report = _choose(qtbot, dialog, "update")
    assert report.splitlines()[-1] == "检查通过：1 条可以导入，将更新已有 3 条（未写入）。"
    assert "更新已有记录" in dialog.duplicate_meaning.text() or "更新已有" in dialog.duplicate_meaning.text()
    assert records.count(village_db, HOUSEHOLDS) == 5  # checks write nothing

    with qtbot.waitSignal(changes().records_changed, timeout=10000):
        dialog.run_import()
    assert dialog.imported
    households = records.fetch(village_db, HOUSEHOLDS, records.list_ids(village_db, HOUSEHOLDS)).values()
    phones = {h.head_name: h.phone for h in households}
    assert len(households) == 6
    assert phones["张建国"] == "13800000001" and phones["李秀英"] == "13800000002"
    text, detail = summaries[-1]
    assert text.splitlines()[0] == "已导入 1 条农户记录，更新已有 3 条。"
    assert "第3行“李 秀英 · 东沟村”与已有的农户“李秀英 · 东沟村”相同，已更新该记录。" in detail


def test_skipping_is_the_default_and_every_skipped_row_stays_listed(
    qtbot, tmp_path: Path, village_db: Database, summaries
) -> None:
    dialog = excel_io.ImportDialog(village_db, HOUSEHOLDS, _roster(tmp_path / "花名册.xlsx"))
    qtbot.addWidget(dialog)
    _check(qtbot, dialog)
    with qtbot.waitSignal(changes().records_changed, timeout=10000):
        dialog.run_import()
    assert records.count(village_db, HOUSEHOLDS) == 6
    text, detail = summaries[-1]
    assert text.splitlines()[0] == "已导入 1 条农户记录，跳过重复 3 条。"
    assert [line for line in detail.splitlines() if line.endswith("已跳过。")] == [
        "第2行“张建国 · 东沟村”与已有的农户“张建国 · 东沟村”相同，已跳过。",
        "第3行“李 秀英 · 东沟村”与已有的农户“李秀英 · 东沟村”相同，已跳过。",
        "第5行“刘大山 · 东沟村”与本表第4行相同，已跳过。",
    ]


def test_a_roster_without_duplicates_shows_no_choices(
    qtbot, tmp_path: Path, village_db: Database, summaries
) -> None:
    path = tmp_path / "新.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["户主", "村"])
    ws.append(["孙小梅", "东沟村"])
    wb.save(path)
    dialog = excel_io.ImportDialog(village_db, HOUSEHOLDS, path)
    qtbot.addWidget(dialog)
    assert _check(qtbot, dialog).splitlines()[-1] == "检查通过：1 条记录都可以导入（未写入）。"
    assert dialog.duplicates_box.isHidden()
