"""公文 as Word (.docx): the GB/T 9704 page read back with python-docx, and laid out by a real word
processor — LibreOffice headless converts our .docx to PDF as Word/WPS would open it, and pdfplumber
measures the result against the standard and against our own PDF."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from ecodesk.cli import main
from ecodesk.documents.linebreak import is_wide
from ecodesk.documents.render import render_pdf
from ecodesk.documents.spec import DocumentSpec
from ecodesk.documents.word import LINE_PITCH_TWIPS, render_docx
from ecodesk.paths import resources_dir

DATA = Path(__file__).parent / "data"
PT_PER_MM = 72 / 25.4


def reference(name: str) -> DocumentSpec:
    return DocumentSpec.from_json(json.loads((DATA / f"documents_{name}.json").read_text(encoding="utf-8")))


def test_the_page_grid_fonts_and_footers_are_the_standards(tmp_path: Path) -> None:
    out = tmp_path / "003.docx"
    render_docx(reference("003"), out)
    doc = docx.Document(str(out))
    section = doc.sections[0]

    def mm(length: int) -> float:
        return length / Mm(1)

    assert round(mm(section.page_width), 1) == 210 and round(mm(section.page_height), 1) == 297
    assert round(mm(section.top_margin), 1) == 37 and round(mm(section.left_margin), 1) == 28
    assert abs(section.page_width - section.left_margin - section.right_margin - Mm(156)) < Mm(0.1)
    assert abs(section.page_height - section.top_margin - section.bottom_margin - Mm(225)) < Mm(0.1)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == str(LINE_PITCH_TWIPS) == "579"  # 225 mm / 22 lines
    assert doc.settings.odd_and_even_pages_header_footer

    first = doc.paragraphs[0]
    mark = first.runs[0]
    assert mark.text == "八义镇人民政府文件" and str(mark.font.color.rgb) == "E60012"
    body_runs = [r for p in doc.paragraphs for r in p.runs if r.text.startswith("现将")]
    assert body_runs and body_runs[0].font.size.pt == 16
    fonts = body_runs[0]._r.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) in ("仿宋", "宋体")  # 宋体 where this machine has no 仿宋, as the PDF
    texts = "".join(p.text for p in doc.paragraphs)
    assert "八镇政字〔2023〕35号" in texts and "各村、各单位：" in texts and "2023年12月20日" in texts

    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0  # right on odd pages, left on even ones
    for footer in (odd, even):
        assert "PAGE" in "".join(t.text for t in footer._p.iter(qn("w:instrText")))
        assert footer.text.startswith("— ") and footer.text.endswith(" —")


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("ECODESK_REQUIRE_SOFFICE"):
        pytest.fail("LibreOffice (soffice) is required here: .ci/run installs libreoffice-writer-nogui")
    return found


def _fontconfig(tmp_path: Path) -> Path:
    """Let LibreOffice find the bundled fonts under the Windows names the .docx uses."""
    fonts = resources_dir() / "fonts"
    aliases = {
        "仿宋": "AR PL SungtiL GB",
        "宋体": "AR PL SungtiL GB",
        "楷体": "AR PL KaitiM GB",
        "黑体": "WenQuanYi Micro Hei",
        "方正小标宋简体": "WenQuanYi Micro Hei",
    }
    rules = "".join(
        f'<alias binding="strong"><family>{face}</family><prefer><family>{real}</family></prefer></alias>'
        for face, real in aliases.items()
    )
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{fonts}</dir>{rules}</fontconfig>',
        encoding="utf-8",
    )
    return conf


def convert_with_libreoffice(docx: Path, tmp_path: Path) -> Path:
    soffice = _soffice()
    if soffice is None:
        pytest.skip("LibreOffice is not installed here (.ci/run installs it)")
    env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig(tmp_path)), HOME=str(tmp_path))
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=240,
        env=env,
    )
    return tmp_path / (docx.stem + ".pdf")


def _cells(text: str) -> float:
    return sum(1.0 if is_wide(ch) else 0.5 for ch in text if not ch.isspace())


@pytest.mark.parametrize("name", ["003", "004"])
def test_libreoffice_lays_the_docx_out_as_the_standard_asks(name: str, tmp_path: Path) -> None:
    spec = reference(name)
    docx = tmp_path / f"{name}.docx"
    render_docx(spec, docx)
    ours = render_pdf(spec, tmp_path / f"{name}-ours.pdf")
    theirs = convert_with_libreoffice(docx, tmp_path)

    with pdfplumber.open(theirs) as pdf:
        assert abs(len(pdf.pages) - ours.pages) <= 1
        first = pdf.pages[0]
        assert abs(first.width - 210 * PT_PER_MM) < 1 and abs(first.height - 297 * PT_PER_MM) < 1
        red = [c for c in first.chars if c["size"] > 30]
        assert "".join(c["text"] for c in red) == spec.organ_mark
        colour = red[0]["non_stroking_color"]
        assert colour and colour[0] > 0.8 and colour[1] < 0.1  # the red 发文机关标志

        body_lines = 0
        for page in pdf.pages:
            lines: dict[int, list[dict]] = {}
            for ch in page.chars:
                if abs(ch["size"] - 16) < 0.5:
                    lines.setdefault(round(ch["top"]), []).append(ch)
            assert len(lines) <= 22, f"page {page.page_number} has {len(lines)} body lines"
            for chars in lines.values():
                chars.sort(key=lambda c: c["x0"])
                text = "".join(c["text"] for c in chars)
                assert _cells(text) <= 28, text
                left_mm = chars[0]["x0"] / PT_PER_MM
                assert left_mm > 28 - 1.5, text
            body_lines += len(lines)
            flush_left = [cs[0]["x0"] / PT_PER_MM for cs in lines.values() if cs[0]["x0"] < 100]
            for x in flush_left:
                assert abs(x - 28) <= 1.5
        assert body_lines > 40
        text = "".join(p.extract_text() or "" for p in pdf.pages)
        assert spec.signature in text.replace(" ", "")


def test_cli_renders_and_exports_word(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec_file = DATA / "documents_004.json"
    out = tmp_path / "永安.docx"
    assert main(["doc", "render", str(spec_file), "--out", str(out)]) == 0
    assert "Word 文件" in capsys.readouterr().out
    assert "永安镇人民政府文件" in docx.Document(str(out)).paragraphs[0].text

    assert main(["doc", "render", str(spec_file), "--out", str(tmp_path / "x.doc")]) == 1
    assert "应以 .pdf 或 .docx 结尾" in capsys.readouterr().err
    assert not (tmp_path / "x.doc").exists()

    db = str(tmp_path / "t.db")
    assert main(["--db", db, "init", "--town", "清河镇"]) == 0
    fields = tmp_path / "fields.json"
    fields.write_text(
        json.dumps(
            {"title": "关于开展秸秆禁烧巡查的通知", "body": "各村要加强巡查。", "doc_date": "2024-10-08"}
        ),
        encoding="utf-8",
    )
    assert main(["--db", db, "doc", "new", str(fields)]) == 0
    assert main(["--db", db, "doc", "issue", "1"]) == 0
    word = tmp_path / "通知.docx"
    assert main(["--db", db, "doc", "export", "1", "--out", str(word)]) == 0
    texts = [p.text for p in docx.Document(str(word)).paragraphs]
    assert "清镇政字〔2024〕1号" in texts and "关于开展秸秆禁烧巡查的通知" in texts
    pdf = tmp_path / "通知.pdf"
    assert main(["--db", db, "doc", "export", "1", "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_government_pc_gb2312_fonts_come_first_and_the_docx_names_them(tmp_path: Path) -> None:
    """FANGSONG_GB2312.TTF / KAITI_GB2312.TTF ahead of simfang/simkai; the .docx names the faces the
    PDF printed with."""
    from ecodesk.documents import fonts as fnt

    bundled = resources_dir() / "fonts"
    win = tmp_path / "Fonts"
    win.mkdir()
    for name, source in (
        ("FANGSONG_GB2312.TTF", "gbsn00lp.ttf"),
        ("simfang.ttf", "gbsn00lp.ttf"),
        ("KAITI_GB2312.TTF", "gkai00mp.ttf"),
        ("simkai.ttf", "gkai00mp.ttf"),
        ("simhei.ttf", "wqy-microhei.ttc"),
    ):
        (win / name).write_bytes((bundled / source).read_bytes())
    report = fnt.resolve_fonts(system_dirs=[win])
    assert report.choices[fnt.FANGSONG].path.name == "FANGSONG_GB2312.TTF"
    assert report.choices[fnt.KAI].path.name == "KAITI_GB2312.TTF"
    faces = {style: choice.face for style, choice in report.choices.items()}
    # 小标宋 is not installed: it borrows 黑体 in the PDF, and the .docx says 黑体 too.
    assert faces == {
        fnt.FANGSONG: "仿宋_GB2312",
        fnt.HEI: "黑体",
        fnt.KAI: "楷体_GB2312",
        fnt.SONG: "宋体",
        fnt.XBS: "黑体",
    }

    out = tmp_path / "n.docx"
    render_docx(reference("004"), out, report)
    named = {f.get(qn("w:eastAsia")) for f in docx.Document(str(out)).element.body.iter(qn("w:rFonts"))}
    assert {"仿宋_GB2312", "黑体"} <= named and "仿宋" not in named


def test_a_imprint_alone_on_its_page_has_no_page_number(tmp_path: Path) -> None:
    """Where the 版记 does not fit under the 署名 it takes a page of its own, unnumbered (GB/T 9704)."""
    import dataclasses

    body = "\n\n".join(["各村要加强巡查，发现问题及时处置，确保不发生新的污染问题。"] * 2)
    spec = dataclasses.replace(
        reference("004"), body=body, attachments=(), attachment_names=(), cc="区生态环境局，区纪委监委"
    )
    docx_path = tmp_path / "alone.docx"
    assert render_docx(spec, docx_path) == 2
    assert len(docx.Document(str(docx_path)).sections) == 2
    with pdfplumber.open(convert_with_libreoffice(docx_path, tmp_path)) as pdf:
        first, last = (p.extract_text() or "" for p in (pdf.pages[0], pdf.pages[-1]))
    assert len(pdf.pages) == 2
    assert "— 1 —" in first and "抄送" not in first
    assert "抄送：区生态环境局，区纪委监委。" in last and "—" not in last


def test_the_imprint_sits_on_the_bottom_edge_of_the_last_page(tmp_path: Path) -> None:
    docx_path = tmp_path / "004.docx"
    render_docx(reference("004"), docx_path)
    with pdfplumber.open(convert_with_libreoffice(docx_path, tmp_path)) as pdf:
        last = pdf.pages[-1]
        printed = [c for c in last.chars if c["text"] == "印" and c["size"] < 15]
        rules = sorted(last.lines, key=lambda line: line["top"])
    block_bottom = (37 + 225) * PT_PER_MM
    assert printed and block_bottom - 40 < printed[-1]["top"] < block_bottom
    assert rules and abs(rules[-1]["top"] - block_bottom) < 6  # the last rule on the block's bottom edge
    assert all(abs((r["x0"] + r["x1"]) / 2 - (28 + 78) * PT_PER_MM) < 2 for r in rules)  # centred
