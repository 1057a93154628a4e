"""A streaming writer for one titled table in an .xlsx file, the XML written directly.

openpyxl's write-only mode builds a cell object and an XML element per value: 200,000 rows of a
household export took half a minute on the office's 2-core PC, over the 15 s the clerk is promised.
A list export needs only a small, fixed part of SpreadsheetML — a title, a header, plain cells,
widths, frozen panes, an autofilter and print settings — so this module writes exactly that, row by
row, into the zip stream: about fifteen times faster, in constant memory.

Text is written as inline strings (``t="inlineStr"``), which Excel, WPS and openpyxl never read as a
formula, so formula injection is impossible by construction. The file goes to a temporary name and
replaces the target only when complete.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from ecodesk import dates
from ecodesk.files import atomic_file

DATE_STYLE, DATETIME_STYLE, TIME_STYLE = 3, 4, 5  # cellXfs indexes in STYLES below
TITLE_STYLE, HEADER_STYLE = 1, 2
MAX_CELL_TEXT = 32767  # Excel refuses longer cell text
_EPOCH = datetime(1899, 12, 30)  # Excel's day 0, so that 1900-03-01 is 61 (the 1900 leap-year bug)
# XML 1.0 forbids these control characters; pasted text sometimes carries them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A literal "_x0041_" in text would be read back as "A": escape its underscore as Excel does.
_OOXML_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_FLUSH_CHARS = 1 << 20

STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" \
formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="166" formatCode="hh:mm"/></numFmts>
<fonts count="3"><font><sz val="11"/><name val="宋体"/><charset val="134"/></font>\
<font><b/><sz val="16"/><name val="宋体"/><charset val="134"/></font>\
<font><b/><sz val="11"/><name val="宋体"/><charset val="134"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
<border><left style="thin"><color rgb="FF808080"/></left><right style="thin"><color rgb="FF808080"/></right>\
<top style="thin"><color rgb="FF808080"/></top><bottom style="thin"><color rgb="FF808080"/></bottom><diagonal/></border>\
</borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">\
<alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" \
applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" \
ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" \
Target="docProps/core.xml"/>
<Relationship Id="rId3" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" \
Target="docProps/app.xml"/>
</Relationships>"""

WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
<Application>EcoDesk</Application></Properties>"""

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def clean_text(text: str) -> str:
    """Text fit for a cell: characters XML cannot hold dropped, length capped at Excel's limit."""
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub("", text)
    return text[:MAX_CELL_TEXT]


def _text_xml(text: str) -> str:
    text = _OOXML_ESCAPE.sub(r"_x005F_\1", escape(clean_text(text)))
    if text[:1].isspace() or text[-1:].isspace() or "\n" in text:
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _serial(value: datetime | date | time) -> float:
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    if isinstance(value, date):
        return float((value - _EPOCH.date()).days)
    seconds = timedelta(hours=value.hour, minutes=value.minute, seconds=value.second).total_seconds()
    return seconds / 86400


