"""Year-end appraisal compute (SPEC §8: ≤ 1 s) and the 工作台 numbers (first page: well under 300 ms).

The appraisal figure is ``appraisal.compute`` for the current year of the decade demo: every item's
rule over every village, evidence gathered and the scores written in one transaction. Its floor is
the bare SQLite reading the same rows the rules read (fire points, problems, deliverables, letters,
patrol counts per month, complaints of the year). The dashboard figure is ``dashboard.load``; its
floor the bare counts it shows.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from bench.context import Context
from bench.harness import Report, Result, best_of
from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import appraisal, dashboard

TARGET = 1.0
DASHBOARD_TARGET = 0.3


def _floor_rules(path: Path, year: int) -> float:
    start, end = f"{year}-01-01", f"{year}-12-31"
    statements = (
        "SELECT village_id, id, date, place, source FROM fire_points WHERE deleted_at IS NULL AND date BETWEEN ? AND ?",
        "SELECT village_id, id, found_date, place, deadline, status, rectified_date, description FROM problems "
        "WHERE deleted_at IS NULL AND found_date BETWEEN ? AND ?",
        "SELECT village_id, strftime('%m', date), count(*) FROM patrols WHERE deleted_at IS NULL AND date BETWEEN ? AND ? "
        "GROUP BY 1, 2",
        "SELECT village_id, id, received_date, content, deadline, reply_date FROM complaints "
        "WHERE deleted_at IS NULL AND received_date BETWEEN ? AND ?",
        "SELECT t.unit_id, d.id, d.due_date FROM campaign_targets t JOIN campaign_deliverables d ON d.id = t.deliverable_id "
        "WHERE d.due_date BETWEEN ? AND ?",
    )
    conn = sqlite3.connect(path)

    def run() -> None:
        for sql in statements:
            conn.execute(sql, (start, end)).fetchall()
        conn.execute(
            "SELECT village_id, sum(status != '作废'), sum(status = '已签') FROM commitments WHERE year = ? GROUP BY 1",
            (year,),
        ).fetchall()

    try:
        return best_of(run)
    finally:
        conn.close()


def _floor_dashboard(path: Path, today: date) -> float:
    conn = sqlite3.connect(path)
    day = today.isoformat()

    def run() -> None:
        conn.execute("SELECT village_id, count(*) FROM patrols WHERE date = ? GROUP BY 1", (day,)).fetchall()
        conn.execute(
            "SELECT count(*) FROM problems WHERE status IN ('待整改', '整改中') AND deadline < ?", (day,)
        ).fetchall()
        conn.execute(
            "SELECT count(*) FROM fire_points WHERE date >= ?", (today.replace(day=1).isoformat(),)
        ).fetchall()
        conn.execute(
            "SELECT kind, status, count(*) FROM commitments WHERE year = ? GROUP BY 1, 2", (today.year,)
        ).fetchall()

    try:
        return best_of(run)
    finally:
        conn.close()


def run(ctx: Context, report: Report) -> None:
    path = ctx.scratch_copy(ctx.decade, "appraisal.db")
    today = dates.today()
    with Database.open(path, operator="bench") as db:
        appraisal.ensure_scheme(db, today.year)
        if appraisal.sheet(db, today.year).locked:
            appraisal.unlock(db, today.year, "bench")
        results: list[appraisal.ComputeResult] = []
        seconds = best_of(lambda: results.append(appraisal.compute(db, today.year)))
        floor = _floor_rules(path, today.year)
        detail = f"{results[-1].villages} villages × {results[-1].items} items"
        report.add(
            Result(
                "appraisal compute (one year)",
                seconds,
                TARGET,
                "raw SQLite reads of the rules",
                floor,
                detail,
            )
        )
        dash = best_of(lambda: dashboard.load(db, today))
        report.add(
            Result(
                "工作台 numbers", dash, DASHBOARD_TARGET, "raw SQLite counts", _floor_dashboard(path, today)
            )
        )
