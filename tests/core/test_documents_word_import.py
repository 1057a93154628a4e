"""公文 from Word (.docx) into the register: notices typed the way clerks type them (built here with
python-docx), our own export and LibreOffice's re-save of it read back, bad files refused in one
Chinese line with nothing registered, and the register as JSON."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import zipfile
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.shared import Pt, RGBColor
from sqlalchemy import func, select

from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.documents.spec import DocumentSpec, split_paragraphs
from ecodesk.documents.word import render_docx
from ecodesk.documents.word_import import WordImportError, parse_cn_date, read_docx
from ecodesk.errors import EcoDeskError, ValidationError
from ecodesk.models import Attachment, Document
from ecodesk.services import documents as docs
from ecodesk.services import settings
from tests.core.test_documents_word import _fontconfig, _soffice, reference

DRAWN_LINE = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict>'
    '<v:line from="0,0" to="442pt,0" strokecolor="red" strokeweight="2pt"/></w:pict></w:r>'
)


def _run(para, text: str, *, size: float = 16, bold: bool = False, red: bool = False):  # type: ignore[no-untyped-def]
    run = para.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    if red:
        run.font.color.rgb = RGBColor(0xFF, 0x00, 0x00)
    return run


def clerk_notice(
    path: Path,
    *,
    number: str | None = "八镇政字[2023]36号",
    date: str = "二〇二三年十二月二十日",
    title: tuple[str, ...] = ("八义镇人民政府关于开展秸秆禁烧", "专项巡查的通  知"),
) -> Path:
    """A notice as a clerk types it in Word: spaces for indents, a drawn red line, the title over two
    bold centred lines, a Chinese-digit date, two attachments after the date and a table 版记."""
    doc = docx.Document()
    top = doc.add_paragraph()
    _run(top, "特急")  # 紧急程度: not a part of our spec, so it goes into the body
    mark = doc.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(mark, "八义镇人民政府文件", size=42, red=True)
    doc.add_paragraph()
    if number:
        num = doc.add_paragraph()
        num.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(num, number)
    line = doc.add_paragraph()
    line._p.append(parse_xml(DRAWN_LINE))
    doc.add_paragraph()
    for text in title:
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(para, text, size=22, bold=True)
    doc.add_paragraph()
    _run(doc.add_paragraph(), "各村、各单位：")
    for text in (
        "　　为切实做好秋冬季秸秆禁烧工作，经镇政府研究，决定开展专项巡查。",
        "　　一、工作目标",
        "　　（一）全镇不发生一起露天焚烧。",
        "　　1.各村每日巡查不少于两次，PM2.5 超标时加密巡查。",
        "　　组  长：郝  翔",
    ):
        _run(doc.add_paragraph(), text)
    doc.add_paragraph()
    _run(doc.add_paragraph(), "　　附件：1．八义镇秸秆禁烧工作方案")
    _run(doc.add_paragraph(), "　　　　　2．巡查人员名单")
    doc.add_paragraph()
    _run(doc.add_paragraph(), " " * 40 + "八义镇人民政府")
    day = doc.add_paragraph()
    day.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(day, date)
    # 附件1 on a new page, typed with a page break
    head = doc.add_paragraph()
    head.add_run().add_break(WD_BREAK.PAGE)
    _run(head, "附件1")
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(para, "八义镇秸秆禁烧工作方案", size=22, bold=True)
    _run(doc.add_paragraph(), "　　一、巡查范围")
    _run(doc.add_paragraph(), "　　全镇所有耕地。")
    _run(doc.add_paragraph(), "附件2")
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(para, "巡查人员名单", size=22, bold=True)
    names = doc.add_table(rows=2, cols=2)
    for r, row in enumerate((("姓名", "职务"), ("张三", "网格员"))):
        for c, text in enumerate(row):
            names.cell(r, c).text = text
    doc.add_paragraph()
    imprint = doc.add_table(rows=2, cols=2)
    cc = imprint.cell(0, 0).merge(imprint.cell(0, 1))
    cc.text = "抄送：区生态环境局，区纪委监委。"
    imprint.cell(1, 0).text = "八义镇党政综合办公室"
    imprint.cell(1, 1).text = "2023年12月20日印发"
    doc.save(str(path))
    return path


@pytest.fixture
def town_db(db: Database) -> Database:
    settings.save(db, **settings.defaults_for_town("八义镇"))
    return db


def count(db: Database) -> tuple[int, int]:
    with db.session() as session:
        return (
            int(session.scalar(select(func.count()).select_from(Document)) or 0),
            int(session.scalar(select(func.count()).select_from(Attachment)) or 0),
        )


# -- reading ----------------------------------------------------------------------------------------


def test_a_hand_typed_notice_is_recognised_part_by_part(tmp_path: Path) -> None:
    notice = read_docx(clerk_notice(tmp_path / "禁烧.docx"))
    assert notice.organ_mark == "八义镇人民政府文件"
    assert (notice.number_prefix, notice.year, notice.sequence) == ("八镇政字", 2023, 36)
    assert notice.number == "八镇政字〔2023〕36号"  # [ ] normalised to 〔〕
    assert notice.title == "八义镇人民政府关于开展秸秆禁烧专项巡查的通知"  # two lines, "通  知" closed up
    assert notice.kind == "通知"
    assert notice.recipients == "各村、各单位"
    assert notice.signature == "八义镇人民政府"  # pushed right with spaces
    assert notice.date == dt.date(2023, 12, 20)  # 二〇二三年十二月二十日
    paragraphs = split_paragraphs(notice.body)
    assert paragraphs[:5] == [
        "为切实做好秋冬季秸秆禁烧工作，经镇政府研究，决定开展专项巡查。",
        "一、工作目标",
        "（一）全镇不发生一起露天焚烧。",
        "1.各村每日巡查不少于两次，PM2.5 超标时加密巡查。",
        "组  长：郝  翔",  # spaces inside the body are the clerk's and stay
    ]
    assert [a.title for a in notice.attachments] == ["八义镇秸秆禁烧工作方案", "巡查人员名单"]
    assert split_paragraphs(notice.attachments[0].body) == ["一、巡查范围", "全镇所有耕地。"]
    assert "张三  网格员" in notice.attachments[1].body  # a table in an attachment keeps its text
    assert notice.cc == "区生态环境局，区纪委监委"
    assert (notice.printing_organ, notice.printing_date) == ("八义镇党政综合办公室", dt.date(2023, 12, 20))
    # what it could not place is in the body, never lost, and listed for the clerk
    assert notice.unplaced == ("特急",) and paragraphs[-1] == "特急"
    assert any("红线" in s for s in notice.skipped)  # the drawn line
    labels = dict(notice.recognised())
    assert labels["文号"] == "八镇政字〔2023〕36号" and labels["日期"] == "2023年12月20日"
    assert "巡查人员名单" in labels["附件"] and "八义镇党政综合办公室" in labels["版记"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("八镇政字〔2023〕35号", ("八镇政字", 2023, 35)),
        ("八镇政字【2023】35号", ("八镇政字", 2023, 35)),
        ("八镇政字（2023）35号", ("八镇政字", 2023, 35)),
        ("八镇政字 (2023) 第35号", ("八镇政字", 2023, 35)),
    ],
)
def test_number_brackets_are_normalised(tmp_path: Path, typed: str, expected: tuple[str, int, int]) -> None:
    notice = read_docx(clerk_notice(tmp_path / "n.docx", number=typed))
    assert (notice.number_prefix, notice.year, notice.sequence) == expected
    assert notice.number == f"{expected[0]}〔2023〕35号"


def test_dates_in_arabic_and_chinese_digits() -> None:
    assert parse_cn_date("2023年12月20日") == dt.date(2023, 12, 20)
    assert parse_cn_date("二〇二三年十二月二十日") == dt.date(2023, 12, 20)
    assert parse_cn_date("二零二四年三月五日") == dt.date(2024, 3, 5)
    assert parse_cn_date("二〇二四年一月三十一日") == dt.date(2024, 1, 31)
    assert parse_cn_date("2023 年 3 月 7 日") == dt.date(2023, 3, 7)
    assert parse_cn_date("2023年2月30日") is None
    assert parse_cn_date("截至2023年12月20日") is None


@pytest.mark.parametrize("name", ["003", "004"])
def test_our_own_export_reads_back_the_same(name: str, tmp_path: Path) -> None:
    spec = reference(name)
    out = tmp_path / f"{name}.docx"
    render_docx(spec, out)
    _same(read_docx(out), spec)


def _same(notice, spec: DocumentSpec) -> None:  # type: ignore[no-untyped-def]
    assert notice.number == spec.number
    assert notice.organ_mark == spec.organ_mark
    assert notice.title == spec.title
    assert notice.recipients == spec.recipients
    assert notice.signature == spec.signature
    assert notice.date == spec.date
    assert split_paragraphs(notice.body) == spec.paragraphs
    assert [a.title for a in notice.attachments] == [a.title for a in spec.attachments]
    assert [split_paragraphs(a.body) for a in notice.attachments] == [
        split_paragraphs(a.body) for a in spec.attachments
    ]
    assert notice.cc == spec.cc and notice.printing_organ == spec.printing_organ
    assert notice.printing_date == spec.printing_date
    assert notice.unplaced == ()


@pytest.mark.parametrize("name", ["003", "004"])
def test_libreoffice_resave_of_our_export_reads_back_the_same(name: str, tmp_path: Path) -> None:
    soffice = _soffice()
    if soffice is None:
        pytest.skip("LibreOffice is not installed here (.ci/run installs it)")
    spec = reference(name)
    ours = tmp_path / "ours" / f"{name}.docx"
    ours.parent.mkdir()
    render_docx(spec, ours)
    env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig(tmp_path)), HOME=str(tmp_path))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmp_path),
            str(ours),
        ],
        check=True,
        capture_output=True,
        timeout=240,
        env=env,
    )
    resaved = tmp_path / f"{name}.docx"
    assert resaved.read_bytes() != ours.read_bytes()
    _same(read_docx(resaved), spec)


def test_a_notice_without_number_border_rule_and_plain_title(tmp_path: Path) -> None:
    """No 发文字号: a draft. The rule here is the organ mark's bottom border; the date in digits."""
    doc = docx.Document()
    mark = doc.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(mark, "八义镇人民政府文件", size=36, red=True)
    mark._p.get_or_add_pPr().append(
        parse_xml(
            '<w:pBdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:bottom w:val="single" w:sz="12" w:space="4" w:color="FF0000"/></w:pBdr>'
        )
    )
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, "关于秸秆禁烧工作情况的通报", size=22)
    _run(doc.add_paragraph(), "各村：")
    _run(doc.add_paragraph(), "    上周全镇未发现火点。")
    sig = doc.add_paragraph()
    sig.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(sig, "八义镇人民政府")
    day = doc.add_paragraph()
    day.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(day, "2024年3月5日")
    path = tmp_path / "通报.docx"
    doc.save(str(path))
    notice = read_docx(path)
    assert notice.number == "" and notice.kind == "通报"
    assert notice.title == "关于秸秆禁烧工作情况的通报" and notice.recipients == "各村"
    assert notice.body == "上周全镇未发现火点。" and notice.date == dt.date(2024, 3, 5)
    assert notice.signature == "八义镇人民政府" and notice.attachments == ()


