"""Issue 20 point 10: 小标宋 is found under any file name — by a file name like it, or by the family
name the font gives itself (``ecodesk.documents.font_names``) — not only under four fixed names.

The fonts are real files: the bundled 宋 (``gbsn00lp.ttf``) copied under another name, and the same font
with its ``name`` table rewritten to say what a 方正小标宋 file says (its glyphs are still 宋, which is all
reportlab needs to print with it).
"""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pdfplumber
import pytest
from reportlab.pdfgen import canvas

from ecodesk.documents.font_names import font_names
from ecodesk.documents.fonts import HEI, XBS, resolve_fonts
from ecodesk.paths import resources_dir

BUNDLED = resources_dir() / "fonts"
SONG_FILE = BUNDLED / "gbsn00lp.ttf"
WINDOWS_UNICODE, WINDOWS_PRC = 1, 3  # name-table encodings: UTF-16, and GB 2312 in 16 bits


def with_names(source: Path, target: Path, names: dict[int, str], encoding: int = WINDOWS_UNICODE) -> Path:
    """Copy the font ``source`` to ``target`` with a new ``name`` table: ``names`` (name ID → text) in
    English (UTF-16) and, in ``encoding``, in Chinese, as a Windows font stores them."""
    data = bytearray(source.read_bytes())
    records: list[tuple[int, int, int, int, bytes]] = []
    for name_id, text in sorted(names.items()):
        records.append((3, 1, 0x0409, name_id, text.encode("utf-16-be")))
        if encoding == WINDOWS_PRC:
            chinese = b"".join(c.encode("gbk").rjust(2, b"\x00") for c in text)
        else:
            chinese = text.encode("utf-16-be")
        records.append((3, encoding, 0x0804, name_id, chinese))
    strings = b""
    header = struct.pack(">HHH", 0, len(records), 6 + 12 * len(records))
    for platform, enc, language, name_id, raw in records:
        header += struct.pack(">6H", platform, enc, language, name_id, len(raw), len(strings))
        strings += raw
    table = header + strings
    while len(data) % 4:
        data.append(0)
    start = len(data)
    data += table
    (tables,) = struct.unpack(">H", data[4:6])
    for i in range(tables):
        entry = 12 + 16 * i
        if data[entry : entry + 4] == b"name":
            data[entry + 8 : entry + 16] = struct.pack(">II", start, len(table))
    target.write_bytes(bytes(data))
    return target


def xiaobiaosong(target: Path, encoding: int = WINDOWS_UNICODE) -> Path:
    """A font that calls itself what 方正小标宋简体 calls itself."""
    return with_names(
        SONG_FILE,
        target,
        {1: "方正小标宋简体", 2: "Regular", 4: "方正小标宋简体", 6: "FZXiaoBiaoSong-B05S"},
        encoding,
    )


def test_the_names_are_read_from_real_font_files() -> None:
    assert font_names(SONG_FILE) == [
        (0, frozenset({"AR PL SungtiL GB", "文鼎ＰＬ简报宋", "BousungEG-Light-GB"}))
    ]
    collection = dict(font_names(BUNDLED / "wqy-microhei.ttc"))
    assert "WenQuanYi Micro Hei" in collection[0]
    assert "WenQuanYi Micro Hei Mono" in collection[1]
    assert font_names(BUNDLED / "README.md") == []


def test_the_chinese_name_of_an_old_gb_font_is_read(tmp_path: Path) -> None:
    names = dict(font_names(xiaobiaosong(tmp_path / "old.ttf", WINDOWS_PRC)))
    assert {"方正小标宋简体", "FZXiaoBiaoSong-B05S"} <= names[0]


@pytest.mark.parametrize(
    "file_name", ["FZXBSK.TTF", "方正小标宋_GBK.ttf", "公文用小标宋.TTF", "FZXiaoBiaoSong-B05S.ttf"]
)
def test_a_file_named_like_xiaobiaosong_prints_the_title(tmp_path: Path, file_name: str) -> None:
    fonts = tmp_path / "Fonts"
    fonts.mkdir()
    shutil.copyfile(SONG_FILE, fonts / file_name)
    report = resolve_fonts(system_dirs=[fonts], bundled_dir=BUNDLED)
    choice = report.choices[XBS]
    assert choice.path == fonts / file_name
    assert not choice.is_substitute and choice.source == "系统"
    assert not any("小标宋：无可用字体" in line for line in report.lines())


def test_a_renamed_font_is_found_by_its_own_family_name(tmp_path: Path) -> None:
    fonts = tmp_path / "Fonts"
    fonts.mkdir()
    shutil.copyfile(BUNDLED / "gkai00mp.ttf", fonts / "a-kai.ttf")  # another font, not 小标宋
    renamed = xiaobiaosong(fonts / "新建字体 (2).ttf")
    report = resolve_fonts(system_dirs=[fonts], bundled_dir=BUNDLED)
    choice = report.choices[XBS]
    assert choice.path == renamed and not choice.is_substitute
    assert choice.face == "方正小标宋简体"  # the name the .docx gives Word for the title
    # The file really prints: a PDF title drawn with it reads back.
    pdf = tmp_path / "title.pdf"
    page = canvas.Canvas(str(pdf))
    page.setFont(report.alias(XBS), 22)
    page.drawString(72, 700, "关于开展秸秆禁烧工作的通知")
    page.save()
    with pdfplumber.open(pdf) as read:
        assert "关于开展秸秆禁烧工作的通知" in (read.pages[0].extract_text() or "")


def test_without_xiaobiaosong_the_title_still_borrows_hei(tmp_path: Path) -> None:
    fonts = tmp_path / "Fonts"
    fonts.mkdir()
    shutil.copyfile(BUNDLED / "gkai00mp.ttf", fonts / "other.ttf")
    (fonts / "FZXBS-broken.TTF").write_bytes(b"not a font at all")
    report = resolve_fonts(system_dirs=[fonts], bundled_dir=BUNDLED)
    assert report.choices[XBS].borrowed_from == HEI


def test_the_usual_file_name_comes_before_the_search(tmp_path: Path) -> None:
    fonts = tmp_path / "Fonts"
    fonts.mkdir()
    xiaobiaosong(fonts / "aaa.ttf")
    shutil.copyfile(SONG_FILE, fonts / "FZXBSJW.TTF")
    choice = resolve_fonts(system_dirs=[fonts], bundled_dir=BUNDLED).choices[XBS]
    assert choice.path == fonts / "FZXBSJW.TTF"
    assert choice.face == "方正小标宋简体"  # the usual file's face, as before
