"""``ecodesk-gui --self-test``: the real steps on a throw-away demo town, a report and an exit code."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from ecodesk import paths
from ui.common import machine_settings
from ui.shell import app
from ui.shell.main_window import NAV_ITEMS

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def test_self_test_passes_and_leaves_the_clerks_settings_alone(
    qtbot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    machine_settings.set_last_db_path(Path("/clerk/ecodesk.db"))
    report = tmp_path / "自检报告.txt"

    code = app.main(["--self-test", str(report)])

    assert code == 0
    text = report.read_text(encoding="utf-8")
    printed = capsys.readouterr().out
    assert text.strip() == printed.strip()  # the file holds exactly what was printed
    for step in (
        "资源文件",
        "数据库迁移脚本",
        "演示数据",
        "加密数据文件",
        "通知 PDF",
        "xlsx 导出",
        "Qt 界面与 PDF 预览",
    ):
        assert f"[通过] {step}" in text
    assert "[失败]" not in text
    assert "嵌入字体" in text and f"主窗口打开全部 {len(NAV_ITEMS)} 个页面后关闭" in text
    assert text.rstrip().splitlines()[-1].startswith("自检通过")
    # Settings, application names and the temp folder are put back / removed afterwards.
    assert QSettings.defaultFormat() == QSettings.Format.IniFormat
    assert QCoreApplication.organizationName() == "EcoDeskTest"
    assert machine_settings.last_db_path() == Path("/clerk/ecodesk.db")
    folder = next(line for line in text.splitlines() if line.startswith("临时文件夹："))
    assert not Path(folder.split("：", 1)[1]).exists()


def test_self_test_fails_with_the_reason(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "no-resources"
    empty.mkdir()
    monkeypatch.setattr(paths, "resources_dir", lambda: empty)
    report = tmp_path / "report.txt"

    code = app.main(["--self-test", str(report)])

    assert code == 1
    text = report.read_text(encoding="utf-8")
    assert "[失败] 资源文件" in text
    assert "wqy-microhei.ttc" in text
    assert "[通过]" not in text  # nothing after the first failure runs on a broken install
    assert text.rstrip().splitlines()[-1].startswith("自检失败：资源文件")
    assert capsys.readouterr().out.count("自检失败") == 1


def test_self_test_without_a_report_file_only_prints(qtbot, monkeypatch, capsys) -> None:
    # The flag alone (as the release workflow's Linux check uses it) parses to "no report file".
    assert app.parse_args(["--self-test"]).self_test == ""
    assert app.parse_args([]).self_test is None
    assert app.parse_args(["--self-test", "r.txt"]).self_test == "r.txt"