def test_a_sentence_ending_in_a_colon_is_body_and_a_flush_left_signature_is_found(tmp_path: Path) -> None:
    doc = docx.Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, "关于做好秸秆禁烧工作的通知", size=22, bold=True)
    _run(doc.add_paragraph(), "　　为做好秸秆禁烧工作，现通知如下：")
    _run(doc.add_paragraph(), "　　一、加强巡查。")
    _run(doc.add_paragraph(), "八义镇环境保护办公室")
    day = doc.add_paragraph()
    day.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(day, "2024年10月8日")
    _run(doc.add_paragraph(), "（联系人：李四，电话：1234567）")
    path = tmp_path / "n.docx"
    doc.save(str(path))
    notice = read_docx(path)
    assert notice.recipients == ""
    assert split_paragraphs(notice.body) == ["为做好秸秆禁烧工作，现通知如下：", "一、加强巡查。"]
    assert notice.signature == "八义镇环境保护办公室" and notice.date == dt.date(2024, 10, 8)
    assert notice.note == "（联系人：李四，电话：1234567）"


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
HEADINGS_NUMBERING = (
    f'<w:abstractNum {W} w:abstractNumId="90">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
    "</w:abstractNum>"
)


def test_word_automatic_numbering_keeps_the_heading_numbers(tmp_path: Path) -> None:
    """Headings numbered by Word (a numbered list, not typed) keep their 一、/（一）/1. in the body."""
    doc = docx.Document()
    numbering = doc.part.numbering_part.element
    numbering.insert(0, parse_xml(HEADINGS_NUMBERING))
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, "关于秸秆禁烧的通知", size=22, bold=True)
    _run(doc.add_paragraph(), "各村：")
    for level, text in [(0, "工作目标"), (1, "不发生焚烧"), (2, "每日巡查"), (2, "夜间值守"), (1, "及时处置"),
                        (0, "工作要求"), (1, "压实责任")]:  # fmt: skip
        para = doc.add_paragraph()
        _run(para, text)
        para._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )
    path = tmp_path / "编号.docx"
    doc.save(str(path))
    assert split_paragraphs(read_docx(path).body) == [
        "一、工作目标",
        "（一）不发生焚烧",
        "1.每日巡查",
        "2.夜间值守",
        "（二）及时处置",
        "二、工作要求",
        "（一）压实责任",
    ]


