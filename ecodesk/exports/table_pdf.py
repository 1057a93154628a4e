"""Lists as print-ready PDF tables: A4 landscape, title, header repeated on every page, page numbers.

Used for the rectification list (问题整改清单), the ledgers and the complaints
(``services.record_export.export_kind_pdf``). Fonts come from
``ecodesk.documents.fonts`` (embedded, subset); user text is escaped before reportlab's markup sees it.
Written to a temporary file and moved into place, so a failure never leaves half a PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from ecodesk.documents.fonts import HEI, SONG, FontReport
from ecodesk.documents.glyphs import markup
from ecodesk.files import atomic_file

PAGE = landscape(A4)
MARGIN = 12 * mm
MAX_ROWS = 20_000  # a PDF list longer than this is a mistake: export to Excel instead
DIGIT_PER_PT = 0.55  # a digit's width per point of font size
PAD = 6.0  # cell padding, both sides
SHORT = 80.0  # columns up to this natural width (dates, codes, 状态) are never squeezed
TEXT_FLOOR = 60.0  # what a squeezed text column keeps at least


def write_table_pdf(
    path: Path,
    title: str,
    headers: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[str]],
    fonts: FontReport,
    *,
    subtitle: str = "",
) -> int:
    """Write one titled table; ``widths`` are relative (scaled to the page). Returns the page count."""
    body_font, head_font = fonts.alias(SONG), fonts.alias(HEI)
    size, col_widths = fit_widths(widths, PAGE[0] - 2 * MARGIN)
    cell = ParagraphStyle("cell", fontName=body_font, fontSize=size, leading=size * 1.28, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, fontName=head_font, alignment=1)
    title_style = ParagraphStyle("title", fontName=head_font, fontSize=16, leading=22, alignment=1)
    sub_style = ParagraphStyle("sub", fontName=body_font, fontSize=10, leading=14, alignment=1)
    data = [[Paragraph(markup(h, head_font), head) for h in headers]]
    data += [[Paragraph(markup(str(v), body_font), cell) for v in row] for row in rows]
    table = LongTable(data, colWidths=col_widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    story = [Paragraph(markup(title, head_font), title_style)]
    if subtitle:
        story.append(Paragraph(markup(subtitle, body_font), sub_style))
    story += [Spacer(1, 4 * mm), table]
    pages = {"n": 0}

    def footer(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        pages["n"] = canvas.getPageNumber()
        canvas.setFont(body_font, 9)
        canvas.drawCentredString(PAGE[0] / 2, 7 * mm, f"第 {canvas.getPageNumber()} 页")

    with atomic_file(path) as tmp:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=14 * mm,
            title=title,
            initialFontName=body_font,
        )
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return pages["n"]


def fit_widths(widths: Sequence[float], usable: float) -> tuple[float, list[float]]:
    """(font size, column widths in points) from widths in digit-characters, as the xlsx uses them.

    Short columns (dates, codes, 状态) keep their natural width so they never wrap; the text columns
    share what is left. When even that does not fit, the table drops to 8 pt, then shrinks evenly.
    """
    for size in (9.0, 8.0):
        natural = [w * DIGIT_PER_PT * size + PAD for w in widths]
        short = sum(w for w in natural if w <= SHORT)
        texts = [w for w in natural if w > SHORT]
        if short + TEXT_FLOOR * len(texts) <= usable:
            room = usable - short
            total = sum(texts)
            if total:
                scaled = [w * room / total for w in texts]
                # A text column squeezed below the floor takes the floor; the others share the rest.
                while any(w < TEXT_FLOOR for w in scaled):
                    fixed = sum(1 for w in scaled if w <= TEXT_FLOOR)
                    rest = [w for w in scaled if w > TEXT_FLOOR]
                    left = room - fixed * TEXT_FLOOR
                    factor = left / sum(rest) if rest else 1.0
                    scaled = [TEXT_FLOOR if w <= TEXT_FLOOR else w * factor for w in scaled]
                it = iter(scaled)
                return size, [w if w <= SHORT else next(it) for w in natural]
            return size, [w * usable / short for w in natural]
    total = sum(natural)
    return 8.0, [w * usable / total for w in natural]
