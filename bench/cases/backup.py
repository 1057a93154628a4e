"""Backup of the database (SPEC §8: ≤ 2 s), against copying the file."""

from __future__ import annotations

from bench.context import Context
from bench.floors import file_copy
from bench.harness import Report, Result, best_of
from ecodesk.db import Database
from ecodesk.db.backups import create_backup

TARGET = 2.0


def run(ctx: Context, report: Report) -> None:
    db_path = ctx.scratch_copy(ctx.decade, "backup.db")
    size_mb = db_path.stat().st_size / 1e6
    with Database.open(db_path, operator="bench") as db:
        seconds = best_of(lambda: create_backup(db, ctx.work / "backups", reason="bench"))
    floor = file_copy(db_path, ctx.work / "copy.db")
    report.add(
        Result(
            "backup (online, verified)", seconds, TARGET, "plain file copy", floor, f"{size_mb:.1f} MB file"
        )
    )
