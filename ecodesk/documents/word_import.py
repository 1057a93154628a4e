"""A notice typed in Word or WPS (.docx) read back into the parts of a :class:`DocumentSpec`.

The clerk has years of notices typed the usual way: the red 发文机关标志, a centred 发文字号, a red rule
(a paragraph border or a drawn line), the title broken over centred lines ("通  知" spaced out), 主送
ending in "：", the body, 附件 lines, 署名 and 日期 at the right, an attached 方案 after the date and a
版记 (often a table). :func:`read_docx` walks the paragraphs and tables in order and recognises those
parts by their text and their look (alignment, size, colour, indent). Whatever it cannot place is put
into the body as it stood — never dropped — and listed in ``unplaced`` so the clerk can check.

Pure: no database; the register (``services.documents.import_docx``) numbers and stores the result.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecodesk.cn_numbers import cn_numeral, parse_cn_int
from ecodesk.dates import format_cn
from ecodesk.documents.linebreak import is_wide
from ecodesk.documents.spec import Attachment
from ecodesk.errors import EcoDeskError
from ecodesk.files import os_reason
from ecodesk.models.document import CIRCULAR, INTERVIEW, LETTER, NOTICE, RECTIFICATION

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_WIDTH_PT = 156 * 72 / 25.4  # the GB/T 9704 line; a typed notice's is about the same
_CELL_PT = 16.0  # one 3号 character


class WordImportError(EcoDeskError):
    """The file is not a .docx notice we can read; the message says why, in one line."""


# -- what was read -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WordNotice:
    """The parts of a notice found in a .docx; empty strings (None) for parts it did not have."""

    kind: str
    title: str
    body: str
    organ_mark: str = ""
    number_prefix: str = ""
    year: int | None = None
    sequence: int | None = None
    recipients: str = ""
    attachments: tuple[Attachment, ...] = ()  # printed after the date (empty body: only named)
    signature: str = ""
    date: dt.date | None = None
    seal: bool = False
    note: str = ""
    cc: str = ""
    printing_organ: str = ""
    printing_date: dt.date | None = None
    unplaced: tuple[str, ...] = ()  # text not recognised, put into the body as it stood
    skipped: tuple[str, ...] = ()  # what was left out on purpose (the red rule, drawn lines)

    @property
    def number(self) -> str:
        if self.sequence is None or self.year is None:
            return ""
        return f"{self.number_prefix}〔{self.year}〕{self.sequence}号"

    def recognised(self) -> list[tuple[str, str]]:
        """(label, what was found) for the clerk to check: 文号, 标题, 主送, 署名, 日期, 附件, 版记."""
        imprint = "；".join(
            part
            for part in (
                f"抄送：{self.cc}" if self.cc else "",
                f"印发机关：{self.printing_organ}" if self.printing_organ else "",
                f"印发日期：{format_cn(self.printing_date)}" if self.printing_date else "",
            )
            if part
        )
        attachments = "；".join(
            f"{n}. {a.title}" + ("（附全文）" if a.body.strip() else "（仅列名称）")
            for n, a in enumerate(self.attachments, 1)
        )
        return [
            ("发文机关标志", self.organ_mark or "（未识别）"),
            ("文号", self.number or "（无，登记为草稿）"),
            ("文种", self.kind),
            ("标题", self.title),
            ("主送", self.recipients or "（无）"),
            ("署名", self.signature or "（未识别）"),
            ("日期", format_cn(self.date) or "（未识别）"),
            ("附件", attachments or "（无）"),
            ("版记", imprint or "（无）"),
            ("正文", f"{len([p for p in self.body.split(chr(10) * 2) if p.strip()])} 段"),
        ]


# -- patterns ------------------------------------------------------------------------------------

_SPACE = r"[\s\u3000]*"
_NUMBER = re.compile(
    rf"(?P<prefix>[^\s\u3000〔\[【（(［]+?){_SPACE}[〔\[【（(［]{_SPACE}(?P<year>\d{{4}}){_SPACE}"
    rf"[〕\]】）)］]{_SPACE}第?{_SPACE}(?P<seq>\d+){_SPACE}号"
)
_CN = "〇零○Ｏ一二三四五六七八九十"
_DATE = re.compile(
    rf"(?P<y>\d{{4}}|[{_CN}]{{4}}){_SPACE}年{_SPACE}(?P<m>\d{{1,2}}|[{_CN}]{{1,3}}){_SPACE}月"
    rf"{_SPACE}(?P<d>\d{{1,2}}|[{_CN}]{{1,3}}){_SPACE}日"
)
_ATTACHMENT_HEAD = re.compile(r"附件\s*(\d+)?\s*[：:]?")
_ATTACHMENT_NOTE = re.compile(r"附件\s*[：:]\s*(?P<rest>.*)")
_LISTED = re.compile(r"(?P<n>\d+)\s*[\.．、]\s*(?P<name>.+)")
_RULE_CHARS = set("-—─━_＿=＝~～·•﹍﹉﹎ ")
_PRINTED = re.compile(rf"(?P<organ>.*?){_SPACE}(?P<date>{_DATE.pattern}){_SPACE}印\s*发")
_CC = re.compile(r"抄\s*送\s*[：:]\s*(?P<rest>.*)")


def parse_cn_date(text: str) -> dt.date | None:
    """The date a line is made of ("2023年12月20日", "二〇二三年十二月二十日"), else None."""
    squeezed = re.sub(r"[\s\u3000]", "", text)
    match = _DATE.fullmatch(squeezed)
    return _date_of(match) if match else None


def _date_of(match: re.Match[str]) -> dt.date | None:
    year, month, day = (parse_cn_int(match[k]) for k in ("y", "m", "d"))
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _squeeze(text: str) -> str:
    """Runs of spaces become one, and none is kept next to a Chinese character ("通  知" → "通知")."""
    text = re.sub(r"[\s\u3000]+", " ", text).strip()
    out = []
    for n, ch in enumerate(text):
        if ch == " " and (is_wide(text[n - 1]) or is_wide(text[n + 1])):
            continue
        out.append(ch)
    return "".join(out)


def kind_of(title: str) -> str:
    """The 文种 a title ends with; 通知 when it names none we keep."""
    for ending, kind in (
        ("整改通知书", RECTIFICATION),
        ("约谈通知书", INTERVIEW),
        ("通报", CIRCULAR),
        ("函", LETTER),
    ):
        if title.endswith(ending):
            return kind
    return NOTICE


# -- the file as a list of blocks ----------------------------------------------------------------


@dataclass
class _Block:
    """One paragraph (or one table's text) with what matters for telling the parts apart."""

    text: str
    align: str = "left"  # left, center, right, justify
    size: float | None = None  # the largest run size in pt
    bold: bool = False
    red: bool = False
    indent_pt: float = 0.0  # where the first line starts, from the left margin
    right_pt: float = 0.0
    border: bool = False  # a paragraph border (the red rule)
    drawing: bool = False  # a drawn line or shape in it
    page_break: bool = False
    table: list[str] | None = None  # a table's lines (cells of a row joined by two spaces)

    @property
    def flat(self) -> str:
        return re.sub(r"[\s\u3000]+", "", self.text)

    @property
    def blank(self) -> bool:
        return not self.flat and self.table is None

    @property
    def at_right(self) -> bool:
        """署名 and 日期: right-aligned, or pushed right by an indent or leading spaces."""
        if self.align == "right":
            return True
        lead = len(self.text) - len(self.text.lstrip(" \u3000\t"))
        spaces = sum(1.0 if ch == "\u3000" else (4.0 if ch == "\t" else 0.5) for ch in self.text[:lead])
        return self.indent_pt + spaces * _CELL_PT >= _TEXT_WIDTH_PT / 3

    @property
    def title_like(self) -> bool:
        return self.align == "center" and ((self.size or 0) >= 18 or self.bold)

    @property
    def is_rule(self) -> bool:
        """A line drawn with a border, a shape, or typed characters (————)."""
        if self.table is not None:
            return False
        if not self.flat:
            return self.border or self.drawing
        return len(self.flat) >= 4 and set(self.flat) <= _RULE_CHARS


def read_docx(path: str | Path) -> WordNotice:
    """Read the notice in a .docx; :class:`WordImportError` (one Chinese line) for what is not one."""
    blocks = _blocks(Path(path))
    return _Reader(blocks, Path(path).name).read()


def _check_container(path: Path) -> None:
    name = path.name
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise WordImportError(f"无法读取“{name}”：{os_reason(exc)}") from None
    if not head:
        raise WordImportError(f"“{name}”是空文件，不是 Word 文档")
    if head == _OLE_MAGIC:
        if path.suffix.lower() == ".docx":
            raise WordImportError(
                f"“{name}”设置了打开密码（或是改了扩展名的旧版 .doc）：请在 Word/WPS 中取消密码，"
                "另存为 .docx 后再导入"
            )
        raise WordImportError(
            f"“{name}”是旧版 Word/WPS 格式（.doc/.wps），不能直接导入：请在 Word 或 WPS 中打开，"
            "“另存为” Word 文档（.docx）后再导入"
        )
    if path.suffix.lower() in (".doc", ".wps"):
        raise WordImportError(f"“{name}”不是 .docx 文件：请在 Word 或 WPS 中“另存为” .docx 后再导入")
    if not zipfile.is_zipfile(path):
        raise WordImportError(f"“{name}”已损坏或不是 Word 文档（.docx），无法读取")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "word/document.xml" not in names:
                raise WordImportError(f"“{name}”不是 Word 文档（.docx）：压缩包里没有正文")
            if zf.testzip() is not None:
                raise WordImportError(f"“{name}”已损坏，无法读取（文件内容校验不符）")
    except zipfile.BadZipFile:
        raise WordImportError(f"“{name}”已损坏，无法读取") from None


def _blocks(path: Path) -> list[_Block]:
    _check_container(path)
    import docx  # python-docx loads only when a Word file is read
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise WordImportError(f"“{path.name}”已损坏或不是 Word 文档（.docx），无法读取") from exc
    except Exception as exc:  # lxml's XMLSyntaxError and kin: the XML inside is damaged
        raise WordImportError(f"“{path.name}”的内容已损坏，无法读取") from exc
    return list(_walk(document))


def _walk(document) -> Iterator[_Block]:  # type: ignore[no-untyped-def]
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = _Numbering(document)
    for el in document.element.body.iterchildren():
        if el.tag == qn("w:p"):
            para = Paragraph(el, document)
            yield from _textbox_blocks(el)
            yield _paragraph_block(para, numbering.label(para))
        elif el.tag == qn("w:tbl"):
            yield _table_block(Table(el, document))
        elif el.tag == qn("w:sdt"):  # a content control: its paragraphs in order
            for p in el.iter(qn("w:p")):
                para = Paragraph(p, document)
                yield _paragraph_block(para, numbering.label(para))


def _formatted(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "ideographDigital"):
        return cn_numeral(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(ch) + 0xFEE0) for ch in str(n))
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)


