"""Backup of the database (SPEC §8: ≤ 2 s), against copying the file; for information, the take-away
zip (the database deflated, with the manifest's record counts) and counting the records of 20 backups
as the restore list does."""

from __future__ import annotations

from bench.context import Context
from bench.floors import file_copy
from bench.harness import Report, Result, best_of
from ecodesk.db import Database
from ecodesk.db.backups import create_backup, create_takeaway, list_backups, record_counts

TARGET = 2.0


def run(ctx: Context, report: Report) -> None:
    db_path = ctx.scratch_copy(ctx.decade, "backup.db")
    size_mb = db_path.stat().st_size / 1e6
    with Database.open(db_path, operator="bench") as db:
        seconds = best_of(lambda: create_backup(db, ctx.work / "backups", reason="bench"))
        takeaway_dir = ctx.work / "takeaway"
        takeaway_dir.mkdir(exist_ok=True)
        zipped = best_of(lambda: create_takeaway(db, takeaway_dir), repeat=1)
        made = list_backups(db_path, ctx.work / "backups")[:20]
        counting = best_of(lambda: [record_counts(info.path) for info in made])
    zip_mb = sum(p.stat().st_size for p in takeaway_dir.glob("*.zip")) / 1e6
    floor = file_copy(db_path, ctx.work / "copy.db")
    report.add(
        Result(
            "backup (online, verified)", seconds, TARGET, "plain file copy", floor, f"{size_mb:.1f} MB file"
        )
    )
    report.add(Result("take-away backup (zip, verified)", zipped, None, detail=f"{zip_mb:.1f} MB zip"))
    report.add(Result("record counts of the listed backups", counting, None, detail=f"{len(made)} backups"))
