"""What every benchmark shares: timing, the result record, the report.

A figure alone means little on a noisy two-core machine, so each one is printed beside its SPEC
target and as a ratio to a *floor* measured in the same run: the same amount of work done by the bare
library underneath (a raw SQLite query, a raw openpyxl write-only loop, a raw reportlab canvas, a
bare Qt window). The ratio says how much our own code costs on top of the library.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` runs, in seconds (the least disturbed by other processes)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def once(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


@dataclass
class Result:
    """One measured figure."""

    name: str  # what was measured, in the words of SPEC §8
    seconds: float
    target: float | None  # SPEC §8 bound, None for figures reported for information
    floor_name: str = ""
    floor_seconds: float | None = None
    detail: str = ""  # size of the work, e.g. "200,000 rows"

    @property
    def ratio(self) -> float | None:
        if not self.floor_seconds:
            return None
        return self.seconds / self.floor_seconds

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "info"
        return "OK" if self.seconds <= self.target else "SLOW"


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, result: Result) -> Result:
        self.results.append(result)
        print(format_line(result), flush=True)
        return result

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  · {text}", flush=True)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().isoformat(timespec="seconds")
        machine = f"{platform.node()} {platform.machine()} Python {platform.python_version()}"
        data = {
            "when": stamp,
            "machine": machine,
            "results": [{**asdict(r), "ratio": r.ratio, "verdict": r.verdict} for r in self.results],
            "notes": self.notes,
        }
        (folder / "latest.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        lines = [f"# EcoDesk bench — {stamp}", "", f"Machine: {machine}", "", HEADER, RULE]
        lines += [format_line(r) for r in self.results]
        if self.notes:
            lines += ["", "Notes:"] + [f"- {n}" for n in self.notes]
        path = folder / "latest.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


HEADER = f"{'figure':<46} {'measured':>10} {'target':>8} {'verdict':>7} {'floor':>9} {'ratio':>7}  detail"
RULE = "-" * len(HEADER)


def _secs(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def format_line(r: Result) -> str:
    ratio = f"{r.ratio:.1f}×" if r.ratio is not None else "—"
    floor = _secs(r.floor_seconds)
    detail = r.detail + (f" (floor: {r.floor_name})" if r.floor_name else "")
    return f"{r.name:<46} {_secs(r.seconds):>10} {_secs(r.target):>8} {r.verdict:>7} {floor:>9} {ratio:>7}  {detail}"
