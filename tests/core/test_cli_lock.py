"""The command line and the GUI on one data file: a command that writes takes the file lock.

While a window holds the lock (``Database.open(path, lock=True)``, as the GUI opens the file), every
writing command exits 1 with the one-line “已被另一个 EcoDesk 窗口打开” message and leaves the
data untouched; once the window closes, the same command line succeeds and does change the data
(so each case is a real write, with realistic arguments). Read-only commands keep working beside
the window, as they always have. ``letters generate/print/sign`` used to open the file without the
lock and wrote under the open window.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from ecodesk import demo
from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.paths import attachments_dir
from ecodesk.services import appraisal

LOCKED = "已被另一个 EcoDesk 窗口打开"


@dataclass(frozen=True)
class Town:
    """A copy of the small demo town for one test, and the facts its command lines need."""

    path: Path
    year: int  # the demo's year (appraisal computed, letters generated)
    tmp: Path

    def value(self, sql: str) -> object:
        with closing(sqlite3.connect(self.path)) as conn:
            row = conn.execute(sql).fetchone()
        assert row is not None and row[0] is not None, sql
        return row[0]

    def id(self, sql: str) -> int:
        return int(str(self.value(sql)))


@pytest.fixture(scope="module")
def _demo_town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "ecodesk.db"
    with Database.open(path, operator="测试", create=True) as db:
        demo.generate(db, scale="small")
    return path


@pytest.fixture
def town(_demo_town: Path, tmp_path: Path) -> Town:
    path = tmp_path / "town" / "ecodesk.db"
    path.parent.mkdir()
    shutil.copyfile(_demo_town, path)
    shutil.copytree(attachments_dir(_demo_town), attachments_dir(path))  # issued documents' PDFs
    with closing(sqlite3.connect(path)) as conn:
        (year,) = conn.execute("SELECT max(year) FROM appraisal_schemes").fetchone()
    return Town(path, int(year), tmp_path)


def fingerprint(path: Path) -> tuple[str, tuple[str, ...]]:
    """Everything a command could change: every row of every table, and the attachment files."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        dump = "\n".join(conn.iterdump())
    files = attachments_dir(path)
    return dump, tuple(sorted(str(p.relative_to(files)) for p in files.rglob("*")))


@contextmanager
def window_open(path: Path) -> Iterator[Database]:
    """The GUI's hold on the file: opened with the lock and kept open."""
    db = Database.open(path, operator="窗口", lock=True)
    try:
        yield db
    finally:
        db.close()


