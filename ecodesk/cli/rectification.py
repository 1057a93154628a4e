"""Rectification documents drafted from the problem records: the 整改情况通报 and the 整改通知书.

``ecodesk doc circular rectification --from D --to D --out F.pdf [--date D] [--draft]``
``ecodesk doc notice rectification --unit NAME --out F.pdf [--deadline D] [--draft]``
``ecodesk problem reopen ID --reason TEXT [--date D]``: 退回整改 of an 已销号 problem a re-inspection
found back, as the GUI's button does (the reason goes into its 整改过程 and the history).

Both take the file lock: with ``--draft`` they add a draft to the register, and they always have.
Problems, complaints and every ledger kind import, export and print through the generic
``ecodesk import|export|print`` (:mod:`ecodesk.cli.records`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ecodesk.cli.common import CliError, add_command, open_db, option_date, required_date, unit_id

if TYPE_CHECKING:
    from ecodesk.cli.common import Subparsers


def cmd_circular(args: argparse.Namespace) -> int:
    from ecodesk.services import rectification_circular as rc

    date_from, date_to = required_date(args.date_from, "--from"), required_date(args.date_to, "--to")
    with open_db(args) as db:
        today = option_date(args.date, "--date")
        result = rc.render_circular(db, date_from, date_to, Path(args.out), today=today)
        if args.draft:
            doc = rc.draft_circular(db, date_from, date_to, today=today)
            print(f"已存入发文登记（草稿，编号 {doc.id}）")
    print(f"已生成 {args.out}（{result.pages} 页）")
    return 0


def cmd_notice(args: argparse.Namespace) -> int:
    from ecodesk.documents.render import render_pdf
    from ecodesk.services import documents
    from ecodesk.services import rectification_circular as rc

    with open_db(args) as db:
        unit = unit_id(db, args.unit)
        deadline = option_date(args.deadline, "--deadline")
        result = render_pdf(rc.notice_spec(db, unit, deadline), Path(args.out), documents.fonts_for(db))
        if args.draft:
            doc = rc.draft_notice(db, unit, deadline)
            print(f"已存入发文登记（草稿，编号 {doc.id}）")
    print(f"已生成 {args.out}（{result.pages} 页）")
    return 0


def cmd_reopen(args: argparse.Namespace) -> int:
    from ecodesk.services import rectification

    reason = (args.reason or "").strip()
    if not reason:
        raise CliError("--reason 必须填写：写明复查发现的情况（为什么退回整改）")
    with open_db(args) as db:
        problem = rectification.reopen(db, args.id, reason, option_date(args.date, "--date"))
    print(f"问题 {problem.id}（{problem.place}）已退回整改，当前状态：{problem.status}")
    return 0


def add_problem_parser(sub: Subparsers) -> None:
    """Register ``problem reopen`` on the main parser."""
    p = sub.add_parser("problem", help="问题整改：退回整改", description="问题整改：退回整改")
    psub = p.add_subparsers(dest="problem_command", required=True, metavar="ACTION")
    q = add_command(
        psub, "reopen", cmd_reopen, "退回整改：复查发现已销号的问题又出现，重新整改（须写明原因）"
    )
    q.add_argument("id", type=int, metavar="ID", help="问题编号")
    q.add_argument("--reason", required=True, help="退回原因（记入整改过程和修改记录）")
    q.add_argument("--date", metavar="DATE", help="退回日期（默认今天）")


def add_parser(doc_sub: Subparsers) -> None:
    """Register ``doc circular`` and ``doc notice`` on the ``doc`` command's subparsers."""
    p = doc_sub.add_parser("circular", help="通报（由记录起草）", description="通报（由记录起草）")
    circ = p.add_subparsers(dest="circular_kind", required=True, metavar="KIND")
    q = circ.add_parser(
        "rectification",
        help="整改情况通报",
        description="整改情况通报：按设置中的规则分为整改较好、进度较慢、未整改",
    )
    q.add_argument("--from", dest="date_from", required=True, metavar="DATE")
    q.add_argument("--to", dest="date_to", required=True, metavar="DATE")
    q.add_argument("--out", required=True, metavar="FILE.pdf")
    q.add_argument("--date", metavar="DATE", help="成文日期（默认今天）")
    q.add_argument("--draft", action="store_true", help="同时存入发文登记（草稿）")
    q.set_defaults(func=cmd_circular)

    p = doc_sub.add_parser("notice", help="通知书（由记录起草）", description="通知书（由记录起草）")
    notice = p.add_subparsers(dest="notice_kind", required=True, metavar="KIND")
    q = notice.add_parser(
        "rectification", help="整改通知书", description="整改通知书：列出一个单位待整改、整改中的问题"
    )
    q.add_argument("--unit", required=True, help="责任单位名称")
    q.add_argument("--deadline", metavar="DATE", help="整改到位的期限（默认15天后）")
    q.add_argument("--out", required=True, metavar="FILE.pdf")
    q.add_argument("--draft", action="store_true", help="同时存入发文登记（草稿）")
    q.set_defaults(func=cmd_notice)
