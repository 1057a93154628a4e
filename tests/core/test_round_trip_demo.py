"""The clerk's move to a new PC by Excel alone: every organisation list of the demo town is exported
with the CLI and imported into an empty file in reference order, and comes back identical."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.demo import generate
from ecodesk.schema import RecordKind
from ecodesk.services import records
from ecodesk.services.org import ENTERPRISES, GRIDS, HOUSEHOLDS, PEOPLE, UNITS

# Referenced kinds first: villages before the people, grids and households that name them.
ORDER = (UNITS, PEOPLE, GRIDS, HOUSEHOLDS, ENTERPRISES)


def rows(db: Database, kind: RecordKind) -> list[tuple[object, ...]]:
    objs = records.fetch(db, kind, records.list_ids(db, kind))
    return sorted(
        (tuple(str(records.cell_value(f, obj) or "") for f in kind.fields) for obj in objs.values()), key=str
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "Traceback" not in out + err
    return out


def test_demo_town_survives_export_and_import_into_a_new_file(
    tmp_path: Path, db_path: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    generate(db, "small", seed=7)
    fresh = tmp_path / "新电脑.db"
    run(capsys, "--db", str(fresh), "init", "--town", "清河镇")
    for kind in ORDER:
        out_file = tmp_path / f"{kind.label}.xlsx"
        run(capsys, "--db", str(db_path), "export", kind.name, "--out", str(out_file))
        out = run(capsys, "--db", str(fresh), "import", kind.name, str(out_file))
        assert f"已导入 {records.count(db, kind)} 条{kind.label}记录。" in out

    with Database.open(fresh) as copy:
        for kind in ORDER:
            original = rows(db, kind)
            assert len(original) > 3, kind.label
            assert rows(copy, kind) == original, kind.label
