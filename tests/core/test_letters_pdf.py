"""Letter PDFs read back: placeholders filled, names printed as typed, one page per signer,
cancel leaves no file, the shipped templates each fit one page; and the ``letters`` CLI."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.errors import EcoDeskError, ValidationError
from ecodesk.jobs import Job, JobCancelledError
from ecodesk.letters.defaults import default_templates
from ecodesk.letters.placeholders import PLACEHOLDERS, fill
from ecodesk.letters.render import LetterPainter, LetterText, fits_one_page
from ecodesk.models.letter import LETTER_KINDS
from ecodesk.services import letter_print, letters, records, settings
from ecodesk.services.org import ENTERPRISES, HOUSEHOLDS, UNITS

YEAR = 2026
BAN = "禁烧承诺书"


def _text(path: Path, page: int, *, right_half: bool = False) -> str:
    with pdfplumber.open(path) as pdf:
        p = pdf.pages[page]
        if right_half:
            p = p.crop((p.width / 2, 0, p.width, p.height))
        return "".join((p.extract_text() or "").split())


@pytest.fixture
def town(db: Database) -> Database:
    settings.save(db, town_name="清河镇")
    east = records.create(db, UNITS, {"name": "东沟村", "kind": "村", "sort_order": 1})
    west = records.create(db, UNITS, {"name": "西岭社区", "kind": "社区", "sort_order": 2})
    for name, village, group in (
        ("王<福>&生", west.id, "一组"),
        ("张建国", east.id, "二组"),
        ("李秀英", east.id, "一组"),
    ):
        records.create(db, HOUSEHOLDS, {"head_name": name, "village": village, "group": group})
    records.create(
        db, ENTERPRISES, {"name": "恒昌洗煤厂", "industry": "洗储煤", "village": east.id, "legal_rep": "李亮"}
    )
    return db


def test_fill_is_plain_substitution() -> None:
    values = {"户主": "张<三>&{村}", "村": "东沟村"}
    assert fill("户主{户主}，住{村}{组}。", values) == "户主张<三>&{村}，住东沟村。"
    assert fill("{ 不是占位符 } {", values) == "{ 不是占位符 } {"
    with pytest.raises(ValidationError, match=r"标题：有未知的占位符 \{姓名\}"):
        fill("{姓名}承诺书", values, label="标题")


def test_batch_prints_one_page_per_signer_sorted_with_names_as_typed(town: Database, tmp_path: Path) -> None:
    out = tmp_path / "禁烧.pdf"
    result = letter_print.print_batch(town, YEAR, BAN, out)
    assert result.pages == 3
    assert len(PdfReader(out).pages) == 3
    pages = [_text(out, n) for n in range(3)]
    # by village (东沟村 before 西岭社区), then 组
    assert "本户户主李秀英，住东沟村一组" in pages[0]
    assert "本户户主张建国，住东沟村二组" in pages[1]
    assert "本户户主王<福>&生，住西岭社区一组" in pages[2]
    assert "承诺人和西岭社区居民委员会各执一份" in pages[2]
    assert "西岭社区居民委员会（盖章）" in _text(out, 2, right_half=True)
    assert "2026年度全域禁烧承诺书" in pages[0]
    assert "{" not in "".join(pages)
    assert "清河镇全域禁烧工作要求" in pages[0]
    rows = letters.list_rows(town, YEAR, BAN)
    assert rows[0].number in pages[0]


def test_one_village_and_only_pending(town: Database, tmp_path: Path) -> None:
    letters.generate(town, YEAR, [BAN])
    east = records.list_ids(town, UNITS, records.ListFilter(text="东沟村"))[0]
    rows = letters.list_rows(town, YEAR, BAN, east)
    letters.mark_signed(town, [rows[0].id])
    out = tmp_path / "东沟村.pdf"
    assert letter_print.print_batch(town, YEAR, BAN, out, village_id=east).pages == 2
    assert letter_print.print_batch(town, YEAR, BAN, out, village_id=east, only_pending=True).pages == 1
    assert "张建国" in _text(out, 0)
    letters.mark_signed(town, [rows[1].id])
    with pytest.raises(EcoDeskError, match="没有需要打印的禁烧承诺书"):
        letter_print.print_batch(town, YEAR, BAN, out, village_id=east, only_pending=True)
    assert out.exists()  # a refused batch leaves the earlier file alone


def test_enterprise_letter_fills_unit_and_person(town: Database, tmp_path: Path) -> None:
    out = tmp_path / "煤矸石.pdf"
    assert letter_print.print_batch(town, YEAR, "煤矸石处置承诺书", out).pages == 1
    text = _text(out, 0)
    assert "恒昌洗煤厂（负责人：李亮）" in text
    assert "承诺单位：恒昌洗煤厂" in text


def test_cancel_leaves_no_file(town: Database, tmp_path: Path) -> None:
    for n in range(60):
        records.create(town, HOUSEHOLDS, {"head_name": f"户{n}", "village": "东沟村", "group": "三组"})
    out = tmp_path / "out" / "取消.pdf"
    seen: list[int] = []
    job = Job()

    def progress(done: int, total: int, message: str) -> None:
        seen.append(done)
        if done >= 25:
            job.cancel()

    job.progress = progress
    with pytest.raises(JobCancelledError):
        letter_print.print_batch(town, YEAR, BAN, out, job=job)
    assert seen and max(seen) >= 25
    assert list(out.parent.iterdir()) == []  # neither the PDF nor its temporary file


def test_every_shipped_template_fits_one_page_and_uses_known_placeholders(
    town: Database, tmp_path: Path
) -> None:
    templates = default_templates()
    assert set(templates) == set(LETTER_KINDS)
    values = dict.fromkeys(PLACEHOLDERS, "某某某某某某")
    values["单位"] = "清河镇某某某某有限责任公司"
    painter = LetterPainter(_canvas(tmp_path), letter_print.fonts_for(town))
    for tpl in templates.values():
        letter = LetterText(
            fill(tpl.title, values),
            fill(tpl.body, values),
            fill(tpl.party_a, values),
            fill(tpl.party_b, values),
        )
        assert fits_one_page(painter, letter), tpl.kind
        assert painter.place(letter).size >= 12, tpl.kind  # 小四 at the least: households read these


def _canvas(tmp_path: Path):  # noqa: ANN202 - reportlab is untyped
    from reportlab.pdfgen.canvas import Canvas

    return Canvas(str(tmp_path / "scratch.pdf"))


def test_preview_uses_unsaved_wording(town: Database, tmp_path: Path) -> None:
    out = tmp_path / "预览.pdf"
    values = {"title": "试印", "body": "户主{户主}：测试正文。", "party_a": "签字：", "party_b": "{村}"}
    letter_print.preview_pdf(town, YEAR, BAN, values, out)
    text = _text(out, 0)
    assert text.startswith("试印户主")
    assert any(f"户主{name}：测试正文。" in text for name in ("李秀英", "张建国", "王<福>&生"))


def test_cli_print_coverage_and_sign(
    town: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(town.path)
    town.close()
    out = tmp_path / "全镇.pdf"
    assert (
        main(["--db", path, "-q", "letters", "print", "--kind", BAN, "--year", "2026", "--out", str(out)])
        == 0
    )
    assert "3 页" in capsys.readouterr().out
    assert main(["--db", path, "letters", "sign", "--year", "2026", "C000001", "2"]) == 0
    assert "已标记签订 2 份" in capsys.readouterr().out
    xlsx = tmp_path / "签订率.xlsx"
    assert (
        main(["--db", path, "letters", "coverage", "--year", "2026", "--kind", BAN, "--out", str(xlsx)]) == 0
    )
    assert "未签 1 份" in capsys.readouterr().out
    pdf = tmp_path / "签订率.pdf"
    assert main(["--db", path, "letters", "coverage", "--year", "2026", "--out", str(pdf)]) == 0
    text = _text(pdf, 0)
    assert "东沟村" in text and "合计" in text
    assert (
        main(["--db", path, "letters", "print", "--kind", "承诺", "--year", "2026", "--out", str(out)]) == 1
    )
    assert "“承诺”不是可选的类别" in capsys.readouterr().err
    assert (
        main(
            [
                "--db",
                path,
                "letters",
                "print",
                "--kind",
                BAN,
                "--village",
                "无此村",
                "--year",
                "2026",
                "--out",
                str(out),
            ]
        )
        == 1
    )
    assert "找不到村/社区“无此村”" in capsys.readouterr().err


def test_a_job_cancelled_before_the_first_page_writes_nothing(town: Database, tmp_path: Path) -> None:
    job = Job()
    job.cancel()
    with pytest.raises(JobCancelledError):
        letter_print.print_batch(town, YEAR, BAN, tmp_path / "x.pdf", job=job)
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None, reason="needs zbar-tools"
)
def test_the_barcode_scans_as_the_letter_number(town: Database, tmp_path: Path) -> None:
    out = tmp_path / "码.pdf"
    letter_print.print_batch(town, YEAR, BAN, out)
    number = letters.list_rows(town, YEAR, BAN)[1].number
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "2", "-l", "2", str(out), str(tmp_path / "p")], check=True
    )
    png = next(tmp_path.glob("p*.png"))
    read = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=False)
    assert read.stdout.strip() == number


def test_an_unwritable_target_is_a_clear_message_and_keeps_the_old_file(
    town: Database, tmp_path: Path
) -> None:
    out = tmp_path / "旧.pdf"
    out.write_bytes(b"%PDF old")
    blocker = tmp_path / "是文件不是文件夹"
    blocker.write_text("x")
    with pytest.raises(EcoDeskError, match="无法在 .* 中写文件"):
        letter_print.print_batch(town, YEAR, BAN, blocker / "承诺书.pdf")
    target_dir = tmp_path / "是目录"
    (target_dir / "承诺书.pdf").mkdir(parents=True)  # a folder where the PDF should go
    with pytest.raises(EcoDeskError, match="无法写入"):
        letter_print.print_batch(town, YEAR, BAN, target_dir / "承诺书.pdf")
    assert [p.name for p in target_dir.iterdir()] == ["承诺书.pdf"]  # no temporary file left
    assert out.read_bytes() == b"%PDF old"


def test_a_rare_name_character_is_borrowed_from_a_font_that_has_it(db: Database, tmp_path: Path) -> None:
    village = records.create(db, UNITS, {"name": "东沟村", "kind": "村"})
    records.create(db, HOUSEHOLDS, {"head_name": "李喆", "village": village.id, "group": "一组"})
    out = tmp_path / "喆.pdf"
    letter_print.print_batch(db, YEAR, BAN, out)
    with pdfplumber.open(out) as pdf:
        chars = pdf.pages[0].chars
    text = "".join(c["text"] for c in chars)
    assert "本户户主李喆，住东沟村一组" in text
    zhe = next(c for c in chars if c["text"] == "喆")
    li = next(c for c in chars if c["text"] == "李" and abs(c["top"] - zhe["top"]) < 8)
    assert zhe["fontname"] != li["fontname"]  # the body font has no 喆; a wider one draws it
    assert zhe["x0"] >= li["x1"] - 0.5  # and it takes its own place on the line


def test_a_character_no_font_has_is_named_after_printing(db: Database, tmp_path: Path) -> None:
    village = records.create(db, UNITS, {"name": "东沟村", "kind": "村"})
    records.create(db, HOUSEHOLDS, {"head_name": "王\U0002a6d6", "village": village.id, "group": "一组"})
    result = letter_print.print_batch(db, YEAR, BAN, tmp_path / "缺字.pdf")
    assert result.missing == ("\U0002a6d6",)
    assert "U+2A6D6" in result.warning and "打印出来会是空白" in result.warning


def test_the_chosen_date_is_printed_on_the_ban_letter(town: Database, tmp_path: Path) -> None:
    """禁烧承诺书: the 落款日期 chosen on 批量打印 is printed under the 村委会's stamp (right column)."""
    import datetime as dt

    out = tmp_path / "禁烧.pdf"
    letter_print.print_batch(town, YEAR, BAN, out, print_date=dt.date(2026, 3, 1))
    right = _text(out, 0, right_half=True)
    assert "东沟村村民委员会（盖章）" in right and "2026年3月1日" in right
