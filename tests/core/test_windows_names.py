"""File names Windows accepts (issue 20, point 7): one sanitiser, ``ecodesk.files.safe_file_name``.

A 公文 title, a 专项行动 name or a village's name becomes a suggested file name; Windows refuses
``\\ / : * ? " < > |``, the device names (CON, NUL, COM1 …, with any extension) and drops trailing
dots and spaces. The save dialogs' suggestions are tested in ``tests/ui/test_windows_names_ui.py``;
here the sanitiser itself, the attachment names that share it, and the issued 公文's kept PDF.
"""

from __future__ import annotations

import pytest

from ecodesk.db import Database
from ecodesk.files import safe_file_name
from ecodesk.services import attachments, settings
from ecodesk.services import documents as docs

TITLE = '关于"秸秆禁烧"的通知：第1/2期?'
FORBIDDEN = set('\\/:*?"<>|')


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        (f"{TITLE}.pdf", "关于_秸秆禁烧_的通知：第1_2期_.pdf"),  # "/" replaced: one title, not a folder
        ('a\\b:c*d?e"f<g>h|i.xlsx', "a_b_c_d_e_f_g_h_i.xlsx"),
        ("CON", "_CON"),
        ("con.pdf", "_con.pdf"),
        ("NUL .txt", "_NUL.txt"),
        ("COM1.tar.gz", "_COM1.tar.gz"),
        ("LPT9.xlsx", "_LPT9.xlsx"),
        ("CONSOLE.pdf", "CONSOLE.pdf"),  # only the device names themselves
        ("报告. . .pdf", "报告.pdf"),  # Windows would drop the trailing dots and spaces silently
        ("清单 . ", "清单"),
        (" ..", "未命名"),
        ("名字\x00带控制符\t.pdf", "名字_带控制符_.pdf"),
    ],
)
def test_names_windows_accepts(raw: str, safe: str) -> None:
    assert safe_file_name(raw) == safe


def test_a_long_title_keeps_its_extension() -> None:
    name = safe_file_name("关于" + "秸秆禁烧" * 100 + "的通知.docx")
    assert name.endswith(".docx") and len(name) == 150 + len(".docx")


@pytest.mark.parametrize("raw", [TITLE, "AUX", "a<b>.pdf", "x. ", "第1/2期?.xlsx"])
def test_nothing_windows_refuses_is_left(raw: str) -> None:
    name = safe_file_name(raw)
    assert not FORBIDDEN & set(name)
    assert not name.endswith((".", " "))
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}


def test_attachments_keep_only_the_last_path_part_and_use_the_same_rules() -> None:
    assert attachments.sanitise_name("C:\\扫描\\" + "CON.pdf") == "_CON.pdf"
    assert attachments.sanitise_name("a/b/报告?.pdf") == "报告_.pdf"


def test_the_issued_documents_pdf_keeps_the_whole_title(db: Database) -> None:
    settings.save(db, **settings.defaults_for_town("清河镇"))
    doc = docs.create_draft(db, {"kind": "通知", "title": TITLE, "body": "一、工作要求\n\n加强巡查。"})
    issued = docs.issue(db, doc.id)
    (kept,) = [a for a in attachments.list_for(db, "documents", issued.id) if a.id == issued.pdf_id]
    # was "2期_.pdf": the attachment rule read "第1/" as a folder and kept what followed
    assert kept.original_name == f"{issued.number} 关于_秸秆禁烧_的通知：第1_2期_.pdf"