# -- registering ------------------------------------------------------------------------------------


def test_import_registers_an_issued_notice_and_numbering_goes_on(town_db: Database, tmp_path: Path) -> None:
    imported = docs.import_docx(town_db, clerk_notice(tmp_path / "禁烧.docx"))
    doc = imported.document
    assert imported.issued and doc.status == "已印发" and doc.number == "八镇政字〔2023〕36号"
    assert doc.organ == doc.signature == "八义镇人民政府" and doc.doc_date == dt.date(2023, 12, 20)
    assert [a["title"] for a in doc.attachments] == ["八义镇秸秆禁烧工作方案", "巡查人员名单"]
    assert doc.spec is not None and doc.spec["sequence"] == 36 and doc.pdf_id is not None

    # the imported notice prints: its stored PDF
    pdf = docs.export_pdf(town_db, doc.id, tmp_path / "out.pdf")
    with pdfplumber.open(pdf) as read:
        text = "".join((p.extract_text() or "") for p in read.pages).replace(" ", "").replace("\n", "")
    assert "八镇政字〔2023〕36号" in text and "专项巡查的通知" in text and "巡查人员名单" in text

    # the next notice of that prefix and year is 37
    draft = docs.create_draft(
        town_db, {"kind": "通知", "title": "关于X的通知", "body": "正文。", "doc_date": "2023-12-28"}
    )
    assert draft.number_prefix == "八镇政字"
    assert docs.next_number(town_db, draft.id) == "八镇政字〔2023〕37号"
    assert docs.issue(town_db, draft.id).number == "八镇政字〔2023〕37号"


