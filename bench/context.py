"""What the cases get: the databases, a scratch folder, and whether this is a quick run."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Context:
    decade: Path  # the cached decade demo file: read it, never change it
    big: Path  # decade + households up to 200,000 rows: read only
    work: Path  # scratch folder, removed after the run
    quick: bool = False

    def scratch_copy(self, source: Path, name: str) -> Path:
        """A private copy of a cached database that a case may change (open it, back it up, ...)."""
        target = self.work / name
        shutil.copyfile(source, target)
        return target
