"""``ecodesk import|export|print KIND``: any record kind in or out, by its CLI name.

The kinds (农户、巡查记录、问题、台账、信访举报……) are registered in ``ecodesk.services.kinds``,
so these three commands serve them all. ``import`` writes (all rows or none) and takes the file
lock, even for ``--dry-run`` as it always has; ``export`` and ``print`` only read and stay usable
while the GUI has the file open. ``import --create-units`` registers the villages a first-day roster
names in the same transaction, so the clerk's first import into an empty file is one command.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ecodesk.cli.common import CliError, add_command, open_db, progress_printer, village_id

if TYPE_CHECKING:
    from ecodesk.cli.common import Subparsers


def _parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        header, sep, key = pair.partition("=")
        if not sep or not header.strip() or not key.strip():
            raise CliError(f"--map 应写成 列名=字段，例如 户主=head_name（收到“{pair}”）")
        mapping[header.strip()] = key.strip()
    return mapping


def _year_span(year: int | None, label: str, *, dated: bool) -> tuple[date | None, date | None]:
    """The ``--year`` filter as (first day, last day); refused for a kind (``label``) without a date."""
    if not year:
        return None, None
    if not dated:
        raise CliError(f"{label}没有年度，不能按 --year 筛选")
    return date(year, 1, 1), date(year, 12, 31)


CREATE_UNITS_HELP = (
    "表中的村（社区）尚未登记时一并新建（与导入同一事务，失败则都不保留）。名称以“社区”结尾的建为社区，"
    "其余建为村；再加 --unit-kind 村 或 --unit-kind 社区 则全部建为该类别。"
)
UNIT_KIND_HELP = "与 --create-units 同用：新建的村（社区）全部建为此类别"
CREATE_HINT = (
    "加 --create-units 可新建这些村（社区）并导入（名称以“社区”结尾的建为社区，其余建为村；"
    "再加 --unit-kind 村 或 --unit-kind 社区 则全部建为该类别）。"
)


ON_DUPLICATE_HELP = (
    "表中与已有记录（或表中前面的行）相同的行：skip 跳过（默认），update 用表中填了的内容更新已有记录，"
    "add 仍然作为新记录导入"
)
DUPLICATE_HINT = (
    "要用表中的内容更新这些记录，请加 --on-duplicate update；要仍然作为新记录导入，请加 --on-duplicate add。"
)
_ON_DUPLICATE_WORDS = {
    "跳过": "skip",
    "跳过重复": "skip",
    "更新": "update",
    "更新已有": "update",
    "仍然导入": "add",
}


def _on_duplicate(value: str) -> str:
    """``--on-duplicate``: skip, update or add (or their Chinese names), refused in Chinese otherwise."""
    from ecodesk.services.record_import import ON_DUPLICATE

    chosen = _ON_DUPLICATE_WORDS.get(value.strip(), value.strip().lower())
    if chosen not in ON_DUPLICATE:
        allowed = "、".join(f"{k}（{v}）" for k, v in ON_DUPLICATE.items())
        raise CliError(f"--on-duplicate 只能是 {allowed.replace('、add', '或 add')}，收到“{value}”")
    return chosen


def _sheet_hint(sheet: str) -> str:
    """How to read another sheet: the option as it can be typed (quoted only when it has spaces)."""
    arg = f'"{sheet}"' if any(ch.isspace() for ch in sheet) else sheet
    return f"要导入那张表，请加 --sheet {arg}。"


def _create_units(create: bool, unit_kind: str | None) -> str | None:
    """``--create-units [--unit-kind 村|社区]`` as the import's ``create_villages``: None, 按名称, 村 or 社区.

    The category is an option of its own, not an optional value of ``--create-units``: an optional value
    would swallow the file name when the flag is written before it.
    """
    from ecodesk.services.record_import import BY_NAME, CREATE_CHOICES

    if unit_kind is not None and unit_kind not in CREATE_CHOICES:
        raise CliError(f"--unit-kind 只能写“村”或“社区”，收到“{unit_kind}”")
    if unit_kind is not None and not create:
        raise CliError("--unit-kind 要与 --create-units 同用")
    if not create:
        return None
    return unit_kind or BY_NAME


def cmd_import(args: argparse.Namespace) -> int:
    from ecodesk.services.kinds import get_kind
    from ecodesk.services.record_import import import_xlsx

    kind = get_kind(args.kind)
    create = _create_units(args.create_units, args.unit_kind)
    on_duplicate = _on_duplicate(args.on_duplicate)
    with open_db(args) as db:
        report = import_xlsx(
            db,
            kind,
            Path(args.file),
            sheet=args.sheet,
            mapping=_parse_mapping(args.map or []),
            dry_run=args.dry_run,
            job=progress_printer(args.quiet),
            create_villages=create,
            on_duplicate=on_duplicate,
        )
    lines = report.summary_lines(
        create_hint=CREATE_HINT, sheet_hint=_sheet_hint, duplicate_hint=DUPLICATE_HINT
    )
    for line in lines:
        print(line)
    return 0 if report.ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    from ecodesk.services import records
    from ecodesk.services.kinds import get_kind
    from ecodesk.services.record_export import export_xlsx

    kind = get_kind(args.kind)
    with open_db(args, lock=False) as db:
        village = village_id(db, args.village)
        first, last = _year_span(args.year, kind.label, dated=bool(kind.date_key))
        flt = records.ListFilter(village_id=village, status=args.status, date_from=first, date_to=last)
        written = export_xlsx(db, kind, Path(args.out), flt, job=progress_printer(args.quiet))
    print(f"已导出 {written} 条{records.records_of(kind.label)}到 {args.out}")
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from ecodesk.services import documents, records
    from ecodesk.services.kinds import get_kind
    from ecodesk.services.record_export import export_kind_pdf

    kind = get_kind(args.kind)
    with open_db(args, lock=False) as db:
        village = village_id(db, args.village)
        named: tuple[str, ...] = ()
        if args.overdue:
            if "已超期" not in kind.filters:
                raise CliError(f"{kind.label}没有超期的说法，不能用 --overdue")
            named = ("已超期",)
        first, last = _year_span(args.year, kind.label, dated=bool(kind.date_key))
        flt = records.ListFilter(
            village_id=village, status=args.status, named=named, date_from=first, date_to=last
        )
        rows, pages = export_kind_pdf(db, kind, Path(args.out), documents.fonts_for(db), flt)
    print(f"已生成 {args.out}（{rows} 条，{pages} 页）")
    return 0


def add_parsers(sub: Subparsers) -> None:
    """Register ``import`` and ``export`` on the main parser."""
    p = add_command(sub, "import", cmd_import, "从 Excel 导入记录（全部成功才写入）")
    p.add_argument("kind")
    p.add_argument("file")
    p.add_argument("--sheet")
    p.add_argument("--map", action="append", metavar="列名=字段")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--create-units", action="store_true", help=CREATE_UNITS_HELP)
    p.add_argument("--unit-kind", metavar="村|社区", help=UNIT_KIND_HELP)
    p.add_argument("--on-duplicate", default="skip", metavar="skip|update|add", help=ON_DUPLICATE_HELP)
    p = add_command(sub, "export", cmd_export, "导出记录到 Excel")
    p.add_argument("kind")
    p.add_argument("--out", required=True)
    p.add_argument("--year", type=int)
    p.add_argument("--village")
    p.add_argument("--status")


def add_print_parser(sub: Subparsers) -> None:
    """Register ``print`` (after ``doc``, where ``ecodesk --help`` has always listed it)."""
    q = sub.add_parser(
        "print",
        help="把清单打印为 PDF（问题整改、台账、信访举报……）",
        description="把清单打印为 PDF（A4 横向表格）",
    )
    q.add_argument("kind")
    q.add_argument("--out", required=True, metavar="FILE.pdf")
    q.add_argument("--village")
    q.add_argument("--status")
    q.add_argument("--year", type=int)
    q.add_argument("--overdue", action="store_true", help="只打印已超期的")
    q.set_defaults(func=cmd_print)