def test_the_same_number_twice_is_refused_and_nothing_is_added(town_db: Database, tmp_path: Path) -> None:
    path = clerk_notice(tmp_path / "禁烧.docx")
    docs.import_docx(town_db, path)
    before = count(town_db)
    with pytest.raises(ValidationError, match=r"八镇政字〔2023〕36号已在发文登记中.*不能重复导入"):
        docs.import_docx(town_db, path)
    assert count(town_db) == before


def test_without_a_number_it_is_a_draft(town_db: Database, tmp_path: Path) -> None:
    imported = docs.import_docx(town_db, clerk_notice(tmp_path / "d.docx", number=None))
    doc = imported.document
    assert not imported.issued and doc.status == "草稿" and doc.sequence is None and doc.pdf_id is None
    assert doc.number_prefix == "八镇政字"  # the settings' prefix, for when it is issued
    assert docs.issue(town_db, doc.id).number == "八镇政字〔2023〕1号"


def test_a_number_without_a_date_is_refused(town_db: Database, tmp_path: Path) -> None:
    path = clerk_notice(tmp_path / "d.docx", date="")
    with pytest.raises(ValidationError, match="没有找到成文日期"):
        docs.import_docx(town_db, path)
    assert count(town_db) == (0, 0)


def _empty_docx(path: Path) -> Path:
    docx.Document().save(str(path))
    return path


