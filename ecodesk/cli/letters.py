"""``ecodesk letters …``: generate the signing lists, print letters in batch, export coverage, mark signed.

``generate``, ``print`` (which generates missing letters first) and ``sign`` write and take the
file lock; until they shared :func:`ecodesk.cli.common.open_db` they opened the file without it
and wrote under an open GUI. ``coverage`` only reads and stays usable while the GUI is open.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ecodesk.cli.common import CliError, open_db, option_date, progress_printer, village_id
from ecodesk.models.letter import LETTER_KINDS

if TYPE_CHECKING:
    from ecodesk.cli.common import Subparsers
    from ecodesk.db.database import Database


def add_parser(sub: Subparsers) -> None:
    """Register the ``letters`` command on the main parser's subparsers."""
    p = sub.add_parser(
        "letters", help="承诺书/责任书：生成签订名单、批量打印、签订率", description="承诺书/责任书"
    )
    letters = p.add_subparsers(dest="letters_command", required=True, metavar="LETTERS_COMMAND")
    kinds = "、".join(LETTER_KINDS)

    g = letters.add_parser("generate", help="为需签订的农户、单位、企业生成承诺书（可重复运行）")
    g.add_argument("--year", type=int, required=True)
    g.add_argument("--kind", action="append", metavar="KIND", help=f"只生成这一类（{kinds}），可写多次")
    g.set_defaults(func=cmd_generate)

    pr = letters.add_parser("print", help="批量打印：一份 PDF，每页一份，按村、组排序")
    pr.add_argument("--kind", required=True, metavar="KIND", help=kinds)
    pr.add_argument("--year", type=int, required=True)
    pr.add_argument("--village", help="只打印这个村（社区）；不写则全镇")
    pr.add_argument(
        "--group", action="append", metavar="组", help="只打印这个组（需同时写 --village），可写多次"
    )
    pr.add_argument("--pending", action="store_true", help="只打印尚未签订的")
    pr.add_argument("--date", help="落款日期（默认今天）")
    pr.add_argument("--out", required=True, metavar="FILE.pdf")
    pr.set_defaults(func=cmd_print)

    c = letters.add_parser("coverage", help="各村签订率和未签名单（.xlsx 或 .pdf）")
    c.add_argument("--year", type=int, required=True)
    c.add_argument("--kind", metavar="KIND", help=f"只统计这一类（{kinds}）")
    c.add_argument("--out", metavar="FILE.xlsx|FILE.pdf", help="不写则只在屏幕上显示")
    c.set_defaults(func=cmd_coverage)

    s = letters.add_parser("sign", help="按编号标记已签（每行或逗号分隔，如 C000123）")
    s.add_argument("--year", type=int)
    s.add_argument("--date", help="签订日期（默认今天）")
    s.add_argument("numbers", nargs="+", metavar="NUMBER")
    s.set_defaults(func=cmd_sign)


def cmd_generate(args: argparse.Namespace) -> int:
    from ecodesk.services import letters

    with open_db(args) as db:
        result = letters.generate(db, args.year, args.kind, job=progress_printer(args.quiet))
    print(f"{args.year}年度承诺书：{result}")
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from ecodesk.services import letter_print

    with open_db(args) as db:
        village = village_id(db, args.village)
        groups = group_names(db, village, args.group)
        started = time.perf_counter()
        result = letter_print.print_batch(
            db,
            args.year,
            args.kind,
            Path(args.out),
            village_id=village,
            groups=groups,
            only_pending=args.pending,
            print_date=option_date(args.date, "日期"),
            job=progress_printer(args.quiet),
        )
        seconds = time.perf_counter() - started
    print(f"已生成 {args.out}（{result.pages:,} 页，{seconds:.1f} 秒）")
    if result.warning:
        print(result.warning, file=sys.stderr)
    return 0


def group_names(db: Database, village: int | None, wanted: list[str] | None) -> list[str] | None:
    """The village's 组 as the letters name them, from how the command line writes them (3组 = 三组)."""
    from ecodesk.services import org

    if not wanted:
        return None
    if village is None:
        raise CliError("按组打印时请用 --village 指定村（社区）")
    names = []
    for text in wanted:
        found = org.village_group(db, village, text)
        if found is None:
            raise CliError(f"这个村（社区）没有“{text}”")
        names.append(found)
    return names


def cmd_coverage(args: argparse.Namespace) -> int:
    from ecodesk.services import letter_print, letters

    with open_db(args, lock=False) as db:
        if args.kind and args.kind not in LETTER_KINDS:
            raise CliError(f"没有“{args.kind}”这类承诺书（可选：{'、'.join(LETTER_KINDS)}）")
        if args.out:
            villages, unsigned = letter_print.export_coverage(
                db, args.year, Path(args.out), args.kind, job=progress_printer(args.quiet)
            )
            print(f"已导出 {args.out}（{villages} 个村/单位，未签 {unsigned:,} 份）")
            return 0
        for row in letters.coverage(db, args.year, args.kind):
            print(
                f"{row.village}\t应签 {row.required}\t已签 {row.signed}\t作废 {row.void}\t签订率 {row.rate_text}"
            )
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    from ecodesk.services import letters

    with open_db(args) as db:
        signed = option_date(args.date, "日期")
        result = letters.mark_signed_by_numbers(db, " ".join(args.numbers), args.year, signed)
    print(result)
    return 0 if not result.unknown else 1
