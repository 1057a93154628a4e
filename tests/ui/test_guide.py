"""帮助 → 使用说明 (F1): the clerk's guide opens with its screenshots, and the shipped PDF is the
same guide, complete and current."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pypdf
import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QApplication, QMenu

from ecodesk.db import Database
from ecodesk.paths import resources_dir
from ui.common import dialogs
from ui.shell import guide_window
from ui.shell.guide_window import GuideWindow
from ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui

GUIDE = resources_dir() / "guide"
IMG = re.compile(r'<img src="([^"]+)" width="(\d+)" height="(\d+)">')
SECTIONS = (
    "一、安装",
    "二、第一次启动",
    "三、基础信息",
    "四、日常巡查录入",
    "五、问题整改与销号",
    "六、台账与信访",
    "七、专项行动",
    "八、承诺书",
    "九、打印公文",
    "十、Word 公文（导出与导入）",
    "十一、年终考核",
    "十二、目标指标",
    "十三、统计与上级报表",
    "十四、打印名单",
    "十五、乡镇改名",
    "十六、备份到 U 盘与恢复",
    "十七、换新电脑",
    "十八、打开密码",
    "十九、常见问题",
)


def html() -> str:
    return (GUIDE / "guide.html").read_text(encoding="utf-8")


def words(*pages: pypdf.PageObject) -> str:
    """The pages' text without the spaces and tabs the PDF puts between runs."""
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in pages))


def build_pdf_module() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "packaging" / "guide" / "build_pdf.py"
    spec = importlib.util.spec_from_file_location("guide_build_pdf", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_f1_opens_the_guide_with_its_sections(qtbot, db: Database) -> None:
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    assert window.guide_action.text() == "使用说明(&U)"
    assert window.guide_action.shortcut().toString() == "F1"
    window.guide_action.trigger()
    guide = window.findChild(GuideWindow, "guide_window")
    assert guide is not None and guide.isVisible()
    assert guide.browser.source().toLocalFile() == str(GUIDE / "guide.html")
    text = guide.browser.toPlainText()
    for section in SECTIONS:
        assert section in text
    window.guide_action.trigger()  # a second F1 brings the same window forward
    assert window.findChildren(GuideWindow) == [guide]
    help_menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "帮助(&H)")
    assert [a.text() for a in help_menu.actions()][:2] == ["使用说明(&U)", "关于(&A)"]


def test_every_screenshot_is_there_and_loads_in_the_window(qtbot) -> None:
    guide = GuideWindow()
    qtbot.addWidget(guide)
    guide.show()
    shown = IMG.findall(html())
    assert len(shown) >= 12
    document = guide.browser.document()
    for src, width, height in shown:
        path = GUIDE / src
        assert path.is_file(), src
        image = QImage(str(path))
        assert not image.isNull(), src
        # The HTML gives both sizes (Qt needs them to lay the page out): they must still fit a retaken shot.
        assert abs(int(height) - int(width) * image.height() / image.width()) <= 1, src
        loaded = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(src))
        assert loaded is not None and not loaded.isNull(), src  # a QPixmap: found relative to guide.html
    on_disk = {p.name for p in (GUIDE / "images").glob("*.png")}
    assert on_disk == {Path(src).name for src, _w, _h in shown}, "an image nobody shows, or one missing"
    assert sum((GUIDE / "images" / name).stat().st_size for name in on_disk) < 3_000_000


def test_contents_links_lead_to_the_sections(qtbot) -> None:
    guide = GuideWindow()
    qtbot.addWidget(guide)
    guide.resize(860, 600)
    guide.show()
    links = re.findall(r'<a href="#(\w+)">', html())
    anchors = set(re.findall(r'<a name="(\w+)">', html()))
    assert len(links) == len(SECTIONS) and set(links) == anchors
    bar = guide.browser.verticalScrollBar()
    guide.browser.scrollToAnchor("faq")
    qtbot.waitUntil(lambda: bar.value() > 0)
    guide.contents_button.click()
    assert bar.value() == 0


def test_the_shipped_pdf_is_the_current_guide(qtbot, tmp_path: Path) -> None:
    shipped = GUIDE / "使用说明.pdf"
    assert shipped.is_file()
    assert shipped.stat().st_size < 2_000_000
    reader = pypdf.PdfReader(shipped)
    text = words(*reader.pages)
    for section in SECTIONS:
        assert section.replace(" ", "") in text
    assert "Enter" in text and "定稿锁定" in text and "另存为PDF" in text
    assert f"—{len(reader.pages)}/{len(reader.pages)}—" in words(reader.pages[-1])
    fonts = {
        font["/BaseFont"]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if "/FontFile2" in font.get_object()["/DescendantFonts"][0]["/FontDescriptor"]
    }
    assert fonts, "the Chinese font must be embedded so no boxes print"

    # Rebuilt from guide.html now: same pages and words, so the PDF was remade after the last edit.
    fresh = tmp_path / "使用说明.pdf"
    pages = build_pdf_module().build(fresh)
    rebuilt = pypdf.PdfReader(fresh)
    assert pages == len(rebuilt.pages) == len(reader.pages)
    assert [p.extract_text() for p in rebuilt.pages] == [p.extract_text() for p in reader.pages]


def test_save_pdf_copies_the_shipped_file(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": told.append(text))
    guide = GuideWindow()
    qtbot.addWidget(guide)
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *args: tmp_path / "给村里的说明")
    saved = guide.ask_save_pdf()
    assert saved == tmp_path / "给村里的说明.pdf"
    assert saved.read_bytes() == (GUIDE / "使用说明.pdf").read_bytes()
    assert told and str(saved) in told[0]


def test_a_missing_pdf_is_explained(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": errors.append(text))
    monkeypatch.setattr(guide_window, "guide_pdf", lambda: tmp_path / "gone.pdf")
    guide = GuideWindow()
    qtbot.addWidget(guide)
    assert guide.save_pdf(tmp_path / "out.pdf") is None
    assert not (tmp_path / "out.pdf").exists()
    assert errors and "找不到随程序提供的使用说明 PDF" in errors[0]


def test_escape_closes_the_guide(qtbot) -> None:
    guide = GuideWindow()
    qtbot.addWidget(guide)
    guide.show()
    qtbot.waitExposed(guide)
    qtbot.keyClick(guide.browser, Qt.Key.Key_Escape)
    assert not guide.isVisible()
    assert QApplication.instance() is not None
