"""One print path for lists (21.8): the 打印 button shows, then prints, the very PDF `ecodesk print`
writes for the same list and filter."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from ecodesk import dates
from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.services import records
from ecodesk.services.kinds import get_kind
from tests.core.helpers import build_town
from tests.ui.helpers import keep_shot
from ui.common.printing import ListPrintPreview
from ui.documents.printer import DocumentPrinter
from ui.records.page import RecordPage

pytestmark = pytest.mark.gui

SCATTERED = get_kind("scattered_polluters")


@pytest.fixture
def town_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setattr(dates, "today", lambda: date(2026, 12, 6))
    build_town(db)
    for n in range(1, 81):
        records.create(
            db,
            SCATTERED,
            {
                "name": f"晋D·EBDC{n:02d}号作坊",
                "village": "东沟村" if n % 4 else "西岭村",
                "address": f"东沟村{n}号" + ("沿河北路往东再往南拐进小巷" * 8 if n % 6 == 0 else ""),
                "disposal": "整治规范",
                "status": "整治中" if n % 3 else "挂牌",
                "listed_date": date(2026, 11, 1 + n % 28),
            },
        )
    return db


def _pages(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() for page in pdf.pages]


def _choose(combo: Any, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def test_the_print_button_shows_the_pdf_of_ecodesk_print_and_prints_it(
    qtbot: Any, town_db: Database, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = RecordPage(town_db, SCATTERED)
    qtbot.addWidget(page)
    assert page.filter_bar.village is not None and page.filter_bar.status is not None
    _choose(page.filter_bar.village, "东沟村")
    _choose(page.filter_bar.status, "整治中")
    expected_rows = records.count(town_db, SCATTERED, page.model.list_filter)
    assert page.model.rowCount() == expected_rows > 0

    handle = page.print_list()
    assert handle is not None
    with qtbot.wait_signal(handle.finished, timeout=30000):
        pass
    preview = handle.result
    assert isinstance(preview, ListPrintPreview)
    qtbot.addWidget(preview)
    shown = preview.preview.current_pdf
    qtbot.wait(400)  # QPdfView paints its pages a moment later
    keep_shot(preview, "list_print_preview.png")
    assert shown is not None and preview.page_count > 1

    cli_pdf = tmp_path / "cli.pdf"
    code = main(
        ["--db", str(db_path), "-q", "print", "scattered_polluters", "--out", str(cli_pdf)]
        + ["--village", "东沟村", "--status", "整治中"]
    )
    assert code == 0
    button_pages, cli_pages = _pages(shown), _pages(cli_pdf)
    assert button_pages == cli_pages  # the same PDF, page for page
    first = button_pages[0].replace(" ", "")
    assert "筛选：所在村=东沟村；状态=整治中" in first
    assert f"共{expected_rows}条" in first
    assert f"第1页共{len(button_pages)}页" in first

    printed = tmp_path / "printed.pdf"

    def to_file(self: DocumentPrinter, *_args: Any) -> bool:
        self.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        self.printer.setOutputFileName(str(printed))
        return True

    monkeypatch.setattr(DocumentPrinter, "ask", to_file)
    assert preview.print_now() == preview.page_count
    sheets = PdfReader(printed).pages
    assert len(sheets) == preview.page_count
    box = sheets[0].mediabox
    assert box.width > box.height  # landscape paper, as the list is laid out


def test_an_empty_list_says_so_instead_of_printing(
    qtbot: Any, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr("ui.common.dialogs.show_info", lambda _parent, text, *_a: told.append(text))
    page = RecordPage(db, SCATTERED)
    qtbot.addWidget(page)
    assert page.print_list() is None
    assert told == ["当前列表没有记录可打印。"]
