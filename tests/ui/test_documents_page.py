"""The 公文 page on real widgets and a real data file: draft, preview, issue, filter, void, print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import documents, settings
from tests.ui.helpers import type_text
from ui.common import dialogs
from ui.common.changes import changes
from ui.documents import page as page_module
from ui.documents.page import DocumentsPage
from ui.documents.printer import DocumentPrinter

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot: Any, db: Database) -> DocumentsPage:
    settings.save(db, **settings.defaults_for_town("清河镇"))
    widget = DocumentsPage(db)
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    return widget


def red_head_visible(page: DocumentsPage) -> bool:
    """The preview widget really paints the red 发文机关标志 (not just a loaded document)."""
    image = page.preview.view.grab().toImage()
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            c = image.pixelColor(x, y)
            if c.red() > 200 and c.green() < 80 and c.blue() < 80:
                return True
    return False


def new_draft(qtbot: Any, page: DocumentsPage, kind: str = "通知") -> int:
    with qtbot.wait_signal(page.preview.rendered, timeout=15000):
        doc_id = page.new_document(kind)
    assert doc_id is not None
    return doc_id


def test_new_draft_shows_defaults_and_a_preview(qtbot: Any, page: DocumentsPage) -> None:
    doc_id = new_draft(qtbot, page)
    assert page.model.rowCount() == 1 and page.model.id_at(0) == doc_id
    assert page.editor.organ_mark.text() == "清河镇人民政府文件"
    assert page.editor.recipients.text() == "各村、各单位"
    assert page.editor.number.text() == "（印发时自动编号）"
    assert page.preview.page_count >= 1
    assert page.preview.current_pdf is not None and page.preview.current_pdf.is_file()
    qtbot.waitUntil(lambda: red_head_visible(page), timeout=10000)
    assert page.issue_button.isEnabled() and not page.void_button.isEnabled()


def test_editing_updates_heading_hints_preview_and_saves(
    qtbot: Any, page: DocumentsPage, db: Database
) -> None:
    doc_id = new_draft(qtbot, page)
    page.editor.title.clear()
    type_text(qtbot, page.editor.title, "关于开展秸秆禁烧巡查的通知")
    body = "为做好秋季禁烧工作，现通知如下：\n\n一、总体要求\n\n（一）加强巡查。每日一次。\n\n1.村级巡查\n\n（1）早晚各一次"
    with qtbot.wait_signal(page.preview.rendered, timeout=15000):
        page.editor.body.setPlainText(body)
    qtbot.waitUntil(lambda: len(page.editor.heading_texts()) == 4)
    hints = page.editor.heading_texts()
    assert hints[0].startswith("一级标题（黑体）") and "一、总体要求" in hints[0]
    assert hints[1].startswith("二级标题（楷体）") and hints[3].startswith("四级标题（仿宋）")
    with pdfplumber.open(page.preview.current_pdf) as pdf:
        text = pdf.pages[0].extract_text()
    assert "一、总体要求" in text and "关于开展秸秆禁烧巡查的通知" in text
    assert page.save_current()
    saved = documents.get(db, doc_id)
    assert saved.title == "关于开展秸秆禁烧巡查的通知" and saved.body == body


def test_issue_asks_then_assigns_and_shows_the_number(
    qtbot: Any, page: DocumentsPage, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc_id = new_draft(qtbot, page)
    page.editor.title.setText("关于开展秸秆禁烧巡查的通知")
    page.editor.body.setPlainText("各村要加强巡查。")
    asked: list[str] = []
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, text, *_a, **_k: asked.append(text) or True)
    monkeypatch.setattr(dialogs, "show_info", lambda _p, text, *_a, **_k: shown.append(text))
    handle = page.issue_current()
    assert handle is not None
    with qtbot.wait_signal(handle.finished, timeout=15000):
        pass
    year = dates.today().year
    number = f"清镇政字〔{year}〕1号"
    assert "清镇政字〔" in asked[0] and "印发后不能再修改" in asked[0]
    assert shown and number in shown[0]
    assert page.editor.number.text() == number
    assert page.state_label.text().startswith(number)
    assert documents.get(db, doc_id).status == "已印发"
    assert (
        page.editor.body.isReadOnly() and not page.issue_button.isEnabled() and page.void_button.isEnabled()
    )
    assert page.preview.current_pdf == documents.stored_pdf(db, doc_id)
    qtbot.waitUntil(lambda: red_head_visible(page), timeout=10000)
    row = page.model.row_of_id(doc_id)
    assert page.model.index(row, 0).data() == number


def test_declined_confirmation_issues_nothing(
    qtbot: Any, page: DocumentsPage, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc_id = new_draft(qtbot, page)
    page.editor.title.setText("关于巡查的通知")
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: False)
    assert page.issue_current() is None
    assert documents.get(db, doc_id).sequence is None


def test_filters_by_year_kind_and_status(qtbot: Any, page: DocumentsPage, db: Database) -> None:
    a = documents.create_draft(db, {"kind": "通知", "title": "甲", "body": "正文", "doc_date": "2024-03-01"})
    b = documents.create_draft(db, {"kind": "通报", "title": "乙", "body": "正文", "doc_date": "2024-06-01"})
    c = documents.create_draft(db, {"kind": "通知", "title": "丙", "body": "正文", "doc_date": "2025-01-05"})
    documents.issue(db, b.id)
    page.reload()
    assert [page.year.itemText(i) for i in range(page.year.count())] == ["全部", "2025年", "2024年"]
    assert page.model.rowCount() == 3 and page.model.id_at(0) == c.id  # newest first
    page.year.setCurrentIndex(page.year.findData(2024))
    assert sorted(page.model.ids) == sorted([a.id, b.id])
    page.kind.setCurrentIndex(page.kind.findData("通报"))
    assert page.model.ids == [b.id]
    page.kind.setCurrentIndex(0)
    page.status.setCurrentIndex(page.status.findData("草稿"))
    assert page.model.ids == [a.id]
    page.year.setCurrentIndex(0)
    page.status.setCurrentIndex(0)
    type_text(qtbot, page.search, "丙")
    assert page.model.ids == [c.id]


def test_void_keeps_the_number(
    qtbot: Any, page: DocumentsPage, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = documents.create_draft(
        db, {"kind": "通知", "title": "甲", "body": "正文", "doc_date": "2024-03-01"}
    )
    documents.issue(db, doc.id)
    page.reload()
    page.select_id(doc.id)
    assert page.current_id == doc.id and page.void_button.isEnabled()
    monkeypatch.setattr(page_module, "ask_void_reason", lambda *_a: "主送单位有误")
    assert page.void_current()
    assert page.state_label.text() == "清镇政字〔2024〕1号　作废（主送单位有误）"
    assert not page.void_button.isEnabled()


def test_void_is_a_write_the_register_hears_of(
    qtbot: Any, page: DocumentsPage, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """作废 goes through operations.write: a refusal is shown under 不能作废 and announces nothing; a void
    is announced, and the register list (refreshed only by the hub) shows the new status."""
    doc = documents.create_draft(
        db, {"kind": "通知", "title": "甲", "body": "正文", "doc_date": "2024-03-01"}
    )
    documents.issue(db, doc.id)
    page.reload()
    page.select_id(doc.id)
    status = [f.key for f in documents.DOCUMENTS.table_fields].index("status")
    row = page.model.row_of_id(doc.id)
    assert page.model.index(row, status).data() == "已印发"
    heard: list[str] = []
    changes().records_changed.connect(heard.append)
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _p, _text, title="": errors.append(title))
    try:
        monkeypatch.setattr(page_module, "ask_void_reason", lambda *_a: "  ")  # a blank reason is refused
        assert not page.void_current()
        assert errors == ["不能作废"] and heard == []
        monkeypatch.setattr(page_module, "ask_void_reason", lambda *_a: "主送单位有误")
        assert page.void_current()
        assert heard == ["documents"]
        assert page.model.index(page.model.row_of_id(doc.id), status).data() == "作废"
    finally:
        changes().records_changed.disconnect(heard.append)


def test_print_and_save_as_pdf(
    qtbot: Any, page: DocumentsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_draft(qtbot, page)
    printed = tmp_path / "printed.pdf"

    def fake_ask(self: DocumentPrinter, *_args: Any) -> bool:
        self.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        self.printer.setOutputFileName(str(printed))
        return True

    monkeypatch.setattr(DocumentPrinter, "ask", fake_ask)
    assert page.print_current() == page.preview.page_count
    assert len(PdfReader(printed).pages) == page.preview.page_count
    assert page._printer is not None and page._printer.printer.resolution() == 300
    target = tmp_path / "saved.pdf"
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *_a: target)
    monkeypatch.setattr(page_module, "tell_saved", lambda *_a: False)
    assert page.save_pdf() == target
    with pdfplumber.open(target) as pdf:
        assert "清河镇人民政府文件" in pdf.pages[0].extract_text().replace(" ", "")


def test_issuing_notice_carries_the_plan_as_attachment(qtbot: Any, page: DocumentsPage, db: Database) -> None:
    with qtbot.wait_signal(page.preview.rendered, timeout=15000):
        doc_id = page.new_document("通知", issuing=True)
    assert page.editor.title.text() == "关于印发《方案名称》的通知"
    page.editor.tabs.setCurrentIndex(2)
    assert page.editor.attachment_list.count() == 1
    page.editor.attachment_title.selectAll()
    qtbot.keyClick(page.editor.attachment_title, Qt.Key.Key_Delete)  # cleared, then typed anew
    type_text(qtbot, page.editor.attachment_title, "清河镇秸秆禁烧工作方案")
    with qtbot.wait_signal(page.preview.rendered, timeout=15000):
        page.editor.attachment_body.setPlainText("一、工作目标\n\n实现零火点。")
    assert page.preview.page_count == 2  # the 方案 on its own page
    assert (
        page.editor.title.text() == "关于印发《清河镇秸秆禁烧工作方案》的通知"
    )  # renamed with the attachment
    assert page.editor.body.toPlainText().startswith("现将《清河镇秸秆禁烧工作方案》印发给你们")
    with pdfplumber.open(page.preview.current_pdf) as pdf:
        assert "清河镇秸秆禁烧工作方案" in pdf.pages[1].extract_text()
    assert page.save_current()
    assert documents.get(db, doc_id).attachments == [
        {"title": "清河镇秸秆禁烧工作方案", "body": "一、工作目标\n\n实现零火点。"}
    ]


def test_main_window_shows_the_documents_page(qtbot: Any, db: Database) -> None:
    from ui.shell.main_window import MainWindow

    window = MainWindow(db)
    qtbot.addWidget(window)
    assert isinstance(window.show_page("documents"), DocumentsPage)


def test_preview_warns_of_characters_no_font_can_print(qtbot: Any, page: DocumentsPage) -> None:
    new_draft(qtbot, page)
    page.editor.title.clear()
    type_text(qtbot, page.editor.title, "关于表扬李喆、王䶮同志的通知")
    with qtbot.wait_signal(page.preview.rendered, timeout=15000):
        page.editor.body.setPlainText("李喆、王䶮同志表现突出。")
    qtbot.waitUntil(lambda: "U+4DAE" in page.preview.status.text(), timeout=10000)
    assert "喆" not in page.preview.status.text()  # borrowed from a wider font, printed
    with pdfplumber.open(page.preview.current_pdf) as pdf:
        assert "李喆" in pdf.pages[0].extract_text()


def test_issue_question_names_the_number_it_will_take(
    qtbot: Any, page: DocumentsPage, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 印发 question shows the real 发文字号 (the next after those already given), not a blank."""
    year = dates.today().year
    first = documents.create_draft(
        db, {"kind": "通知", "title": "甲", "body": "正文", "doc_date": f"{year}-03-01"}
    )
    documents.issue(db, first.id)
    doc_id = new_draft(qtbot, page)
    page.editor.title.setText("关于开展秸秆禁烧巡查的通知")
    page.editor.body.setPlainText("各村要加强巡查。")
    assert documents.next_number(db, doc_id) == f"清镇政字〔{year}〕2号"
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, text, *_a, **_k: asked.append(text) or False)
    assert page.issue_current() is None
    assert f"将编发文字号 清镇政字〔{year}〕2号，生成并存档 PDF。" in asked[0]
    assert "下一个序号" not in asked[0]
    assert documents.get(db, doc_id).sequence is None  # asking took no number


