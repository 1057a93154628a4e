"""Placing a :class:`DocumentSpec` on the GB/T 9704 grid and drawing it with reportlab's canvas.

We draw with the canvas, not Platypus: the standard is a grid (22 lines × 28 cells) and every element
has a rule relative to that grid, which flowables would only approximate. Text goes through
``drawString``-style text objects, which have no markup, so "<" and "&" print as typed.

The document is built as *blocks* of *rows* (one row = one grid line); blocks never split across a page,
which keeps the 署名/日期 with the last lines of the body and a heading with its next line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas

from ecodesk import __version__
from ecodesk.dates import format_cn
from ecodesk.documents import grid as g
from ecodesk.documents.fonts import FANGSONG, HEI, KAI, SONG, XBS, FontReport
from ecodesk.documents.glyphs import font_for
from ecodesk.documents.headings import H1, H2, heading_end
from ecodesk.documents.linebreak import break_lines, is_wide, justify
from ecodesk.documents.spec import DocumentSpec, split_paragraphs
from ecodesk.documents.title import split_title


@dataclass(frozen=True)
class Glyph:
    x: float
    ch: str
    font: str
    size: float


@dataclass
class Row:
    """One grid line of text; ``top_offset`` moves the em box down from the line top (centring)."""

    glyphs: list[Glyph] = field(default_factory=list)
    top_offset: float = 0.0

    @property
    def blank(self) -> bool:
        return not self.glyphs


@dataclass
class Block:
    rows: list[Row]
    new_page: bool = False
    body: bool = False  # a line of body text (may be pulled into the signature block)
    attachment_note: bool = False  # the 附件说明 (goes with the signature)
    squeeze: bool = False  # may tighten the page's line pitch to stay on it (the signature)


@dataclass
class Page:
    rows: list[tuple[int, Row]] = field(default_factory=list)
    footer_only: bool = False
    lines: int = g.LINES  # more than 22 when the pitch was tightened to keep the signature here

    @property
    def pitch(self) -> float:
        return g.BLOCK_H / self.lines

    @property
    def last_line(self) -> int:
        return max((i for i, r in self.rows if not r.blank), default=-1)


class Typesetter:
    """Turns text into rows, knowing the fonts chosen for each style."""

    def __init__(self, report: FontReport) -> None:
        self.f = {s: report.alias(s) for s in (FANGSONG, HEI, KAI, SONG, XBS)}

    # -- measuring ---------------------------------------------------------------------------

    def advance(self, ch: str, font: str, size: float, *, on_grid: bool) -> float:
        """A full-width 3号 character takes a grid cell; anything else its natural width."""
        if on_grid and is_wide(ch):
            return g.CELL * size / g.SIZE_3
        return float(stringWidth(ch, font_for(ch, font), size))

    def width(self, text: str, font: str, size: float, *, on_grid: bool = True) -> float:
        return sum(self.advance(ch, font, size, on_grid=on_grid) for ch in text)

    # -- rows --------------------------------------------------------------------------------

    def flow(
        self,
        text: str,
        fonts: Sequence[str],
        size: float,
        *,
        first_x: float,
        rest_x: float,
        right: float = g.RIGHT,
        on_grid: bool = True,
        top_offset: float = 0.0,
    ) -> list[Row]:
        """Wrap ``text`` (one font per character) between ``first_x``/``rest_x`` and ``right``."""
        adv = [self.advance(ch, f, size, on_grid=on_grid) for ch, f in zip(text, fonts, strict=True)]
        lines = break_lines(text, adv, right - rest_x, right - first_x)
        rows: list[Row] = []
        for n, (a, b) in enumerate(lines):
            x0 = first_x if n == 0 else rest_x
            xs = justify(adv[a:b], right - x0, last=n == len(lines) - 1, max_stretch=3 * g.CELL)
            glyphs = [
                Glyph(x0 + dx, ch, fonts[i], size)
                for dx, ch, i in zip(xs, text[a:b], range(a, b), strict=True)
                if not ch.isspace()
            ]
            rows.append(Row(glyphs, top_offset))
        return rows

    def line(self, text: str, font: str, size: float, x: float, *, on_grid: bool = True) -> Row:
        glyphs: list[Glyph] = []
        for ch in text:
            if not ch.isspace():
                glyphs.append(Glyph(x, ch, font, size))
            x += self.advance(ch, font, size, on_grid=on_grid)
        return Row(glyphs)

    def body_paragraph(self, text: str) -> tuple[list[Row], bool]:
        """Rows of a body paragraph indented two cells, and whether it is a heading.

        一、 headings print in 黑体 and （一） in 楷体; when such a heading runs on into text in the same
        paragraph ("（一）加强检查。本次行动…") only the heading sentence takes the heading font.
        """
        fs = self.f[FANGSONG]
        heading_font = None
        match = H1.match(text) or H2.match(text)
        if match:
            heading_font = self.f[HEI] if H1.match(text) else self.f[KAI]
        fonts = [fs] * len(text)
        whole = False
        if match and heading_font is not None:
            end = heading_end(text, match.end(), self.width(text, fs, g.SIZE_3) <= g.BLOCK_W - 2 * g.CELL)
            whole = end == len(text)
            fonts[:end] = [heading_font] * end
        rows = self.flow(text, fonts, g.SIZE_3, first_x=g.LEFT + 2 * g.CELL, rest_x=g.LEFT)
        return rows, whole

    def centred_title(self, text: str) -> list[Row]:
        xbs = self.f[XBS]
        parts = split_title(text, g.BLOCK_W, lambda s: self.width(s, xbs, g.SIZE_2, on_grid=False))
        rows = []
        for part in parts:
            w = self.width(part, xbs, g.SIZE_2, on_grid=False)
            rows.append(self.line(part, xbs, g.SIZE_2, g.LEFT + (g.BLOCK_W - w) / 2, on_grid=False))
        return rows


def build_blocks(spec: DocumentSpec, ts: Typesetter) -> tuple[list[Block], list[Block]]:
    """The title-and-after blocks of the main document and of its attachments (the 版头 is apart)."""
    fs = ts.f[FANGSONG]
    blocks: list[Block] = [Block([r]) for r in ts.centred_title(spec.title)]
    blocks.append(Block([Row()]))
    if spec.recipients:
        rec = spec.recipients.rstrip("：:") + "："
        rows = ts.flow(rec, [fs] * len(rec), g.SIZE_3, first_x=g.LEFT, rest_x=g.LEFT)
        blocks.extend(Block([r]) for r in rows)
    _body(spec.body, ts, blocks)

    names = spec.listed_attachments
    if names:
        note_rows = [Row()] + [r for b in _attachment_note(names, ts) for r in b.rows]
        blocks.append(Block(note_rows, attachment_note=True))
    _signature(spec, ts, blocks)

    attach_blocks: list[Block] = []
    many = len(spec.attachments) > 1
    for n, att in enumerate(spec.attachments, 1):
        label = f"附件{n}" if many else "附件"
        head = [ts.line(label, ts.f[HEI], g.SIZE_3, g.LEFT), Row()]
        head.extend(ts.centred_title(att.title))
        head.append(Row())
        attach_blocks.append(Block(head, new_page=True))
        _body(att.body, ts, attach_blocks)
    return blocks, attach_blocks


def _level(para: str) -> int:
    return 1 if H1.match(para) else 2 if H2.match(para) else 0


def _body(text: str, ts: Typesetter, blocks: list[Block]) -> None:
    pending: list[Row] = []
    pending_level = 0
    for para in split_paragraphs(text):
        rows, heading = ts.body_paragraph(para)
        level = _level(para)
        if pending and level and level <= pending_level:
            # "（二）台账不规范。" followed by "三、…" has no text of its own to stay with
            blocks.append(Block(pending, body=True))
            pending = []
        if heading and len(rows) == 1:
            pending += rows  # keep a heading with the first line of what follows
            pending_level = level
            continue
        blocks.extend(_paragraph_blocks(pending, rows))
        pending = []
    if pending:
        blocks.append(Block(pending, body=True))


def _paragraph_blocks(heading: list[Row], rows: list[Row]) -> list[Block]:
    """A paragraph's rows with widow/orphan control: neither its first nor its last line alone.

    Pending heading rows join the first block, so a heading never ends a page either.
    """
    if len(rows) <= 3:
        return [Block(heading + rows, body=True)]
    blocks = [Block(heading + rows[:2], body=True)]
    blocks.extend(Block([r], body=True) for r in rows[2:-2])
    blocks.append(Block(rows[-2:], body=True))
    return blocks


def _attachment_note(names: list[str], ts: Typesetter) -> list[Block]:
    """附件说明: "附件：1.XXX", further items aligned after the colon, wrapped names after "1."."""
    fs = ts.f[FANGSONG]
    x0 = g.LEFT + 2 * g.CELL
    after_colon = x0 + ts.width("附件：", fs, g.SIZE_3)
    blocks: list[Block] = []
    many = len(names) > 1
    for n, name in enumerate(names, 1):
        label = f"{n}." if many else ""
        name_x = after_colon + ts.width(label, fs, g.SIZE_3)
        rows = ts.flow(name, [fs] * len(name), g.SIZE_3, first_x=name_x, rest_x=name_x)
        prefix = ("附件：" if n == 1 else "") + label
        start = x0 if n == 1 else after_colon
        rows[0].glyphs[:0] = ts.line(prefix, fs, g.SIZE_3, start).glyphs
        blocks.extend(Block([r], body=True) for r in rows)
    return blocks


def _signature(spec: DocumentSpec, ts: Typesetter, blocks: list[Block]) -> None:
    """署名 and 成文日期 (GB/T 9704 7.3.5), kept on one page with the last two body lines."""
    fs = ts.f[FANGSONG]
    sig, day = spec.signature, format_cn(spec.date)
    sig_w, day_w = ts.width(sig, fs, g.SIZE_3), ts.width(day, fs, g.SIZE_3)
    rows: list[Row] = []
    if spec.seal:
        day_x = g.RIGHT - 4 * g.CELL - day_w
        sig_x = day_x + (day_w - sig_w) / 2
        rows += [Row(), Row()]
    else:
        if day_w + 2 * g.CELL > sig_w:  # date longer: it goes 2 in, the 署名 2 further left
            day_x = g.RIGHT - 2 * g.CELL - day_w
            sig_x = day_x - 2 * g.CELL
        else:
            sig_x = g.RIGHT - 2 * g.CELL - sig_w
            day_x = sig_x + 2 * g.CELL
        rows.append(Row())
    rows.append(ts.line(sig, fs, g.SIZE_3, sig_x))
    rows.append(ts.line(day, fs, g.SIZE_3, day_x))
    if spec.note:
        note = spec.note if spec.note.startswith(("（", "(")) else f"（{spec.note}）"
        rows.extend(ts.flow(note, [fs] * len(note), g.SIZE_3, first_x=g.LEFT + 2 * g.CELL, rest_x=g.LEFT))
    # The 署名 page must carry body text: take the 附件说明 and at least two body lines along.
    kept: list[Row] = []
    if blocks and blocks[-1].attachment_note:
        kept = blocks.pop().rows
    body_rows = 0
    while blocks and blocks[-1].body and body_rows < 2:
        taken = blocks.pop().rows
        body_rows += len(taken)
        kept[:0] = taken
    blocks.append(Block(kept + rows, squeeze=True))


def footer_rows(spec: DocumentSpec, ts: Typesetter) -> list[Row]:
    """版记 text rows (抄送 lines, then 印发机关/日期), 4号, centred in their grid lines."""
    fs = ts.f[FANGSONG]
    centre = (g.PITCH - g.SIZE_4) / 2
    inset = g.SIZE_4
    rows: list[Row] = []
    if spec.cc:
        cc = spec.cc.rstrip("。.；;，,") + "。"
        label = "抄送："
        text_x = g.LEFT + inset + ts.width(label, fs, g.SIZE_4, on_grid=False)
        cc_rows = ts.flow(
            cc,
            [fs] * len(cc),
            g.SIZE_4,
            first_x=text_x,
            rest_x=text_x,
            right=g.RIGHT - inset,
            on_grid=False,
            top_offset=centre,
        )
        cc_rows[0].glyphs[:0] = ts.line(label, fs, g.SIZE_4, g.LEFT + inset, on_grid=False).glyphs
        rows.extend(cc_rows)
    if (spec.printing_organ or spec.printing_date) and not spec.is_letter:
        row = ts.line(spec.printing_organ, fs, g.SIZE_4, g.LEFT + inset, on_grid=False)
        pday = format_cn(spec.printing_date or spec.date) + "印发"
        w = ts.width(pday, fs, g.SIZE_4, on_grid=False)
        row.glyphs += ts.line(pday, fs, g.SIZE_4, g.RIGHT - inset - w, on_grid=False).glyphs
        row.top_offset = centre
        rows.append(row)
    return rows


_MAX_SQUEEZE = 2


def paginate(blocks: list[Block], first_line: int) -> list[Page]:
    pages = [Page()]
    pos = first_line
    for block in blocks:
        rows = list(block.rows)
        if block.new_page:
            pages.append(Page())
            pos = 0
        elif pos + len(rows) > g.LINES and len(rows) <= g.LINES:
            if block.squeeze and pos > 0 and pos + len(rows) <= g.LINES + _MAX_SQUEEZE:
                # GB/T 9704 7.3.5.1: when the seal/date will not fit, adjust the line spacing
                # rather than print a signature page without body text.
                pages[-1].lines = pos + len(rows)
            else:
                pages.append(Page())
                pos = 0
        if pos == 0 and not block.new_page:
            while rows and rows[0].blank:
                rows.pop(0)
        for row in rows:
            if pos >= pages[-1].lines:
                pages.append(Page())
                pos = 0
            pages[-1].rows.append((pos, row))
            pos += 1
    return pages


@dataclass(frozen=True)
class HeadGeometry:
    """Where the 版头 ends up (y from the page top, in points) — also used by the tests."""

    mark_top: float
    number_top: float
    red_line: float
    title_line: int


def head_geometry() -> HeadGeometry:
    mark_top = g.TOP + 35 * g.MM
    number_top = mark_top + g.SIZE_0 + 2 * g.PITCH
    red = number_top + g.SIZE_3 + 4 * g.MM
    title_line = math.ceil((red - g.TOP) / g.PITCH + 2 - 0.2)
    return HeadGeometry(mark_top, number_top, red, title_line)


# 信函格式 (GB/T 9704 10.1): organ name 30 mm below the paper top, red double lines 170 mm long,
# the first 4 mm under the name (thick over thin), the second 20 mm above the paper bottom (thin
# over thick); the number flush right 7/8 of a 3号 character under the first line.
LETTER_MARK_SIZE = 36.0  # 小初: the standard fixes no size; a letterhead is lighter than a 文件 head
LETTER_LINE_LEN = 170 * g.MM
LETTER_THICK, LETTER_THIN, LETTER_GAP = 0.8 * g.MM, 0.3 * g.MM, 0.5 * g.MM


def letter_geometry(has_number: bool) -> HeadGeometry:
    """Like :func:`head_geometry`; ``red_line`` is the top edge of the first double line."""
    mark_top = 30 * g.MM
    red = mark_top + LETTER_MARK_SIZE + 4 * g.MM
    number_top = red + LETTER_THICK + LETTER_GAP + LETTER_THIN + 7 / 8 * g.SIZE_3
    above_title = number_top + g.SIZE_3 if has_number else red
    title_line = max(0, math.ceil((above_title - g.TOP) / g.PITCH + 2 - 0.2))
    return HeadGeometry(mark_top, number_top, red, title_line)


class Painter:
    def __init__(self, canvas: Canvas, ts: Typesetter) -> None:
        self.c = canvas
        self.ts = ts

    def row(self, index: int, row: Row, pitch: float = g.PITCH) -> None:
        if row.blank:
            return
        top = g.BLOCK_TOP_Y - index * pitch - row.top_offset
        self.glyphs(row.glyphs, top)

    def glyphs(
        self, glyphs: Sequence[Glyph], top: float, color: tuple[float, float, float] = (0, 0, 0)
    ) -> None:
        t = self.c.beginText()
        t.setFillColorRGB(*color)
        # A character the style's font lacks (喆, 堃 …) is drawn from a font that has it.
        fonts = [font_for(gl.ch, gl.font) for gl in glyphs]
        names = set(fonts)
        # one font: align its own em box; mixed fonts: one shared baseline (see grid.baseline_for_top)
        descent = float(getFont(next(iter(names))).face.descent) if len(names) == 1 else None
        current: tuple[str, float] | None = None
        for gl, font in zip(glyphs, fonts, strict=True):
            if current != (font, gl.size):
                t.setFont(font, gl.size)
                current = (font, gl.size)
            t.setTextOrigin(gl.x, g.baseline_for_top(top, gl.size, descent))
            t.textOut(gl.ch)
        self.c.drawText(t)

    def mark(self, text: str, size: float, top: float) -> None:
        """The red 发文机关标志, centred on the text block, condensed when it would not fit one line."""
        xbs = self.ts.f[XBS]
        width = stringWidth(text, xbs, size)
        scale = min(1.0, g.BLOCK_W / width) if width else 1.0
        t = self.c.beginText()
        t.setFillColorRGB(*g.RED)
        t.setFont(xbs, size)
        t.setHorizScale(scale * 100)
        descent = float(getFont(xbs).face.descent)
        x = g.LEFT + (g.BLOCK_W - width * scale) / 2
        t.setTextOrigin(x, g.baseline_for_top(g.PAGE_H - top, size, descent))
        t.textOut(text)
        self.c.drawText(t)

    def letter_head(self, spec: DocumentSpec, geo: HeadGeometry) -> None:
        fs = self.ts.f[FANGSONG]
        self.mark(spec.organ_mark, LETTER_MARK_SIZE, geo.mark_top)
        self.double_line(geo.red_line, thick_first=True)
        self.double_line(g.PAGE_H - 20 * g.MM - LETTER_THICK - LETTER_GAP - LETTER_THIN, thick_first=False)
        if spec.number:
            w = self.ts.width(spec.number, fs, g.SIZE_3)
            row = self.ts.line(spec.number, fs, g.SIZE_3, g.RIGHT - w)
            self.glyphs(row.glyphs, g.PAGE_H - geo.number_top)

    def double_line(self, top: float, *, thick_first: bool) -> None:
        """Two red rules 170 mm long centred on the paper; ``top`` is the upper rule's top edge."""
        x0 = (g.PAGE_W - LETTER_LINE_LEN) / 2
        widths = (LETTER_THICK, LETTER_THIN) if thick_first else (LETTER_THIN, LETTER_THICK)
        self.c.saveState()
        self.c.setStrokeColorRGB(*g.RED)
        y = g.PAGE_H - top
        for k, w in enumerate(widths):
            if k:
                y -= LETTER_GAP
            self.c.setLineWidth(w)
            self.c.line(x0, y - w / 2, x0 + LETTER_LINE_LEN, y - w / 2)
            y -= w
        self.c.restoreState()

    def head(self, spec: DocumentSpec, geo: HeadGeometry) -> None:
        fs = self.ts.f[FANGSONG]
        self.mark(spec.organ_mark, g.SIZE_0, geo.mark_top)
        if spec.number:
            w = self.ts.width(spec.number, fs, g.SIZE_3)
            row = self.ts.line(spec.number, fs, g.SIZE_3, g.LEFT + (g.BLOCK_W - w) / 2)
            self.glyphs(row.glyphs, g.PAGE_H - geo.number_top)
        self.c.saveState()
        self.c.setStrokeColorRGB(*g.RED)
        self.c.setLineWidth(0.5 * g.MM)
        y = g.PAGE_H - geo.red_line
        self.c.line(g.LEFT, y, g.RIGHT, y)
        self.c.restoreState()

    def footer(self, rows: list[Row], page: Page, *, rules: bool = True) -> None:
        """版记: rows at the bottom of the block, thick rules outside, thin ones between.

        A letter's 版记 has no rules (GB/T 9704 10.1).
        """
        first = page.lines - len(rows)
        for k, row in enumerate(rows):
            self.row(first + k, row, page.pitch)
        if not rules:
            return
        self.c.saveState()
        self.c.setStrokeColorRGB(0, 0, 0)
        n_cc = len(rows) - 1
        for k in range(len(rows) + 1):
            if 0 < k < len(rows) and k != n_cc:
                continue  # wrapped 抄送 lines share one cell
            y = g.BLOCK_TOP_Y - (first + k) * page.pitch
            self.c.setLineWidth((0.35 if k in (0, len(rows)) else 0.25) * g.MM)
            self.c.line(g.LEFT, y, g.RIGHT, y)
        self.c.restoreState()

    def page_number(self, number: int) -> None:
        song = self.ts.f[SONG]
        text = f"— {number} —"
        w = stringWidth(text, song, g.SIZE_4)
        x = g.RIGHT - g.SIZE_4 - w if number % 2 else g.LEFT + g.SIZE_4
        top = g.BLOCK_BOTTOM_Y - 7 * g.MM
        self.c.setFillColorRGB(0, 0, 0)
        self.c.setFont(song, g.SIZE_4)
        self.c.drawString(x, g.baseline_for_top(top, g.SIZE_4), text)


