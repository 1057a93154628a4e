"""``python -m bench``: measure SPEC §8 on the decade demo and write bench/results/latest.txt."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.cases import CASES
from bench.context import Context
from bench.data import big_households_db, decade_db
from bench.harness import HEADER, RULE, Report, Result

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached demo databases")
    parser.add_argument("--quick", action="store_true", help="one repetition instead of best of three")
    parser.add_argument("--only", help="comma-separated cases: " + ", ".join(CASES))
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for latest.txt / latest.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    wanted = args.only.split(",") if args.only else list(CASES)
    unknown = [name for name in wanted if name not in CASES]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")

    started = time.perf_counter()
    report = Report()
    print("preparing the decade demo database …", flush=True)
    decade, generated = decade_db(args.fresh)
    big = big_households_db(decade, args.fresh)
    print(HEADER)
    print(RULE)
    if generated is not None:
        report.add(Result("demo data, decade scale (generate)", generated, None, detail=decade.name))
    work = Path(tempfile.mkdtemp(prefix="ecodesk-bench-"))
    try:
        ctx = Context(decade=decade, big=big, work=work, quick=args.quick)
        for name in wanted:
            CASES[name](ctx, report)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    slow = [r for r in report.results if r.verdict == "SLOW"]
    report.note(f"total bench time {time.perf_counter() - started:.0f} s; {len(slow)} figure(s) over target")
    path = report.write(args.out)
    print(f"\nwritten to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
