"""A portable install opens the data file beside the program, whatever path was remembered."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from ecodesk import paths
from ecodesk.db import Database
from ui.common import machine_settings
from ui.shell import app

pytestmark = pytest.mark.gui


def test_portable_program_opens_its_own_data_file(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "U盘" / "EcoDesk"
    stick.mkdir(parents=True)
    (stick / "EcoDesk.exe").write_bytes(b"")
    (stick / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(stick / "EcoDesk.exe"))
    monkeypatch.delenv(paths.ENV_DB, raising=False)
    data = stick / "data" / "ecodesk.db"
    Database.open(data, "张三", create=True).close()
    # Last time the stick was drive E: on another PC; that path does not exist here.
    machine_settings.set_last_db_path(tmp_path / "E盘" / "EcoDesk" / "data" / "ecodesk.db")

    started = app.start(argparse.Namespace(db=None, operator="张三", self_test=None))

    assert started is not None
    db, demo = started
    try:
        assert db.path == data.resolve()
        assert demo is False
        assert not (tmp_path / "E盘").exists()  # nothing was created at the stale remembered path
    finally:
        db.close()
