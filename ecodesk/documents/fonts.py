"""Which font file prints each GB/T 9704 style, and registering it with reportlab once.

The standard names styles (仿宋, 黑体, 楷体, 宋体, 小标宋), not products. For each style we look, in
order, at a file the user configured, the Windows system fonts, then the open fonts bundled in
``resources/fonts``. 小标宋 is not part of Windows and comes under many file names (``FZXBSJW.TTF``,
``FZXBSK.TTF``, ``方正小标宋_GBK.TTF``, or renamed), so after its usual names the font folders are searched
for files named like it and then for any font whose own family name (read from the file,
:mod:`ecodesk.documents.font_names`) is 方正小标宋 / FZXiaoBiaoSong. A style with no file of its own borrows another style's file (仿宋→宋: there is no
open simplified 仿宋; 小标宋→黑 or 宋) and the :class:`FontReport` says so, because the settings screen
must tell the clerk the printout is not in the intended typeface.

A configured path that does not exist or is not a usable TrueType font does not stop printing: the next
place is used and the report carries a warning naming the file (a notice printed in 宋 beats none).
Only when no file can serve a style at all do we raise :class:`~ecodesk.errors.EcoDeskError`.

Fonts are registered as reportlab ``TTFont`` under ASCII aliases so they are embedded and subset in every
PDF; registration reads the whole file (5 MB) so it is cached for the life of the process.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ecodesk.documents.font_names import FONT_SUFFIXES, font_names
from ecodesk.errors import EcoDeskError
from ecodesk.paths import resources_dir

FANGSONG = "fangsong"
HEI = "hei"
KAI = "kai"
SONG = "song"
XBS = "xbs"

STYLES: tuple[str, ...] = (FANGSONG, HEI, KAI, SONG, XBS)

STYLE_LABELS: dict[str, str] = {FANGSONG: "仿宋", HEI: "黑体", KAI: "楷体", SONG: "宋体", XBS: "小标宋"}

# (file name, subfont index) tried in each Windows font folder. Government PCs carry the GB2312 仿宋 and
# 楷体 that official documents have always been set in; they come first (a rare character they lack is
# drawn from a fallback font, see ``glyphs``), then the 仿宋/楷体 every Windows has.
_WINDOWS_FILES: dict[str, tuple[tuple[str, int], ...]] = {
    FANGSONG: (
        ("FANGSONG_GB2312.TTF", 0),
        ("fangsong_gb2312.ttf", 0),
        ("FangSong_GB2312.ttf", 0),
        ("simfang.ttf", 0),
        ("SIMFANG.TTF", 0),
    ),
    HEI: (("simhei.ttf", 0), ("SIMHEI.TTF", 0)),
    KAI: (
        ("KAITI_GB2312.TTF", 0),
        ("kaiti_gb2312.ttf", 0),
        ("KaiTi_GB2312.ttf", 0),
        ("simkai.ttf", 0),
        ("SIMKAI.TTF", 0),
    ),
    SONG: (("simsun.ttc", 0), ("SIMSUN.TTC", 0)),
    XBS: (("FZXBSJW.TTF", 0), ("fzxbsjw.ttf", 0), ("方正小标宋简体.ttf", 0), ("方正小标宋简体.TTF", 0)),
}

# 小标宋 under any other file name: names like these first (compared without case, as Windows does), then
# any font whose own family, full or PostScript name contains one of the marks.
_XBS_FILE_PATTERNS = ("fzxbs*", "方正小标宋*", "*小标宋*", "*xiaobiaosong*")
_XBS_NAME_MARKS = ("小标宋", "xiaobiaosong", "fzxbs")

_BUNDLED_FILES: dict[str, tuple[tuple[str, int], ...]] = {
    SONG: (("gbsn00lp.ttf", 0),),
    KAI: (("gkai00mp.ttf", 0),),
    HEI: (("wqy-microhei.ttc", 0),),
}

# A style without a file of its own borrows, in order, the file of these styles.
_FALLBACKS: dict[str, tuple[str, ...]] = {
    FANGSONG: (SONG, KAI),
    XBS: (HEI, SONG),
    HEI: (SONG,),
    KAI: (SONG, FANGSONG),
    SONG: (FANGSONG, KAI, HEI),
}

# The face name Word and WPS know a file by, so a .docx names what the PDF printed with
# (``ecodesk.documents.word``). A file not listed (bundled, or one the clerk chose) goes by its style's name.
_FACES: dict[str, str] = {
    "fangsong_gb2312.ttf": "仿宋_GB2312",
    "simfang.ttf": "仿宋",
    "simhei.ttf": "黑体",
    "kaiti_gb2312.ttf": "楷体_GB2312",
    "simkai.ttf": "楷体",
    "simsun.ttc": "宋体",
    "fzxbsjw.ttf": "方正小标宋简体",
    "方正小标宋简体.ttf": "方正小标宋简体",
}
STYLE_FACES: dict[str, str] = {
    FANGSONG: "仿宋",
    HEI: "黑体",
    KAI: "楷体",
    SONG: "宋体",
    XBS: "方正小标宋简体",
}

_REGISTERED: dict[tuple[str, int], str] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class FontChoice:
    """The file that prints one style; ``substitute_for`` is set when it is another style's file."""

    style: str
    alias: str
    path: Path
    subfont_index: int
    source: str  # 设置 / 系统 / 内置
    borrowed_from: str | None = None
    family: str | None = None  # the family name read from a file found by its name table

    @property
    def is_substitute(self) -> bool:
        return self.borrowed_from is not None

    @property
    def face(self) -> str:
        """The face name a word processor knows this file by (宋体 for simsun.ttc …)."""
        if self.family is not None and self.borrowed_from is None:
            return self.family
        own = self.borrowed_from or self.style

        return (
            _FACES.get(self.path.name.lower(), STYLE_FACES[own])
            if self.source == "系统"
            else STYLE_FACES[own]
        )

    def describe(self) -> str:
        label = STYLE_LABELS[self.style]
        where = f"{self.path.name}（{self.source}）"
        if self.borrowed_from is not None:
            return f"{label}：无可用字体，以{STYLE_LABELS[self.borrowed_from]}代替 — {where}"
        return f"{label}：{where}"