def test_save_as_pdf_says_where_it_went(
    qtbot: Any, page: DocumentsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_draft(qtbot, page)
    target = tmp_path / "另存" / "通知.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *_a: target)
    told: list[Path] = []
    monkeypatch.setattr(page_module, "tell_saved", lambda _p, path: told.append(path) or False)
    assert page.save_pdf() == target and told == [target]
    box = page_module.saved_box(page, target)
    assert box.text() == f"已另存为 PDF：\n{target}"
    assert sorted(b.text() for b in box.buttons()) == sorted(["打开文件夹", "关闭"])
    box.deleteLater()


def test_show_target_opens_a_document_hidden_by_the_filter(
    qtbot: Any, page: DocumentsPage, db: Database
) -> None:
    from ecodesk.services.dashboard import Target

    a = documents.create_draft(db, {"kind": "通知", "title": "甲", "body": "正文", "doc_date": "2024-03-01"})
    b = documents.create_draft(
        db, {"kind": "通报", "title": "整改情况通报", "body": "正文", "doc_date": "2024-06-01"}
    )
    page.reload()
    page.kind.setCurrentIndex(page.kind.findData("通知"))
    assert page.model.row_of_id(b.id) < 0
    page.show_target(Target(page="documents", record_id=b.id))
    assert page.current_id == b.id and page.editor.title.text() == "整改情况通报"
    assert page.model.row_of_id(a.id) >= 0 and page.table.currentIndex().row() == page.model.row_of_id(b.id)
