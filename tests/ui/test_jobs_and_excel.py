"""Background jobs, and the Excel export/import flows against the exports' contract."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from ecodesk.db import Database
from ecodesk.jobs import Job
from ecodesk.services import records
from ecodesk.services.org import HOUSEHOLDS, UNITS
from ecodesk.services.records import ListFilter
from tests.core.helpers import clerk_roster, household_rows
from ui.common import dialogs, excel_io
from ui.common.changes import changes
from ui.common.jobs import run_job

pytestmark = pytest.mark.gui


def test_job_result_arrives_on_the_gui_thread(qtbot) -> None:
    seen: dict[str, object] = {}

    def work(job: Job) -> int:
        seen["worker"] = threading.current_thread()
        for i in range(3):
            job.report(i + 1, 3, f"第{i + 1}步")
        return 42

    def done(result: int) -> None:
        seen["result"] = result
        seen["done_thread"] = threading.current_thread()

    handle = run_job(None, "测试", work, done)
    with qtbot.waitSignal(handle.finished, timeout=5000) as blocker:
        pass
    assert blocker.args == [True]
    assert seen["result"] == 42
    assert seen["worker"] is not threading.main_thread()
    assert seen["done_thread"] is threading.main_thread()


def test_a_result_arriving_after_its_window_closed_is_dropped(qtbot, monkeypatch) -> None:
    """The 公文 preview still rendering when its page is closed: the job is cancelled, and neither the
    result nor a message is handed to the deleted widget (it raised in whatever test ran next)."""
    from PySide6.QtWidgets import QWidget

    told: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": told.append(text))
    monkeypatch.setattr(dialogs, "show_unexpected", lambda parent, exc: told.append(str(exc)))
    release = threading.Event()
    cancelled: list[bool] = []

    def work(job: Job) -> str:
        release.wait(5)
        cancelled.append(job.cancelled)
        return "预览"

    page = QWidget()
    arrived: list[str] = []
    handle = run_job(page, "生成预览", work, arrived.append, show_progress=False)
    page.deleteLater()
    qtbot.waitUntil(lambda: handle.orphaned, timeout=5000)
    with qtbot.waitSignal(handle.finished, timeout=5000) as blocker:
        release.set()
    assert blocker.args == [False]
    assert cancelled == [True] and arrived == [] and told == []


def test_cancel_stops_the_job_and_says_so(qtbot, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(title))
    started = threading.Event()

    def work(job: Job) -> None:
        started.set()
        while True:
            job.report(0, 0, "")
            job.cancel_event.wait(0.01)

    handle = run_job(None, "测试", work)
    assert started.wait(5)
    with qtbot.waitSignal(handle.finished, timeout=5000) as blocker:
        handle.cancel()
    assert blocker.args == [False]
    assert shown == ["已取消"]


def test_job_error_is_shown(qtbot, monkeypatch) -> None:
    from ecodesk.errors import EcoDeskError

    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": shown.append(text))

    def work(job: Job) -> None:
        raise EcoDeskError("磁盘已满")

    handle = run_job(None, "测试", work)
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert shown == ["磁盘已满"]


# -- Excel, with real workbooks and the real importer and exporter -------------------------------


def _roster(path: Path, rows: list[tuple]) -> Path:
    """A village roster as villages type it: a merged title row above the header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["东沟村农户花名册"])
    ws.merge_cells("A1:D1")
    ws.append(["户主", "村", "手机号", "备用列"])
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


@pytest.fixture
def quiet_dialogs(monkeypatch) -> list[str]:
    """Messages are recorded instead of shown: info boxes, and the import summary (its whole text)."""
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(text))

    def summary(parent, report) -> None:
        box = excel_io.import_summary_box(parent, report)
        shown.append(box.text() + "\n\n" + box.informativeText())
        box.deleteLater()

    monkeypatch.setattr(excel_io, "show_import_summary", summary)
    return shown


