"""Characters the chosen font lacks: borrowed from a font that has them, or named — never dropped.

Names are where rare characters live: 李喆, 王堃, 刘燚 are outside GB2312, which is all the bundled 宋
and 楷 files cover, and 䶮 or 𠀀 are outside the basic CJK block that most fonts stop at. reportlab
draws a missing glyph as nothing at all, so a notice would silently lose part of a name.

So every drawing path asks :func:`runs` to split its text into pieces, each with a font that really has
the characters: the style's own font first, then the fallback fonts found on the machine (Windows'
宋体 and its Ext-B companion, 微软雅黑, then the bundled WenQuanYi Micro Hei, which covers all 20,902
basic CJK characters). A character no font has is kept in the primary font (so the text extracts
intact) and reported by :func:`missing`, for the clerk to see before printing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics

from ecodesk.documents.fonts import _windows_font_dirs, register_file
from ecodesk.paths import resources_dir

# (file name, subfont index): wide-coverage fonts, best-looking first.
_WINDOWS_FALLBACKS: tuple[tuple[str, int], ...] = (
    ("simsun.ttc", 0),
    ("simsunb.ttf", 0),  # SimSun-ExtB: CJK Extension B, where the rarest name characters are
    ("SimsunExtG.ttf", 0),  # Windows 11: Extensions C–G
    ("msyh.ttc", 0),
    ("simhei.ttf", 0),
)
_BUNDLED_FALLBACKS: tuple[tuple[str, int], ...] = (("wqy-microhei.ttc", 0), ("gbsn00lp.ttf", 0))

_LOCK = threading.Lock()
_CHAIN: list[str] | None = None
_COVERAGE: dict[str, frozenset[int]] = {}


def coverage(alias: str) -> frozenset[int]:
    """The code points a registered TrueType font has glyphs for."""
    with _LOCK:
        found = _COVERAGE.get(alias)
        if found is None:
            face = getattr(pdfmetrics.getFont(alias), "face", None)
            found = frozenset(getattr(face, "charToGlyph", {}) or {})
            _COVERAGE[alias] = found
        return found


def fallback_aliases(system_dirs: Sequence[Path] | None = None, bundled_dir: Path | None = None) -> list[str]:
    """The fallback fonts available here, registered once per process, in the order they are tried."""
    global _CHAIN
    if system_dirs is None and bundled_dir is None and _CHAIN is not None:
        return _CHAIN
    dirs = list(system_dirs) if system_dirs is not None else _windows_font_dirs()
    bundled = bundled_dir if bundled_dir is not None else resources_dir() / "fonts"
    candidates = [(d / name, idx) for d in dirs for name, idx in _WINDOWS_FALLBACKS]
    candidates += [(bundled / name, idx) for name, idx in _BUNDLED_FALLBACKS]
    chain: list[str] = []
    for path, idx in candidates:
        if not path.is_file():
            continue
        try:
            alias = register_file(path, idx)
        except ValueError:
            continue
        if alias not in chain:
            chain.append(alias)
    if system_dirs is None and bundled_dir is None:
        _CHAIN = chain
    return chain


def _needs_glyph(ch: str) -> bool:
    # Line breaks and the like are layout, not glyphs.
    return ch >= " " and ch not in "\u200b\u200c\u200d\ufeff"


def font_for(ch: str, primary: str, fallbacks: Sequence[str] | None = None) -> str:
    """The first font, primary then fallbacks, that has ``ch``; the primary when none has it."""
    code = ord(ch)
    if not _needs_glyph(ch) or code in coverage(primary):
        return primary
    for alias in fallbacks if fallbacks is not None else fallback_aliases():
        if code in coverage(alias):
            return alias
    return primary


def runs(text: str, primary: str, fallbacks: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """``text`` split into (piece, font) runs, each piece drawable in its font."""
    pieces: list[tuple[str, str]] = []
    chain = fallbacks if fallbacks is not None else None
    for ch in text:
        font = font_for(ch, primary, chain)
        if pieces and pieces[-1][1] == font:
            pieces[-1] = (pieces[-1][0] + ch, font)
        else:
            pieces.append((ch, font))
    return pieces


def missing(texts: Iterable[str], primary: str, fallbacks: Sequence[str] | None = None) -> list[str]:
    """Characters of ``texts`` that no available font can print, in order of appearance."""
    chain = list(fallbacks if fallbacks is not None else fallback_aliases())
    seen: dict[str, None] = {}
    for text in texts:
        for ch in text:
            if ch in seen or not _needs_glyph(ch):
                continue
            code = ord(ch)
            if code not in coverage(primary) and not any(code in coverage(a) for a in chain):
                seen[ch] = None
    return list(seen)


def describe_missing(chars: Sequence[str]) -> str:
    """The clerk's warning for characters that will print blank."""
    shown = "、".join(f"“{ch}”（U+{ord(ch):04X}）" for ch in chars[:10])
    more = f"等 {len(chars)} 个字" if len(chars) > 10 else ""
    return (
        f"以下字符本机没有字体可以打印，打印出来会是空白：{shown}{more}。"
        "请在本机安装包含这些字的字体（如 Windows 自带的“宋体-ExtB”，simsunb.ttf），或改用常用字。"
    )


def markup(text: str, primary: str, fallbacks: Sequence[str] | None = None) -> str:
    """``text`` as reportlab Paragraph markup: escaped (user text is never markup), line breaks kept,
    and each run the paragraph's font lacks wrapped in a ``<font face=…>`` that has it."""
    out: list[str] = []
    for piece, font in runs(text, primary, fallbacks):
        safe = escape(piece).replace("\n", "<br/>")
        out.append(safe if font == primary else f'<font face="{font}">{safe}</font>')
    return "".join(out)