def _plain_docx(path: Path) -> Path:
    doc = docx.Document()
    doc.add_paragraph("会议记录")
    doc.add_paragraph("今天开会讨论了三件事。")
    doc.save(str(path))
    return path


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("旧.doc", lambda p: p.write_bytes(OLE) or p, "旧版 Word/WPS 格式"),
        ("旧.wps", lambda p: p.write_bytes(OLE) or p, "旧版 Word/WPS 格式"),
        ("加密.docx", lambda p: p.write_bytes(OLE) or p, "设置了打开密码"),
        ("坏.docx", lambda p: p.write_bytes(b"PK\x03\x04 damaged") or p, "已损坏"),
        ("乱.docx", lambda p: p.write_bytes(os.urandom(2048)) or p, "已损坏或不是 Word 文档"),
        ("零.docx", lambda p: p.write_bytes(b"") or p, "空文件"),
        ("表.docx", lambda p: _zip_without_document(p), "不是 Word 文档"),
        ("空白.docx", _empty_docx, "没有文字"),
        ("记录.docx", _plain_docx, "没有找到公文标题"),
    ],
)
def test_bad_files_are_refused_in_one_line_and_nothing_registered(
    town_db: Database,
    tmp_path: Path,
    name: str,
    make,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(EcoDeskError) as caught:
        docs.import_docx(town_db, path)
    text = str(caught.value)
    assert message in text and "\n" not in text and name in text
    assert isinstance(caught.value, WordImportError)
    assert count(town_db) == (0, 0)


def _zip_without_document(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    return path


# -- the command line ----------------------------------------------------------------------------------


def test_cli_import_list_json_and_show_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "t.db")
    assert main(["--db", db, "init", "--town", "八义镇"]) == 0
    capsys.readouterr()
    word = tmp_path / "003.docx"
    render_docx(reference("003"), word)
    assert main(["--db", db, "doc", "import", str(word)]) == 0
    out = capsys.readouterr().out
    for line in (
        "文号：八镇政字〔2023〕35号",
        "主送：各村、各单位",
        "署名：八义镇人民政府",
        "日期：2023年12月20日",
    ):
        assert line in out
    assert "版记：抄送：区生态环境局，区纪委监委" in out and "已登记为已印发公文（编号 1）" in out
    assert main(["--db", db, "doc", "import", str(clerk_notice(tmp_path / "d.docx", number=None))]) == 0
    assert "已登记为草稿" in capsys.readouterr().out

    assert main(["--db", db, "doc", "import", str(word)]) == 1
    assert "不能重复导入" in capsys.readouterr().err
    bad = tmp_path / "旧.doc"
    bad.write_bytes(OLE)
    assert main(["--db", db, "doc", "import", str(bad)]) == 1
    assert "另存为" in capsys.readouterr().err

    assert main(["--db", db, "doc", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_id = {row["id"]: row for row in rows}
    assert by_id[1]["number"] == "八镇政字〔2023〕35号" and by_id[1]["status"] == "已印发"
    assert by_id[1]["date"] == "2023-12-20" and by_id[1]["kind"] == "通知"
    assert by_id[2]["number"] == "" and by_id[2]["status"] == "草稿"
    assert by_id[2]["title"] == "八义镇人民政府关于开展秸秆禁烧专项巡查的通知"

    assert main(["--db", db, "doc", "show", "1", "--json"]) == 0
    spec = json.loads(capsys.readouterr().out)
    assert DocumentSpec.from_json(spec).number == "八镇政字〔2023〕35号"
    assert spec["date"] == "2023-12-20" and spec["recipients"] == "各村、各单位"
    assert spec["attachments"][0]["title"] == reference("003").attachments[0].title
    assert main(["--db", db, "doc", "show", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sequence"] is None

    pdf = tmp_path / "1.pdf"
    assert main(["--db", db, "doc", "pdf", "1", "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
