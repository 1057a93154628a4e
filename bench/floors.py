"""The floors: the same amount of work done by the bare library, measured in the same run."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from openpyxl import Workbook, load_workbook
from reportlab.pdfgen import canvas

from bench.harness import best_of


def sqlite_ids(path: Path, table: str) -> float:
    """Every live id of a table in id order, straight from sqlite3."""

    def run() -> None:
        with sqlite3.connect(path) as conn:
            conn.execute(f"SELECT id FROM {table} WHERE deleted_at IS NULL ORDER BY id").fetchall()

    return best_of(run)


def openpyxl_write(path: Path, rows: int, columns: int) -> float:
    """A write-only workbook of ``rows`` × ``columns`` short strings, no styles."""

    def run() -> None:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        row = [f"值{i}" for i in range(columns)]
        for _ in range(rows):
            ws.append(row)
        wb.save(path)

    return best_of(run, repeat=1)


def openpyxl_read(path: Path) -> float:
    """Reading every cell of a workbook in read-only mode."""

    def run() -> None:
        wb = load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
        wb.close()

    return best_of(run, repeat=1)


def reportlab_pages(path: Path, pages: int, font_name: str = "Helvetica") -> float:
    """``pages`` A4 pages of a few lines each on a raw reportlab canvas."""

    def run() -> None:
        c = canvas.Canvas(str(path))
        for i in range(pages):
            for line in range(20):
                c.drawString(72, 760 - line * 24, f"Page {i} line {line}")
            c.showPage()
        c.save()

    return best_of(run, repeat=1)


def file_copy(src: Path, dest: Path) -> float:
    def run() -> None:
        dest.write_bytes(src.read_bytes())

    return best_of(run)


def process_ready(args: list[str]) -> float:
    """Launch ``python -m bench.startup_probe ARGS`` and time it until it prints READY."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.startup_probe", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "READY":
            elapsed = time.perf_counter() - start
            break
    else:
        _out, err = proc.communicate()
        raise RuntimeError(f"start-up probe ended without READY: {err[-2000:]}")
    proc.wait(timeout=60)
    return elapsed
