"""Background jobs, and the Excel export/import flows against the exports' contract."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from ecodesk.db import Database
from ecodesk.jobs import Job
from ecodesk.services import records
from ecodesk.services.org import HOUSEHOLDS
from ecodesk.services.records import ListFilter
from ui.common import dialogs, excel_io
from ui.common.changes import changes
from ui.common.jobs import run_job
from ui.common.printing import ListPrinter, list_html

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
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(text))
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
        tmp_path / "roster.xlsx", [("刘大山", "东沟村", "13800000001", "x"), ("孙小梅", "北山村", "", "")]
    )
    dialog = excel_io.ImportDialog(village_db, HOUSEHOLDS, path)
    qtbot.addWidget(dialog)
    assert dialog.mapping() == {"户主": "head_name", "村": "village", "手机号": "phone", "备用列": ""}
    assert not dialog.import_button.isEnabled()

    with qtbot.waitSignal(dialog.check().finished, timeout=10000):
        pass
    report = dialog.report.toPlainText()
    assert "第4行 村：" in report and "北山村" in report
    assert report.count("北山村") == 1  # each bad row is listed once
    assert not dialog.import_button.isEnabled()  # a failed check cannot be imported
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


def test_print_document_lists_the_rows(qtbot, village_db: Database) -> None:
    ids = records.list_ids(village_db, HOUSEHOLDS)
    text = list_html(village_db, HOUSEHOLDS, ids, "清河镇农户名单", "东沟村")
    assert "清河镇农户名单" in text and "张建国" in text and "共 5 条" in text
    printer = ListPrinter()
    printer.prepare(text, len(HOUSEHOLDS.table_fields) + 1)
    assert "李秀英" in printer.document.toPlainText()


def test_progress_after_the_job_ended_is_harmless(qtbot) -> None:
    from ui.common.jobs import JobHandle

    handle = JobHandle(None, "测试", None, None)
    handle._on_succeeded(1)  # the job ends first …
    handle._on_progress(5, 10, "第5步")  # … then a late progress report arrives: nothing to update
    assert handle.dialog is None and handle.result == 1