def test_export_writes_the_rows_the_list_shows(
    qtbot, tmp_path: Path, village_db: Database, quiet_dialogs
) -> None:
    flt = ListFilter(text="三组")
    handle = excel_io.export_list(None, village_db, HOUSEHOLDS, flt, "head_name", True, tmp_path / "农户")
    with qtbot.waitSignal(handle.finished, timeout=10000):
        pass
    book = load_workbook(tmp_path / "农户.xlsx", read_only=True)
    everyone = {"张建国", "李秀英", "王福生", "赵德明", "陈桂兰"}
    cells = [value for row in book.active.iter_rows(values_only=True) for value in row]
    names = [value for value in cells if value in everyone]
    ids = records.list_ids(village_db, HOUSEHOLDS, flt, "head_name", True)
    listed = records.fetch(village_db, HOUSEHOLDS, ids)
    assert names == [listed[i].head_name for i in ids]  # same rows, same order as the list
    assert sorted(names) == ["赵德明", "陈桂兰"]
    assert "已导出 2 条" in quiet_dialogs[0]


def test_import_shows_row_errors_and_imports_nothing(
    qtbot, tmp_path: Path, village_db: Database, quiet_dialogs
) -> None:
    path = _roster(
        tmp_path / "roster.xlsx",
        [
            ("刘大山", "东沟村", "13800000001", "x"),
            (None, "东沟村", "", ""),
            ("孙小梅", "东沟村", "电话", ""),
        ],
    )
    dialog = excel_io.ImportDialog(village_db, HOUSEHOLDS, path)
    qtbot.addWidget(dialog)
    assert dialog.mapping() == {"户主": "head_name", "村": "village", "手机号": "phone", "备用列": ""}
    assert not dialog.import_button.isEnabled()

    with qtbot.waitSignal(dialog.check().finished, timeout=10000):
        pass
    report = dialog.report.toPlainText()
    assert "第4行 户主：必须填写" in report and "第5行 手机号：" in report
    assert report.count("第4行") == 1  # each bad row is listed once
    assert not dialog.import_button.isEnabled()  # a failed check cannot be imported
    assert not dialog.villages_box.isVisibleTo(dialog)
    assert records.count(village_db, HOUSEHOLDS) == 5


def test_import_checks_then_imports_with_the_clerks_mapping(
    qtbot, tmp_path: Path, village_db: Database, quiet_dialogs
) -> None:
    path = _roster(
        tmp_path / "roster.xlsx",
        [("刘大山", "东沟村", "13800000001", "x"), ("孙小梅", "西岭村", "13900000002", "y")],
    )
    dialog = excel_io.ImportDialog(village_db, HOUSEHOLDS, path)
    qtbot.addWidget(dialog)
    phone_combo = dict(dialog._combos)["手机号"]
    phone_combo.setCurrentIndex(phone_combo.findData(excel_io.SKIP))  # the clerk: 手机号 不导入
    assert dialog.mapping()["手机号"] == ""

    with qtbot.waitSignal(dialog.check().finished, timeout=10000):
        pass
    assert "检查通过：2 条" in dialog.report.toPlainText()
    assert records.count(village_db, HOUSEHOLDS) == 5  # a check writes nothing
    assert dialog.import_button.isEnabled()

    with qtbot.waitSignal(changes().records_changed, timeout=10000) as blocker:
        dialog.run_import()
    assert blocker.args == ["households"]
    assert dialog.imported
    households = records.fetch(village_db, HOUSEHOLDS, records.list_ids(village_db, HOUSEHOLDS)).values()
    imported = {h.head_name: h for h in households if h.head_name in {"刘大山", "孙小梅"}}
    assert set(imported) == {"刘大山", "孙小梅"}
    assert all(not h.phone for h in imported.values())  # the skipped column was not re-matched


FIRST_DAY = {
    "东沟村": {"一组": ["张建国", "李秀英"], "二组": ["王福生"]},
    "西岭村": {"一组": ["赵德明"]},
    "南坡村": {"三组": ["刘大山", "孙小梅"]},
    "城关社区": {"一组": ["陈桂兰"]},
}


