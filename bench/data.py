"""The databases the benchmarks run on: the decade-scale demo town, and a 200,000-household copy.

Both are cached under bench/.cache (keyed by the schema revision), so a second run starts at once;
``--fresh`` rebuilds them.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
from pathlib import Path

from ecodesk.db import Database
from ecodesk.db.migrate import head_revision
from ecodesk.demo import generate
from ecodesk.models import Household

CACHE = Path(__file__).resolve().parent / ".cache"
BIG_ROWS = 200_000


def _source_key() -> str:
    """Changes whenever the schema or the demo generators change, so a stale cache is never used."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha1()
    for folder in (
        root / "ecodesk" / "db" / "migrations",
        root / "ecodesk" / "demo",
        root / "resources" / "demo",
    ):
        for file in sorted(folder.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(file.name.encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:10]


def decade_db(fresh: bool = False) -> tuple[Path, float | None]:
    """The decade demo file, and how long generating it took (None when it came from the cache)."""
    path = CACHE / f"decade-{head_revision()}-{_source_key()}.db"
    if path.exists() and not fresh:
        return path, None
    CACHE.mkdir(parents=True, exist_ok=True)
    _remove(path)
    part = path.with_name(path.name + ".part")
    _remove(part)
    start = time.perf_counter()
    with Database.open(part, operator="bench", create=True) as db:
        generate(db, "decade", seed=2024)
    seconds = time.perf_counter() - start
    part.rename(path)
    return path, seconds


def big_households_db(decade: Path, fresh: bool = False) -> Path:
    """A copy of the decade file whose households are copied over and over up to 200,000 rows."""
    path = CACHE / f"{decade.stem}-households{BIG_ROWS}.db"
    if path.exists() and not fresh:
        return path
    _remove(path)
    shutil.copyfile(decade, path)
    table = Household.__table__
    columns = ", ".join(c.name for c in table.columns if c.name != "id")
    with sqlite3.connect(path) as conn:
        while True:
            have = conn.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0]
            if have >= BIG_ROWS:
                break
            conn.execute(
                f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {table.name} "
                f"ORDER BY id LIMIT ?",
                (BIG_ROWS - have,),
            )
        conn.commit()
    return path


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(path) + suffix).unlink(missing_ok=True)
