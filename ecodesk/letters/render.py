"""Drawing commitment letters: one letter per A4 page, thousands of pages in one PDF.

A letter is not a 公文, so it is not on the GB/T 9704 grid; it uses the same fonts (the clerk's
configured ones, else system, else bundled — :mod:`ecodesk.documents.fonts`) and the same Chinese line
breaking with 避头尾 (:mod:`ecodesk.documents.linebreak`). The body starts in 三号 and steps down until
title, body and signature block fit on the page: a letter is never two pages.

Speed (SPEC §8: 10,000 letters ≤ 20 s): fonts are registered once per process and subset once per
file by reportlab; each line is one ``textOut`` with a character spacing for 两端对齐 instead of one
positioned glyph per character; character widths and the line breaks of paragraphs repeated from
letter to letter (everything but the names) are cached for the batch.

Text is drawn through canvas text objects, which have no markup: "<" and "&" print as typed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reportlab import rl_config
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ecodesk import __version__
from ecodesk.documents import glyphs
from ecodesk.documents.fonts import FANGSONG, HEI, KAI, SONG, XBS, FontReport
from ecodesk.documents.linebreak import break_lines
from ecodesk.documents.spec import split_paragraphs
from ecodesk.documents.title import split_title
from ecodesk.files import atomic_file
from ecodesk.jobs import Job

MM = 72.0 / 25.4
PAGE_W, PAGE_H = float(A4[0]), float(A4[1])
LEFT = 28 * MM
RIGHT = PAGE_W - 26 * MM
TOP_Y = PAGE_H - 30 * MM
BOTTOM_Y = 22 * MM
WIDTH = RIGHT - LEFT
TITLE_SIZE = 22.0  # 二号
BODY_SIZES = (16.0, 15.0, 14.0, 13.0, 12.0, 11.0, 10.5)  # 三号 down to 五号
LEADINGS = (1.75, 1.5, 1.4)  # line pitch as a multiple of the size (三号 at 1.75: 28 pt, like the 公文 grid)
FOOTER_SIZE = 9.0
BARCODE_H = 7 * MM  # tall enough for a hand-held scanner, short enough to stay in the margin
BARCODE_MODULE = 0.9  # narrowest bar, pt (0.32 mm: scanners read 0.25 mm and up)
REPORT_EVERY = 25  # pages between progress reports (and cancel checks)

_CN_NUM = "一二三四五六七八九十"
_H1 = re.compile(rf"^[{_CN_NUM}]+、")
_H2 = re.compile(rf"^（[{_CN_NUM}]+）")


@dataclass(frozen=True)
class LetterText:
    """What one page says, placeholders already filled."""

    title: str
    body: str  # paragraphs separated by blank lines
    party_a: str  # left signature column, one line per line
    party_b: str  # right signature column
    footer: str = ""  # small print at the bottom: number, village and 组, for matching scans
    code: str = ""  # the letter's number as a Code 128 barcode at the bottom right (for a scanner gun)


@dataclass(frozen=True)
class _Line:
    text: str
    font: str
    x: float
    char_space: float


class _Layout:
    """Line breaking with cached widths and cached paragraph layouts (the batch's hot path)."""

    def __init__(self, report: FontReport) -> None:
        self.f = {s: report.alias(s) for s in (FANGSONG, HEI, KAI, SONG, XBS)}
        self._widths: dict[tuple[str, float], dict[str, float]] = {}
        self._paras: dict[tuple[str, float], list[_Line]] = {}
        self._titles: dict[str, list[tuple[str, float]]] = {}

    def advances(self, text: str, font: str, size: float) -> list[float]:
        table = self._widths.setdefault((font, size), {})
        out = []
        for ch in text:
            w = table.get(ch)
            if w is None:  # measured in the font that will really draw it (喆 is borrowed)
                w = table[ch] = float(stringWidth(ch, glyphs.font_for(ch, font), size))
            out.append(w)
        return out

    def wrap(self, text: str, font: str, size: float, x0: float, right: float, indent: float) -> list[_Line]:
        adv = self.advances(text, font, size)
        spans = break_lines(text, adv, right - x0, right - x0 - indent)
        lines = []
        for n, (a, b) in enumerate(spans):
            x = x0 + (indent if n == 0 else 0.0)
            used = sum(adv[a:b])
            slack = right - x - used
            last = n == len(spans) - 1
            # 两端对齐 for wrapped lines; a line left short by 避头尾 may stretch up to 3 characters.
            cs = slack / (b - a - 1) if not last and b - a > 1 and 0 < slack <= 3 * size else 0.0
            lines.append(_Line(text[a:b].rstrip(), font, x, cs))
        return lines

    def paragraph(self, text: str, size: float) -> list[_Line]:
        key = (text, size)
        cached = self._paras.get(key)
        if cached is None:
            font = self.f[FANGSONG]
            short_heading = len(text) <= 20 and "。" not in text[:-1]
            if _H1.match(text) and short_heading:
                font = self.f[HEI]
            elif _H2.match(text) and short_heading:
                font = self.f[KAI]
            cached = self.wrap(text, font, size, LEFT, RIGHT, 2 * size)
            if len(self._paras) > 5000:  # names make most paragraphs unique in a big batch
                self._paras.clear()
            self._paras[key] = cached
        return cached

    def title(self, text: str) -> list[tuple[str, float]]:
        cached = self._titles.get(text)
        if cached is None:
            font = self.f[XBS]
            parts = split_title(text, WIDTH, lambda s: stringWidth(s, font, TITLE_SIZE))
            cached = [(p, LEFT + (WIDTH - stringWidth(p, font, TITLE_SIZE)) / 2) for p in parts]
            self._titles[text] = cached
        return cached

    def column(self, text: str, size: float, x0: float, right: float) -> list[_Line]:
        """A signature column; a line too long breaks before its last "（" (…公司 / （盖章）)."""
        out: list[_Line] = []
        font = self.f[FANGSONG]
        for raw in text.replace("\r\n", "\n").split("\n"):
            line = raw.rstrip()
            if not line:
                out.append(_Line("", font, x0, 0.0))
                continue
            parts = [line]
            cut = line.rfind("（")
            if sum(self.advances(line, font, size)) > right - x0 and cut > 0:
                parts = [line[:cut], line[cut:]]
            for part in parts:
                for wrapped in self.wrap(part, font, size, x0, right, 0.0):
                    out.append(_Line(wrapped.text, wrapped.font, wrapped.x, 0.0))
        return out


def _align_last_lines(left: list[_Line], right: list[_Line]) -> tuple[list[_Line], list[_Line]]:
    """Keep the two date lines (each column's last line) side by side when one column wrapped."""
    if not left or not right or len(left) == len(right):
        return left, right
    short, long_ = (left, right) if len(left) < len(right) else (right, left)
    blank = _Line("", short[-1].font, short[-1].x, 0.0)
    padded = short[:-1] + [blank] * (len(long_) - len(short)) + short[-1:]
    return (padded, long_) if short is left else (long_, padded)


@dataclass
class _Placed:
    title: list[tuple[str, float]]
    size: float
    leading: float
    body: list[list[_Line]]
    left: list[_Line]
    right: list[_Line]

    @property
    def pitch(self) -> float:
        return self.size * self.leading

    @property
    def height(self) -> float:
        title_h = len(self.title) * TITLE_SIZE * 1.45 + TITLE_SIZE * 0.9
        lines = sum(len(p) for p in self.body) + 1.5 + max(len(self.left), len(self.right))
        return title_h + lines * self.pitch

    @property
    def fits(self) -> bool:
        return self.height <= TOP_Y - BOTTOM_Y - FOOTER_SIZE * 2


class LetterPainter:
    """Draws letters onto a canvas, one page each."""

    def __init__(self, canvas: Canvas, report: FontReport) -> None:
        self.c = canvas
        self.layout = _Layout(report)
        self._codes: dict[tuple[str, float, str], str] = {}
        self._cover: dict[str, frozenset[int]] = {}

    def place(self, letter: LetterText) -> _Placed:
        """The largest body size (and then the roomier line pitch) at which the letter fits a page."""
        lay = self.layout
        title = lay.title(letter.title)
        paragraphs = split_paragraphs(letter.body)
        mid = LEFT + WIDTH / 2
        placed = None
        for size in BODY_SIZES:
            body = [lay.paragraph(p, size) for p in paragraphs]
            left = lay.column(letter.party_a, size, LEFT, mid - size / 2)
            right = lay.column(letter.party_b, size, mid + size / 2, RIGHT)
            left, right = _align_last_lines(left, right)
            for leading in LEADINGS:
                placed = _Placed(title, size, leading, body, left, right)
                if placed.fits:
                    return placed
        assert placed is not None
        return placed  # even 五号 overflows: the editor warns; print it anyway, cut at the margin

    def page(self, letter: LetterText) -> None:
        placed = self.place(letter)
        t: Any = self.c.beginText()
        xbs = self.layout.f[XBS]
        y = TOP_Y - TITLE_SIZE * 0.88
        for text, x in placed.title:
            self._emit(t, _Line(text, xbs, x, 0.0), y, TITLE_SIZE)
            y -= TITLE_SIZE * 1.45
        y += TITLE_SIZE * 1.45 - TITLE_SIZE * 1.02
        size, pitch = placed.size, placed.pitch
        y -= pitch - size * 0.88  # the first body line's baseline
        for para in placed.body:
            for line in para:
                self._emit(t, line, y, size)
                y -= pitch
        y -= pitch * 1.5
        rows = max(len(placed.left), len(placed.right))
        for k in range(rows):
            for col in (placed.left, placed.right):
                if k < len(col) and col[k].text:
                    self._emit(t, col[k], y, size)
            y -= pitch
        if letter.footer:
            t.setCharSpace(0)
            t.setFillGray(0.35)
            t.setTextOrigin(LEFT, BOTTOM_Y - FOOTER_SIZE * 1.5)
            for piece, font in glyphs.runs(letter.footer, self.layout.f[SONG]):
                t.setFont(font, FOOTER_SIZE)
                t.textOut(piece)
        self.c.drawText(t)
        if letter.code:
            self.c._code.append(barcode_ops(letter.code, RIGHT, BOTTOM_Y - FOOTER_SIZE * 2.2, BARCODE_H))  # noqa: SLF001
        self.c.showPage()

    def _emit(self, t: Any, line: _Line, y: float, size: float) -> None:
        """One line as one PDF text operation, its encoded text cached for the whole file.

        Most lines repeat on every letter. reportlab's ``textOut`` re-measures, re-splits into
        font subsets and re-escapes each time; we format a (font, size, text) once — with the
        subset state reset so the code selects its own font — and reuse it with a new position.
        Subset codes are fixed per document once assigned, and the painter lives for one document.
        """
        key = (line.font, size, line.text)
        code = self._codes.get(key)
        if code is None:
            # A character the font lacks (喆 in a GB2312 font) is drawn by a font that has it:
            # each run selects its own font and the text position simply flows on between them.
            cover = self._cover.get(line.font)
            if cover is None:
                cover = self._cover[line.font] = glyphs.coverage(line.font)
            whole = all(ord(ch) in cover or ch == " " for ch in line.text)
            parts = []
            for piece, font in [(line.text, line.font)] if whole else glyphs.runs(line.text, line.font):
                t.setFont(font, size)
                t._curSubset = -1  # noqa: SLF001 - make the code select its font itself
                parts.append(t._formatText(piece))  # noqa: SLF001
            code = " ".join(parts)
            self._codes[key] = code
        t._code.append(f"{line.char_space:.3f} Tc 1 0 0 1 {line.x:.2f} {y:.2f} Tm {code}")  # noqa: SLF001


def barcode_ops(value: str, right: float, y: float, height: float, module: float = BARCODE_MODULE) -> str:
    """PDF operators filling the bars of ``value`` in Code 128, ending at ``right``.

    reportlab's barcode widget draws each bar through the canvas API (0.6 ms a page, a third of the
    batch); the encoding is its own, written out as one path of rectangles.
    """
    code = Code128(value, quiet=0)
    code.validate()
    code.encode()
    code.decompose()
    pattern = code.decomposed  # upper case: a bar, lower case: a space; A–D: 1–4 modules wide
    x = right - sum(ord(ch.upper()) - 64 for ch in pattern) * module
    ops = ["q 0 g"]
    for ch in pattern:
        w = (ord(ch.upper()) - 64) * module
        if ch.isupper():
            ops.append(f"{x:.2f} {y:.2f} {w:.2f} {height:.2f} re")
        x += w
    ops.append("f Q")
    return " ".join(ops)


def write_letters(
    out_path: str | os.PathLike[str],
    letters: Iterable[LetterText],
    total: int,
    report: FontReport,
    *,
    title: str = "承诺书",
    author: str = "",
    job: Job | None = None,
) -> int:
    """Write ``letters`` to ``out_path``, one per page; returns the page count.

    The PDF is written to a temporary file beside the target and renamed at the end, so a cancelled
    (``job``) or failed batch leaves no file and does not destroy an earlier one of the same name.
    """
    pages = 0
    # ASCII85 wrapping of content streams is pure Python without reportlab's C accelerator and
    # took half the time of a batch; plain Flate streams are as valid and smaller.
    a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        with atomic_file(out_path) as tmp:
            c = Canvas(str(tmp), pagesize=A4, initialFontName=report.alias(SONG), initialFontSize=16)
            c.setTitle(title)
            c.setAuthor(author)
            c.setCreator(f"EcoDesk {__version__}")
            painter = LetterPainter(c, report)
            for letter in letters:
                if pages % REPORT_EVERY == 0 and job is not None:
                    job.report(pages, total, f"正在排版第 {pages + 1:,} / {total:,} 份……")
                painter.page(letter)
                pages += 1
            if pages == 0:
                c.showPage()  # an empty PDF is not valid; callers refuse empty batches before this
            if job is not None:
                job.report(pages, total, "正在保存 PDF……")
            c.save()
    finally:
        rl_config.useA85 = a85
    return pages


def fits_one_page(painter: LetterPainter, letter: LetterText) -> bool:
    """Whether ``letter`` fits one page even at the smallest size (the template editor warns)."""
    return painter.place(letter).fits