def render_to_file(spec: DocumentSpec, path: Path, report: FontReport) -> int:
    """Draw ``spec`` into ``path``; returns the page count."""
    ts = Typesetter(report)
    letter = spec.is_letter
    geo = letter_geometry(bool(spec.number)) if letter else head_geometry()
    main, attachments = build_blocks(spec, ts)
    pages = paginate(main + attachments, geo.title_line)
    footer = footer_rows(spec, ts)
    if footer and pages[-1].last_line >= pages[-1].lines - len(footer):
        pages.append(Page(footer_only=True))

    c = Canvas(
        str(path), pagesize=(g.PAGE_W, g.PAGE_H), initialFontName=report.alias(SONG), initialFontSize=16
    )
    c.setTitle(spec.title)
    c.setAuthor(spec.signature)
    c.setSubject(spec.number or spec.kind)
    c.setCreator(f"EcoDesk {__version__}")
    painter = Painter(c, ts)
    for n, page in enumerate(pages, 1):
        if n == 1:
            (painter.letter_head if letter else painter.head)(spec, geo)
        for index, row in page.rows:
            painter.row(index, row, page.pitch)
        if footer and n == len(pages):
            painter.footer(footer, page, rules=not letter)
        if not page.footer_only and not (letter and n == 1):  # a letter's first page has no number
            painter.page_number(n)
        c.showPage()
    c.save()
    return len(pages)
