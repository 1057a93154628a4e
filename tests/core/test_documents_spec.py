"""DocumentSpec validation, the two real reference notices, atomic writing, fonts and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from ecodesk.cli import main
from ecodesk.documents import fonts as fnt
from ecodesk.documents.render import render_pdf
from ecodesk.documents.spec import DocumentSpec, split_paragraphs
from ecodesk.errors import EcoDeskError, ValidationError

DATA = Path(__file__).parent / "data"
BUNDLED = Path(__file__).resolve().parents[2] / "resources" / "fonts"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


# -- spec -------------------------------------------------------------------------------------


def test_from_json_builds_number_and_dates() -> None:
    spec = DocumentSpec.from_json(load("documents_003.json"))
    assert spec.number == "八镇政字〔2023〕35号"
    assert spec.date.isoformat() == "2023-12-20"
    assert spec.listed_attachments == ["八义镇关于开展大气污染防治专项政治监督行动工作实施方案"]
    no_number = DocumentSpec.from_json({**load("documents_003.json"), "sequence": None})
    assert no_number.number == ""


def test_from_json_names_every_bad_field_in_chinese() -> None:
    with pytest.raises(ValidationError) as err:
        DocumentSpec.from_json({"kind": "公告", "title": "  ", "date": "2024-13-40", "seal": "yes"})
    message = str(err.value)
    for label in ("文种", "标题", "正文", "成文日期", "发文机关标志", "发文机关署名", "加盖印章"):
        assert label in message
    fields = {p.field for p in err.value.problems}
    assert {"kind", "title", "body", "date", "organ_mark", "signature", "seal"} <= fields


def test_sequence_needs_a_prefix() -> None:
    data = {**load("documents_004.json"), "number_prefix": ""}
    with pytest.raises(ValidationError, match="发文字号前缀"):
        DocumentSpec.from_json(data)


def test_paragraphs_split_on_blank_lines_and_join_single_newlines() -> None:
    assert split_paragraphs("第一段第一行\n第一段第二行\n\n  第二段  \n\n\n") == [
        "第一段第一行第一段第二行",
        "第二段",
    ]
    assert split_paragraphs("use PM2.5\nmonitors") == ["use PM2.5 monitors"]


# -- the reference notices ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "pages"), [("documents_003.json", (5, 9)), ("documents_004.json", (4, 8))])
def test_reference_notices_render_multi_page_with_footer(
    tmp_path: Path, name: str, pages: tuple[int, int]
) -> None:
    data = load(name)
    out = tmp_path / "notice.pdf"
    result = render_pdf(DocumentSpec.from_json(data), out)
    assert pages[0] <= result.pages <= pages[1]
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == result.pages
        first = pdf.pages[0].extract_text() or ""
        assert data["organ_mark"] in first.replace(" ", "")
        last = pdf.pages[-1]
        assert data["printing_organ"] in (last.extract_text() or "").replace(" ", "")
        assert len(last.lines) >= 2  # the 版记 rules
        everything = "".join((p.extract_text() or "") for p in pdf.pages)
    flat = re.sub(r"—\d+—", "", "".join(everything.split()))  # page numbers cut paragraphs
    body = "\n\n".join([data["body"], *(a["body"] for a in data.get("attachments", []))])
    for para in split_paragraphs(body):
        assert "".join(para.split()) in flat


def test_failed_render_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecodesk.documents import render

    out = tmp_path / "out.pdf"
    out.write_bytes(b"previous")

    def boom(*args: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(render, "render_to_file", boom)
    with pytest.raises(RuntimeError):
        render_pdf(DocumentSpec.from_json(load("documents_004.json")), out)
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]


# -- fonts --------------------------------------------------------------------------------------


def test_bundled_fonts_serve_linux_and_fangsong_falls_back_to_song() -> None:
    report = fnt.resolve_fonts(system_dirs=[])
    assert report.choices[fnt.SONG].path.name == "gbsn00lp.ttf"
    assert report.choices[fnt.KAI].path.name == "gkai00mp.ttf"
    assert report.choices[fnt.HEI].path.name == "wqy-microhei.ttc"
    assert report.substitutes == {fnt.FANGSONG: fnt.SONG, fnt.XBS: fnt.HEI}
    text = "\n".join(report.lines())
    assert "仿宋：无可用字体，以宋体代替" in text
    assert all(c.alias.isascii() for c in report.choices.values())


def test_registration_is_cached() -> None:
    a = fnt.register_file(BUNDLED / "gkai00mp.ttf")
    b = fnt.register_file(BUNDLED / "gkai00mp.ttf")
    assert a == b


def test_configured_font_is_used(tmp_path: Path) -> None:
    fake = tmp_path / "simfang.ttf"
    fake.write_bytes((BUNDLED / "gkai00mp.ttf").read_bytes())
    report = fnt.resolve_fonts({"fangsong": fake}, system_dirs=[])
    assert report.choices[fnt.FANGSONG].path == fake
    assert report.choices[fnt.FANGSONG].source == "设置"
    assert fnt.FANGSONG not in report.substitutes


def test_missing_configured_font_falls_back_with_a_warning(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "FZXBSJW.TTF"
    report = fnt.resolve_fonts({"xbs": missing}, system_dirs=[])
    assert report.substitutes[fnt.XBS] == fnt.HEI
    assert any(str(missing) in w and "不存在" in w for w in report.warnings)
    assert any(str(missing) in line for line in report.lines())


def test_unusable_configured_font_falls_back_with_a_warning(tmp_path: Path) -> None:
    junk = tmp_path / "broken.ttf"
    junk.write_bytes(b"not a font")
    report = fnt.resolve_fonts({"kai": junk}, system_dirs=[])
    assert report.choices[fnt.KAI].path.name == "gkai00mp.ttf"
    assert any("无法使用" in w and str(junk) in w for w in report.warnings)


def test_no_font_at_all_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EcoDeskError) as err:
        fnt.resolve_fonts(system_dirs=[tmp_path / "win"], bundled_dir=tmp_path / "empty")
    message = str(err.value)
    assert "仿宋" in message and str(tmp_path / "empty") in message


def test_windows_font_folder_is_preferred(tmp_path: Path) -> None:
    win = tmp_path / "Fonts"
    win.mkdir()
    (win / "simkai.ttf").write_bytes((BUNDLED / "gkai00mp.ttf").read_bytes())
    report = fnt.resolve_fonts(system_dirs=[win])
    assert report.choices[fnt.KAI].source == "系统"
    assert report.choices[fnt.KAI].path == win / "simkai.ttf"


# -- CLI ----------------------------------------------------------------------------------------


def test_cli_doc_render(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "n.pdf"
    code = main(["doc", "render", str(DATA / "documents_004.json"), "--out", str(out)])
    assert code == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "页" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "expect"),
    [('{"kind": "通知"', "不是有效的 JSON"), ('{"kind": "通知"}', "正文：必须填写"), ("[1]", "JSON 对象")],
)
def test_cli_doc_render_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, expect: str
) -> None:
    spec = tmp_path / "bad.json"
    spec.write_text(content, encoding="utf-8")
    code = main(["doc", "render", str(spec), "--out", str(tmp_path / "x.pdf")])
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert expect in err and "\n" not in err
    assert not (tmp_path / "x.pdf").exists()