class _Numbering:
    """Word's automatic numbering ("一、" typed as a numbered list): the text each paragraph's number
    shows, counted in document order, so an auto-numbered heading keeps its 一、/（一）/1. in the body."""

    def __init__(self, document) -> None:  # type: ignore[no-untyped-def]
        from docx.oxml.ns import qn

        self.qn = qn
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId → ilvl → (start, fmt, text)
        self.counts: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for node in root.iter(qn("w:abstractNum")):
            levels = {}
            for lvl in node.iter(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    int(self._val(lvl, "w:start") or 1),
                    self._val(lvl, "w:numFmt") or "decimal",
                    self._val(lvl, "w:lvlText") or "",
                )
            abstract[node.get(qn("w:abstractNumId"), "")] = levels
        for num in root.iter(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                self.levels[num.get(qn("w:numId"), "")] = abstract.get(ref.get(qn("w:val"), ""), {})

    def _val(self, node, tag: str) -> str | None:  # type: ignore[no-untyped-def]
        child = node.find(self.qn(tag))
        return None if child is None else child.get(self.qn("w:val"))

    def label(self, para) -> str:  # type: ignore[no-untyped-def]
        num_id, ilvl = self._num_pr(para)
        levels = self.levels.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""
        counts = self.counts.setdefault(num_id or "", {})
        counts[ilvl] = counts.get(ilvl, levels[ilvl][0] - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        _start, fmt, text = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def number(match: re.Match[str]) -> str:
            level = int(match[1]) - 1
            start, level_fmt, _ = levels.get(level, (1, "decimal", ""))
            return _formatted(counts.get(level, start), level_fmt)

        return re.sub(r"%(\d)", number, text)

    def _num_pr(self, para) -> tuple[str | None, int]:  # type: ignore[no-untyped-def]
        qn = self.qn
        holders = [para._p.pPr] + [style.element.pPr for style in _style_chain(para.style)]
        for p_pr in holders:
            num_pr = None if p_pr is None else p_pr.find(qn("w:numPr"))
            if num_pr is not None:
                num_id = self._val(num_pr, "w:numId")
                ilvl = self._val(num_pr, "w:ilvl")
                return (None if num_id in (None, "0") else num_id), int(ilvl or 0)
        return None, 0


def _textbox_blocks(p_el) -> Iterator[_Block]:  # type: ignore[no-untyped-def]
    """Text typed in a text box (an organ mark drawn as one): its paragraphs, once each (Word keeps
    a VML copy under mc:Fallback)."""
    from docx.oxml.ns import qn

    fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
    for box in p_el.iter(qn("w:txbxContent")):
        if any(anc.tag == fallback for anc in box.iterancestors()):
            continue
        for inner in box.iter(qn("w:p")):
            text = "".join(t.text or "" for t in inner.iter(qn("w:t")))
            if text.strip():
                yield _Block(text=text, align="center")


def _style_chain(style: Any) -> Iterator[Any]:
    while style is not None:
        yield style
        style = style.base_style


def _paragraph_block(para, label: str = "") -> _Block:  # type: ignore[no-untyped-def]
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    fmt = para.paragraph_format
    align = fmt.alignment
    first = fmt.first_line_indent
    left = fmt.left_indent
    right = fmt.right_indent
    size = bold = color = None
    for style in _style_chain(para.style):
        sfmt = style.paragraph_format
        align = align if align is not None else sfmt.alignment
        first = first if first is not None else sfmt.first_line_indent
        left = left if left is not None else sfmt.left_indent
        right = right if right is not None else sfmt.right_indent
        size = size or style.font.size
        bold = bold if bold is not None else style.font.bold
        color = color or (style.font.color.rgb if style.font.color.type is not None else None)
    aligns = {
        WD_ALIGN_PARAGRAPH.CENTER: "center",
        WD_ALIGN_PARAGRAPH.RIGHT: "right",
        WD_ALIGN_PARAGRAPH.JUSTIFY: "justify",
    }
    run_sizes = [r.font.size.pt for r in para.runs if r.font.size is not None and r.text.strip()]
    run_bold = [r.bold for r in para.runs if r.text.strip()]
    run_colors = [r.font.color.rgb for r in para.runs if r.text.strip() and r.font.color.type is not None]
    p_pr = para._p.pPr
    borders = p_pr is not None and p_pr.find(qn("w:pBdr")) is not None
    drawn = any(True for _ in para._p.iter(qn("w:drawing"), qn("w:pict"), qn("w:object")))
    breaks = any(br.get(qn("w:type")) == "page" for br in para._p.iter(qn("w:br")))
    return _Block(
        text=label + para.text,
        align=aligns.get(align, "left"),
        size=max(run_sizes) if run_sizes else (size.pt if size is not None else None),
        bold=all(b or (b is None and bold) for b in run_bold) if run_bold else bool(bold),
        red=any(_is_red(c) for c in run_colors) or (not run_colors and _is_red(color)),
        indent_pt=((left.pt if left else 0.0) + (first.pt if first else 0.0)),
        right_pt=right.pt if right else 0.0,
        border=borders,
        drawing=drawn,
        page_break=bool(fmt.page_break_before) or breaks,
    )


def _is_red(rgb) -> bool:  # type: ignore[no-untyped-def]
    if rgb is None:
        return False
    r, g, b = int(rgb[0]), int(rgb[1]), int(rgb[2])
    return r >= 0xB0 and g <= 0x60 and b <= 0x60


def _table_block(table) -> _Block:  # type: ignore[no-untyped-def]
    """A table's text a line per row (cells joined by two spaces); a one-cell row a line per
    paragraph (the 版记 typed as one cell with 抄送 and 印发 lines)."""
    lines: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        cells: list[list[str]] = []
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                continue
            seen.add(id(cell._tc))
            texts = [p.text.strip() for p in cell.paragraphs if p.text.strip()]
            if texts:
                cells.append(texts)
        if len(cells) == 1:
            lines.extend(cells[0])
        elif cells:
            lines.append("  ".join("".join(texts) for texts in cells))
    return _Block(text="\n".join(lines), table=lines)


# -- telling the parts apart ---------------------------------------------------------------------


@dataclass
class _Part:
    title: str = ""
    paragraphs: list[str] = field(default_factory=list)


class _Reader:
    def __init__(self, blocks: list[_Block], name: str) -> None:
        self.blocks = blocks
        self.name = name
        self.pos = 0
        self.unplaced: list[str] = []
        self.skipped: list[str] = []

    # -- moving along

    def _peek(self) -> _Block | None:
        while self.pos < len(self.blocks) and self.blocks[self.pos].blank:
            if self.blocks[self.pos].is_rule:
                self.skipped.append("红线（绘制的线条或段落边框）")
            self.pos += 1
        return self.blocks[self.pos] if self.pos < len(self.blocks) else None

    def _take(self) -> _Block:
        block = self._peek()
        assert block is not None
        self.pos += 1
        return block

    # -- the whole notice

    def read(self) -> WordNotice:
        if not any(not b.blank for b in self.blocks):
            raise WordImportError(f"“{self.name}”里没有文字，不是一份公文")
        organ_mark, number = self._head()
        title = self._title()
        if not title:
            raise WordImportError(
                f"“{self.name}”里没有找到公文标题（居中的大号或加粗的标题行），不像一份公文，未导入"
            )
        recipients = self._recipients()
        body, names, signature, date, seal = self._main()
        if not body and not names:
            raise WordImportError(f"“{self.name}”里只有标题，没有找到正文，未导入")
        note = self._note() if date else ""
        parts, imprint = self._after_date()
        body_text = "\n\n".join([*body, *self.unplaced])
        prefix, year, sequence = number
        return WordNotice(
            kind=kind_of(title),
            title=title,
            body=body_text,
            organ_mark=organ_mark,
            number_prefix=prefix,
            year=year,
            sequence=sequence,
            recipients=recipients,
            attachments=_attachments(names, parts),
            signature=signature,
            date=date,
            seal=seal,
            note=note,
            cc=str(imprint.get("cc", "")),
            printing_organ=str(imprint.get("organ", "")),
            printing_date=imprint.get("date"),  # type: ignore[arg-type]
            unplaced=tuple(self.unplaced),
            skipped=tuple(dict.fromkeys(self.skipped)),
        )

    def _head(self) -> tuple[str, tuple[str, int | None, int | None]]:
        """What stands above the title: the organ mark, the number, rules; other lines (份号, 密级,
        紧急程度, 签发人) are kept for the body."""
        organ_mark = ""
        number: tuple[str, int | None, int | None] = ("", None, None)
        while (block := self._peek()) is not None and block.table is None:
            match = _NUMBER.search(block.flat) if number[2] is None else None
            if block.is_rule:
                self.skipped.append("红线（绘制的线条或段落边框）")
            elif match:
                number = (match["prefix"], int(match["year"]), int(match["seq"]))
                rest = (block.flat[: match.start()] + block.flat[match.end() :]).strip()
                if rest:
                    self.unplaced.append(rest)
                if block.border:
                    self.skipped.append("红线（绘制的线条或段落边框）")
            elif not organ_mark and number[2] is None and self._is_mark(block):
                organ_mark = block.flat
            elif block.title_like or not self._later_title():
                break
            else:
                self.unplaced.append(block.text.strip())
            self.pos += 1
        return organ_mark, number

    def _is_mark(self, block: _Block) -> bool:
        if block.align not in ("center", "left", "justify") or len(block.flat) > 40:
            return False
        return block.red or (block.size or 0) >= 26 or block.flat.endswith("文件")

    def _later_title(self) -> bool:
        """Whether a title-like line follows soon: then this line belongs to the head."""
        return any(b.title_like for b in self.blocks[self.pos + 1 : self.pos + 6])

    def _title(self) -> str:
        first = self._peek()
        if first is None or first.align != "center" or first.table is not None:
            return ""
        if parse_cn_date(first.flat) or _NUMBER.search(first.flat):
            return ""
        lines = [self._take().text]
        # the title goes on over consecutive centred lines that look like it (no blank between)
        while self.pos < len(self.blocks):
            block = self.blocks[self.pos]
            if block.blank or block.align != "center" or block.table is not None:
                break
            if first.title_like and not block.title_like:
                break
            lines.append(block.text)
            self.pos += 1
        return _squeeze("".join(line.replace("\n", "") for line in lines))

    def _recipients(self) -> str:
        block = self._peek()
        if block is None or block.table is not None:
            return ""
        text = block.text.strip()
        # "…现通知如下：" ends in a colon too, but a 主送 is a list of names, not a sentence
        sentence = "。" in text or block.flat.endswith(("如下：", "如下:"))
        addressed = (
            text.endswith(("：", ":")) and len(block.flat) <= 200 and "\n" not in text and not sentence
        )
        if addressed and not _ATTACHMENT_NOTE.fullmatch(block.flat) and not _CC.match(block.flat):
            self.pos += 1
            return text.rstrip("：:").strip()
        return ""

    def _main(self) -> tuple[list[str], list[str], str, dt.date | None, bool]:
        """Body paragraphs up to the 署名 and 日期; the 附件说明 names between them."""
        body: list[str] = []
        names: list[str] = []
        pending: list[_Block] = []  # lines at the right that may be the 署名
        while (block := self._peek()) is not None:
            if block.is_rule:
                self.skipped.append("线条")
                self.pos += 1
                continue
            if block.table is not None:
                if _is_imprint(block.table):
                    break
                self.pos += 1
                body.extend(line for line in block.table if line.strip())
                continue
            day = parse_cn_date(block.flat)
            if day is not None and (block.at_right or pending):
                self.pos += 1
                if not pending and body and _signature_like(body[-1]):
                    pending.append(_Block(text=body.pop()))  # typed flush left above the date
                signature = " ".join(b.flat for b in pending)
                seal = block.right_pt >= 3.5 * _CELL_PT or any(b.drawing for b in [*pending, block])
                return body, names, signature, day, seal
            if pending:  # the right-hand lines were not followed by a date: body after all
                body.extend(b.text.strip() for b in pending)
                pending = []
            self.pos += 1
            note = _ATTACHMENT_NOTE.fullmatch(_one_line(block.text))
            if note and not names:
                names.extend(_names(note["rest"]))
                while (nxt := self._peek()) is not None and _LISTED.fullmatch(_one_line(nxt.text)):
                    names.extend(_names(_one_line(self._take().text)))
                continue
            if block.at_right and len(block.flat) <= 40:
                pending.append(block)
                continue
            if _CC.match(block.flat) or _PRINTED.fullmatch(block.flat):
                self.pos -= 1
                break
            body.append(block.text.strip())
        body.extend(b.text.strip() for b in pending)
        return body, names, "", None, False

    def _note(self) -> str:
        block = self._peek()
        if block is not None and block.table is None and re.fullmatch(r"[（(].+[）)]", block.flat):
            self.pos += 1
            return block.text.strip()
        return ""

    def _after_date(self) -> tuple[list[_Part], dict[str, object]]:
        """Attachments printed after the date (附件 heading, title, body) and the 版记."""
        parts: list[_Part] = []
        imprint: dict[str, object] = {}
        while (block := self._peek()) is not None:
            self.pos += 1
            if block.is_rule:
                continue
            if block.table is not None and _is_imprint(block.table):
                imprint = _imprint(block.table, self.unplaced)
                continue
            if block.table is None and (_CC.match(block.flat) or _PRINTED.fullmatch(block.flat)):
                lines = [block.flat]
                while (nxt := self._peek()) is not None and (
                    _CC.match(nxt.flat) or _PRINTED.fullmatch(nxt.flat)
                ):
                    lines.append(self._take().flat)
                imprint = _imprint(lines, self.unplaced)
                continue
            if block.table is None and _ATTACHMENT_HEAD.fullmatch(block.flat):
                parts.append(_Part(title=self._title()))
                continue
            if not parts and block.align == "center" and block.title_like:
                self.pos -= 1
                parts.append(_Part(title=self._title()))
                continue
            lines = block.table if block.table is not None else [block.text.strip()]
            if parts:
                parts[-1].paragraphs.extend(line for line in lines if line.strip())
            else:
                self.unplaced.extend(line for line in lines if line.strip())
        return parts, imprint


_ORGAN_ENDINGS = (
    "政府",
    "委员会",
    "办公室",
    "党委",
    "局",
    "办",
    "中心",
    "所",
    "站",
    "队",
    "村",
    "社区",
    "组",
)


def _signature_like(text: str) -> bool:
    """A short line naming an organ (no sentence punctuation): the 署名 when it is not at the right."""
    flat = re.sub(r"[\s\u3000]+", "", text)
    return len(flat) <= 30 and not re.search(r"[。，；：,;:]", flat) and flat.endswith(_ORGAN_ENDINGS)


def _one_line(text: str) -> str:
    return re.sub(r"[\s\u3000]+", " ", text).strip()


def _names(text: str) -> list[str]:
    """Names from "1.方案  2.名单" (or one name alone), without their numbers and the closing 。.

    A number starts a new name only where the next one is expected ("PM2.5" stays whole)."""
    text = text.strip()
    if not text:
        return []
    first = re.match(r"1\s*[\.．、]\s*", text)
    if not first:
        listed = _LISTED.fullmatch(text)
        return [(listed["name"] if listed else text).strip().rstrip("。；;")]
    names: list[str] = []
    rest, k = text[first.end() :], 2
    while (nxt := re.search(rf"(?:^|(?<=[\s。；;]))\s*{k}\s*[\.．、]\s*", rest)) is not None:
        names.append(rest[: nxt.start()])
        rest, k = rest[nxt.end() :], k + 1
    names.append(rest)
    return [n.strip().rstrip("。；;") for n in names if n.strip()]


def _is_imprint(lines: list[str]) -> bool:
    flat = [re.sub(r"[\s\u3000]+", "", line) for line in lines]
    return any(_CC.match(line) or _PRINTED.search(line) for line in flat)


def _imprint(lines: list[str], unplaced: list[str]) -> dict[str, object]:
    """抄送 and the 印发 line from the 版记's lines (a wrapped 抄送 goes on on the next line);
    anything else there (共印N份) is kept for the body."""
    found: dict[str, object] = {}
    last = ""
    for line in lines:
        flat = re.sub(r"[\s\u3000]+", "", line)
        cc = _CC.match(flat)
        printed = _PRINTED.search(flat)
        if cc:
            found["cc"], last = cc["rest"].rstrip("。.；;，,"), "cc"
        elif printed:
            found["organ"] = printed["organ"]
            found["date"] = parse_cn_date(printed["date"])
            rest = flat[printed.end() :].strip("。")
            if rest:
                unplaced.append(rest)
            last = ""
        elif flat and last == "cc":
            found["cc"] = f"{found['cc']}{flat}".rstrip("。.；;，,")
        elif flat:
            unplaced.append(line.strip())
    return found


def _attachments(names: list[str], parts: list[_Part]) -> tuple[Attachment, ...]:
    """The 附件说明's names matched with the attachments printed after the date, in order."""
    out: list[Attachment] = []
    for n in range(max(len(names), len(parts))):
        part = parts[n] if n < len(parts) else None
        name = names[n] if n < len(names) else ""
        title = (part.title if part and part.title else name) or f"附件{n + 1}"
        body = "\n\n".join(part.paragraphs) if part else ""
        out.append(Attachment(title.rstrip("。"), body))
    return tuple(out)
