"""Characters outside the chosen font are borrowed from a font that has them, or named."""

from __future__ import annotations

from pathlib import Path

from ecodesk.documents import glyphs
from ecodesk.documents.fonts import SONG, resolve_fonts
from ecodesk.paths import resources_dir

BUNDLED = resources_dir() / "fonts"


def bare_machine() -> list[str]:
    """The fallback chain of a PC without Windows fonts: only what we ship."""
    return glyphs.fallback_aliases(system_dirs=[], bundled_dir=BUNDLED)


def test_common_text_stays_in_one_run() -> None:
    song = resolve_fonts(system_dirs=[], bundled_dir=BUNDLED).alias(SONG)
    assert glyphs.runs("清河镇人民政府关于秸秆禁烧的通知", song, bare_machine()) == [
        ("清河镇人民政府关于秸秆禁烧的通知", song)
    ]


def test_a_rare_name_character_is_borrowed_not_dropped() -> None:
    song = resolve_fonts(system_dirs=[], bundled_dir=BUNDLED).alias(SONG)
    chain = bare_machine()
    pieces = glyphs.runs("李喆同志", song, chain)
    assert "".join(p for p, _ in pieces) == "李喆同志"
    assert [p for p, _ in pieces] == ["李", "喆", "同志"]
    borrowed = pieces[1][1]
    assert borrowed != song and ord("喆") in glyphs.coverage(borrowed)


def test_characters_no_font_has_are_named(tmp_path: Path) -> None:
    song = resolve_fonts(system_dirs=[], bundled_dir=BUNDLED).alias(SONG)
    chain = bare_machine()
    assert glyphs.missing(["王䶮、李喆、𠀀同志"], song, chain) == ["䶮", "𠀀"]
    message = glyphs.describe_missing(["䶮", "𠀀"])
    assert "“䶮”（U+4DAE）" in message and "“𠀀”（U+20000）" in message and "空白" in message
    # kept in the primary font, so the text still extracts as typed
    assert glyphs.runs("䶮", song, chain) == [("䶮", song)]


def test_line_breaks_and_zero_width_characters_need_no_glyph() -> None:
    song = resolve_fonts(system_dirs=[], bundled_dir=BUNDLED).alias(SONG)
    assert glyphs.missing(["甲\n乙\u200b丙"], song, bare_machine()) == []


def test_paragraph_markup_escapes_and_borrows() -> None:
    song = resolve_fonts(system_dirs=[], bundled_dir=BUNDLED).alias(SONG)
    chain = bare_machine()
    text = glyphs.markup("<b>李喆</b> & 王\n二组", song, chain)
    assert text.startswith("&lt;b&gt;李<font face=") and "喆</font>&lt;/b&gt; &amp; 王<br/>二组" in text


def test_a_table_pdf_prints_a_rare_name(tmp_path: Path) -> None:
    import pdfplumber

    from ecodesk.exports.table_pdf import write_table_pdf

    fonts = resolve_fonts(system_dirs=[], bundled_dir=BUNDLED)
    out = tmp_path / "名单.pdf"
    write_table_pdf(out, "名单", ["姓名", "村"], [10, 10], [["李喆", "东沟村"], ["<王>&", "西岭村"]], fonts)
    with pdfplumber.open(out) as pdf:
        text = pdf.pages[0].extract_text()
        font_of = {c["text"]: c["fontname"] for c in pdf.pages[0].chars}
    assert "李喆" in text and "<王>&" in text
    assert font_of["喆"] != font_of["李"]  # borrowed from the wide font, not dropped