@dataclass(frozen=True)
class FontReport:
    """What prints each style, for the font settings screen and the render result."""

    choices: dict[str, FontChoice]
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def alias(self, style: str) -> str:
        return self.choices[style].alias

    @property
    def substitutes(self) -> dict[str, str]:
        """style → the style whose file it borrows."""
        return {s: c.borrowed_from for s, c in self.choices.items() if c.borrowed_from is not None}

    def lines(self) -> list[str]:
        out = [self.choices[s].describe() for s in STYLES]
        if FANGSONG in self.substitutes:
            out.append("说明：没有可自由分发的简体仿宋字体；安装仿宋（simfang.ttf）后公文将使用仿宋。")
        out.extend(self.warnings)
        return out


def _windows_font_dirs() -> list[Path]:
    dirs: list[Path] = []
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    dirs.append(Path("C:/Windows/Fonts"))
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    seen: list[Path] = []
    for d in dirs:
        if d not in seen:
            seen.append(d)
    return seen


_SCANS: dict[tuple[str, int], list[tuple[Path, int, frozenset[str]]]] = {}


def _font_folder(folder: Path) -> list[tuple[Path, int, frozenset[str]]]:
    """(file, subfont index, its names) for every font in ``folder``; read once per process until the
    folder changes (installing a font changes its time), since fonts are resolved for every printout."""
    try:
        key = (str(folder), folder.stat().st_mtime_ns)
        cached = _SCANS.get(key)
        if cached is not None:
            return cached
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES and p.is_file())
    except OSError:
        return []
    found = [(path, index, names) for path in files for index, names in font_names(path)]
    with _LOCK:
        _SCANS[key] = found
    return found


def _is_xbs_name(name: str) -> bool:
    folded = name.casefold().replace(" ", "")
    return any(mark in folded for mark in _XBS_NAME_MARKS)


def xbs_files(dirs: Sequence[Path]) -> list[tuple[Path, int, str | None]]:
    """Fonts in ``dirs`` that are 小标宋 by their file name, then those that are by their own name:
    (file, subfont index, the family name to show Word — None when the file's names do not say)."""
    by_file: list[tuple[Path, int, str | None]] = []
    by_family: list[tuple[Path, int, str | None]] = []
    for folder in dirs:
        for path, index, names in _font_folder(folder):
            own = sorted(n for n in names if _is_xbs_name(n))
            # A Chinese name first: the one a Chinese Word lists.
            family = next((n for n in own if "小标宋" in n), own[0] if own else None)
            lowered = path.name.lower()
            if any(fnmatch.fnmatchcase(lowered, pattern) for pattern in _XBS_FILE_PATTERNS):
                by_file.append((path, index, family))
            elif family is not None:
                by_family.append((path, index, family))
    return by_file + by_family


