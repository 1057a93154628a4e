"""Batch of 10,000 commitment letters (SPEC §8: ≤ 20 s with progress), against a raw reportlab canvas.

The figure is the whole ``print_batch`` as the clerk runs it: generating the 10,000 commitments,
the query sorted by village and 组, filling the placeholders, laying out and writing one page per
letter with the fonts embedded and subset. The floor writes the same number of pages of 20 short
lines in the same CJK font with nothing but ``drawString``.
"""

from __future__ import annotations

from sqlalchemy import insert

from bench.context import Context
from bench.floors import reportlab_pages
from bench.harness import Report, Result, once
from ecodesk import dates
from ecodesk.db import Database
from ecodesk.documents.fonts import SONG
from ecodesk.jobs import Job
from ecodesk.models import Household
from ecodesk.services import letter_print, records, settings
from ecodesk.services.org import UNITS, add_group

TARGET = 20.0
LETTERS = 10_000
VILLAGES = 20


def run(ctx: Context, report: Report) -> None:
    path = ctx.work / "letters.db"
    out = ctx.work / "letters.pdf"
    year = dates.today().year
    with Database.open(path, operator="bench", create=True) as db:
        settings.save(db, town_name="清河镇")
        rows = []
        for v in range(VILLAGES):
            unit = records.create(db, UNITS, {"name": f"第{v + 1}村", "kind": "村", "sort_order": v})
            with db.session() as session:
                groups = [add_group(session, unit.id, f"{g}组").id for g in range(1, 10)]
            for n in range(LETTERS // VILLAGES):
                rows.append({"head_name": f"户主{v}-{n}", "village_id": unit.id, "group_id": groups[n % 9]})
        with db.session() as session:
            session.execute(insert(Household), rows)
        fonts = letter_print.fonts_for(db)  # registered once per process, as in the app
        reports: list[int] = []
        job = Job(progress=lambda done, total, message: reports.append(done))
        result: list[letter_print.PrintResult] = []
        seconds = once(
            lambda: result.append(letter_print.print_batch(db, year, "禁烧承诺书", out, fonts=fonts, job=job))
        )
    pages = result[0].pages
    floor = reportlab_pages(ctx.work / "floor.pdf", pages, fonts.alias(SONG))
    size_mb = out.stat().st_size / 1e6
    report.add(
        Result(
            "batch of 10,000 commitment letters",
            seconds,
            TARGET,
            "raw reportlab canvas, same font",
            floor,
            f"{pages:,} pages, {size_mb:.0f} MB, {len(reports)} progress reports",
        )
    )
