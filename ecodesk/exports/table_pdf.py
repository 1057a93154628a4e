"""Lists as print-ready PDF tables: the one table-PDF engine, for the 打印 button and ``ecodesk print``.

A4 landscape; the title, the active filter and the print date under it; the header repeated on every
page; "第 X 页 共 Y 页" at the foot. A row is never split across pages: a row that does not fit moves
whole to the next page (reportlab's table splits only between rows). The one exception is a row
taller than a whole page, which cannot move anywhere: its text is cut into continuation rows marked
"（接下页）" and "（续）", so the paper says so.

Fonts come from ``ecodesk.documents.fonts`` (embedded, subset) and every cell goes through
``documents.glyphs.markup``, which escapes the text and borrows a glyph the main font lacks, so
Chinese never prints as boxes. Written to a temporary file and moved into place, so a failure never
leaves half a PDF.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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
BOTTOM_MARGIN = 14 * mm  # room for the page footer
FRAME_PADDING = 6.0  # SimpleDocTemplate's frame padding, each side
MAX_ROWS = 20_000  # a PDF list longer than this is a mistake: export to Excel instead
DIGIT_PER_PT = 0.55  # a digit's width per point of font size
CELL_SIDE_PADDING = 6.0  # reportlab's default left and right cell padding
PAD = 2 * CELL_SIDE_PADDING
SHORT = 80.0  # columns up to this natural width (dates, codes, 状态) are never squeezed
TEXT_FLOOR = 60.0  # what a squeezed text column keeps at least
CELL_TOP, CELL_BOTTOM = 2.0, 3.0
CONTINUES = "（接下页）"
CONTINUED = "（续）"


def write_table_pdf(
    path: Path,
    title: str,
    headers: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[str]],
    fonts: FontReport,
    *,
    subtitle: str = "",
    filter_line: str = "",
    on_page: Callable[[int], None] | None = None,
) -> int:
    """Write one titled table; ``widths`` are in digit-characters (scaled to the page).

    ``filter_line`` (the active filter in words) goes right under the title, ``subtitle`` (date and
    count) under that. ``on_page(n)`` is called as page n is laid out (progress; it may raise to
    cancel, leaving no file). Returns the page count.
    """
    body_font, head_font = fonts.alias(SONG), fonts.alias(HEI)
    size, col_widths = fit_widths(content_widths(headers, widths, rows), PAGE[0] - 2 * MARGIN)
    cell = ParagraphStyle("cell", fontName=body_font, fontSize=size, leading=size * 1.28, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, fontName=head_font, alignment=1)
    title_style = ParagraphStyle("title", fontName=head_font, fontSize=16, leading=22, alignment=1)
    sub_style = ParagraphStyle("sub", fontName=body_font, fontSize=10, leading=14, alignment=1)

    header_cells = [Paragraph(markup(h, head_font), head) for h in headers]
    header_height = _row_height(header_cells, col_widths)
    room = PAGE[1] - MARGIN - BOTTOM_MARGIN - 2 * FRAME_PADDING - header_height - 1
    data: list[list[Paragraph]] = [header_cells]
    for row in rows:
        texts = [str(v) for v in row]
        for piece in _fit_row(texts, col_widths, cell, body_font, room):
            data.append([Paragraph(markup(t, body_font), cell) for t in piece])

    table = LongTable(data, colWidths=col_widths, repeatRows=1, splitInRow=0)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), CELL_TOP),
                ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_BOTTOM),
            ]
        )
    )
    story: list[Any] = [Paragraph(markup(title, head_font), title_style)]
    for line in (filter_line, subtitle):
        if line:
            story.append(Paragraph(markup(line, body_font), sub_style))
    story += [Spacer(1, 4 * mm), table]

    canvas_class = _numbered_canvas(body_font)
    with atomic_file(path) as tmp:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=BOTTOM_MARGIN,
            title=title,
            initialFontName=body_font,
        )

        stopped: list[BaseException] = []

        def page_started(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
            if on_page is None:
                return
            try:
                on_page(int(canvas.getPageNumber()))
            except Exception as exc:
                # reportlab re-creates an exception with its own message, which a cancel cannot take:
                # carry the original out instead.
                stopped.append(exc)
                raise _StoppedError from exc

        try:
            doc.build(story, onFirstPage=page_started, onLaterPages=page_started, canvasmaker=canvas_class)
        except _StoppedError:
            raise stopped[0] from None
    return int(getattr(canvas_class, "pages", 0))


class _StoppedError(Exception):
    """``on_page`` raised (the job was cancelled): the build stops, the original error goes on."""


def _numbered_canvas(font: str) -> type[Canvas]:
    """A canvas that holds its pages until the end, to write "第 X 页 共 Y 页" on each.

    The class records the page count it wrote (``pages``) for the caller.
    """

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        pages = 0

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for number, state in enumerate(self._held, 1):
                self.__dict__.update(state)
                self.setFont(font, 9)
                self.drawCentredString(PAGE[0] / 2, 7 * mm, f"第 {number} 页 共 {total} 页")
                super().showPage()
            type(self).pages = total
            super().save()

    return NumberedCanvas


# -- rows that fit a page ---------------------------------------------------------------------------


def _row_height(cells: Sequence[Paragraph], col_widths: Sequence[float]) -> float:
    inner = [w - 2 * CELL_SIDE_PADDING for w in col_widths]
    tallest = max(float(p.wrap(w, 1e6)[1]) for p, w in zip(cells, inner, strict=True))
    return tallest + CELL_TOP + CELL_BOTTOM


def _text_height(text: str, width: float, style: ParagraphStyle, font: str) -> float:
    return float(Paragraph(markup(text, font), style).wrap(width - 2 * CELL_SIDE_PADDING, 1e6)[1])


def _surely_fits(
    texts: Sequence[str], col_widths: Sequence[float], style: ParagraphStyle, room: float
) -> bool:
    """A cheap upper bound: every character as wide as a CJK character (the widest there are)."""
    size, leading = float(style.fontSize), float(style.leading)
    lines = 1
    for text, width in zip(texts, col_widths, strict=False):
        per_line = max(int((width - 2 * CELL_SIDE_PADDING) // size), 1)
        lines = max(lines, sum(max(math.ceil(len(part) / per_line), 1) for part in text.split("\n")))
    return lines * leading + CELL_TOP + CELL_BOTTOM <= room


def _fit_row(
    texts: list[str], col_widths: Sequence[float], style: ParagraphStyle, font: str, room: float
) -> list[list[str]]:
    """The row as it goes on paper: itself, or — only when taller than a whole page — its pieces."""
    if _surely_fits(texts, col_widths, style, room):
        return [texts]
    limit = room - CELL_TOP - CELL_BOTTOM
    pieces: list[list[str]] = []
    rest = texts
    while True:
        heights = [_text_height(t, w, style, font) for t, w in zip(rest, col_widths, strict=False)]
        if max(heights, default=0.0) <= limit:
            pieces.append(rest)
            return pieces
        here: list[str] = []
        later: list[str] = []
        for text, width, height in zip(rest, col_widths, heights, strict=False):
            if height <= limit:
                here.append(text)
                later.append("")
                continue
            cut = _longest_fitting(text, width, style, font, limit - float(style.leading))
            here.append(text[:cut] + CONTINUES)
            later.append(CONTINUED + text[cut:])
        if not later[0]:  # the first column (序号) names the row its continuation belongs to
            later[0] = f"{texts[0]}{CONTINUED}"
        pieces.append(here)
        rest = later


def _longest_fitting(text: str, width: float, style: ParagraphStyle, font: str, limit: float) -> int:
    """How many leading characters of ``text`` fit within ``limit`` points of height (at least one)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _text_height(text[:middle], width, style, font) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


