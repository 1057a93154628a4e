"""``ecodesk appraisal …``: compute the year-end appraisal, export the sheet, finalise, draft the 通报.

Every subcommand writes (``export`` recomputes an unfinalised year first), so all take the file lock.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ecodesk.cli.common import open_db

if TYPE_CHECKING:
    from ecodesk.cli.common import Subparsers
    from ecodesk.db import Database


def add_parser(sub: Subparsers) -> None:
    """Register ``appraisal`` on the main parser's subparsers."""
    p = sub.add_parser(
        "appraisal", help="年度考核：计算得分、导出考核表、定稿、起草通报", description="年度考核"
    )
    cmds = p.add_subparsers(dest="appraisal_command", required=True, metavar="APPRAISAL_COMMAND")

    c = cmds.add_parser("compute", help="按考核方案计算各村（社区）得分（没有方案时沿用上一年度或默认方案）")
    c.add_argument("--year", type=int, required=True)
    c.set_defaults(func=cmd_compute)

    e = cmds.add_parser("export", help="导出年度考核表（.xlsx：得分表和扣分依据）")
    e.add_argument("--year", type=int, required=True)
    e.add_argument("--out", required=True, metavar="FILE.xlsx")
    e.set_defaults(func=cmd_export)

    f = cmds.add_parser("finalise", help="定稿：锁定该年度考核，不能再修改")
    f.add_argument("--year", type=int, required=True)
    f.set_defaults(func=cmd_finalise)

    u = cmds.add_parser("unlock", help="解除定稿锁定（须写明原因，记入修改记录）")
    u.add_argument("--year", type=int, required=True)
    u.add_argument("--reason", required=True)
    u.set_defaults(func=cmd_unlock)

    d = cmds.add_parser("circular", help="起草考核结果通报（存入公文登记的草稿）")
    d.add_argument("--year", type=int, required=True)
    d.set_defaults(func=cmd_circular)


def _print_ranking(db: Database, year: int) -> None:
    from ecodesk.services import appraisal

    data = appraisal.sheet(db, year)
    for row in data.by_rank():
        print(f"{row.rank:>3}  {row.village}\t{row.total:.2f}\t折算 {row.converted:.2f}")


def cmd_compute(args: argparse.Namespace) -> int:
    from ecodesk.services import appraisal

    with open_db(args) as db:
        result = appraisal.compute_year(db, args.year)
        _print_ranking(db, args.year)
    print(
        f"已计算{args.year}年度考核：{result.villages}个村（社区）× {result.items}个项目，用时{result.seconds:.2f}秒"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from ecodesk.services import appraisal

    with open_db(args) as db:
        if not appraisal.sheet(db, args.year).locked:
            appraisal.compute(db, args.year)
        out = appraisal.export_xlsx(db, args.year, Path(args.out))
    print(f"已导出{args.year}年度考核表：{out}")
    return 0


def cmd_finalise(args: argparse.Namespace) -> int:
    from ecodesk.services import appraisal

    with open_db(args) as db:
        appraisal.finalise(db, args.year)
    print(f"{args.year}年度考核已定稿锁定。")
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    from ecodesk.services import appraisal

    with open_db(args) as db:
        appraisal.unlock(db, args.year, args.reason)
    print(f"{args.year}年度考核已解除锁定（原因已记入修改记录）。")
    return 0


def cmd_circular(args: argparse.Namespace) -> int:
    from ecodesk.services import appraisal

    with open_db(args) as db:
        doc = appraisal.draft_circular(db, args.year)
    print(f"已起草通报（草稿，编号 {doc.id}）：{doc.title}。请在“公文”中修改后印发。")
    return 0
