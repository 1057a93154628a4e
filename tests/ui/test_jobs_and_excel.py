"""Background jobs, and the Excel export/import flows against the exports' contract."""

from __future__ import annotations

import sys
import threading
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ecodesk.db import Database
from ecodesk.jobs import Job
from ecodesk.services import records
from ecodesk.services.org import HOUSEHOLDS
from ecodesk.services.records import ListFilter
from ui import dialogs, excel_io
from ui.changes import changes
from ui.jobs import run_job
from ui.printing import ListPrinter, list_html

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


# -- Excel, against the contract of ecodesk.exports ------------------------------------------------


@dataclass
class FakeReport:
    ok: bool
    errors: list = field(default_factory=list)
    lines: tuple[str, ...] = ("共 3 行",)

    def summary_lines(self) -> list[str]:
        return list(self.lines)


@dataclass
class FakeRowError:
    row: int
    column: str
    reason: str


@pytest.fixture
def fake_exports(monkeypatch) -> dict[str, list]:
    calls: dict[str, list] = {"export": [], "import": []}

    def export_xlsx(db, kind, path, flt=None, job=None, sort_key=None, descending=False) -> int:
        calls["export"].append((kind.name, Path(path), flt, sort_key, descending))
        return 5

    def read_headers(path, sheet=None):
        return "花名册", 2, ["户主", "村", "手机号", "备用列"]

    def import_xlsx(db, kind, path, sheet=None, mapping=None, dry_run=False, job=None):
        calls["import"].append((sheet, dict(mapping or {}), dry_run))
        if len(calls["import"]) == 1:
            return FakeReport(False, [FakeRowError(5, "村", "找不到村/社区“北山村”")])
        return FakeReport(True)

    export_module = types.ModuleType("ecodesk.exports.xlsx_export")
    export_module.export_xlsx = export_xlsx
    import_module = types.ModuleType("ecodesk.exports.xlsx_import")
    import_module.read_headers = read_headers
    import_module.import_xlsx = import_xlsx
    monkeypatch.setitem(sys.modules, "ecodesk.exports.xlsx_export", export_module)
    monkeypatch.setitem(sys.modules, "ecodesk.exports.xlsx_import", import_module)
    monkeypatch.setattr(dialogs, "show_info", lambda *args, **kwargs: None)
    return calls


def test_export_uses_the_list_filter_and_order(
    qtbot, tmp_path: Path, village_db: Database, fake_exports
) -> None:
    flt = ListFilter(text="张")
    handle = excel_io.export_list(None, village_db, HOUSEHOLDS, flt, "head_name", True, tmp_path / "农户")
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert fake_exports["export"] == [("households", tmp_path / "农户.xlsx", flt, "head_name", True)]


def test_import_maps_checks_then_imports(qtbot, tmp_path: Path, village_db: Database, fake_exports) -> None:
    dialog = excel_io.ImportDialog(village_db, HOUSEHOLDS, tmp_path / "roster.xlsx")
    qtbot.addWidget(dialog)
    assert dialog.mapping() == {"户主": "head_name", "村": "village", "手机号": "phone"}
    assert not dialog.import_button.isEnabled()

    with qtbot.waitSignal(dialog.check().finished, timeout=5000):
        pass
    assert "第 5 行 “村”列：找不到村/社区“北山村”" in dialog.report.toPlainText()
    assert not dialog.import_button.isEnabled()  # a failed check cannot be imported

    with qtbot.waitSignal(dialog.check().finished, timeout=5000):
        pass
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(changes().records_changed, timeout=5000) as blocker:
        dialog.run_import()
    assert blocker.args == ["households"]
    assert dialog.imported
    assert [(c[0], c[2]) for c in fake_exports["import"]] == [
        ("花名册", True),
        ("花名册", True),
        ("花名册", False),
    ]


def test_print_document_lists_the_rows(qtbot, village_db: Database) -> None:
    ids = records.list_ids(village_db, HOUSEHOLDS)
    text = list_html(village_db, HOUSEHOLDS, ids, "清河镇农户名单", "东沟村")
    assert "清河镇农户名单" in text and "张建国" in text and "共 5 条" in text
    printer = ListPrinter()
    printer.prepare(text, len(HOUSEHOLDS.table_fields) + 1)
    assert "李秀英" in printer.document.toPlainText()