# -- widths -----------------------------------------------------------------------------------------

SAMPLE_ROWS = 500  # widths are judged from the first rows, not measured over 20,000


def _digits(text: str) -> float:
    """A text's width in digit-characters: a CJK (wide) character is two."""
    return float(sum(1 if ord(ch) < 0x1100 else 2 for ch in text))


def _header_floor(header: str) -> float:
    """The narrowest a column may be: its header on one line up to three characters (序号, 状态),
    else on two."""
    if len(header) <= 3:
        return _digits(header) + 1
    return _digits(header[: math.ceil(len(header) / 2)]) + 1


def content_widths(
    headers: Sequence[str], declared: Sequence[float], rows: Sequence[Sequence[str]]
) -> list[float]:
    """Each column as wide as what it holds: an empty column no wider than its header (on two lines
    when it is long, so 整治日期 over nothing costs little), and a long text column up to twice its
    declared width."""
    sample = rows[:SAMPLE_ROWS]
    out: list[float] = []
    for column, (header, width) in enumerate(zip(headers, declared, strict=True)):
        longest = max(
            (max(_digits(part) for part in str(r[column]).split("\n")) for r in sample if column < len(r)),
            default=0.0,
        )
        out.append(max(_header_floor(header), min(longest + 1, 2.0 * float(width))))
    return out


def fit_widths(widths: Sequence[float], usable: float) -> tuple[float, list[float]]:
    """(font size, column widths in points) from widths in digit-characters, as the xlsx uses them.

    Short columns (dates, codes, 状态, names when there is room) keep their natural width so they
    never wrap; the text columns share what is left. When even that does not fit, the table drops to 8 pt, then shrinks evenly.
    """
    for size, short_limit in ((9.0, 2 * SHORT), (9.0, 1.5 * SHORT), (9.0, SHORT), (8.0, SHORT)):
        natural = [w * DIGIT_PER_PT * size + PAD for w in widths]
        short = sum(w for w in natural if w <= short_limit)
        texts = [w for w in natural if w > short_limit]
        if short + TEXT_FLOOR * len(texts) <= usable and (texts or short_limit == SHORT):
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
                return size, [w if w <= short_limit else next(it) for w in natural]
            return size, [w * usable / short for w in natural]
    total = sum(natural)
    return 8.0, [w * usable / total for w in natural]
