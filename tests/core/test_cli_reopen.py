"""``ecodesk problem reopen ID --reason …``: 退回整改 from the command line, as the GUI's button does —
the reason is required, goes into the problem's 整改过程 and its history, and the file lock holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ecodesk import dates
from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.services import records
from ecodesk.services import rectification as rect
from ecodesk.services.org import UNITS


def _closed_problem(db_path: Path) -> int:
    with Database.open(db_path, operator="测试") as db:
        records.create(db, UNITS, {"name": "东沟村", "kind": "村", "sort_order": 1})
        problem = rect.create_problem(
            db,
            {
                "found_date": "2024-06-01",
                "village": "东沟村",
                "place": "砖厂北侧",
                "description": "物料露天堆放",
            },
        )
        rect.start(db, problem.id, date(2024, 6, 2))
        rect.mark_rectified(db, problem.id, date(2024, 6, 8))
        rect.close(db, problem.id, "王核查", date(2024, 6, 9))
        return problem.id


def run(db_path: Path, *argv: str) -> int:
    return main(["--db", str(db_path), "--operator", "李文书", "-q", *argv])


def test_reopen_sends_a_closed_problem_back_with_its_reason(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "today", lambda: date(2024, 7, 1))
    pid = _closed_problem(db_path)
    assert run(db_path, "problem", "reopen", str(pid), "--reason", "7月复查，物料又露天堆放") == 0
    assert "已退回整改，当前状态：整改中" in capsys.readouterr().out
    with Database.open(db_path, operator="测试") as db:
        problem = rect.get_problem(db, pid)
        assert (problem.status, problem.closed_date, problem.verifier) == ("整改中", None, "")
        last = rect.timeline(db, pid)[-1]
        assert (last.on_date, last.kind, last.text) == (
            date(2024, 7, 1),
            "退回整改",
            "已销号 → 整改中：7月复查，物料又露天堆放",
        )
        moves = rect.transitions(db, pid)
        assert (moves[-1].operator, moves[-1].note) == ("李文书", "7月复查，物料又露天堆放")


def test_reopen_needs_a_reason_and_a_closed_problem(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pid = _closed_problem(db_path)
    assert run(db_path, "problem", "reopen", str(pid), "--reason", "  ") == 1
    assert "--reason 必须填写" in capsys.readouterr().err
    assert run(db_path, "problem", "reopen", str(pid), "--reason", "复查反弹", "--date", "2024-06-08") == 1
    assert "不能早于销号日期2024-06-09" in capsys.readouterr().err
    assert run(db_path, "problem", "reopen", str(pid), "--reason", "复查反弹", "--date", "2024-06-10") == 0
    capsys.readouterr()
    assert run(db_path, "problem", "reopen", str(pid), "--reason", "再次") == 1  # no longer 已销号
    err = capsys.readouterr().err
    assert "未销号，不需退回整改" in err and err.strip().count("\n") == 0
    assert run(db_path, "problem", "reopen", "9999", "--reason", "复查反弹") == 1
    assert "9999" in capsys.readouterr().err


def test_reopen_refuses_while_the_window_has_the_file(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pid = _closed_problem(db_path)
    window = Database.open(db_path, operator="窗口", lock=True)
    try:
        assert run(db_path, "problem", "reopen", str(pid), "--reason", "复查反弹") == 1
        assert "已被另一个 EcoDesk 窗口打开" in capsys.readouterr().err
    finally:
        window.close()
    with Database.open(db_path, operator="测试") as db:
        assert rect.get_problem(db, pid).status == "已销号"
