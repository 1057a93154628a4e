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
