"""函 in the 信函格式 (GB/T 9704 10.1), measured on the rendered PDF (±1 mm)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from ecodesk.documents import grid as g
from ecodesk.documents.render import render_pdf
from ecodesk.documents.spec import DocumentSpec
from tests.core.helpers import LONG, lines_of, text

MM = g.MM
TOL = 1.0 * MM
LETTER: dict[str, Any] = {
    "kind": "函",
    "organ_mark": "清河镇人民政府",
    "number_prefix": "清镇政函",
    "year": 2024,
    "sequence": 7,
    "title": "关于商请协助开展养殖场污染物监测的函",
    "recipients": "区生态环境局",
    "body": "为做好我镇畜禽养殖污染防治工作，现商请贵局派员协助开展监测。\n\n"
    + "\n\n".join([LONG] * 3)
    + "\n\n盼复。",
    "signature": "清河镇人民政府",
    "date": "2024-03-25",
    "seal": True,
    "cc": "区农业农村局",
    "printing_organ": "清河镇党政综合办公室",
}


def red(obj: dict[str, Any], key: str) -> bool:
    colour = obj.get(key)
    return bool(colour) and len(colour) == 3 and colour[0] > 0.85 and colour[1] < 0.1


@pytest.fixture(scope="module")
def letter_pdf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out = tmp_path_factory.mktemp("letter") / "letter.pdf"
    render_pdf(DocumentSpec.from_json(LETTER), out)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) >= 2
        yield pdf


def test_organ_name_30mm_from_the_paper_top_in_red(letter_pdf: Any) -> None:
    page = letter_pdf.pages[0]
    mark = [c for c in page.chars if c["size"] > 30]
    assert text(mark) == "清河镇人民政府"
    assert all(red(c, "non_stroking_color") for c in mark)
    assert min(c["top"] for c in mark) == pytest.approx(30 * MM, abs=TOL)
    centre = (min(c["x0"] for c in mark) + max(c["x1"] for c in mark)) / 2
    assert centre == pytest.approx((28 + 78) * MM, abs=TOL)


def test_red_double_lines_170mm_under_the_name_and_above_the_bottom(letter_pdf: Any) -> None:
    page = letter_pdf.pages[0]
    mark_bottom = max(c["bottom"] for c in page.chars if c["size"] > 30)
    rules = sorted((ln for ln in page.lines if red(ln, "stroking_color")), key=lambda ln: ln["top"])
    assert len(rules) == 4
    for ln in rules:
        assert ln["x1"] - ln["x0"] == pytest.approx(170 * MM, abs=TOL)
        assert (ln["x0"] + ln["x1"]) / 2 == pytest.approx(105 * MM, abs=TOL)
    upper, lower = rules[:2], rules[2:]
    assert upper[0]["top"] - upper[0]["linewidth"] / 2 - mark_bottom == pytest.approx(4 * MM, abs=TOL)
    assert upper[0]["linewidth"] > upper[1]["linewidth"]  # 上粗下细
    assert lower[0]["linewidth"] < lower[1]["linewidth"]  # 上细下粗
    bottom_edge = lower[1]["top"] + lower[1]["linewidth"] / 2
    assert float(page.height) - bottom_edge == pytest.approx(20 * MM, abs=TOL)


def test_number_flush_right_under_the_line_and_title_two_lines_below(letter_pdf: Any) -> None:
    page = letter_pdf.pages[0]
    rows = lines_of(page)
    number = next(r for r in rows if text(r) == "清镇政函〔2024〕7号")
    assert number[-1]["x1"] == pytest.approx(g.RIGHT, abs=TOL)
    rules = sorted((ln for ln in page.lines if red(ln, "stroking_color")), key=lambda ln: ln["top"])
    line_bottom = rules[1]["top"] + rules[1]["linewidth"] / 2
    assert number[0]["top"] - line_bottom == pytest.approx(7 / 8 * 16, abs=TOL)
    title = next(r for r in rows if r[0]["size"] == pytest.approx(22))
    assert text(title) == LETTER["title"]
    gap = title[0]["top"] - number[0]["bottom"]
    assert 1.5 * g.PITCH <= gap <= 3 * g.PITCH
    assert text(rows[rows.index(title) + 1]) == "区生态环境局："


def test_no_page_number_on_the_first_page_then_numbers_as_usual(letter_pdf: Any) -> None:
    first, second = letter_pdf.pages[0], letter_pdf.pages[1]
    assert not [r for r in lines_of(first) if "—" in text(r)]
    number = next(r for r in lines_of(second) if text(r).startswith("—"))
    assert text(number) == "—2—"
    assert number[0]["x0"] == pytest.approx(g.LEFT + 14, abs=TOL)  # even page: left, one character in


def test_footer_has_cc_but_no_printing_office_and_no_rules(letter_pdf: Any) -> None:
    last = letter_pdf.pages[-1]
    words = "".join(text(r) for r in lines_of(last))
    assert "抄送：区农业农村局。" in words
    assert "印发" not in words and "党政综合办公室" not in words
    assert not [ln for ln in last.lines if not red(ln, "stroking_color")]


def test_letter_flag_overrides_the_kind(tmp_path: Path) -> None:
    as_file = tmp_path / "file.pdf"
    render_pdf(DocumentSpec.from_json({**LETTER, "letter": False, "body": "短函。"}), as_file)
    with pdfplumber.open(as_file) as pdf:
        page = pdf.pages[0]
        assert len([ln for ln in page.lines if red(ln, "stroking_color")]) == 1  # the 文件 head's one line
        assert "印发" in page.extract_text()
    notice_letter = tmp_path / "notice.pdf"
    render_pdf(
        DocumentSpec.from_json({**LETTER, "kind": "通知", "letter": True, "body": "短。"}), notice_letter
    )
    with pdfplumber.open(notice_letter) as pdf:
        assert len([ln for ln in pdf.pages[0].lines if red(ln, "stroking_color")]) == 4


def test_spec_json_round_trip_keeps_the_letter_flag() -> None:
    spec = DocumentSpec.from_json({**LETTER, "letter": True})
    assert DocumentSpec.from_json(spec.to_json()) == spec
    assert DocumentSpec.from_json(DocumentSpec.from_json(LETTER).to_json()).letter is None
