"""The same :class:`DocumentSpec` as a Word file (.docx) on the GB/T 9704 page, with python-docx.

Leaders revise drafts in Word or WPS and the county asks for electronic copies as .docx, so the file
must lay out there as our PDF does: the page and its 22 × 28 document grid (``w:docGrid``, which
python-docx has no API for), every line at the grid's pitch, the red 发文机关标志 and rule, the title
broken where the PDF breaks it, 署名 and 日期 placed by the same rules, the 版记 anchored to the bottom
of the last page, and "— N —" page numbers right on odd pages and left on even ones.

Fonts are named as a Windows office has them (仿宋, 黑体, 楷体, 宋体, 方正小标宋简体), the East Asian
font set on every run. A style this machine has no font for is named as the PDF falls back (仿宋 → 宋体),
so the .docx and the PDF made on one PC print alike.

Where the PDF's pagination puts the 版记 alone on its last page, that page starts a section of its own
with empty footers: GB/T 9704 prints no number there.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from ecodesk import __version__
from ecodesk.dates import format_cn
from ecodesk.documents import grid as g
from ecodesk.documents.fonts import FANGSONG, HEI, KAI, SONG, XBS, FontReport, resolve_fonts
from ecodesk.documents.headings import heading_end, heading_of
from ecodesk.documents.layout import Typesetter, build_blocks, head_geometry, letter_geometry, paginate
from ecodesk.documents.layout import footer_rows as pdf_footer_rows
from ecodesk.documents.linebreak import is_wide
from ecodesk.documents.spec import DocumentSpec, split_paragraphs
from ecodesk.documents.title import split_title
from ecodesk.files import atomic_file

_RED = RGBColor(0xE6, 0x00, 0x12)
# The grid: 22 lines of 28.95 pt. The 28 characters a line come from the character spacing rather
# than a character grid (``linesAndChars``): LibreOffice puts a 16 pt character that is wider than its
# 15.79 pt cell into two cells, printing 14 a line. 16 pt less 0.25 pt is 15.75 pt a character: 28 fit
# in the 156 mm line and 29 do not, in Word, WPS and LibreOffice alike.
LINE_PITCH_TWIPS = int(g.PITCH * 20)  # 579, rounded down: 22 lines must fit the 225 mm
CONDENSE_TWIPS = -5
# The 版记 is a table floating at the bottom of the last page's text block. LibreOffice (7.4) floats a
# table only when it is some 4 mm narrower than the text block (152 mm and wider it sets it inline,
# right under the 署名), so the 版记 rules are 151 mm, centred: 2.5 mm short of the block each side.
IMPRINT_WIDTH_MM = 151
_CELL_TWIPS = g.CELL * 20


# OOXML fixes the order of a property element's children (Word refuses a file that breaks it):
# what may follow the element we add by hand.
_PPR_AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
    "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_RPR_AFTER_SCALE = (
    "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
    "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)  # fmt: skip
_TBLPR_AFTER_POSITION = (
    "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW",
    "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
    "w:tblLook",
)  # fmt: skip


def _condense(run, scale: int) -> None:  # type: ignore[no-untyped-def]
    """Narrow a run's characters to ``scale`` % (Word's 字符缩放) so a long organ name fits one line."""
    if scale >= 100:
        return
    el = OxmlElement("w:w")
    el.set(qn("w:val"), str(scale))
    run._r.get_or_add_rPr().insert_element_before(el, *_RPR_AFTER_SCALE)


def _spacing(rpr, twips: int) -> None:  # type: ignore[no-untyped-def]
    """Character spacing (Word's 字符间距 紧缩) in twentieths of a point."""
    el = OxmlElement("w:spacing")
    el.set(qn("w:val"), str(twips))
    rpr.insert_element_before(el, "w:w", *_RPR_AFTER_SCALE)


def face_names(report: FontReport) -> dict[str, str]:
    """style → the face the PDF prints it with on this machine (仿宋_GB2312, or 宋体 where it borrows)."""
    return {style: choice.face for style, choice in report.choices.items()}


def render_docx(spec: DocumentSpec, out_path: str | os.PathLike[str], fonts: FontReport | None = None) -> int:
    """Write ``spec`` as a .docx atomically; returns the page count the PDF layout gives it."""
    report = fonts or resolve_fonts()
    writer = _Writer(spec, report)
    pages = writer.build()
    with atomic_file(out_path) as tmp:
        writer.doc.save(str(tmp))
    return pages


def _cells(text: str) -> float:
    """Width of ``text`` in grid cells: a full-width character one cell, others half a cell."""
    return sum(1.0 if is_wide(ch) else 0.5 for ch in text)


class _Writer:
    def __init__(self, spec: DocumentSpec, report: FontReport) -> None:
        self.spec = spec
        self.report = report
        self.faces = face_names(report)
        self.doc: DocxDocument = docx.Document()
        self.ts = Typesetter(report)  # measures as the PDF does (title breaks, pagination)
        self.squeeze = False
        self.tight = False  # paragraphs now written go at tight_twips (the squeezed page)
        self.tight_twips = LINE_PITCH_TWIPS

    # -- the whole document -----------------------------------------------------------------

    def build(self) -> int:
        spec = self.spec
        ts = self.ts
        geo = letter_geometry(bool(spec.number)) if spec.is_letter else head_geometry()
        main, attachments = build_blocks(spec, ts)
        pages = paginate(main + attachments, geo.title_line)
        footer = pdf_footer_rows(spec, ts)
        footer_alone = bool(footer) and pages[-1].last_line >= pages[-1].lines - len(footer)
        # Where the PDF tightens the 署名 page's pitch to keep body text on it (GB/T 9704 7.3.5.1), the
        # .docx sets that page's lines at the same pitch — every line of a one-page notice, else the
        # last paragraph and the 署名 block — and halves the blank lines around the 附件说明 and 署名.
        squeezed = [k for k, page in enumerate(pages) if page.lines > g.LINES]
        self.squeeze = bool(squeezed)
        if squeezed:
            self.tight_twips = int(g.BLOCK_H / pages[squeezed[0]].lines * 20)
        tight_page_one = squeezed[:1] == [0]

        self._page_setup()
        self._properties()
        if spec.is_letter:
            self._letter_head()
        else:
            self._head()
        self.tight = tight_page_one
        self._title(spec.title, blank_before=0)
        self._blank()
        if spec.recipients:
            self._para(spec.recipients.rstrip("：:") + "：", indent_cells=0)
        self._body(spec.body, keep_last=True)
        self._attachment_note()
        self._signature()
        self.tight = False
        for n, att in enumerate(spec.attachments, 1):
            label = f"附件{n}" if len(spec.attachments) > 1 else "附件"
            head = self._para_plain()
            head.paragraph_format.page_break_before = True
            self._run(head, label, HEI, g.SIZE_3)
            self._blank()
            self._title(att.title, blank_before=0)
            self._blank()
            self._body(att.body)
        if footer:
            if footer_alone:
                self._footer_only_section()
            self._imprint()
        return len(pages) + (1 if footer_alone else 0)

    # -- page, grid and page numbers -------------------------------------------------------------

    def _page_setup(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.left_margin = Mm(37), Mm(28)
        section.right_margin, section.bottom_margin = Mm(26), Mm(35)
        section.header_distance = Mm(15)
        # "— N —" with its top 7 mm under the text block: the footer's bottom edge ~23 mm up.
        section.footer_distance = Mm(23)
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))

        # Different odd and even footers (a document-wide setting in Word).
        self.doc.settings.odd_and_even_pages_header_footer = True

        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(g.SIZE_3)
        self._set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
        _spacing(normal.element.get_or_add_rPr(), CONDENSE_TWIPS)  # what the clerk types in Word too
        fmt = normal.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Twips(LINE_PITCH_TWIPS)
        fmt.widow_control = True

        if self.spec.is_letter:
            section.different_first_page_header_footer = True  # 信函: no number on page 1
        self._page_numbers(section)

    def _page_numbers(self, section) -> None:  # type: ignore[no-untyped-def]
        inset = Pt(g.SIZE_4)  # one 4号 character in from the block's edge
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            para = footer.paragraphs[0]
            para.alignment = align
            fmt = para.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                fmt.right_indent = inset
            else:
                fmt.left_indent = inset
            self._run(para, "— ", SONG, g.SIZE_4)
            self._field(para, "PAGE", SONG, g.SIZE_4)
            self._run(para, " —", SONG, g.SIZE_4)

    def _footer_only_section(self) -> None:
        """A new page for the 版记 alone, in a section whose footers print nothing."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        for footer in (section.footer, section.even_page_footer, section.first_page_footer):
            footer.is_linked_to_previous = False
            for para in footer.paragraphs:
                for run in list(para.runs):
                    run._r.getparent().remove(run._r)
        # The new page must hold a paragraph of its own before the floating 版记, or LibreOffice
        # anchors the table on the 署名 page and pulls the 署名 after it.
        self._blank().paragraph_format.line_spacing = Pt(1)

    def _properties(self) -> None:
        props = self.doc.core_properties
        props.title = self.spec.title
        props.author = self.spec.signature
        props.subject = self.spec.number or self.spec.kind
        props.comments = f"EcoDesk {__version__}"

    # -- 版头 ---------------------------------------------------------------------------------------

    def _mark(self, text: str, size: float, space_before: float) -> Paragraph:
        """The red 发文机关标志, centred, condensed (character scale) when it would not fit one line."""
        para = self._para_plain(align=WD_ALIGN_PARAGRAPH.CENTER)
        fmt = para.paragraph_format
        fmt.space_before = Pt(space_before)
        fmt.line_spacing = Pt(size * 1.15)
        width = _cells(text) * size
        scale = min(100, int(g.BLOCK_W / width * 100)) if width else 100
        run = self._run(para, text, XBS, size, color=_RED)
        _condense(run, scale)
        return para

    def _head(self) -> None:
        spec = self.spec
        geo = head_geometry()
        # The mark's top 35 mm below the block top; the line box is a little taller than the glyphs.
        self._mark(spec.organ_mark, g.SIZE_0, geo.mark_top - g.TOP - g.SIZE_0 * 0.12)
        para = self._para_plain(align=WD_ALIGN_PARAGRAPH.CENTER)
        para.paragraph_format.space_before = Pt(2 * g.PITCH - g.PITCH + g.SIZE_3 * 0.3)
        self._run(para, spec.number or " ", FANGSONG, g.SIZE_3)
        # The red rule 4 mm under the 发文字号, as wide as the text block: the paragraph's bottom border.
        self._border(para, "bottom", color="E60012", eighths=12, space_pt=4 * g.MM - g.SIZE_3 * 0.2)
        self._blank()

    def _letter_head(self) -> None:
        """信函格式: organ name 30 mm from the paper top and the red double lines, in the first-page
        header; the lower double line in the first-page footer; the number flush right."""
        spec = self.spec
        section = self.doc.sections[0]
        header = section.first_page_header
        header.is_linked_to_previous = False
        para = header.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.space_before = Pt(30 * g.MM - 15 * g.MM)
        para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        width = _cells(spec.organ_mark) * 36.0
        run = self._run(para, spec.organ_mark, XBS, 36.0, color=_RED)
        _condense(run, min(100, int(g.BLOCK_W / width * 100)) if width else 100)
        self._border(para, "bottom", color="E60012", eighths=24, space_pt=4 * g.MM, style="thickThinSmallGap")
        footer = section.first_page_footer
        footer.is_linked_to_previous = False
        low = footer.paragraphs[0]
        self._border(low, "top", color="E60012", eighths=24, space_pt=0, style="thinThickSmallGap")
        if spec.number:
            para = self._para_plain(align=WD_ALIGN_PARAGRAPH.RIGHT)
            self._run(para, spec.number, FANGSONG, g.SIZE_3)
        self._blank()

    # -- 主体 ---------------------------------------------------------------------------------------

    def _title(self, text: str, *, blank_before: int) -> None:
        for _ in range(blank_before):
            self._blank()
        ts_width = self._measure_xbs()
        para = self._para_plain(align=WD_ALIGN_PARAGRAPH.CENTER)
        para.paragraph_format.keep_with_next = True
        for n, part in enumerate(split_title(text, g.BLOCK_W, ts_width)):
            if n:
                para.add_run().add_break(WD_BREAK.LINE)
            self._run(para, part, XBS, g.SIZE_2)

    def _measure_xbs(self) -> Callable[[str], float]:
        ts, font = self.ts, self.ts.f[XBS]
        return lambda s: ts.width(s, font, g.SIZE_2, on_grid=False)

    def _body(self, text: str, *, keep_last: bool = False) -> None:
        """Body paragraphs; ``keep_last`` keeps the last one on the page of the 署名 (GB/T 9704: the
        signature page carries body text)."""
        fonts = {1: HEI, 2: KAI}
        paragraphs = split_paragraphs(text)
        for n, para_text in enumerate(paragraphs):
            last = keep_last and n == len(paragraphs) - 1
            if last and self.squeeze:
                self.tight = True
            para = self._para_plain()
            para.paragraph_format.keep_with_next = last
            self._indent(para, first_cells=2)
            head = heading_of(para_text)
            level = head[0] if head else 0
            if level in fonts:
                one_line = _cells(para_text) <= g.CHARS - 2
                end = heading_end(para_text, len(head[1]) if head else 0, one_line)
                self._run(para, para_text[:end], fonts[level], g.SIZE_3)
                if end < len(para_text):
                    self._run(para, para_text[end:], FANGSONG, g.SIZE_3)
                if end == len(para_text):
                    para.paragraph_format.keep_with_next = True
            else:
                self._run(para, para_text, FANGSONG, g.SIZE_3)

    def _attachment_note(self) -> None:
        names = self.spec.listed_attachments
        if not names:
            return
        self._gap()
        many = len(names) > 1
        for n, name in enumerate(names, 1):
            label = f"{n}." if many else ""
            para = self._para_plain()
            after_label = 2 + 3 + _cells(label)  # 2 in, "附件：", the number
            first = 2 if n == 1 else 5
            self._indent(para, left_cells=after_label, first_cells=first - after_label)
            self._run(para, ("附件：" if n == 1 else "") + label + name, FANGSONG, g.SIZE_3)
            para.paragraph_format.keep_with_next = True

    def _signature(self) -> None:
        """署名 and 成文日期 by GB/T 9704 7.3.5, as :func:`ecodesk.documents.layout._signature` places them."""
        spec = self.spec
        sig, day = spec.signature, format_cn(spec.date)
        sig_w, day_w = _cells(sig), _cells(day)
        if spec.seal:
            day_right = 4.0
            sig_right = day_right + (day_w - sig_w) / 2
            self._gap()
            self._gap()
        else:
            if day_w + 2 > sig_w:
                day_right, sig_right = 2.0, 4 + day_w - sig_w
            else:
                sig_right, day_right = 2.0, sig_w - day_w
            self._gap()
        for text, right, keep in ((sig, sig_right, True), (day, day_right, bool(spec.note))):
            para = self._para_plain(align=WD_ALIGN_PARAGRAPH.RIGHT)
            para.paragraph_format.right_indent = Twips(round(right * _CELL_TWIPS))
            para.paragraph_format.keep_with_next = keep
            self._run(para, text, FANGSONG, g.SIZE_3)
        if spec.note:
            note = spec.note if spec.note.startswith(("（", "(")) else f"（{spec.note}）"
            para = self._para_plain()
            self._indent(para, first_cells=2)
            self._run(para, note, FANGSONG, g.SIZE_3)

    # -- 版记 ---------------------------------------------------------------------------------------

    def _imprint(self) -> None:
        """抄送 and 印发机关/印发日期 in a table anchored to the bottom of the last page's text block,
        thick rules outside and thin between (none for a letter)."""
        spec = self.spec
        rows: list[tuple[str, str, str]] = []  # (label, left text, right text)
        if spec.cc:
            rows.append(("抄送：", spec.cc.rstrip("。.；;，,") + "。", ""))
        if (spec.printing_organ or spec.printing_date) and not spec.is_letter:
            rows.append(("", spec.printing_organ, format_cn(spec.printing_date or spec.date) + "印发"))
        if not rows:
            return
        # One row, one cell, a paragraph a line: a row never splits, so the 版记 moves whole to a
        # new page when the last one is full (LibreOffice splits a floating table between rows).
        table = self.doc.add_table(rows=1, cols=1)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self._float_to_bottom(table)
        cant_split = OxmlElement("w:cantSplit")
        table.rows[0]._tr.get_or_add_trPr().append(cant_split)
        cell = table.rows[0].cells[0]
        cell.width = Mm(IMPRINT_WIDTH_MM)
        rules = not spec.is_letter
        if rules:
            self._cell_borders(cell, top="8", bottom="8")
        self._cell_margins(cell)
        for k, (label, left, right) in enumerate(rows):
            para = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
            fmt = para.paragraph_format
            fmt.left_indent = fmt.right_indent = Pt(g.SIZE_4)
            if label:
                # wrapped 抄送 lines align after the colon
                fmt.left_indent = Pt(g.SIZE_4 * 4)
                fmt.first_line_indent = Pt(-g.SIZE_4 * 3)
            if right:
                tabs = para.paragraph_format.tab_stops
                tabs.add_tab_stop(Mm(IMPRINT_WIDTH_MM) - Pt(g.SIZE_4) * 2, WD_TAB_ALIGNMENT.RIGHT)
            if rules and k < len(rows) - 1:
                self._border(para, "bottom", color="000000", eighths=6, space_pt=0)  # the thin rule between
            self._run(para, label + left + ("\t" + right if right else ""), FANGSONG, g.SIZE_4)
        # A floating table is anchored to the paragraph after it (LibreOffice drops one with none).
        anchor = self.doc.add_paragraph()
        anchor.paragraph_format.line_spacing = Pt(1)

    def _float_to_bottom(self, table) -> None:  # type: ignore[no-untyped-def]
        tbl_pr = table._tbl.tblPr
        pos = OxmlElement("w:tblpPr")
        pos.set(qn("w:vertAnchor"), "margin")
        pos.set(qn("w:horzAnchor"), "margin")
        pos.set(qn("w:tblpYSpec"), "bottom")
        pos.set(qn("w:tblpXSpec"), "center")
        tbl_pr.insert_element_before(pos, *_TBLPR_AFTER_POSITION)
        width = tbl_pr.find(qn("w:tblW"))
        width.set(qn("w:w"), str(round(IMPRINT_WIDTH_MM * g.MM * 20)))
        width.set(qn("w:type"), "dxa")

    @staticmethod
    def _cell_margins(cell: _Cell) -> None:
        tc_pr = cell._tc.get_or_add_tcPr()
        mar = OxmlElement("w:tcMar")
        for side in ("left", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), "0")
            el.set(qn("w:type"), "dxa")
            mar.append(el)
        tc_pr.insert_element_before(mar, "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")

    @staticmethod
    def _cell_borders(cell: _Cell, *, top: str, bottom: str) -> None:
        tc_pr = cell._tc.get_or_add_tcPr()
        borders = OxmlElement("w:tcBorders")
        for side, size in (("top", top), ("left", None), ("bottom", bottom), ("right", None)):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:val"), "single" if size else "nil")
            if size:
                el.set(qn("w:sz"), size)
                el.set(qn("w:space"), "0")
                el.set(qn("w:color"), "000000")
            borders.append(el)
        tc_pr.insert_element_before(
            borders,
            "w:shd",
            "w:noWrap",
            "w:tcMar",
            "w:textDirection",
            "w:tcFitText",
            "w:vAlign",
            "w:hideMark",
        )

    # -- small pieces -------------------------------------------------------------------------------

    def _para_plain(self, align: WD_ALIGN_PARAGRAPH | None = None) -> Paragraph:
        para = self.doc.add_paragraph()
        self._pitch(para)
        if align is not None:
            para.alignment = align
        else:
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        return para

    def _para(self, text: str, *, indent_cells: float) -> Paragraph:
        para = self._para_plain()
        self._indent(para, first_cells=indent_cells)
        self._run(para, text, FANGSONG, g.SIZE_3)
        return para

    def _blank(self, *, keep: bool = False) -> Paragraph:
        para = self.doc.add_paragraph()
        para.paragraph_format.keep_with_next = keep
        self._pitch(para)
        return para

    def _pitch(self, para: Paragraph, twips: int | None = None) -> None:
        """Set a paragraph off the grid at ``twips`` (default: the squeezed page's pitch, if now on it).

        Off the grid, or LibreOffice still gives each line a whole grid line."""
        if twips is None:
            if not self.tight:
                return
            twips = self.tight_twips
        para.paragraph_format.line_spacing = Twips(twips)
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        p_pr = para._p.get_or_add_pPr()
        p_pr.insert_element_before(snap, *_PPR_AFTER_BORDER[_PPR_AFTER_BORDER.index("w:snapToGrid") + 1 :])

    def _gap(self) -> None:
        """A blank line of the signature block, kept with what follows; half a line when squeezed."""
        para = self.doc.add_paragraph()
        para.paragraph_format.keep_with_next = True
        if self.squeeze:
            self._pitch(para, self.tight_twips // 2)

    def _indent(self, para: Paragraph, *, left_cells: float = 0, first_cells: float = 0) -> None:
        fmt = para.paragraph_format
        if left_cells:
            fmt.left_indent = Twips(round(left_cells * _CELL_TWIPS))
        if first_cells:
            fmt.first_line_indent = Twips(round(first_cells * _CELL_TWIPS))

    def _run(self, para: Paragraph, text: str, style: str, size: float, *, color: RGBColor | None = None):  # type: ignore[no-untyped-def]
        run = para.add_run(text)
        run.font.size = Pt(size)
        if size == g.SIZE_3:
            _spacing(run._r.get_or_add_rPr(), CONDENSE_TWIPS)
        if color is not None:
            run.font.color.rgb = color
        self._set_fonts(run._r.get_or_add_rPr(), style)
        return run

    def _field(self, para: Paragraph, code: str, style: str, size: float) -> None:
        """A Word field such as PAGE: begin, instruction, separate, a placeholder result, end."""
        for kind, text in (
            ("begin", None),
            (None, f" {code} "),
            ("separate", None),
            (None, "1"),
            ("end", None),
        ):
            run = self._run(para, "", style, size)
            if kind is not None:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
            elif text is not None and text.strip() == code:
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            else:
                run.text = text or ""

    def _set_fonts(self, rpr, style: str) -> None:  # type: ignore[no-untyped-def]
        """Name the style's face for East Asian text and for Latin (digits in a 公文 are in the same face)."""
        face = self.faces[style]
        fonts = rpr.get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), face)
        fonts.set(qn("w:hint"), "eastAsia")

    @staticmethod
    def _border(
        para: Paragraph, side: str, *, color: str, eighths: int, space_pt: float, style: str = "single"
    ) -> None:
        p_pr = para._p.get_or_add_pPr()
        borders = p_pr.find(qn("w:pBdr"))
        if borders is None:
            borders = OxmlElement("w:pBdr")
            p_pr.insert_element_before(borders, *_PPR_AFTER_BORDER)
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), style)
        el.set(qn("w:sz"), str(eighths))
        el.set(qn("w:space"), str(max(0, round(space_pt))))
        el.set(qn("w:color"), color)
        borders.append(el)
