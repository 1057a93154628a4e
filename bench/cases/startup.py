"""Launch to a usable main window (SPEC §8: ≤ 1.5 s), against a bare Qt window."""

from __future__ import annotations

from bench.context import Context
from bench.floors import process_ready
from bench.harness import Report, Result

TARGET = 1.5


def run(ctx: Context, report: Report) -> None:
    db = ctx.scratch_copy(ctx.decade, "startup.db")
    bare = min(process_ready(["--bare"]) for _ in range(3))
    first = process_ready(["--db", str(db)])  # pays the day's automatic backup
    again = min(process_ready(["--db", str(db)]) for _ in range(3))
    report.add(
        Result(
            "start to usable main window", again, TARGET, "bare QMainWindow", bare, "decade demo, best of 3"
        )
    )
    report.add(
        Result(
            "first start of the day (with auto-backup)", first, None, "bare QMainWindow", bare, "decade demo"
        )
    )
