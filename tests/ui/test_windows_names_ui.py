"""The names the save dialogs suggest are names Windows accepts (issue 20, point 7).

Three places put the clerk's own words into a suggested name: 公文 另存为 (its title), a 专项行动's
报送情况表 (its name) and a print preview's 另存为 PDF (the list's title). Each is driven as the clerk
would, and the name Qt's save dialog is handed is read back (the dialog itself is answered "cancel").
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog
from reportlab.pdfgen import canvas

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import campaigns, settings
from ecodesk.services import documents as docs
from ui.campaigns.page import CampaignsPage
from ui.common.printing import ListPrintPreview
from ui.documents.page import DocumentsPage

pytestmark = pytest.mark.gui

TITLE = '关于"秸秆禁烧"的通知：第1/2期?'
SAFE = "关于_秸秆禁烧_的通知：第1_2期_"


@pytest.fixture
def suggested(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The file names Qt's save dialog is opened with; the dialog answers as if cancelled."""
    names: list[str] = []

    def answer(_parent: Any, _title: str, start: str, _filter: str = "", *_rest: Any) -> tuple[str, str]:
        names.append(Path(start).name)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    return names


def test_a_documents_save_as_suggests_its_title_made_safe(
    qtbot: Any, db: Database, suggested: list[str]
) -> None:
    settings.save(db, **settings.defaults_for_town("清河镇"))
    doc = docs.create_draft(db, {"kind": "通知", "title": TITLE, "body": "一、工作要求\n\n加强巡查。"})
    page = DocumentsPage(db)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    page.show_document(doc.id)
    assert page.save_pdf() is None  # cancelled
    assert page.save_word() is None
    assert suggested == [f"草稿 {SAFE}.pdf", f"草稿 {SAFE}.docx"]


def test_a_campaigns_status_sheet_suggests_its_name_made_safe(
    qtbot: Any, db: Database, suggested: list[str]
) -> None:
    today = dates.today()
    campaign_id = campaigns.create_campaign(
        db,
        {"name": "秸秆禁烧<百日>行动：第1/2期?", "start_date": today, "end_date": today + timedelta(days=30)},
    )
    page = CampaignsPage(db)
    qtbot.addWidget(page)
    page.show()
    page.show_campaign(campaign_id)
    assert page.detail.grid.export_xlsx() is None
    assert suggested == ["秸秆禁烧_百日_行动：第1_2期_材料报送情况.xlsx"]


def test_a_print_previews_save_as_suggests_its_title_made_safe(
    qtbot: Any, db: Database, tmp_path: Path, suggested: list[str]
) -> None:
    pdf = tmp_path / "list.pdf"
    sheet = canvas.Canvas(str(pdf))
    sheet.drawString(72, 720, "EcoDesk")
    sheet.save()
    preview = ListPrintPreview(db, pdf, TITLE, "共 0 条", tempfile.TemporaryDirectory())
    qtbot.addWidget(preview)
    assert preview.save_copy() is None
    assert suggested == [f"{SAFE}.pdf"]
