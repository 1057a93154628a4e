"""``ecodesk ledger start|close|reopen``: 台账 挂牌销号 from the command line, with the proof the 销号
dialog asks, through the same service functions, under the file lock (issue 14, leftovers)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ecodesk import dates
from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.services import ledgers, records
from ecodesk.services.org import UNITS

TODAY = date(2024, 5, 10)


@pytest.fixture
def entry_id(db: Database, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    records.create(db, UNITS, {"name": "东沟村", "kind": "村", "sort_order": 1})
    entry = records.create(
        db,
        ledgers.BARE_LAND,
        {"name": "东沟村北坡地块", "village": "东沟村", "listed_date": "2024-03-01", "cover_rate": 90},
    )
    return int(entry.id)


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "整改后.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 after the works")
    return path


def run(capsys: pytest.CaptureFixture[str], db_path: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db_path), "--operator", "李明", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_close_asks_the_proof_and_adds_nothing_when_refused(
    db: Database, db_path: Path, entry_id: int, photo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(
        capsys, db_path, "ledger", "close", str(entry_id), "--verifier", "李明", "--note", "已覆盖"
    )
    assert code == 1
    assert err.strip() == (
        "错误：整改后照片：销号须先添加至少一张整改后照片；"
        "未达标原因：覆盖率为90%，未达到100%，不符合销号条件；确需销号的，请写明原因"
    )
    # With the photo but no reason: refused before the photo is added.
    code, _out, err = run(
        capsys,
        db_path,
        "ledger",
        "close",
        str(entry_id),
        "--verifier",
        "李明",
        "--note",
        "已覆盖",
        "--photo",
        str(photo),
    )
    assert code == 1 and "未达标原因" in err and "整改后照片" not in err
    assert ledgers.files(db, entry_id)[ledgers.PHOTO_AFTER] == []
    assert records.get(db, ledgers.BARE_LAND, entry_id).status == "挂牌"
    code, _out, err = run(
        capsys,
        db_path,
        "ledger",
        "close",
        str(entry_id),
        "--verifier",
        "李明",
        "--note",
        "x",
        "--photo",
        "无此.jpg",
    )
    assert (code, err.strip()) == (1, "错误：找不到照片文件：无此.jpg")


def test_close_then_reopen_as_the_page_does(
    db: Database, db_path: Path, entry_id: int, photo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, db_path, "ledger", "start", str(entry_id), "--date", "2024-03-05")
    assert (code, err) == (0, "")
    assert out.strip() == f"裸露地块“东沟村北坡地块”（编号 {entry_id}）已开始整治（2024-03-05）"
    code, out, err = run(
        capsys,
        db_path,
        "ledger",
        "close",
        str(entry_id),
        "--verifier",
        "王核查",
        "--note",
        "东侧已覆盖",
        "--photo",
        str(photo),
        "--reason",
        "西侧为施工便道",
        "--date",
        "2024-05-01",
    )
    assert (code, err) == (0, "")
    assert out.strip() == (
        f"裸露地块“东沟村北坡地块”（编号 {entry_id}）已销号（2024-05-01，核查人 王核查，整改后照片 1 张）"
        "（未达标销号，原因已记入核查情况）"
    )
    closed = records.get(db, ledgers.BARE_LAND, entry_id)
    assert (closed.status, closed.closed_date, closed.verifier) == ("销号", date(2024, 5, 1), "王核查")
    assert closed.check_note == "东侧已覆盖\n（未达标销号：覆盖率为90%，未达到100%。原因：西侧为施工便道）"
    [kept] = ledgers.files(db, entry_id)[ledgers.PHOTO_AFTER]
    assert kept.original_name == "整改后.jpg"

    code, _out, err = run(capsys, db_path, "ledger", "reopen", str(entry_id), "--reason", "  ")
    assert (code, err.strip()) == (1, "错误：重新挂牌原因：必须填写")
    code, out, err = run(
        capsys, db_path, "ledger", "reopen", str(entry_id), "--reason", "复查发现防尘网被揭开"
    )
    assert (code, err) == (0, "")
    assert out.strip().endswith("已重新挂牌（2024-05-10）：复查发现防尘网被揭开")
    again = records.get(db, ledgers.BARE_LAND, entry_id)
    assert (again.status, again.closed_date) == ("挂牌", None)
    [event] = [
        line for line in records.history_lines(db, ledgers.BARE_LAND, entry_id) if line.action == "reopen"
    ]
    assert (event.operator, event.new) == ("李明", "2024-05-10重新挂牌：复查发现防尘网被揭开")


def test_a_log_and_a_missing_entry_are_refused_in_words(
    db: Database, db_path: Path, entry_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    log = records.create(
        db, ledgers.SUCTION_TRUCKS, {"name": "清掏", "plate": "晋D·7K2M9", "listed_date": "2024-05-01"}
    )
    code, _out, err = run(capsys, db_path, "ledger", "start", str(log.id))
    assert code == 1 and "吸污车作业报备是报备记录，没有挂牌、整治、销号" in err
    code, _out, err = run(capsys, db_path, "ledger", "reopen", "9999", "--reason", "复查")
    assert (code, err.strip()) == (1, "错误：台账记录（编号 9999）不存在或已删除")
    code, _out, err = run(capsys, db_path, "ledger", "start", str(entry_id), "--date", "2024-02-01")
    assert (code, err.strip()) == (1, "错误：日期：不能早于挂牌日期（2024-03-01）")


@pytest.mark.parametrize(
    "argv",
    [
        ("start", "{id}"),
        ("close", "{id}", "--verifier", "李明", "--note", "已覆盖", "--photo", "{photo}", "--reason", "冬季"),
        ("reopen", "{id}", "--reason", "复查反弹"),
    ],
)
def test_every_ledger_command_takes_the_file_lock(
    db: Database,
    db_path: Path,
    entry_id: int,
    photo: Path,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
) -> None:
    if argv[0] == "reopen":
        ledgers.add_file(db, entry_id, photo, ledgers.PHOTO_AFTER)
        ledgers.advance(db, entry_id, "销号", verifier="李明", check_note="已覆盖", reason="冬季")
    line = [part.format(id=entry_id, photo=photo) for part in ("ledger", *argv)]
    before = records.get(db, ledgers.BARE_LAND, entry_id).status
    with Database.open(db_path, operator="窗口", lock=True):
        code, _out, err = run(capsys, db_path, *line)
        assert code == 1 and "已被另一个 EcoDesk 窗口打开" in err
    assert records.get(db, ledgers.BARE_LAND, entry_id).status == before
    assert run(capsys, db_path, *line)[0] == 0
    assert records.get(db, ledgers.BARE_LAND, entry_id).status != before
