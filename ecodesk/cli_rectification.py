"""Rectification commands: the 整改情况通报, the 整改通知书 and printed lists.

``ecodesk doc circular rectification --from D --to D --out F.pdf [--draft]``
``ecodesk doc notice rectification --unit NAME --out F.pdf [--deadline D] [--draft]``
``ecodesk print KIND --out F.pdf [--village NAME] [--status S] [--year Y] [--overdue]``

Problems, complaints and every ledger kind import and export through the generic ``ecodesk import``
and ``ecodesk export`` (their kinds are registered in ``ecodesk.services.kinds``).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from ecodesk.dates import DateParseError, parse_date
from ecodesk.db import Database
from ecodesk.errors import EcoDeskError


class RectificationCliError(EcoDeskError):
    """A bad argument (shown as ``错误：…`` by the main CLI)."""


def _open(args: argparse.Namespace, *, lock: bool = True) -> Database:
    return Database.open(args.db, operator=args.operator, lock=lock)


def _date(text: str | None, label: str) -> date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except DateParseError as exc:
        raise RectificationCliError(f"{label}：{exc}") from None


def _unit_id(db: Database, name: str) -> int:
    from ecodesk.services import records
    from ecodesk.services.org import UNIT_REF

    with db.session() as session:
        ids = records.ref_lookup(session, UNIT_REF, name)
    if not ids:
        raise RectificationCliError(f"找不到单位“{name}”")
    return ids[0]


def cmd_circular(args: argparse.Namespace) -> int:
    from ecodesk.services import rectification_circular as rc

    date_from, date_to = _date(args.date_from, "--from"), _date(args.date_to, "--to")
    assert date_from is not None and date_to is not None
    with _open(args) as db:
        result = rc.render_circular(db, date_from, date_to, Path(args.out), today=_date(args.date, "--date"))
        if args.draft:
            doc = rc.draft_circular(db, date_from, date_to, today=_date(args.date, "--date"))
            print(f"已存入发文登记（草稿，编号 {doc.id}）")
    print(f"已生成 {args.out}（{result.pages} 页）")
    return 0


def cmd_notice(args: argparse.Namespace) -> int:
    from ecodesk.documents.spec import render_pdf
    from ecodesk.services import documents
    from ecodesk.services import rectification_circular as rc

    with _open(args) as db:
        unit_id = _unit_id(db, args.unit)
        deadline = _date(args.deadline, "--deadline")
        result = render_pdf(rc.notice_spec(db, unit_id, deadline), Path(args.out), documents.fonts_for(db))
        if args.draft:
            doc = rc.draft_notice(db, unit_id, deadline)
            print(f"已存入发文登记（草稿，编号 {doc.id}）")
    print(f"已生成 {args.out}（{result.pages} 页）")
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from ecodesk.exports.table_pdf import export_kind_pdf
    from ecodesk.services import documents, org, records
    from ecodesk.services.kinds import get_kind

    kind = get_kind(args.kind)
    with _open(args, lock=False) as db:
        village_id = org.village_id(db, args.village)
        named: tuple[str, ...] = ()
        if args.overdue:
            if "已超期" not in kind.filters:
                raise RectificationCliError(f"{kind.label}没有超期的说法，不能用 --overdue")
            named = ("已超期",)
        span: dict[str, Any] = {}
        if args.year:
            if not kind.date_key:
                raise RectificationCliError(f"{kind.label}没有年度，不能按 --year 筛选")
            span = {"date_from": date(args.year, 1, 1), "date_to": date(args.year, 12, 31)}
        flt = records.ListFilter(village_id=village_id, status=args.status, named=named, **span)
        rows, pages = export_kind_pdf(db, kind, Path(args.out), documents.fonts_for(db), flt)
    print(f"已生成 {args.out}（{rows} 条，{pages} 页）")
    return 0


def _doc_subparsers(sub: Any) -> Any:
    """The ``doc`` command's own subparsers (registered by ``cli_documents``), to add ours beside them."""
    doc = sub.choices.get("doc")
    if doc is None:
        raise RuntimeError("cli_rectification.add_parser must run after cli_documents.add_parser")
    for action in doc._actions:  # argparse keeps no public handle on a parser's subparsers
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("the doc command has no subcommands")


def add_parser(sub: Any) -> None:
    """Register ``doc circular``, ``doc notice`` and ``print`` (after ``cli_documents.add_parser``)."""
    doc_sub = _doc_subparsers(sub)

    p = doc_sub.add_parser("circular", help="通报（由记录起草）", description="通报（由记录起草）")
    circ = p.add_subparsers(dest="circular_kind", required=True, metavar="KIND")
    q = circ.add_parser("rectification", help="整改情况通报", description="整改情况通报：按设置中的规则分为整改较好、进度较慢、未整改")
    q.add_argument("--from", dest="date_from", required=True, metavar="DATE")
    q.add_argument("--to", dest="date_to", required=True, metavar="DATE")
    q.add_argument("--out", required=True, metavar="FILE.pdf")
    q.add_argument("--date", metavar="DATE", help="成文日期（默认今天）")
    q.add_argument("--draft", action="store_true", help="同时存入发文登记（草稿）")
    q.set_defaults(func=cmd_circular)

    p = doc_sub.add_parser("notice", help="通知书（由记录起草）", description="通知书（由记录起草）")
    notice = p.add_subparsers(dest="notice_kind", required=True, metavar="KIND")
    q = notice.add_parser("rectification", help="整改通知书", description="整改通知书：列出一个单位待整改、整改中的问题")
    q.add_argument("--unit", required=True, help="责任单位名称")
    q.add_argument("--deadline", metavar="DATE", help="整改到位的期限（默认15天后）")
    q.add_argument("--out", required=True, metavar="FILE.pdf")
    q.add_argument("--draft", action="store_true", help="同时存入发文登记（草稿）")
    q.set_defaults(func=cmd_notice)

    q = sub.add_parser("print", help="把清单打印为 PDF（问题整改、台账、信访举报……）",
                       description="把清单打印为 PDF（A4 横向表格）")
    q.add_argument("kind")
    q.add_argument("--out", required=True, metavar="FILE.pdf")
    q.add_argument("--village")
    q.add_argument("--status")
    q.add_argument("--year", type=int)
    q.add_argument("--overdue", action="store_true", help="只打印已超期的")
    q.set_defaults(func=cmd_print)
