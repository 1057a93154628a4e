"""Benchmark cases, run in this order. A module's case is a ``run(ctx, report)`` function."""

from __future__ import annotations

from collections.abc import Callable

from bench.cases import appraisal, backup, encryption, letters, lists, startup, xlsx
from bench.context import Context
from bench.harness import Report

CASES: dict[str, Callable[[Context, Report], None]] = {
    "startup": startup.run,
    "lists": lists.run,
    "xlsx": xlsx.run,
    "backup": backup.run,
    "encryption": encryption.run,
    "letters": letters.run,
    "appraisal": appraisal.run,
}
