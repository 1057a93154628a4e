"""Opening, creating, upgrading and refusing data files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from ecodesk.db import Database, backups, migrate
from ecodesk.db.base import Base
from ecodesk.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    MissingDatabaseError,
    SchemaTooNewError,
    UpgradeNeedsLockError,
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_is_created_stamped_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with Database.open(path, "甲", create=True) as db:
        assert db.schema_revision() == migrate.head_revision()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*"))


@pytest.mark.parametrize("lock", [False, True])
def test_a_missing_file_is_refused_and_nothing_is_created(tmp_path: Path, lock: bool) -> None:
    """A mistyped path is an error, not a new empty file: no file, folder, journal or lock file."""
    for path in (tmp_path / "ecodesk.db", tmp_path / "打错的文件夹" / "ecodesk.db"):
        with pytest.raises(MissingDatabaseError) as caught:
            Database.open(path, "甲", lock=lock)
        assert str(caught.value) == f"找不到数据文件 {path}（新建请用 ecodesk init）"
        assert caught.value.path == path
    assert _names(tmp_path) == []


def test_an_empty_file_or_a_folder_is_not_a_data_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(MissingDatabaseError, match="空文件（0 字节）.*新建请用 ecodesk init"):
        Database.open(empty, "甲", lock=True)
    assert empty.stat().st_size == 0 and _names(tmp_path) == ["empty.db"]
    with pytest.raises(MissingDatabaseError, match="是一个文件夹"):
        Database.open(tmp_path, "甲")
    with Database.open(empty, "甲", create=True) as db:  # init may use an empty file
        assert db.schema_revision() == migrate.head_revision()


def test_an_empty_sqlite_file_is_created_into_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "blank.db"
    sqlite3.connect(path).execute("PRAGMA user_version = 1").connection.close()
    with pytest.raises(CorruptDatabaseError, match="空的 SQLite 数据库.*新建请用 ecodesk init"):
        Database.open(path, "甲")
    Database.open(path, "甲", create=True).close()


def _old_file(path: Path) -> Path:
    """A data file as an early EcoDesk left it (in WAL mode, as EcoDesk always writes)."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode = WAL")
        migrate.upgrade(conn, "0001")
    engine.dispose()
    return path


def test_only_the_lock_holder_upgrades(tmp_path: Path) -> None:
    """Without the lock (a read-only command, the password check) another window may be using the
    file: the upgrade is refused and the file left as it was; with the lock it goes ahead."""
    path = _old_file(tmp_path / "old.db")
    before = _sha(path)
    with pytest.raises(UpgradeNeedsLockError, match="需要升级，请先关闭其他 EcoDesk 窗口后再运行"):
        Database.open(path, "甲")
    assert _sha(path) == before and backups.list_backups(path) == []
    with Database.open(path, "甲", lock=True) as db:
        assert db.schema_revision() == migrate.head_revision()
    with Database.open(path, "乙") as db:  # an up-to-date file opens without the lock as before
        assert db.schema_revision() == migrate.head_revision()


def test_migrations_build_the_same_schema_as_the_models(tmp_path: Path) -> None:
    """Upgrading an empty file through every revision gives exactly what create_all gives."""
    engine = create_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    with engine.begin() as conn:
        migrate.upgrade(conn)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_older_stamped_file_is_upgraded_after_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        migrate.upgrade(conn, "0001")
        conn.execute(
            text(
                "INSERT INTO units (name, kind, sort_order, active, leader, phone, created_at, updated_at,"
                " created_by, updated_by, remark) VALUES ('东沟村', '村', 1, 1, '', '', '2024-01-01',"
                " '2024-01-01', '', '', '')"
            )
        )
    engine.dispose()
    with Database.open(path, "甲", lock=True) as db:
        assert db.schema_revision() == migrate.head_revision()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM units")).scalar() == "东沟村"
            assert "attachments" in {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    made = backups.list_backups(path)
    assert len(made) == 1 and made[0].reason.startswith("升级前")
    assert backups.verify_backup_file(made[0].path) == "0001"


def test_file_from_a_newer_version_is_refused_and_left_untouched(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = _sha(db_path)
    with pytest.raises(SchemaTooNewError, match="更新版本"):
        Database.open(db_path, "甲")
    assert _sha(db_path) == before


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库" * 100, encoding="utf-8")
    with pytest.raises(CorruptDatabaseError, match="不是 EcoDesk 数据文件"):
        Database.open(path, "甲")


def test_a_sqlite_file_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE things (x)")
    with pytest.raises(CorruptDatabaseError, match="缺少版本信息"):
        Database.open(path, "甲")


def test_a_damaged_file_is_reported_as_corrupt(db_path: Path) -> None:
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wipe the schema page after the header
    db_path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError):
        Database.open(db_path, "甲")


def test_second_instance_is_refused_politely(db_path: Path) -> None:
    first = Database.open(db_path, "甲", lock=True)
    try:
        with pytest.raises(DatabaseLockedError, match="另一个 EcoDesk"):
            Database.open(db_path, "乙", lock=True)
    finally:
        first.close()
    Database.open(db_path, "乙", lock=True).close()  # free again once the first one closed


def test_session_rolls_back_everything_on_error(db: Database) -> None:
    from ecodesk.models import Unit

    with pytest.raises(RuntimeError), db.session() as session:
        session.add(Unit(name="甲村", kind="村"))
        session.flush()
        raise RuntimeError("boom")
    with db.session() as session:
        assert session.query(Unit).count() == 0


def test_the_quick_revision_reading_agrees_with_alembic() -> None:
    from ecodesk.db import migrate

    scripts = migrate.script_directory()
    assert migrate.head_revision() == scripts.get_current_head()
    assert migrate.revisions() == {s.revision: s.down_revision for s in scripts.walk_revisions()}


def test_a_town_at_the_last_release_upgrades_with_its_references_intact(tmp_path: Path) -> None:
    """A demo town taken back to revision 0009 (before units, grids and households were rebuilt by
    batch migrations) upgrades on open: tables other rows point at are rebuilt without a foreign-key
    failure, every row is still there and every reference still resolves."""
    from alembic import command

    from ecodesk import demo

    path = tmp_path / "town.db"
    with Database.open(path, "甲", lock=True, create=True) as db:
        demo.generate(db, "small")
    tables = (
        "units",
        "grids",
        "grid_members",
        "people",
        "households",
        "enterprises",
        "patrols",
        "fire_points",
    )

    def counts() -> dict[str, int]:
        with sqlite3.connect(path) as conn:
            return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}

    at_head = counts()
    engine = create_engine(f"sqlite:///{path}")  # foreign keys off: the downgrade rebuilds tables too
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0009")
    engine.dispose()
    assert at_head["grids"] > 0 and at_head["patrols"] > 0

    with Database.open(path, "甲", lock=True) as db:
        assert db.schema_revision() == migrate.head_revision()
    assert counts() == at_head
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
