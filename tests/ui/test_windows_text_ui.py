"""OS errors reach the clerk in Chinese (issue 20, point 9), where the program copies a file she
named: 使用说明 另存为 PDF and a print preview's 另存为 PDF. Windows' refusals are simulated: the
copy raises what Windows raises for a read-only target (EACCES) and for one open in another
program (winerror 32); the message shown is read back. And an OS error escaping a job or a write
(a full USB stick, a read-only or vanished file) is its reason in Chinese with the file, not
程序出错 with Python's English.
"""

from __future__ import annotations

import errno
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfgen import canvas

from ecodesk.db import Database
from ui.common import dialogs, operations
from ui.common.jobs import run_job
from ui.common.printing import ListPrintPreview
from ui.shell.guide_window import GuideWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    messages: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _parent, text, title="": messages.append(text))
    return messages


def _refuse_copies(monkeypatch: pytest.MonkeyPatch, refusal: PermissionError) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise refusal

    monkeypatch.setattr(shutil, "copyfile", refuse)
    monkeypatch.setattr(Path, "write_bytes", refuse)


def test_saving_the_guide_over_a_read_only_file_says_read_only(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shown: list[str]
) -> None:
    target = tmp_path / "使用说明.pdf"
    target.write_bytes(b"old")
    target.chmod(stat.S_IREAD)
    guide = GuideWindow()
    qtbot.addWidget(guide)
    _refuse_copies(monkeypatch, PermissionError(errno.EACCES, "Permission denied", str(target)))
    try:
        assert guide.save_pdf(target) is None
    finally:
        target.chmod(stat.S_IREAD | stat.S_IWRITE)
    assert len(shown) == 1 and "只读" in shown[0]
    assert "Permission denied" not in shown[0] and "Excel" not in shown[0]


def test_saving_a_preview_over_a_file_in_use_says_which(
    qtbot: Any, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shown: list[str]
) -> None:
    pdf = tmp_path / "list.pdf"
    sheet = canvas.Canvas(str(pdf))
    sheet.drawString(72, 720, "EcoDesk")
    sheet.save()
    target = tmp_path / "清单.pdf"
    target.write_bytes(b"old")
    preview = ListPrintPreview(db, pdf, "清单", "共 0 条", tempfile.TemporaryDirectory())
    qtbot.addWidget(preview)
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *_args: target)
    in_use = PermissionError(errno.EACCES, "The process cannot access the file", str(target))
    in_use.winerror = 32  # type: ignore[attr-defined]  # ERROR_SHARING_VIOLATION, as Windows sets it
    _refuse_copies(monkeypatch, in_use)
    assert preview.save_copy() is None
    assert shown == [f"无法写入 {target}：文件可能正在 Excel、WPS 或 PDF 阅读器中打开，请关闭后重试。"]


def _raise(exc: OSError) -> Any:
    def fail(*_args: Any) -> Any:
        raise exc

    return fail


def test_a_job_failing_on_a_file_says_why_in_chinese(qtbot: Any, tmp_path: Path, shown: list[str]) -> None:
    stick = tmp_path / "U盘" / "台账.xlsx"
    handle = run_job(None, "导出", _raise(OSError(errno.ENOSPC, "No space left on device", str(stick))))
    with qtbot.waitSignal(handle.finished, timeout=10_000):
        pass
    assert shown == [f"操作没有完成：磁盘已满（{stick}）。"]  # was 程序出错 … OSError: [Errno 28] No space …


def test_a_write_refused_on_a_read_only_file_names_it(qtbot: Any, tmp_path: Path, shown: list[str]) -> None:
    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(b"%PDF")
    scan.chmod(stat.S_IREAD)
    try:
        assert (
            operations.write(None, _raise(PermissionError(errno.EACCES, "Permission denied", str(scan))))
            is None
        )
    finally:
        scan.chmod(stat.S_IREAD | stat.S_IWRITE)
    assert shown == [f"文件是只读的（文件属性中勾选了“只读”）：{scan}。请取消只读，或换一个文件名。"]
    missing = tmp_path / "没有了.jpg"
    assert (
        operations.write(None, _raise(FileNotFoundError(errno.ENOENT, "No such file", str(missing)))) is None
    )
    assert shown[-1] == f"操作没有完成：找不到文件或文件夹（{missing}）。"
