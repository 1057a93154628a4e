"""Render the clerk's guide (resources/guide/guide.html) to resources/guide/使用说明.pdf.

Qt lays the HTML out exactly as the Help window (QTextBrowser) shows it, so the PDF and the window
never disagree. The text font is the bundled WenQuanYi Micro Hei (resources/fonts), so the PDF prints
the same on a PC without Chinese fonts; Qt embeds only the characters used. A4, page numbers at the
foot of every page.

    QT_QPA_PLATFORM=offscreen python packaging/guide/build_pdf.py [--out path.pdf]

Render the pages (``pdftoppm -r 50``) and look at every one after a change.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pypdf import PdfReader, PdfWriter  # noqa: E402
from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import (  # noqa: E402
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextTable,
)

ROOT = Path(__file__).resolve().parents[2]
GUIDE_DIR = ROOT / "resources" / "guide"
FONT_FILE = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
PDF_NAME = "使用说明.pdf"
TITLE = "乡镇生态环境工作台账 使用说明"
DPI = 96
MARGINS_MM = (16, 14, 16, 12)  # left, top, right, bottom
FOOTER_PX = 22
PRINT_PPI = 150
JPEG_QUALITY = 72
KEEP_SHARE = 0.6  # at most this much of a page is kept with a heading
SLACK_PX = 30  # block rectangles leave out the spacing Qt adds between paragraphs

# Headings a little apart from the text; QTextDocument takes this CSS subset. The bundled font has
# no bold face and Qt fakes bold in a PDF by drawing each run twice, which doubles the text a PDF
# reader finds or copies ("九、备份到、备份到"): so weight is never used, headings stand out by size
# and colour, and emphasis by colour.
STYLE = """
h1 { font-size: 20pt; font-weight: normal; color: #1f4e79; }
h2 { font-size: 15pt; font-weight: normal; color: #1f4e79; margin-top: 16px; }
h3 { font-size: 12pt; font-weight: normal; color: #2f6f9f; margin-top: 8px; }
b { font-weight: normal; color: #9c2a00; }
th { font-weight: normal; background-color: #e8eef4; }
p, li { line-height: 140%; }
p.shot { line-height: 100%; }
"""


def load_font() -> str:
    font_id = QFontDatabase.addApplicationFont(str(FONT_FILE))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        raise SystemExit(f"cannot load the bundled font {FONT_FILE}")
    return families[0]


def add_print_images(doc: QTextDocument, html: str) -> None:
    """Give the document each screenshot at PRINT_PPI for the width the HTML shows it at: the
    1280-pixel originals would embed at ~190 ppi and make the PDF twice as large for no gain."""
    for src, width in re.findall(r'<img src="([^"]+)" width="(\d+)"', html):
        image = QImage(str(GUIDE_DIR / src))
        if image.isNull():
            raise SystemExit(f"guide.html shows {src}, which is missing or not an image")
        # Opaque RGB: a palette screenshot of greys only was written with a mask, which the
        # recompression turned into a striped JPEG 2000.
        image = image.convertToFormat(QImage.Format.Format_RGB32)
        target = round(int(width) * PRINT_PPI / DPI)
        if image.width() > target:
            image = image.scaledToWidth(target, Qt.TransformationMode.SmoothTransformation)
        # Keyed by the URL the document resolves "images/…" to against its base URL.
        doc.addResource(
            QTextDocument.ResourceType.ImageResource, QUrl.fromLocalFile(str(GUIDE_DIR / src)), image
        )


def recompress_images(source: Path, out: Path) -> None:
    """Qt writes every image as a near-lossless JPEG; screenshots read just as well at JPEG_QUALITY
    at a third of the size. Optimised Huffman tables and progressive scans take another ~11 % off
    at no cost in quality (any PDF reader since PDF 1.3 shows a progressive JPEG)."""
    pdf = PdfWriter(clone_from=PdfReader(source))
    for page in pdf.pages:
        for image in page.images:
            if image.image is not None:
                image.replace(image.image, quality=JPEG_QUALITY, optimize=True, progressive=True)
    pdf.compress_identical_objects()
    with out.open("wb") as fh:
        pdf.write(fh)


def keep_headings_with_text(doc: QTextDocument, page_height: float) -> None:
    """Start a heading on the next page when it would stand at the foot of a page with its text
    overleaf (QTextDocument has no keep-with-next). What a heading introduces is its first two
    blocks of text — usually a sentence and a screenshot — so those must fit below it (up to KEEP_SHARE of
    a page: a longer run may break anywhere)."""
    doc.size()  # the whole layout, not the part laid out so far
    layout = doc.documentLayout()
    block = doc.begin()
    while block.isValid():
        if block.blockFormat().headingLevel():
            top = layout.blockBoundingRect(block).top()
            needed, following, counted = layout.blockBoundingRect(block).height(), block.next(), 0
            while following.isValid() and counted < 2:  # a sub-heading right below counts for nothing
                needed += layout.blockBoundingRect(following).height()
                counted += 0 if following.blockFormat().headingLevel() else 1
                following = following.next()
            room = page_height - (top % page_height)
            if room < min(needed + SLACK_PX, KEEP_SHARE * page_height) and top % page_height > 1:
                fmt = block.blockFormat()
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(block).setBlockFormat(fmt)
                doc.size()  # re-lay out from here before measuring the next heading
        block = block.next()


def keep_tables_whole(doc: QTextDocument, page_height: float) -> None:
    """A short table that would be cut by a page end moves to the next page with the sentence (and
    heading) that introduces it, rather than leaving a row or two on its own."""
    layout = doc.documentLayout()
    for frame in doc.rootFrame().childFrames():
        if not isinstance(frame, QTextTable):
            continue
        doc.size()
        box = layout.frameBoundingRect(frame)
        first_page, last_page = int(box.top() // page_height), int((box.bottom() - 1) // page_height)
        if first_page == last_page or box.height() > KEEP_SHARE * page_height:
            continue
        lead = doc.findBlock(frame.firstPosition() - 1)  # the paragraph just before the table
        if lead.previous().isValid() and lead.previous().blockFormat().headingLevel():
            lead = lead.previous()
        fmt = lead.blockFormat()
        fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        QTextCursor(lead).setBlockFormat(fmt)
    doc.size()


def build(out: Path) -> int:
    """Write the PDF; returns its page count."""
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    assert app is not None
    family = load_font()

    doc = QTextDocument()
    doc.setBaseUrl(QUrl.fromLocalFile(str(GUIDE_DIR) + "/"))  # images/… resolve beside guide.html
    font = QFont(family)
    font.setPointSizeF(10.5)
    doc.setDefaultFont(font)
    doc.setDefaultStyleSheet(STYLE)
    html = (GUIDE_DIR / "guide.html").read_text(encoding="utf-8")
    add_print_images(doc, html)
    doc.setHtml(html)
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, TITLE)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".part")
    writer = QPdfWriter(str(tmp))
    writer.setTitle(TITLE)
    writer.setCreator("EcoDesk packaging/guide/build_pdf.py")
    # One device pixel = one CSS pixel of the HTML (96 per inch), as the Help window lays it out.
    # Screenshots are embedded at their own pixel size whatever this is, so they stay sharp.
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(*MARGINS_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    area = writer.pageLayout().paintRectPixels(DPI)
    body = QSizeF(area.width(), area.height() - FOOTER_PX)
    # QTextDocument.print_ drops every page after the first here once images are in the document
    # (PySide6 6.x, offscreen); paging it ourselves is also what lets us style the page number.
    doc.setPageSize(body)
    keep_headings_with_text(doc, body.height())
    keep_tables_whole(doc, body.height())
    doc.size()  # Qt lays a document out lazily; size() finishes it, so pageCount() counts every page
    pages = doc.pageCount()
    painter = QPainter(writer)
    try:
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * body.height())
            doc.drawContents(painter, QRectF(0, page * body.height(), body.width(), body.height()))
            painter.restore()
            painter.setFont(QFont(family, 9))
            painter.setPen(QColor("#666666"))
            painter.drawText(
                QRectF(0, body.height(), body.width(), FOOTER_PX),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                f"— {page + 1} / {pages} —",
            )
    finally:
        painter.end()
    del writer
    recompress_images(tmp, out)
    tmp.unlink()
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=GUIDE_DIR / PDF_NAME)
    args = parser.parse_args()
    pages = build(args.out)
    print(f"{args.out}: {pages} pages, {args.out.stat().st_size / 1024:.0f} KB")
    return 0 if pages else 1


if __name__ == "__main__":
    raise SystemExit(main())
