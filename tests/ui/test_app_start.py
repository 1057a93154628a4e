"""Start-up: a locked, corrupt or too-new data file is explained and nothing is changed unasked."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

import pytest

from ecodesk.db import Database, backups
from ecodesk.services import records
from ecodesk.services import settings as data_settings
from ecodesk.services.org import HOUSEHOLDS
from ui.common import dialogs, machine_settings
from ui.shell import app
from ui.shell.operator_dialog import OperatorDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def messages(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": shown.append(f"{title}|{text}"))
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(f"{title}|{text}"))
    return shown


def test_locked_file_is_refused_politely(qtbot, village_db: Database, messages: list[str]) -> None:
    holder = Database.open(village_db.path, "别人", lock=True)
    try:
        assert app.open_database(village_db.path, "测试员") is None
    finally:
        holder.close()
    assert "数据文件正在使用" in messages[0]
    assert "另一个" in messages[0]


def test_corrupt_file_offers_newest_backup(
    qtbot, monkeypatch, village_db: Database, messages: list[str]
) -> None:
    path = village_db.path
    backups.create_backup(village_db, reason="测试")
    village_db.close()
    path.write_bytes(b"this is not sqlite at all" * 100)
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, text, **kw: asked.append(text) or True)

    db = app.open_database(path, "测试员")
    assert db is not None
    try:
        assert records.count(db, HOUSEHOLDS) == 5
    finally:
        db.close()
    assert "找到最近一份完好的备份" in asked[0]
    assert messages and messages[-1].startswith("恢复完成")


def test_corrupt_file_without_backup_is_left_alone(qtbot, tmp_path: Path, messages: list[str]) -> None:
    path = tmp_path / "ecodesk.db"
    garbage = b"garbage" * 500
    path.write_bytes(garbage)
    assert app.open_database(path, "测试员") is None
    assert "没有找到可用的备份" in messages[0]
    assert path.read_bytes() == garbage


def test_file_from_newer_version_is_refused(qtbot, village_db: Database, messages: list[str]) -> None:
    path = village_db.path
    village_db.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
    assert app.open_database(path, "测试员") is None
    assert "数据文件版本较新" in messages[0]


def test_operator_choice(qtbot, monkeypatch, db: Database) -> None:
    data_settings.save(db, operators=["王晓燕"])
    assert app.choose_operator(db, None) == "王晓燕"  # the only one: no question asked

    data_settings.save(db, operators=["王晓燕", "李明"])
    monkeypatch.setattr(OperatorDialog, "ask", classmethod(lambda cls, parent, ops, last="": ops[1]))
    assert app.choose_operator(db, None) == "李明"
    assert machine_settings.last_operator() == "李明"

    assert app.choose_operator(db, "赵新") == "赵新"  # given on the command line: added to the list
    assert data_settings.load(db).operators == ["王晓燕", "李明", "赵新"]

    monkeypatch.setattr(OperatorDialog, "ask", classmethod(lambda cls, parent, ops, last="": None))
    assert app.choose_operator(db, None) is None


def test_start_with_db_argument(qtbot, monkeypatch, db_path: Path) -> None:
    monkeypatch.delenv("ECODESK_DB", raising=False)
    args = argparse.Namespace(db=db_path, operator="王晓燕")
    started = app.start(args)
    assert started is not None
    db, demo = started
    try:
        assert demo is False
        assert db.operator == "王晓燕"
        assert machine_settings.last_db_path() == db.path
    finally:
        db.close()


def test_first_start_runs_the_wizard(qtbot, monkeypatch, tmp_path: Path) -> None:
    from ui.shell.wizard import FirstStartWizard, WizardResult

    monkeypatch.delenv("ECODESK_DB", raising=False)
    monkeypatch.setattr(
        FirstStartWizard,
        "ask",
        classmethod(lambda cls, parent=None: WizardResult(tmp_path, "清河镇", "王晓燕", True)),
    )
    started = app.start(argparse.Namespace(db=None, operator=None))
    assert started is not None
    db, demo = started
    try:
        assert demo is True
        assert data_settings.load(db).town_name == "清河镇"
    finally:
        db.close()


def test_parse_args_and_font_choice() -> None:
    args = app.parse_args(["--db", "x.db", "--operator", "王晓燕", "-platform", "offscreen"])
    assert (args.db, args.operator) == (Path("x.db"), "王晓燕")
    from ui.shell.fonts import BUNDLED_HEI, choose_ui_family

    assert choose_ui_family(["Arial", "Microsoft YaHei"], platform="win32") == "Microsoft YaHei"
    assert choose_ui_family(["Arial"], platform="win32") == BUNDLED_HEI
    assert choose_ui_family(["Microsoft YaHei", "Noto Sans CJK SC"], platform="linux") == "Noto Sans CJK SC"


def test_bundled_fonts_load(qtbot) -> None:
    from ui.shell.fonts import BUNDLED_HEI, load_bundled_fonts

    families = load_bundled_fonts()
    assert BUNDLED_HEI in families


def test_a_missing_remembered_file_is_said_and_not_recreated(
    qtbot, monkeypatch, tmp_path: Path, messages: list[str]
) -> None:
    """Last time the data was on a USB stick that is not plugged in now: the clerk is asked what to
    do (here 退出: the program quits), and nothing is created where it was."""
    from ui.shell.missing_data_file import Answer, Choice, MissingDataFileDialog

    monkeypatch.delenv("ECODESK_DB", raising=False)
    gone = tmp_path / "E盘" / "EcoDesk" / "ecodesk.db"
    machine_settings.set_last_db_path(gone)
    asked: list[tuple[Path, bool]] = []
    monkeypatch.setattr(
        MissingDataFileDialog,
        "ask",
        classmethod(
            lambda cls, parent, path, **kw: asked.append((path, kw["remembered"])) or Answer(Choice.QUIT)
        ),
    )
    assert app.start(argparse.Namespace(db=None, operator="王晓燕")) is None
    assert asked == [(gone, True)]
    assert list(tmp_path.iterdir()) == []  # no file, folder, journal or lock file
    assert machine_settings.last_db_path() == gone  # still remembered for when the stick is back


def test_a_missing_file_then_the_wizard_opens_the_data_elsewhere(
    qtbot, monkeypatch, tmp_path: Path, db_path: Path, messages: list[str]
) -> None:
    from ui.shell.missing_data_file import Answer, Choice, MissingDataFileDialog
    from ui.shell.wizard import FirstStartWizard, WizardResult

    monkeypatch.delenv("ECODESK_DB", raising=False)
    monkeypatch.setattr(MissingDataFileDialog, "ask", classmethod(lambda cls, *a, **kw: Answer(Choice.NEW)))
    chosen = WizardResult(db_path.parent, "清河镇", "王晓燕", False)  # the folder that holds the data
    monkeypatch.setattr(FirstStartWizard, "ask", classmethod(lambda cls, parent=None, avoid=None: chosen))
    started = app.start(argparse.Namespace(db=tmp_path / "打错了.db", operator="王晓燕"))
    assert started is not None
    db, _demo = started
    try:
        assert db.path == db_path.resolve()
        assert not (tmp_path / "打错了.db").exists()
    finally:
        db.close()