def _number(value: float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else repr(value)


def cell_xml(ref: str, value: Any) -> str:
    """One ``<c>`` element, or "" for an empty cell. Same typing as the screens: text stays text."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr">{_text_xml(value)}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="inlineStr">{_text_xml("是" if value else "否")}</c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, float | Decimal):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return f'<c r="{ref}" t="inlineStr">{_text_xml(str(value))}</c>'
        return f'<c r="{ref}"><v>{_number(number)}</v></c>'
    if isinstance(value, datetime):
        style = DATE_STYLE if value.time() == time(0) else DATETIME_STYLE
        return f'<c r="{ref}" s="{style}"><v>{_number(_serial(value))}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{_number(_serial(value))}</v></c>'
    if isinstance(value, time):
        return f'<c r="{ref}" s="{TIME_STYLE}"><v>{_number(_serial(value))}</v></c>'
    return f'<c r="{ref}" t="inlineStr">{_text_xml(str(value))}</c>'


def _quoted_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _workbook_xml(sheet: str, columns: int, last_row: int, title_rows: int) -> str:
    last = column_letter(columns)
    quoted = escape(_quoted_sheet(sheet))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
        "<bookViews><workbookView/></bookViews>"
        f'<sheets><sheet name={quoteattr(sheet)} sheetId="1" r:id="rId1"/></sheets>'
        "<definedNames>"
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"{quoted}!$A${title_rows}:${last}${last_row}</definedName>"
        f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{quoted}!$1:${title_rows}</definedName>'
        "</definedNames></workbook>"
    )


def _core_xml() -> str:
    stamp = dates.now().isoformat() + "Z"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:creator>EcoDesk</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        "</cp:coreProperties>"
    )


def _sheet_head(widths: Sequence[float], title_rows: int) -> str:
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{_number(float(w))}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
    )
    top = f"A{title_rows + 1}"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        '<sheetViews><sheetView workbookViewId="0">'
        f'<pane ySplit="{title_rows}" topLeftCell="{top}" activePane="bottomLeft" state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{cols}</cols><sheetData>"
    )


def _sheet_tail(columns: int, last_row: int, title_rows: int, merge_title: bool) -> str:
    last = column_letter(columns)
    merged = [f'<mergeCell ref="A{r}:{last}{r}"/>' for r in range(1, title_rows)] if merge_title else []
    merge = f'<mergeCells count="{len(merged)}">{"".join(merged)}</mergeCells>' if merged else ""
    return (
        "</sheetData>"
        f'<autoFilter ref="A{title_rows}:{last}{last_row}"/>'
        f"{merge}"
        '<printOptions horizontalCentered="1" gridLines="1"/>'
        '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        "<headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter>"
        "</worksheet>"
    )


def write_titled_table(
    path: Path,
    sheet: str,
    title: str,
    headers: Sequence[str],
    widths: Sequence[float],
    rows: Iterable[Sequence[Any]],
    *,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 200,
    subtitle: str = "",
) -> int:
    """Write a merged title row, a styled header row and ``rows`` to a new workbook at ``path``.

    A ``subtitle`` (the list's filter in words) is a merged row between the title and the header.

    ``sheet`` must already be a valid sheet name and ``widths`` Excel column widths. ``progress`` is
    called with the number of rows written (it may raise to cancel). Returns the data rows written.
    """
    columns = max(len(headers), 1)
    letters = [column_letter(i) for i in range(1, columns + 1)]
    title_rows = 3 if subtitle else 2
    written = 0
    with atomic_file(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as book:
        with book.open("xl/worksheets/sheet1.xml", "w") as raw:
            out = _Buffered(raw)
            out.write(_sheet_head(widths, title_rows))
            out.write(f'<row r="1" ht="32" customHeight="1">{_styled("A1", title, TITLE_STYLE)}</row>')
            if subtitle:
                out.write(f'<row r="2">{cell_xml("A2", subtitle)}</row>')
            header_cells = "".join(
                _styled(f"{c}{title_rows}", h, HEADER_STYLE) for c, h in zip(letters, headers, strict=False)
            )
            out.write(f'<row r="{title_rows}" ht="22" customHeight="1">{header_cells}</row>')
            row_no = title_rows
            for values in rows:
                row_no += 1
                cells = "".join(
                    cell_xml(f"{c}{row_no}", v) for c, v in zip(letters, values, strict=False)
                )  # short rows: empty cells
                out.write(f'<row r="{row_no}">{cells}</row>')
                written += 1
                if progress is not None and written % progress_every == 0:
                    progress(written)
            last_row = title_rows + max(written, 1)
            out.write(_sheet_tail(columns, last_row, title_rows, merge_title=columns > 1))
            out.flush()
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("docProps/app.xml", APP)
        book.writestr("docProps/core.xml", _core_xml())
        book.writestr("xl/workbook.xml", _workbook_xml(sheet, columns, last_row, title_rows))
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        book.writestr("xl/styles.xml", STYLES)
    return written


def _styled(ref: str, text: str, style: int) -> str:
    return f'<c r="{ref}" s="{style}" t="inlineStr">{_text_xml(text)}</c>'


class _Buffered:
    """Collects XML text and hands the zip stream large UTF-8 blocks (few, big deflate calls)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._parts: list[str] = []
        self._size = 0

    def write(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= _FLUSH_CHARS:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._raw.write("".join(self._parts).encode("utf-8"))
            self._parts.clear()
            self._size = 0
