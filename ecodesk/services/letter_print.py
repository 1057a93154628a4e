"""Printing commitment letters in batch, the editor's preview, and the coverage export.

The data side (who signs, signing, coverage) is :mod:`ecodesk.services.letters`; this module turns
it into files: one PDF page per letter with the placeholders filled, and the coverage workbook/PDF.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from ecodesk import dates
from ecodesk.dates import format_cn
from ecodesk.db.database import Database
from ecodesk.documents import glyphs
from ecodesk.documents.fonts import FANGSONG, FontReport, resolve_fonts
from ecodesk.errors import EcoDeskError, ValidationError
from ecodesk.jobs import Job
from ecodesk.letters.placeholders import fill
from ecodesk.letters.render import LetterPainter, LetterText, write_letters
from ecodesk.models.letter import SIGNER_HOUSEHOLD, STATUS_PENDING, STATUS_SIGNED
from ecodesk.services import settings as settings_service
from ecodesk.services.letters import (
    TOWN_UNITS,
    GenerateResult,
    LetterRow,
    check_kind,
    coverage,
    generate,
    list_rows,
    sample_row,
    template_for,
    template_problems,
)


def _today() -> date:
    return dates.today()


def fonts_for(db: Database) -> FontReport:
    return resolve_fonts(settings_service.load(db).font_files or None)


def values_for(row: LetterRow, year: int, town: str, day: date) -> dict[str, str]:
    """The placeholder values of one signer."""
    if row.signer_type == SIGNER_HOUSEHOLD:
        committee = f"{row.village}{'居民委员会' if row.village.endswith('社区') else '村民委员会'}"
        unit = committee if row.village else ""
    else:
        unit = row.name
    return {
        "户主": row.person,
        "村": row.village,
        "组": row.group,
        "年度": str(year),
        "单位": unit,
        "日期": format_cn(day),
        "镇": town,
        "地址": row.address or row.village,
    }


def letter_text(tpl_title: str, tpl: dict[str, str], values: dict[str, str], footer: str = "") -> LetterText:
    return LetterText(
        title=fill(tpl_title, values, label="标题"),
        body=fill(tpl["body"], values, label="正文"),
        party_a=fill(tpl["party_a"], values, label="左侧签署栏"),
        party_b=fill(tpl["party_b"], values, label="右侧签署栏"),
        footer=footer,
    )


def _footer(row: LetterRow) -> str:
    where = f"{row.village}{row.group}" or TOWN_UNITS
    return f"编号 {row.number}　　{row.kind}　{where}　{row.name}"


@dataclass(frozen=True)
class PrintResult:
    pages: int
    path: Path
    generated: GenerateResult
    missing: tuple[str, ...] = ()  # characters no font here can print (they come out blank)

    @property
    def warning(self) -> str:
        return glyphs.describe_missing(self.missing) if self.missing else ""


def print_batch(
    db: Database,
    year: int,
    kind: str,
    out: Path,
    *,
    village_id: int | None = None,
    groups: Sequence[str] | None = None,
    only_pending: bool = False,
    print_date: date | None = None,
    fonts: FontReport | None = None,
    job: Job | None = None,
) -> PrintResult:
    """One PDF, one letter per page, for everyone of ``kind`` who must sign in ``year`` (or one
    village, or some 组 of it: ``groups``, their names), sorted by village and 组. Missing commitments
    are generated first, so the page count is the number of signers. 作废 letters are not printed;
    ``only_pending`` leaves out 已签 too (仅未签订)."""
    check_kind(kind)
    report = fonts or fonts_for(db)  # registered before any write lock
    generated = generate(db, year, [kind])
    tpl = template_for(db, year, kind)
    statuses = [STATUS_PENDING] if only_pending else [STATUS_PENDING, STATUS_SIGNED]
    rows = list_rows(db, year, kind, village_id, groups=groups, statuses=statuses)
    if not rows:
        where = f"该村{'、'.join(groups)}" if groups else ("该村" if village_id is not None else "全镇")
        unsigned = "都已签订或作废" if only_pending else "都已作废"
        raise EcoDeskError(f"{where}{year}年度没有需要打印的{kind}（没有签订对象，或{unsigned}）。")
    town = settings_service.load(db).town_name
    day = print_date or _today()
    parts = {"body": tpl.body, "party_a": tpl.party_a, "party_b": tpl.party_b}

    def letters() -> Iterator[LetterText]:
        for row in rows:
            letter = letter_text(tpl.title, parts, values_for(row, year, town, day), _footer(row))
            yield replace(letter, code=row.number)

    title = f"{year}年度{kind}"
    pages = write_letters(out, letters(), len(rows), report, title=title, author=town, job=job)
    # Names are where rare characters live; the template text is checked by the preview.
    texts = {t for r in rows for t in (r.name, r.person, r.village, r.group, r.address)}
    missing = glyphs.missing(sorted(texts), report.alias(FANGSONG))
    return PrintResult(pages, Path(out), generated, tuple(missing))


@dataclass(frozen=True)
class Preview:
    path: Path
    fits: bool  # False: too long for one page even in 五号; the printout would be cut off
    size: float  # the body size chosen, in points (16 = 三号)


def preview_pdf(db: Database, year: int, kind: str, values: dict[str, str], out: Path) -> Preview:
    """A one-page PDF of edited (unsaved) wording filled for a sample signer, for the editor."""
    problems = template_problems(values)
    if problems:
        raise ValidationError(problems)
    town = settings_service.load(db).town_name or "某某镇"
    sample = sample_row(db, year, kind)
    parts = {k: values.get(k, "") for k in ("body", "party_a", "party_b")}
    letter = letter_text(values["title"], parts, values_for(sample, year, town, _today()), _footer(sample))
    fonts = fonts_for(db)
    write_letters(out, [letter], 1, fonts, title=f"{year}年度{kind}（预览）")
    placed = LetterPainter(Canvas(os.devnull), fonts).place(letter)
    return Preview(out, placed.fits, placed.size)


def export_coverage(
    db: Database, year: int, out: Path, kind: str | None = None, *, job: Job | None = None
) -> tuple[int, int]:
    """Coverage per village and who has not signed, to ``out`` (.xlsx or .pdf).

    Returns (villages listed, letters not signed)."""
    from ecodesk.letters import coverage_export

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise ValidationError.single("out", "输出文件", f"应为 .xlsx 或 .pdf 文件（收到“{out.name}”）")
    rows = coverage(db, year, kind)
    unsigned = list_rows(db, year, kind, statuses=[STATUS_PENDING])
    title = f"{year}年度{kind or '承诺书（责任书）'}"
    if suffix == ".xlsx":
        coverage_export.write_xlsx(out, title, rows, unsigned)
    else:
        coverage_export.write_pdf(out, title, rows, unsigned, fonts_for(db), _today(), job)
    return len(rows) - 1, len(unsigned)
