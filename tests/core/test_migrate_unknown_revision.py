"""Revisions the program does not know (issue 20, point 6), as an upgrade over an old install or a
file from a newer EcoDesk leaves them: a clear Chinese message, never an assertion or a traceback,
and the data file left as it was.

- An extra revision file left in ``{app}\\_internal`` by an earlier version (a migration renamed or
  replaced since): the installer now deletes ``{app}\\_internal`` first ([InstallDelete]); a folder
  copied over by hand can still carry one, and then the program says what to do.
- A data file stamped with a revision this program does not know (opened by an older EcoDesk).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecodesk.cli import main
from ecodesk.db import Database, backups, migrate
from ecodesk.errors import DatabaseError, SchemaTooNewError

ROOT = Path(__file__).resolve().parents[2]
GUIDANCE = "请重新运行 EcoDesk 安装程序"


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped migrations the program reads instead, to leave old files in."""
    folder = tmp_path / "_internal" / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", folder)
    _forget()
    yield folder / "versions"
    monkeypatch.undo()
    _forget()


def _forget() -> None:
    migrate._parsed.cache_clear()
    migrate._checked.cache_clear()


def _leave_old_file(versions: Path, name: str, revision: str, down: str) -> None:
    (versions / name).write_text(
        f'"""An earlier version\'s file."""\nrevision = {revision!r}\ndown_revision = {down!r}\n\n\n'
        "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n",
        encoding="utf-8",
    )


def _stamp(path: Path, revision: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.close()


def test_a_left_over_revision_file_is_named_with_what_to_do(
    db_path: Path, shipped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = migrate.head_revision()
    before = db_path.read_bytes()
    _leave_old_file(shipped, f"{head}_old_name.py", f"{head}a", str(migrate.revisions()[head]))  # a sibling
    _forget()

    with pytest.raises(DatabaseError) as refused:  # was: AssertionError (two heads)
        Database.open(db_path)
    message = str(refused.value)
    assert f"{head}_old_name.py" in message and GUIDANCE in message and "数据文件没有被改动" in message

    assert main(["--db", str(db_path), "check"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：程序文件夹中的数据升级文件有冲突") and "AssertionError" not in err
    assert "程序内部出错" not in err
    assert db_path.read_bytes() == before


def test_a_file_naming_a_missing_revision_is_refused_clearly(db_path: Path, shipped: Path) -> None:
    _leave_old_file(shipped, "0099_from_elsewhere.py", "0099", "0098")
    _forget()
    with pytest.raises(DatabaseError, match=r"0099_from_elsewhere\.py 所接的版本 0098 不存在"):
        Database.open(db_path)


def test_a_renamed_revision_left_twice_opens_an_up_to_date_file_but_refuses_an_upgrade(
    db_path: Path, tmp_path: Path, shipped: Path
) -> None:
    head = migrate.head_revision()
    first = sorted(shipped.glob("0001_*.py"))[0]
    shutil.copyfile(first, shipped / "0001_renamed_since.py")  # same revision, two files
    _forget()

    with Database.open(db_path) as db:  # at the head already: nothing of the two files runs
        assert db.schema_revision() == head

    old = tmp_path / "old.db"
    shutil.copyfile(db_path, old)
    _stamp(old, "0011")  # a file the upgrade would migrate
    with pytest.raises(DatabaseError) as refused:
        Database.open(old, lock=True)
    assert f"版本 0001 同时出现在 {first.name}、0001_renamed_since.py 中" in str(refused.value)
    assert GUIDANCE in str(refused.value)
    assert _revision(old) == "0011"  # not upgraded


def _revision(path: Path) -> str:
    with sqlite3.connect(backups.read_only_uri(path), uri=True) as conn:
        value = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    conn.close()
    return str(value)


def test_a_file_from_a_newer_program_is_refused_in_chinese_and_left_alone(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _stamp(db_path, "0042")
    before = db_path.read_bytes()

    with pytest.raises(SchemaTooNewError, match="由更新版本的 EcoDesk 创建（数据版本 0042）"):
        Database.open(db_path)
    assert main(["--db", str(db_path), "check"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "请安装最新版本的 EcoDesk" in err and "Traceback" not in err
    with pytest.raises(SchemaTooNewError, match="无法恢复"):
        backups.verify_backup_file(db_path)  # the same file offered as a backup to restore
    assert db_path.read_bytes() == before


def test_the_installer_clears_the_old_program_files_before_copying() -> None:
    script = (ROOT / "packaging" / "installer.iss").read_text(encoding="utf-8-sig")
    sections = re.split(r"(?m)^(?=\[\w+\])", script)
    (install_delete,) = [s for s in sections if s.startswith("[InstallDelete]")]
    entries = [line for line in install_delete.splitlines() if line and not line.startswith((";", "["))]
    assert entries == ['Type: filesandordirs; Name: "{app}\\_internal"']
    order = [s.split("]")[0] for s in sections if s.startswith("[")]
    assert order.index("[InstallDelete") < order.index("[Files")
