from __future__ import annotations

from pathlib import Path

import pytest

from ecodesk.db import Database
from ecodesk.services import attachments, check
from ecodesk.services.attachments import AttachmentMissingError, sanitise_name


def test_files_are_stored_once_by_content_hash(db: Database, tmp_path: Path) -> None:
    scan = tmp_path / "东沟村 承诺书扫描.PDF"
    scan.write_bytes(b"%PDF-1.4 fake scan")
    copy = tmp_path / "another name.pdf"
    copy.write_bytes(scan.read_bytes())
    a = attachments.add_file(db, scan, "households", 1, role="扫描件")
    b = attachments.add_file(db, copy, "households", 2)
    assert a.stored_name == b.stored_name and a.stored_name.endswith(".pdf")
    assert a.original_name == "东沟村 承诺书扫描.PDF"
    stored = attachments.open_path(db, a.id)
    assert stored.read_bytes() == scan.read_bytes()
    assert len(list(stored.parent.iterdir())) == 1
    assert [x.id for x in attachments.list_for(db, "households", 1)] == [a.id]


def test_a_missing_file_gives_a_clear_message(db: Database, tmp_path: Path) -> None:
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"\xff\xd8 jpeg")
    made = attachments.add_file(db, photo, "problems", 7, role="整改前")
    attachments.open_path(db, made.id).unlink()
    with pytest.raises(AttachmentMissingError, match="现场.jpg"):
        attachments.open_path(db, made.id)
    report = check.run(db)
    assert not report.ok and any("附件文件缺失" in p for p in report.problems)


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("..\\..\\Windows\\system32\\evil.exe", "evil.exe"),
        ("a/b/c.txt", "c.txt"),
        ('报告<草稿>:"终稿"?.docx', "报告_草稿___终稿__.docx"),
        ("CON.txt", "_CON.txt"),
        ("名字\x00带控制符.pdf", "名字_带控制符.pdf"),
        ("...", "附件"),
    ],
)
def test_names_are_sanitised(raw: str, safe: str) -> None:
    assert sanitise_name(raw) == safe
