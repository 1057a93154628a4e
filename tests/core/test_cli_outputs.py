"""Every command that writes a file, pointed at an output that cannot be written: exit non-zero with
one Chinese line on stderr, and never a traceback or an “Exception ignored” — not even the ones
Python prints at interpreter exit, which is why each command runs in a process of its own.

The failing outputs: a folder that is not there (two levels missing: a mistyped path, a USB stick not
plugged in), a “folder” that is a regular file (which fails for root too, where ``chmod 0o500`` does
not), a folder without write permission (only when not root), and a full file system (a small
tmpfs, where the machine lets the test mount one). Before this, the xlsx reports printed
“Exception ignored … ValueError: I/O operation on closed file” after the message: their write-only
workbooks were left open when the save failed, and a full disk during an import printed a 49-line
traceback (a service's log record) above it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from ecodesk.cli import main
from ecodesk.paths import attachments_dir

DATA = Path(__file__).parent / "data"
PARALLEL = 4  # processes at once: most of each one's time is Python starting up


@dataclass(frozen=True)
class Town:
    path: Path
    year: int
    issued: int  # an issued document's id
    unit: str  # a unit with open problems


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Town:
    path = tmp_path_factory.mktemp("town") / "ecodesk.db"
    assert main(["--db", str(path), "-q", "init", "--town", "清河镇"]) == 0
    assert main(["--db", str(path), "-q", "demo", "--scale", "small"]) == 0
    with closing(sqlite3.connect(path)) as conn:
        (year,) = conn.execute("SELECT max(year) FROM appraisal_schemes").fetchone()
        (issued,) = conn.execute("SELECT min(id) FROM documents WHERE status = '已印发'").fetchone()
        (unit,) = conn.execute(
            "SELECT u.name FROM problems p JOIN units u ON u.id = p.responsible_unit_id"
            " WHERE p.status IN ('待整改', '整改中') AND p.deleted_at IS NULL ORDER BY p.id"
        ).fetchone()
    return Town(path, int(year), int(issued), str(unit))


# Every command that writes a file (``ecodesk --help`` and each group's help), with ``{out}`` where
# its file goes. ``report reminders`` and ``appraisal circular`` write no file (a list on the screen,
# a draft in the register) and so are not here.
COMMANDS: dict[str, str] = {
    "export": "export patrols --out {out}.xlsx",
    "print": "print problems --out {out}.pdf",
    "doc render": "doc render {data}/documents_003.json --out {out}.pdf",
    "doc pdf": "doc pdf {issued} --out {out}.pdf",
    "doc circular": "doc circular rectification --from {year}-01-01 --to {year}-12-31 --out {out}.pdf",
    "doc notice": "doc notice rectification --unit {unit} --out {out}.pdf",
    "report daily pdf": "report daily --date {year}-10-15 --out {out}.pdf",
    "report daily table": "report daily --date {year}-10-15 --table --out {out}.pdf",
    "report daily xlsx": "report daily --date {year}-10-15 --out {out}.xlsx",
    "report weekly": "report weekly --date {year}-10-15 --out {out}.xlsx",
    "report monthly": "report monthly --month {year}-10 --out {out}.xlsx",
    "report fires": "report fires --year {year} --out {out}.xlsx",
    "letters print": "letters print --kind 禁烧承诺书 --year {year} --out {out}.pdf",
    "letters coverage xlsx": "letters coverage --year {year} --out {out}.xlsx",
    "letters coverage pdf": "letters coverage --year {year} --out {out}.pdf",
    "appraisal export": "appraisal export --year {year} --out {out}.xlsx",
    "backup": "backup --to {out}",
}


def argv(town: Town, name: str, out: Path, copies: Path) -> list[str]:
    """The command line of ``name`` on a copy of the town of its own (several run at once, and the
    writing ones take the file lock), writing to ``out``."""
    folder = copies / name.replace(" ", "_")
    folder.mkdir(parents=True)
    path = folder / town.path.name
    shutil.copyfile(town.path, path)
    shutil.copytree(attachments_dir(town.path), attachments_dir(path))
    words = COMMANDS[name].split()
    return [
        "--db",
        str(path),
        "-q",
        *(w.format(out=out, data=DATA, year=town.year, issued=town.issued, unit=town.unit) for w in words),
    ]


def run_all(lines: dict[str, list[str]]) -> dict[str, subprocess.CompletedProcess[str]]:
    """Each command line in a process of its own, a few at a time."""
    results: dict[str, subprocess.CompletedProcess[str]] = {}
    pending = list(lines.items())
    while pending:
        batch, pending = pending[:PARALLEL], pending[PARALLEL:]
        procs = {
            name: subprocess.Popen(
                [sys.executable, "-m", "ecodesk.cli", *line],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
            for name, line in batch
        }
        for name, proc in procs.items():
            out, err = proc.communicate(timeout=300)
            results[name] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return results


def assert_one_clean_line(name: str, result: subprocess.CompletedProcess[str], *words: str) -> str:
    everything = result.stdout + result.stderr
    assert result.returncode != 0, f"{name}: {everything}"
    assert "Traceback" not in everything and "Exception ignored" not in everything, f"{name}: {everything}"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"{name}: {result.stderr}"
    line = lines[0]
    assert line.startswith("错误：") and any("\u4e00" <= ch <= "\u9fff" for ch in line[3:]), line
    for word in words:
        assert word in line, f"{name}: {line}"
    return line


def _outputs(town: Town, out_base: Path, copies: Path) -> dict[str, list[str]]:
    return {name: argv(town, name, out_base, copies) for name in COMMANDS}


def test_an_output_in_a_missing_folder(town: Town, tmp_path: Path) -> None:
    outputs = tmp_path / "输出区"
    outputs.mkdir()
    missing = outputs / "没有这个盘" / "子文件夹"
    for name, result in run_all(_outputs(town, missing / "输出", tmp_path / "数据")).items():
        assert_one_clean_line(name, result, "找不到文件夹", str(missing.parent))
    assert list(outputs.iterdir()) == []  # nothing created on the way


def test_an_output_under_a_regular_file(town: Town, tmp_path: Path) -> None:
    outputs = tmp_path / "输出区"
    outputs.mkdir()
    blocker = outputs / "是文件不是文件夹"
    blocker.write_text("x", encoding="utf-8")
    for name, result in run_all(_outputs(town, blocker / "输出", tmp_path / "数据")).items():
        assert_one_clean_line(name, result, "不是文件夹", str(blocker))
    assert [p.name for p in outputs.iterdir()] == [blocker.name]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0o500 folder all the same")
def test_an_output_in_a_folder_without_write_permission(town: Town, tmp_path: Path) -> None:
    locked = tmp_path / "只读"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        for name, result in run_all(_outputs(town, locked / "输出", tmp_path / "数据")).items():
            assert_one_clean_line(name, result)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


# -- a full file system ----------------------------------------------------------------------------


@contextmanager
def mounted(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` at ``folder``; skips the test where it may not mount one (not root)."""
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None or os.environ.get("ECODESK_TEST_NO_MOUNT"):
        pytest.skip("a full file system needs root and mount")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path, leave: int = 0) -> None:
    """Fill the file system at ``folder`` until ``leave`` bytes (about) are free."""
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with open(folder / "filler.bin", "wb", buffering=0) as fh:
        try:
            fh.write(b"\0" * max(free - leave, 0))
            while not leave:
                fh.write(b"\0" * 4096)
        except OSError:
            pass  # full to the last block


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs filled to the last byte (a full USB stick)."""
    with mounted(tmp_path / "U盘", "256k") as folder:
        fill(folder)
        yield folder


@pytest.mark.slow
def test_an_output_on_a_full_disk(town: Town, full_disk: Path, tmp_path: Path) -> None:
    for name, result in run_all(_outputs(town, full_disk / "输出", tmp_path / "数据")).items():
        assert_one_clean_line(name, result, "磁盘已满")
    assert [p.name for p in full_disk.iterdir()] == ["filler.bin"]  # no half file, no temporary


@pytest.mark.slow
def test_a_full_disk_during_an_import_is_one_line(town: Town, tmp_path: Path) -> None:
    """The import's own log record used to print its traceback above the message."""
    roster = tmp_path / "花名册.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["户主", "村", "组", "门牌", "电话", "备注"])
    with closing(sqlite3.connect(town.path)) as conn:
        (village,) = conn.execute("SELECT name FROM units WHERE kind = '村' ORDER BY id").fetchone()
    for i in range(6000):
        ws.append([f"户主{i}", village, f"{i % 9 + 1}组", f"{village}{i}号" * 4, f"138{i:08d}", "备注" * 20])
    wb.save(roster)
    with mounted(tmp_path / "U盘", "4m") as disk:
        path = disk / "ecodesk.db"
        shutil.copyfile(town.path, path)
        fill(disk, leave=64 * 1024)  # room to start the import, not to finish it
        before = path.read_bytes()
        result = run_all({"import": ["--db", str(path), "-q", "import", "households", str(roster)]})["import"]
        assert_one_clean_line("import", result, "磁盘已满")
        assert path.read_bytes() == before
