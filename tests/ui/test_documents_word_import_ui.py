"""公文 page → 导入Word公文…: the check dialog shows what was recognised, 登记 registers it and opens it;
bad files and a number already registered are told in Chinese and register nothing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from ecodesk.db import Database
from ecodesk.services import documents, settings
from tests.core.test_documents_word_import import OLE, clerk_notice
from tests.ui.helpers import keep_shot
from ui.common import dialogs
from ui.documents.page import DocumentsPage
from ui.documents.word_import_dialog import WordImportDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot: Any, db: Database) -> DocumentsPage:
    settings.save(db, **settings.defaults_for_town("八义镇"))
    widget = DocumentsPage(db)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    return widget


def register(qtbot: Any, dialog: WordImportDialog) -> None:
    handle = dialog.register()
    with qtbot.wait_signal(handle.finished, timeout=20000):
        pass


def test_the_button_shows_what_was_recognised_and_registers_it(
    qtbot: Any, page: DocumentsPage, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert page.word_button.text() == "导入Word公文…" and page.word_button.isVisible()
    path = clerk_notice(tmp_path / "禁烧.docx")
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *_a, **_k: path)
    page.word_button.click()
    dialog = page.findChild(WordImportDialog)
    assert dialog is not None and dialog.isVisible()
    shown = {label: widget.text() for label, widget in dialog.values.items()}
    assert shown["文号"] == "八镇政字〔2023〕36号"
    assert shown["标题"] == "八义镇人民政府关于开展秸秆禁烧专项巡查的通知"
    assert shown["主送"] == "各村、各单位" and shown["署名"] == "八义镇人民政府"
    assert shown["日期"] == "2023年12月20日"
    assert "八义镇秸秆禁烧工作方案" in shown["附件"] and "巡查人员名单" in shown["附件"]
    assert "区生态环境局" in shown["版记"]
    assert dialog.unplaced is not None and dialog.unplaced.toPlainText() == "特急"
    assert "已印发" in dialog.outcome.text() and "37 号续编" in dialog.outcome.text()
    if os.environ.get("ECODESK_SHOTS"):
        keep_shot(dialog, "word_import_dialog.png")
    assert documents.list_documents(db) == []  # nothing written before 登记

    register(qtbot, dialog)
    assert not dialog.isVisible() and dialog.result_document is not None
    doc_id = dialog.result_document.document.id
    assert page.current_id == doc_id and page.model.row_of_id(doc_id) >= 0
    assert page.editor.number.text() == "八镇政字〔2023〕36号"
    doc = documents.get(db, doc_id)
    assert doc.status == "已印发" and doc.pdf_id is not None


def test_a_number_already_registered_is_refused_and_the_dialog_stays(
    qtbot: Any, page: DocumentsPage, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = clerk_notice(tmp_path / "禁烧.docx")
    documents.import_docx(db, path)
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _p, text, *_a, **_k: errors.append(text))
    dialog = page.import_word(path)
    assert dialog is not None
    register(qtbot, dialog)
    assert errors and "不能重复导入" in errors[0]
    assert dialog.isVisible() and dialog.register_button.isEnabled()
    assert len(documents.list_documents(db)) == 1
    dialog.reject()


def test_a_draft_without_number_opens_for_editing(
    qtbot: Any, page: DocumentsPage, db: Database, tmp_path: Path
) -> None:
    dialog = page.import_word(clerk_notice(tmp_path / "d.docx", number=None))
    assert dialog is not None and "草稿" in dialog.outcome.text()
    assert dialog.values["文号"].text() == "（无，登记为草稿）"
    register(qtbot, dialog)
    assert page.current_id is not None
    assert documents.get(db, page.current_id).status == "草稿"
    assert page.issue_button.isEnabled()


@pytest.mark.parametrize(
    ("name", "data", "says"), [("旧.doc", OLE, "另存为"), ("坏.docx", b"PK\x03\x04", "已损坏")]
)
def test_bad_files_are_told_in_chinese_and_no_dialog_opens(
    page: DocumentsPage,
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    data: bytes,
    says: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _p, text, title="": errors.append((text, title)))
    assert page.import_word(path) is None
    assert errors and says in errors[0][0] and errors[0][1] == "不能导入"
    assert page.findChild(WordImportDialog) is None
    assert documents.list_documents(db) == []
