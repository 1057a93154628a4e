"""公文 page → 导出Word…: the draft or the issued document as a .docx, read back with python-docx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest

from ecodesk.db import Database
from ecodesk.services import documents
from tests.ui import test_documents_page
from ui.common import dialogs
from ui.documents import page as page_module
from ui.documents.page import DocumentsPage

pytestmark = pytest.mark.gui

# The 公文 page on a town with the documents settings, as its own tests build it.
page = test_documents_page.page
new_draft = test_documents_page.new_draft


def test_export_word_writes_the_issued_document_with_its_number(
    qtbot: Any,
    page: DocumentsPage,
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert not page.docx_button.isEnabled()  # nothing selected yet
    doc_id = new_draft(qtbot, page)
    documents.update_draft(db, doc_id, {"title": "关于开展秸秆禁烧巡查的通知", "body": "各村要加强巡查。"})
    page.show_document(doc_id)
    assert page.docx_button.isEnabled() and page.docx_button.text() == "导出Word…"

    asked: list[tuple[str, str, str]] = []
    told: list[Path] = []

    def ask(_parent: Any, title: str, name: str, name_filter: str) -> Path:
        asked.append((title, name, name_filter))
        return tmp_path / "给县局"  # typed without the suffix

    monkeypatch.setattr(dialogs, "ask_save_file", ask)
    monkeypatch.setattr(page_module, "tell_saved", lambda _p, path: told.append(path) or False)
    page.docx_button.click()
    target = tmp_path / "给县局.docx"
    assert told == [target] and target.is_file()
    assert asked[0][0] == "另存为 Word 文件" and asked[0][1].endswith("关于开展秸秆禁烧巡查的通知.docx")
    texts = [p.text for p in docx.Document(str(target)).paragraphs]
    assert "清河镇人民政府文件" in texts and "各村要加强巡查。" in texts

    documents.issue(db, doc_id)
    page.show_document(doc_id)
    issued = documents.get(db, doc_id)
    assert page.save_word() == target
    assert issued.number in [p.text for p in docx.Document(str(target)).paragraphs]


def test_a_failed_export_says_why_in_chinese(
    qtbot: Any,
    page: DocumentsPage,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    new_draft(qtbot, page)
    errors: list[str] = []
    taken = tmp_path / "n.docx"
    taken.mkdir()  # a folder of that name: the file cannot be written
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *_a: taken)
    monkeypatch.setattr(dialogs, "show_error", lambda _p, text, title="": errors.append(text))
    monkeypatch.setattr(page_module, "tell_saved", lambda *_a: pytest.fail("told saved"))
    assert page.save_word() is None
    assert errors and errors[0].startswith("无法保存Word 文件")
