"""The portable marker: data beside a frozen program on a USB stick, the user folder otherwise."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from ecodesk import paths


def _freeze(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Path:
    """Pretend to be the frozen EcoDesk.exe living in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / "EcoDesk.exe"
    exe.write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    monkeypatch.delenv(paths.ENV_DB, raising=False)
    return exe


def test_from_source_the_data_lives_in_the_user_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.delenv(paths.ENV_DB, raising=False)
    user = Path(platformdirs.user_data_dir("EcoDesk", appauthor=False, roaming=False))
    assert paths.program_dir() is None
    assert not paths.is_portable()
    assert paths.default_data_dir() == user
    assert paths.default_db_path() == user / "ecodesk.db"


def test_installed_without_marker_keeps_data_apart_from_the_program(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    program = tmp_path / "Programs" / "EcoDesk"
    _freeze(monkeypatch, program)
    assert paths.program_dir() == program.resolve()
    assert not paths.is_portable()
    data = paths.default_data_dir()
    # The uninstaller removes the program folder; the data must not be inside it.
    assert program.resolve() not in data.resolve().parents
    assert data != program.resolve()


def test_marker_beside_the_program_keeps_data_beside_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stick = tmp_path / "U盘" / "EcoDesk"
    _freeze(monkeypatch, stick)
    (stick / paths.PORTABLE_MARKER).write_text("portable\n", encoding="utf-8")
    assert paths.is_portable()
    assert paths.default_data_dir() == stick.resolve() / "data"
    db = paths.default_db_path()
    assert db == stick.resolve() / "data" / "ecodesk.db"
    assert paths.attachments_dir(db).parent == stick.resolve() / "data"
    assert paths.backups_dir(db).parent == stick.resolve() / "data"


def test_environment_variable_still_wins_over_the_marker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    _freeze(monkeypatch, stick)
    (stick / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    chosen = tmp_path / "elsewhere" / "town.db"
    monkeypatch.setenv(paths.ENV_DB, str(chosen))
    assert paths.default_db_path() == chosen


def test_a_folder_named_like_the_marker_is_not_a_marker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    program = tmp_path / "prog"
    _freeze(monkeypatch, program)
    (program / paths.PORTABLE_MARKER).mkdir()
    assert not paths.is_portable()


def test_marker_is_ignored_when_running_from_source(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A stray portable.txt beside a Python interpreter must not move a developer's data.
    monkeypatch.delattr(sys, "frozen", raising=False)
    (tmp_path / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    assert not paths.is_portable()
    assert paths.default_data_dir() != tmp_path / "data"


def test_resources_sit_beside_the_packages() -> None:
    # The same layout as PyInstaller's bundle (resources/ beside ecodesk/ under sys._MEIPASS);
    # the frozen case itself is proved by packaging/build_linux_smoke.sh.
    found = paths.resources_dir()
    assert (found / "fonts").is_dir()
    assert (found / "demo").is_dir()
    assert found == Path(paths.__file__).resolve().parent.parent / "resources"


def test_portable_data_file_is_found_only_when_it_exists(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    _freeze(monkeypatch, stick)
    assert paths.portable_db_path() is None  # not portable yet
    assert paths.portable_settings_dir() is None
    (stick / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    assert paths.portable_db_path() is None  # portable, but the first start has not made the file
    assert paths.portable_settings_dir() == stick.resolve() / "data"
    data = stick / "data" / "ecodesk.db"
    data.parent.mkdir()
    data.write_bytes(b"")
    assert paths.portable_db_path() == data.resolve()
