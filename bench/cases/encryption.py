"""A data file with an opening password (issue 18), against the same file without one: opening the
decade file (lock, schema check, a first read of every patrol) and backing it up (online backup,
verified), each with its ratio to the plain file; for information, setting the password (the
verified conversion in place) and deriving the key from the password (PBKDF2, 256,000 rounds)."""

from __future__ import annotations

from pathlib import Path

from bench.context import Context
from bench.harness import Report, Result, best_of, once
from ecodesk.db import Database, cipher
from ecodesk.db.backups import create_backup
from ecodesk.services import access

PASSWORD = "bench-口令-2026"


def _open_and_read(path: Path, key: cipher.Key | None) -> None:
    with Database.open(path, operator="bench", lock=True, key=key) as db, db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT count(*), max(length(findings)) FROM patrols").fetchone()


def run(ctx: Context, report: Report) -> None:
    plain = ctx.scratch_copy(ctx.decade, "plain.db")
    encrypted = ctx.scratch_copy(ctx.decade, "encrypted.db")
    size_mb = plain.stat().st_size / 1e6

    with Database.open(encrypted, operator="bench", lock=True) as db:
        converting = once(lambda: access.set_password(db, PASSWORD))
    cipher.forget_all()
    deriving = best_of(lambda: cipher.key_for(encrypted, PASSWORD))
    key = cipher.key_for(encrypted, PASSWORD)

    open_plain = best_of(lambda: _open_and_read(plain, None))
    open_encrypted = best_of(lambda: _open_and_read(encrypted, key))
    with Database.open(plain, operator="bench") as db:
        backup_plain = best_of(lambda: create_backup(db, ctx.work / "bk-plain", reason="bench"))
    with Database.open(encrypted, operator="bench", key=key) as db:
        backup_encrypted = best_of(lambda: create_backup(db, ctx.work / "bk-encrypted", reason="bench"))
    cipher.forget_all()

    detail = f"decade demo, {size_mb:.1f} MB"
    report.add(Result("open + read patrols, plain file", open_plain, None, detail=detail))
    report.add(
        Result("open + read patrols, encrypted", open_encrypted, None, "plain file", open_plain, detail)
    )
    report.add(Result("backup (online, verified), plain file", backup_plain, None, detail=detail))
    report.add(
        Result(
            "backup (online, verified), encrypted", backup_encrypted, None, "plain file", backup_plain, detail
        )
    )
    report.add(Result("set password (encrypt in place, verified)", converting, None, detail=detail))
    report.add(Result("key from password (PBKDF2-SHA512 256k)", deriving, None, detail="once per open"))