def _alias_for(path: Path, index: int) -> str:
    stem = re.sub(r"[^A-Za-z0-9]", "", path.stem)[:16] or "Font"
    digest = hashlib.sha1(f"{path}|{index}".encode()).hexdigest()[:6]
    return f"Eco{stem}{index}x{digest}"


def register_file(path: Path, index: int = 0) -> str:
    """Register ``path`` with reportlab once per process and return its alias.

    Raises ``ValueError`` (with the reason) when reportlab cannot use the file, e.g. a CFF/OTF font.
    """
    key = (str(path.resolve()), index)
    with _LOCK:
        cached = _REGISTERED.get(key)
        if cached is not None:
            return cached
        alias = _alias_for(Path(key[0]), index)
        try:
            font = TTFont(alias, key[0], subfontIndex=index)
        except Exception as exc:  # reportlab raises TTFError, struct.error, OSError …
            raise ValueError(str(exc) or type(exc).__name__) from exc
        pdfmetrics.registerFont(font)
        _REGISTERED[key] = alias
        return alias


def _candidates(
    style: str, configured: str | os.PathLike[str] | None, sys_dirs: Sequence[Path], bundled: Path
) -> Iterator[tuple[Path, int, str, str | None]]:
    """(file, subfont index, source, family name read from it) to try for ``style``, in order. Lazy:
    the font folders are searched for 小标宋 only when none of its usual file names is there."""
    if configured is not None and str(configured).strip():
        yield Path(configured).expanduser(), 0, "设置", None
    for d in sys_dirs:
        for name, idx in _WINDOWS_FILES.get(style, ()):
            yield d / name, idx, "系统", None
    if style == XBS:
        usual = {d / name for d in sys_dirs for name, _ in _WINDOWS_FILES[XBS]}
        for path, idx, family in xbs_files(sys_dirs):
            if path not in usual:  # already tried
                yield path, idx, "系统", family
    for name, idx in _BUNDLED_FILES.get(style, ()):
        yield bundled / name, idx, "内置", None


def resolve_fonts(
    configured: Mapping[str, str | os.PathLike[str]] | None = None,
    *,
    system_dirs: Sequence[Path] | None = None,
    bundled_dir: Path | None = None,
) -> FontReport:
    """Choose and register a file for every style; see the module docstring for the order.

    ``system_dirs`` and ``bundled_dir`` default to the Windows font folders and ``resources/fonts``;
    tests pass their own to simulate a bare machine.
    """
    configured = dict(configured or {})
    unknown = [k for k in configured if k not in STYLES]
    if unknown:
        raise EcoDeskError(f"未知的字体类别：{'、'.join(unknown)}（可用：{'、'.join(STYLES)}）")
    sys_dirs = list(system_dirs) if system_dirs is not None else _windows_font_dirs()
    bundled = bundled_dir if bundled_dir is not None else resources_dir() / "fonts"
    warnings: list[str] = []
    own: dict[str, FontChoice] = {}
    looked: dict[str, list[str]] = {s: [] for s in STYLES}

    for style in STYLES:
        label = STYLE_LABELS[style]
        for path, idx, source, family in _candidates(style, configured.get(style), sys_dirs, bundled):
            looked[style].append(str(path))
            if not path.is_file():
                if source == "设置":
                    warnings.append(f"警告：设置的{label}字体文件不存在：{path}，已改用其他字体。")
                continue
            try:
                alias = register_file(path, idx)
            except ValueError as exc:
                warnings.append(f"警告：{label}字体文件无法使用：{path}（{exc}），已改用其他字体。")
                continue
            own[style] = FontChoice(style, alias, path, idx, source, family=family)
            break

    choices: dict[str, FontChoice] = {}
    for style in STYLES:
        if style in own:
            choices[style] = own[style]
            continue
        for other in _FALLBACKS[style]:
            if other in own:
                c = own[other]
                choices[style] = FontChoice(style, c.alias, c.path, c.subfont_index, c.source, other)
                break
        else:
            tried = [p for s in (style, *_FALLBACKS[style]) for p in looked[s]]
            places = "；".join(dict.fromkeys(tried)) or "（无）"
            raise EcoDeskError(
                f"找不到可用的{STYLE_LABELS[style]}字体，也没有可代替的字体。已查找：{places}。"
                "请在本机安装该字体（如 Windows 自带的 simsun.ttc），或重新安装 EcoDesk 以恢复内置字体。"
            )
    return FontReport(choices, tuple(warnings))
