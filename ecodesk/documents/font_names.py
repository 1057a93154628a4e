"""The names a font file gives itself (its OpenType ``name`` table), read without loading the font.

A font is known by its family name, not its file name: 方正小标宋 ships as ``FZXBSJW.TTF``, as
``FZXBSK.TTF``, as ``方正小标宋_GBK.TTF``, or renamed by whoever copied it to the office PC — and
calls itself "方正小标宋简体" or "FZXiaoBiaoSong-B05S" inside. Reading only the table directory and
the ``name`` table (a few kilobytes) lets :mod:`ecodesk.documents.fonts` look through a whole Windows
font folder for it in a fraction of a second; reportlab would parse every glyph.

Only what finding a font needs: the family (name IDs 1 and 16), full (4) and PostScript (6) names,
in every language, from TrueType, OpenType and TrueType collections (``.ttc``, one entry per font).
A file that is not a font, or is damaged, gives no names rather than an error.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

FONT_SUFFIXES = frozenset({".ttf", ".ttc", ".otf", ".otc"})

_FAMILY, _FULL, _POSTSCRIPT, _TYPOGRAPHIC_FAMILY = 1, 4, 6, 16
_WANTED_IDS = frozenset({_FAMILY, _FULL, _POSTSCRIPT, _TYPOGRAPHIC_FAMILY})
_PLATFORM_UNICODE, _PLATFORM_MAC, _PLATFORM_WINDOWS = 0, 1, 3
_WINDOWS_PRC = 3  # Windows encoding 3: GB 2312 code points stored in 16 bits (old Chinese fonts)
_MAX_FONTS_IN_COLLECTION = 64
_MAX_NAME_TABLE = 1 << 20  # a name table of more than 1 MB is not a font we know


def font_names(path: Path) -> list[tuple[int, frozenset[str]]]:
    """(subfont index, the names it gives itself) for each font in the file; [] when it is not a
    readable font."""
    try:
        with path.open("rb") as handle:
            return _read_names(handle)
    except (OSError, struct.error, ValueError):
        return []


def _read_names(handle: BinaryIO) -> list[tuple[int, frozenset[str]]]:
    tag = handle.read(4)
    if tag == b"ttcf":
        handle.read(4)  # version
        (count,) = struct.unpack(">I", handle.read(4))
        count = min(count, _MAX_FONTS_IN_COLLECTION)
        offsets = struct.unpack(f">{count}I", handle.read(4 * count))
        return [(index, _names_at(handle, offset)) for index, offset in enumerate(offsets)]
    if tag in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
        return [(0, _names_at(handle, 0))]
    return []


def _names_at(handle: BinaryIO, offset: int) -> frozenset[str]:
    """The names of the font whose table directory starts at ``offset``."""
    handle.seek(offset + 4)
    (tables,) = struct.unpack(">H", handle.read(2))
    handle.seek(offset + 12)
    directory = handle.read(16 * tables)
    for i in range(tables):
        tag, _checksum, start, length = struct.unpack(">4sIII", directory[16 * i : 16 * i + 16])
        if tag == b"name":
            if length > _MAX_NAME_TABLE:
                return frozenset()
            handle.seek(start)
            return _parse_name_table(handle.read(length))
    return frozenset()


def _parse_name_table(table: bytes) -> frozenset[str]:
    _format, count, strings = struct.unpack(">HHH", table[:6])
    names: set[str] = set()
    for i in range(count):
        record = table[6 + 12 * i : 18 + 12 * i]
        if len(record) < 12:
            break
        platform, encoding, _language, name_id, length, start = struct.unpack(">6H", record)
        if name_id not in _WANTED_IDS:
            continue
        raw = table[strings + start : strings + start + length]
        text = _decode(platform, encoding, raw)
        if text:
            names.add(text.strip())
    return frozenset(names)


def _decode(platform: int, encoding: int, raw: bytes) -> str:
    if platform == _PLATFORM_WINDOWS and encoding == _WINDOWS_PRC:
        return raw.replace(b"\x00", b"").decode("gbk", errors="ignore")
    if platform in (_PLATFORM_UNICODE, _PLATFORM_WINDOWS):
        return raw.decode("utf-16-be", errors="ignore")
    if platform == _PLATFORM_MAC and encoding == 0:
        return raw.decode("mac_roman", errors="ignore")
    if platform == _PLATFORM_MAC and encoding == 25:  # Mac simplified Chinese
        return raw.decode("gb2312", errors="ignore")
    return ""