def test_first_day_roster_on_a_hidden_sheet_creates_the_villages_and_imports(
    qtbot, tmp_path: Path, db: Database, quiet_dialogs
) -> None:
    """The clerk's first act: her roster (村 and 组 merged, on a hidden sheet) into an empty file."""
    path = clerk_roster(tmp_path / "花名册.xlsx", FIRST_DAY, notes="填表说明", hidden_roster=True, hide=[5])
    dialog = excel_io.ImportDialog(db, HOUSEHOLDS, path)
    qtbot.addWidget(dialog)
    sheets = dialog.sheet_combo
    assert [sheets.itemText(i) for i in range(sheets.count())] == ["填表说明", "花名册（隐藏）"]
    assert sheets.currentText() == "填表说明"
    assert dialog.sheet_hint.isVisibleTo(dialog)
    assert "隐藏的工作表“花名册”中也有农户的表头" in dialog.sheet_hint.text()

    assert dialog.switch_button.text() == "改读“花名册”"
    dialog.switch_button.click()  # the clerk takes the hidden sheet (or picks it in the list)
    assert sheets.currentText() == "花名册（隐藏）" and not dialog.switch_button.isVisibleTo(dialog)
    assert dialog.mapping()["户主姓名"] == "head_name" and dialog.mapping()["村（社区）"] == "village"
    assert dialog.sheet_hint.text() == "这是一张在 Excel 中隐藏的工作表。"
    with qtbot.waitSignal(dialog.check().finished, timeout=10000):
        pass
    report = dialog.report.toPlainText()
    assert "找不到 4 个村（社区）：东沟村、西岭村、南坡村、城关社区（涉及 7 行）。" in report
    assert "合并单元格：5 个单元格取了所在合并区域的值" in report
    assert "其中 1 行在 Excel 中是隐藏的（第 5 行），也会导入。" in report
    assert "第" not in report.split("找不到")[1]  # no error per row
    assert not dialog.import_button.isEnabled()  # a plain import would fail
    assert dialog.villages_box.isVisibleTo(dialog) and dialog.create_button.isEnabled()
    assert "东沟村、西岭村、南坡村、城关社区" in dialog.villages_label.text()
    assert records.count(db, UNITS) == 0  # a check writes nothing

    with qtbot.waitSignal(dialog.create_and_import().finished, timeout=10000):
        pass
    assert dialog.imported
    units = records.fetch(db, UNITS, records.list_ids(db, UNITS)).values()
    assert sorted((u.name, u.kind) for u in units) == [
        ("东沟村", "村"),
        ("南坡村", "村"),
        ("城关社区", "社区"),
        ("西岭村", "村"),
    ]
    assert [r[:3] for r in household_rows(db)][:3] == [
        ("张建国", "东沟村", "一组"),
        ("李秀英", "东沟村", "一组"),
        ("王福生", "东沟村", "二组"),
    ]
    summary = quiet_dialogs[-1].splitlines()
    assert summary[:2] == [
        "已导入 7 条农户记录。",
        "已新建 3 个村：东沟村、西岭村、南坡村；1 个社区：城关社区。",
    ]
    assert summary[3:] == [
        "导入农户：工作表“花名册”（隐藏的工作表），第 3 行为表头。",
        "读取数据 7 行。",
        "其中 1 行在 Excel 中是隐藏的（第 5 行），也已导入。",
        "合并单元格：5 个单元格取了所在合并区域的值（B4:B6、C4:C5、B8:B9、C8:C9）。",
    ]


def test_new_villages_take_the_category_the_clerk_chose(
    qtbot, tmp_path: Path, db: Database, quiet_dialogs
) -> None:
    path = clerk_roster(tmp_path / "花名册.xlsx", {"城北": {"一组": ["甲", "乙"]}, "城南": {"一组": ["丙"]}})
    dialog = excel_io.ImportDialog(db, HOUSEHOLDS, path)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.check().finished, timeout=10000):
        pass
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData("社区"))
    with qtbot.waitSignal(dialog.create_and_import().finished, timeout=10000):
        pass
    units = records.fetch(db, UNITS, records.list_ids(db, UNITS)).values()
    assert sorted((u.name, u.kind) for u in units) == [("城北", "社区"), ("城南", "社区")]
    assert records.count(db, HOUSEHOLDS) == 3


def test_progress_after_the_job_ended_is_harmless(qtbot) -> None:
    from ui.common.jobs import JobHandle

    handle = JobHandle(None, "测试", None, None)
    handle._on_succeeded(1)  # the job ends first …
    handle._on_progress(5, 10, "第5步")  # … then a late progress report arrives: nothing to update
    assert handle.dialog is None and handle.result == 1
