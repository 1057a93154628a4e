"""Rendered PDFs read back and measured against GB/T 9704-2012 (±1 mm)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader

from ecodesk.documents import grid as g
from ecodesk.documents.linebreak import NO_END, NO_START
from ecodesk.documents.render import render_pdf
from ecodesk.documents.spec import Attachment, DocumentSpec, split_paragraphs
from tests.core.helpers import LONG, lines_of, text

DATA = Path(__file__).parent / "data"
MM = g.MM
TOL = 1.0 * MM
BLOCK_CENTRE = (28 + 156 / 2) * MM  # centred on the text block, not the paper

SHORT_SPEC: dict[str, Any] = {
    "kind": "通报",
    "organ_mark": "清河镇人民政府文件",
    "number_prefix": "清镇政字",
    "year": 2024,
    "sequence": 12,
    "title": "关于<畜禽养殖>&污染整改情况的通报",
    "recipients": "各村（社区）、镇属各单位",
    "body": (
        "今年第一季度，镇生态环境办公室对全镇养殖场开展了专项检查，现将有关情况通报如下。\n\n"
        "一、总体情况\n\n共检查养殖场89家，发现问题12个，已整改10个。\n\n"
        "（一）整改到位情况。大部分养殖场能够按照要求完成整改，PM2.5监测数据稳定，达标率100%。\n\n"
        "1.继续巡查。\n\n（1）每月一次。\n\n"
        f"{LONG}\n\n二、下一步要求\n\n各村要压实责任，确保问题“件件有着落、事事有回音”。"
    ),
    "attachment_names": ["问题清单", "整改台账"],
    "signature": "清河镇人民政府",
    "date": "2024-03-05",
    "seal": True,
    "note": "此件公开发布",
    "cc": "区生态环境局，区纪委监委",
    "printing_organ": "清河镇党政综合办公室",
    "printing_date": "2024-03-06",
}


@pytest.fixture(scope="module")
def short_pdf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out = tmp_path_factory.mktemp("doc") / "short.pdf"
    result = render_pdf(DocumentSpec.from_json(SHORT_SPEC), out)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == result.pages
        yield pdf


@pytest.fixture(scope="module")
def notice_004(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    data = json.loads((DATA / "documents_004.json").read_text(encoding="utf-8"))
    out = tmp_path_factory.mktemp("doc") / "004.pdf"
    render_pdf(DocumentSpec.from_json(data), out)
    with pdfplumber.open(out) as pdf:
        yield pdf


def body_rows(page: Any) -> list[list[dict[str, Any]]]:
    """Lines inside the text block, without the page number."""
    bottom = g.PAGE_H - g.BLOCK_BOTTOM_Y
    return [r for r in lines_of(page) if r[0]["top"] < bottom]


def test_red_head_number_and_red_line(short_pdf: Any) -> None:
    page = short_pdf.pages[0]
    mark = [c for c in page.chars if c["size"] > 30]
    assert text(mark) == "清河镇人民政府文件"
    for c in mark:
        r, gg, b = c["non_stroking_color"]
        assert r > 0.85 and gg < 0.1 and b < 0.15
    assert mark[0]["top"] == pytest.approx(72 * MM, abs=TOL)  # 35 mm below the 37 mm 天头
    centre = (min(c["x0"] for c in mark) + max(c["x1"] for c in mark)) / 2
    assert centre == pytest.approx(BLOCK_CENTRE, abs=TOL)
    rows = lines_of(page)
    number = next(r for r in rows if text(r) == "清镇政字〔2024〕12号")
    assert (number[0]["x0"] + number[-1]["x1"]) / 2 == pytest.approx(BLOCK_CENTRE, abs=TOL)
    red = [ln for ln in page.lines if ln["stroking_color"] and ln["stroking_color"][0] > 0.85]
    assert len(red) == 1
    assert red[0]["x0"] == pytest.approx(28 * MM, abs=TOL)
    assert red[0]["x1"] - red[0]["x0"] == pytest.approx(156 * MM, abs=TOL)
    assert red[0]["top"] - number[0]["bottom"] == pytest.approx(4 * MM, abs=TOL)


def test_title_recipients_and_escaping(short_pdf: Any) -> None:
    rows = lines_of(short_pdf.pages[0])
    title = next(r for r in rows if r[0]["size"] == pytest.approx(22))
    assert text(title) == "关于<畜禽养殖>&污染整改情况的通报"  # "<" and "&" print as typed
    assert (title[0]["x0"] + title[-1]["x1"]) / 2 == pytest.approx(BLOCK_CENTRE, abs=TOL)
    i = rows.index(title)
    recipients = rows[i + 1]
    assert text(recipients) == "各村（社区）、镇属各单位："
    assert recipients[0]["x0"] == pytest.approx(28 * MM, abs=TOL)
    # one blank line between title and 主送
    assert recipients[0]["top"] - title[0]["top"] == pytest.approx(2 * g.PITCH, abs=TOL)


def test_body_grid_margins_chars_per_line_and_pitch(short_pdf: Any) -> None:
    rows = [r for p in short_pdf.pages for r in body_rows(p)]
    first = next(r for r in rows if text(r).startswith("今年第一季度"))
    assert first[0]["x0"] == pytest.approx(28 * MM + 2 * g.CELL, abs=TOL)  # indented two characters
    long_rows = [r for r in rows if text(r) and text(r) in LONG]
    full = long_rows[1:-1]
    assert len(full) >= 4
    for r in full:
        assert len(r) == pytest.approx(28, abs=1)
        assert r[0]["x0"] == pytest.approx(28 * MM, abs=TOL)
        assert r[-1]["x1"] == pytest.approx(184 * MM, abs=TOL)
    same_page = [r for r in full if r[0]["page_number"] == full[0][0]["page_number"]]
    for a, b in zip(same_page, same_page[1:], strict=False):
        assert b[0]["top"] - a[0]["top"] == pytest.approx(225 * MM / 22, abs=0.2 * MM)


def test_continuation_page_starts_at_the_top_of_the_text_block(notice_004: Any) -> None:
    rows = body_rows(notice_004.pages[1])
    assert rows[0][0]["top"] == pytest.approx(37 * MM, abs=TOL)
    assert rows[0][0]["x0"] == pytest.approx(28 * MM, abs=TOL) or rows[0][0]["x0"] == pytest.approx(
        28 * MM + 2 * g.CELL, abs=TOL
    )
    assert len(rows) <= 22


def test_headings_use_their_fonts(short_pdf: Any) -> None:
    rows = [r for p in short_pdf.pages for r in body_rows(p)]
    fonts = {text(r): {c["fontname"] for c in r} for r in rows}
    (body_font,) = fonts["共检查养殖场89家，发现问题12个，已整改10个。"]
    (hei,) = fonts["一、总体情况"]
    assert hei != body_font and "WenQuanYi" in hei  # 黑体 (the bundled WenQuanYi on Linux)
    kai_row = next(r for r in rows if text(r).startswith("（一）整改到位情况"))
    heading = [c for c in kai_row if c["fontname"] != body_font]
    assert text(heading) == "（一）整改到位情况。"  # only the heading sentence in 楷体
    assert "ZenKai" in heading[0]["fontname"]
    assert fonts["1.继续巡查。"] == {body_font}
    assert fonts["（1）每月一次。"] == {body_font}


def test_text_reads_back_as_typed(short_pdf: Any) -> None:
    everything = "".join(text(r) for p in short_pdf.pages for r in body_rows(p))
    for para in split_paragraphs(SHORT_SPEC["body"]):
        assert "".join(para.split()) in everything


def test_no_forbidden_punctuation_at_line_edges(short_pdf: Any, notice_004: Any) -> None:
    checked = 0
    for pdf in (short_pdf, notice_004):
        for page in pdf.pages:
            for r in body_rows(page):
                t = text(r)
                assert t[0] not in NO_START, t
                assert t[-1] not in NO_END, t
                checked += 1
    assert checked > 100


def test_page_numbers_alternate_7mm_below_the_block(notice_004: Any) -> None:
    below = g.PAGE_H - g.BLOCK_BOTTOM_Y
    for n, page in enumerate(notice_004.pages, 1):
        numbers = [r for r in lines_of(page) if r[0]["top"] > below]
        if n == len(notice_004.pages) and not numbers:
            continue
        (row,) = numbers
        assert text(row) == f"—{n}—"
        assert row[0]["size"] == pytest.approx(14)
        assert row[0]["top"] == pytest.approx(below + 7 * MM, abs=TOL)
        if n % 2:
            assert row[-1]["x1"] == pytest.approx(184 * MM - 14, abs=TOL)
        else:
            assert row[0]["x0"] == pytest.approx(28 * MM + 14, abs=TOL)


def test_footer_rules_and_text(short_pdf: Any) -> None:
    page = short_pdf.pages[-1]
    black = sorted(
        (ln for ln in page.lines if not (ln["stroking_color"] and ln["stroking_color"][0] > 0.85)),
        key=lambda ln: ln["top"],
    )
    assert len(black) == 3
    for ln in black:
        assert ln["x1"] - ln["x0"] == pytest.approx(156 * MM, abs=TOL)
    assert black[-1]["top"] == pytest.approx(g.PAGE_H - g.BLOCK_BOTTOM_Y, abs=TOL)  # on the block's bottom
    widths = [ln["linewidth"] for ln in black]
    assert widths[0] == pytest.approx(0.35 * MM, abs=0.05) and widths[2] == pytest.approx(0.35 * MM, abs=0.05)
    assert widths[1] == pytest.approx(0.25 * MM, abs=0.05)
    rows = lines_of(page)
    cc = next(r for r in rows if text(r).startswith("抄送"))
    assert text(cc) == "抄送：区生态环境局，区纪委监委。"
    assert cc[0]["x0"] == pytest.approx(28 * MM + 14, abs=TOL)
    assert cc[0]["size"] == pytest.approx(14)
    printed = next(r for r in rows if text(r).startswith("清河镇党政综合办公室"))
    assert text(printed).endswith("2024年3月6日印发")
    assert printed[-1]["x1"] == pytest.approx(184 * MM - 14, abs=TOL)


def test_signature_with_seal_and_note(short_pdf: Any) -> None:
    rows = [r for p in short_pdf.pages for r in body_rows(p)]
    sig = next(r for r in rows if text(r) == "清河镇人民政府")
    day = next(r for r in rows if text(r) == "2024年3月5日")
    note = next(r for r in rows if text(r) == "（此件公开发布）")
    assert day[-1]["x1"] == pytest.approx(184 * MM - 4 * g.CELL, abs=TOL)  # 4 characters in
    centre = (day[0]["x0"] + day[-1]["x1"]) / 2
    assert (sig[0]["x0"] + sig[-1]["x1"]) / 2 == pytest.approx(centre, abs=TOL)
    assert note[0]["x0"] == pytest.approx(28 * MM + 2 * g.CELL, abs=TOL)
    assert note[0]["top"] > day[0]["top"]


def test_signature_without_seal(tmp_path: Path) -> None:
    spec = replace(DocumentSpec.from_json(SHORT_SPEC), seal=False, note="", attachment_names=())
    out = tmp_path / "noseal.pdf"
    render_pdf(spec, out)
    with pdfplumber.open(out) as pdf:
        rows = [r for p in pdf.pages for r in body_rows(p)]
    sig = next(r for r in rows if text(r) == "清河镇人民政府")
    day = next(r for r in rows if text(r) == "2024年3月5日")
    last_body = rows[rows.index(sig) - 1]
    assert sig[0]["top"] - last_body[0]["top"] == pytest.approx(2 * g.PITCH, abs=TOL)  # one blank line
    assert sig[-1]["x1"] == pytest.approx(184 * MM - 2 * g.CELL, abs=TOL) or day[-1]["x1"] == pytest.approx(
        184 * MM - 2 * g.CELL, abs=TOL
    )
    assert day[0]["x0"] - sig[0]["x0"] == pytest.approx(2 * g.CELL, abs=TOL)
    assert day[0]["top"] - sig[0]["top"] == pytest.approx(g.PITCH, abs=TOL)


def test_attachment_note_aligned_after_the_colon(short_pdf: Any) -> None:
    rows = [r for p in short_pdf.pages for r in body_rows(p)]
    first = next(r for r in rows if text(r).startswith("附件："))
    assert text(first) == "附件：1.问题清单"
    second = rows[rows.index(first) + 1]
    assert text(second) == "2.整改台账"
    assert first[0]["x0"] == pytest.approx(28 * MM + 2 * g.CELL, abs=TOL)
    assert second[0]["x0"] == pytest.approx(first[3]["x0"], abs=TOL)


def test_every_font_is_embedded(short_pdf: Any, notice_004: Any) -> None:
    for pdf in (short_pdf, notice_004):
        reader = PdfReader(pdf.stream)
        seen = 0
        for page in reader.pages:
            fonts = page["/Resources"]["/Font"]
            for ref in fonts.values():
                font = ref.get_object()
                if font["/Subtype"] == "/Type0":
                    font = font["/DescendantFonts"][0].get_object()
                assert "Helvetica" not in str(font["/BaseFont"])
                assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
                seen += 1
        assert seen > 0


def test_long_heading_paragraph_only_heads_in_kai(tmp_path: Path) -> None:
    para = "（四）建立长效机制阶段（6月1日至6月21日）聚焦环境整治中的突出问题，明确属地管理责任和行业部门责任，完善工作模式，巩固整治成果。"
    spec = replace(DocumentSpec.from_json(SHORT_SPEC), body=para, attachment_names=())
    out = tmp_path / "h.pdf"
    render_pdf(spec, out)
    with pdfplumber.open(out) as pdf:
        rows = [r for p in pdf.pages for r in body_rows(p)]
    first = next(r for r in rows if text(r).startswith("（四）"))
    kai = [c for c in first if "ZenKai" in c["fontname"]]
    assert text(kai) == "（四）建立长效机制阶段（6月1日至6月21日）"


def test_long_organ_mark_is_condensed_to_one_line(tmp_path: Path) -> None:
    spec = replace(DocumentSpec.from_json(SHORT_SPEC), organ_mark="中共清河镇委员会清河镇人民政府文件")
    out = tmp_path / "m.pdf"
    render_pdf(spec, out)
    with pdfplumber.open(out) as pdf:
        mark = [c for c in pdf.pages[0].chars if c["size"] > 30]
    assert text(mark) == spec.organ_mark
    assert len({round(c["top"]) for c in mark}) == 1
    assert min(c["x0"] for c in mark) >= 28 * MM - TOL
    assert max(c["x1"] for c in mark) <= 184 * MM + TOL


def test_attachments_start_new_pages_with_label_and_title(tmp_path: Path) -> None:
    spec = replace(
        DocumentSpec.from_json(SHORT_SPEC),
        attachments=(
            Attachment("问题清单", "一、养殖场\n\n共12个问题。"),
            Attachment("整改台账", "已整改10个。"),
        ),
        attachment_names=(),
    )
    out = tmp_path / "a.pdf"
    result = render_pdf(spec, out)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == result.pages
        starts = []
        for n, page in enumerate(pdf.pages, 1):
            rows = body_rows(page)
            if rows and text(rows[0]) in ("附件1", "附件2"):
                starts.append((n, rows))
        assert [text(rows[0]) for _, rows in starts] == ["附件1", "附件2"]
        for n, rows in starts:
            assert rows[0][0]["top"] == pytest.approx(37 * MM, abs=TOL)
            assert rows[0][0]["x0"] == pytest.approx(28 * MM, abs=TOL)
            assert "WenQuanYi" in rows[0][0]["fontname"]
            assert rows[1][0]["size"] == pytest.approx(22)  # the title, on line 3
            assert rows[1][0]["top"] == pytest.approx(37 * MM + 2 * g.PITCH, abs=TOL)
            numbers = [r for r in lines_of(pdf.pages[n - 1]) if r[0]["top"] > g.PAGE_H - g.BLOCK_BOTTOM_Y]
            assert text(numbers[0]) == f"—{n}—"  # page numbers continue


def test_long_cc_wraps_after_the_colon(tmp_path: Path) -> None:
    cc = "、".join(
        ["区生态环境局", "区纪委监委", "区农业农村局", "区水利局", "区自然资源局", "各村党支部"] * 2
    )
    spec = replace(DocumentSpec.from_json(SHORT_SPEC), cc=cc)
    out = tmp_path / "cc.pdf"
    render_pdf(spec, out)
    with pdfplumber.open(out) as pdf:
        rows = lines_of(pdf.pages[-1])
    first = next(i for i, r in enumerate(rows) if text(r).startswith("抄送："))
    end = next(i for i, r in enumerate(rows) if text(r).startswith("清河镇党政"))
    cc_rows = rows[first:end]
    assert len(cc_rows) >= 2
    for r in cc_rows[1:]:
        assert r[0]["x0"] == pytest.approx(rows[first][3]["x0"], abs=TOL)  # under the first name
    assert text(cc_rows[-1]).endswith("。")
    assert "".join(text(r) for r in cc_rows) == f"抄送：{cc}。"
    assert all(r[-1]["x1"] <= 184 * MM - 14 + TOL for r in cc_rows)


def test_footer_alone_on_its_page_has_no_page_number(tmp_path: Path) -> None:
    from ecodesk.documents import layout
    from ecodesk.documents.fonts import resolve_fonts

    ts = layout.Typesetter(resolve_fonts())
    base = replace(DocumentSpec.from_json(SHORT_SPEC), attachment_names=(), note="", seal=False)
    line = "各村要加强巡查，发现问题及时上报，确保整改到位。"
    for n in range(1, 40):
        spec = replace(base, body="\n\n".join([line] * n))
        main_blocks, _ = layout.build_blocks(spec, ts)
        pages = layout.paginate(main_blocks, layout.head_geometry().title_line)
        if pages[-1].last_line >= g.LINES - 2:
            break
    else:
        pytest.fail("no body length pushed the 版记 onto its own page")
    out = tmp_path / "f.pdf"
    result = render_pdf(spec, out)
    assert result.pages == len(pages) + 1
    with pdfplumber.open(out) as pdf:
        last = pdf.pages[-1]
        assert "—" not in (last.extract_text() or "")
        assert "抄送" in (last.extract_text() or "")
        prev = [r for r in lines_of(pdf.pages[-2]) if r[0]["top"] > g.PAGE_H - g.BLOCK_BOTTOM_Y]
        assert text(prev[0]) == f"—{len(pages)}—"


def test_heading_followed_by_a_higher_heading_is_not_chained_to_it() -> None:
    """ "（二）台账不规范。" then "三、要求": the first is a paragraph of its own, so a page may end after it
    (chaining both to the next line left a quarter page empty before the signature)."""
    from ecodesk.documents.fonts import resolve_fonts
    from ecodesk.documents.layout import Typesetter, _body

    blocks: list[Any] = []
    _body(
        "（一）甲。\n\n（二）台账不规范。\n\n三、下一步要求\n\n各村要整改。\n\n四、其他",
        Typesetter(resolve_fonts()),
        blocks,
    )
    texts = ["|".join("".join(gl.ch for gl in r.glyphs) for r in b.rows) for b in blocks]
    assert texts == ["（一）甲。", "（二）台账不规范。", "三、下一步要求|各村要整改。", "四、其他"]