def run(capsys: pytest.CaptureFixture[str], path: Path, argv: list[str]) -> tuple[int, str, str]:
    code = main(["--db", str(path), "-q", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


Argv = Callable[[Town], list[str]]


def argv(spec: str | Argv, town: Town) -> list[str]:
    """A case's command line: a template split on spaces first ({year}, {next} year, {tmp} folder), or
    a function that prepares the file and returns it."""
    if callable(spec):
        return spec(town)
    return [part.format(year=town.year, next=town.year + 1, tmp=town.tmp) for part in spec.split()]


# -- writing commands ------------------------------------------------------------------------------


def _households(town: Town) -> list[str]:
    xlsx = town.tmp / "花名册.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in (["户主", "村", "电话"], ["张三", "史家坡村", 13800001111], ["李四", "贺庄村", None]):
        ws.append(row)
    wb.save(xlsx)
    return ["import", "households", str(xlsx)]


def _restore(town: Town) -> list[str]:
    older = town.tmp / "备份" / "ecodesk-20240101-080000.db"
    older.parent.mkdir()
    with Database.open(older, operator="测试", create=True):
        pass  # an empty but valid data file, as a backup from before the demo town
    return ["restore", str(older)]


def _issue(town: Town) -> list[str]:
    draft = town.id("SELECT min(id) FROM documents WHERE status = '草稿' AND kind = '通知'")
    return ["doc", "issue", str(draft)]


def _void(town: Town) -> list[str]:
    issued = town.id("SELECT min(id) FROM documents WHERE status = '已印发'")
    return ["doc", "void", str(issued), "--reason", "日期有误"]


def _notice(town: Town) -> list[str]:
    unit = town.value(
        "SELECT u.name FROM problems p JOIN units u ON u.id = p.responsible_unit_id"
        " WHERE p.status IN ('待整改', '整改中') AND p.deleted_at IS NULL ORDER BY p.id"
    )
    return [
        "doc",
        "notice",
        "rectification",
        "--unit",
        str(unit),
        *argv("--out {tmp}/通知书.pdf --draft", town),
    ]


def _sign(town: Town) -> list[str]:
    pending = town.id(f"SELECT min(id) FROM commitments WHERE status = '待签' AND year = {town.year}")
    return ["letters", "sign", "--year", str(town.year), f"C{pending:06d}"]


def _export_next_year(town: Town) -> list[str]:
    with Database.open(town.path, operator="测试") as db:
        appraisal.ensure_scheme(db, town.year + 1)  # the clerk set up next year's scheme: not computed yet
    return ["appraisal", "export", "--year", str(town.year + 1), "--out", str(town.tmp / "考核表.xlsx")]


def _unlock(town: Town) -> list[str]:
    with Database.open(town.path, operator="测试") as db:
        appraisal.finalise(db, town.year)
    return ["appraisal", "unlock", "--year", str(town.year), "--reason", "村里补交了材料"]


WRITING: dict[str, str | Argv] = {
    "init": "init --town 清水镇",
    "demo": "demo --scale small",  # on an empty file, see below
    "restore": _restore,
    "import": _households,
    "doc new": "doc new --kind 函",
    "doc issue": _issue,
    "doc void": _void,
    "doc circular": "doc circular rectification --from {year}-01-01 --to {year}-12-31 --out {tmp}/通报.pdf --draft",
    "doc notice": _notice,
    "letters generate": "letters generate --year {next}",
    "letters print": "letters print --kind 禁烧承诺书 --year {next} --out {tmp}/承诺书.pdf",
    "letters sign": _sign,
    "appraisal compute": "appraisal compute --year {next}",
    "appraisal export": _export_next_year,
    "appraisal finalise": "appraisal finalise --year {year}",
    "appraisal unlock": _unlock,
    "appraisal circular": "appraisal circular --year {year}",
}


@pytest.mark.parametrize("name", list(WRITING))
def test_a_writing_command_refuses_while_the_file_is_open(
    name: str, town: Town, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = db_path if name == "demo" else town.path  # demo fills only an empty file
    line = argv(WRITING[name], town)
    before = fingerprint(path)

    with window_open(path):
        code, out, err = run(capsys, path, line)
        assert code == 1, out
        assert err.startswith("错误：数据文件") and LOCKED in err and err.strip().count("\n") == 0, err
        assert fingerprint(path) == before

    code, out, err = run(capsys, path, line)  # the window closed: the same command line works
    assert code == 0, err
    assert fingerprint(path) != before


# -- read-only commands ----------------------------------------------------------------------------


READ_ONLY: dict[str, str | Argv] = {
    "check": "check",
    "backup": "backup --to {tmp}/U盘",
    "export": "export households --village 史家坡村 --out {tmp}/农户.xlsx",
    "print": "print problems --year {year} --out {tmp}/问题.pdf",
    "doc list": "doc list",
    "doc pdf": "doc pdf 1 --out {tmp}/公文.pdf",
    "letters coverage": "letters coverage --year {year}",
    "letters coverage --out": "letters coverage --year {year} --out {tmp}/签订率.xlsx",
    "report daily": "report daily --date {year}-10-15 --out {tmp}/日报.pdf",
    "report weekly": "report weekly --date {year}-10-15 --out {tmp}/周汇总.xlsx",
    "report monthly": "report monthly --month {year}-10 --out {tmp}/月汇总.xlsx",
    "report fires": "report fires --year {year} --out {tmp}/火点.xlsx",
    "report reminders": "report reminders --date {year}-10-15",
}


@pytest.mark.parametrize("name", list(READ_ONLY))
def test_a_read_only_command_works_beside_the_open_window(
    name: str, town: Town, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(town.path)
    with window_open(town.path):
        code, out, err = run(capsys, town.path, argv(READ_ONLY[name], town))
        assert code == 0, err
        assert LOCKED not in err
        assert fingerprint(town.path) == before
