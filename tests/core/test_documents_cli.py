"""``ecodesk doc list/new/issue/void/pdf`` on a real data file."""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pytest

from ecodesk.cli import main


def test_draft_issue_list_void_and_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "t.db")
    assert main(["--db", db, "init", "--town", "清河镇"]) == 0
    fields = tmp_path / "fields.json"
    fields.write_text(
        json.dumps(
            {"title": "关于开展秸秆禁烧巡查的通知", "body": "各村要加强巡查。", "doc_date": "2024-10-08"},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    assert main(["--db", db, "doc", "new", str(fields)]) == 0
    assert main(["--db", db, "doc", "new", "--kind", "函"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "doc", "issue", "1"]) == 0
    assert "已印发：清镇政字〔2024〕1号 关于开展秸秆禁烧巡查的通知" in capsys.readouterr().out

    assert main(["--db", db, "doc", "list", "--status", "已印发"]) == 0
    listed = capsys.readouterr().out.strip().splitlines()
    assert listed == ["1\t清镇政字〔2024〕1号\t通知\t已印发\t2024-10-08\t关于开展秸秆禁烧巡查的通知"]
    assert main(["--db", db, "doc", "list", "--kind", "函"]) == 0
    assert "（未编号）\t函\t草稿" in capsys.readouterr().out

    out = tmp_path / "n.pdf"
    assert main(["--db", db, "doc", "pdf", "1", "--out", str(out)]) == 0
    with pdfplumber.open(out) as pdf:
        assert "清镇政字〔2024〕1号" in pdf.pages[0].extract_text()

    assert main(["--db", db, "doc", "void", "1", "--reason", "日期有误"]) == 0
    assert "该文号不再使用" in capsys.readouterr().out
    # A draft cannot be issued twice nor an issued document voided without a reason: one-line errors.
    assert main(["--db", db, "doc", "issue", "1"]) == 1
    assert main(["--db", db, "doc", "void", "2", "--reason", " "]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["错误：状态：本件已作废（清镇政字〔2024〕1号），不能再次印发", "错误：作废原因：必须填写"]
