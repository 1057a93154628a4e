"""``ecodesk report …``: the patrol daily report (日报), weekly and monthly summaries, fire-point counts,
and the campaign reminder list. Patrols and fire points import and export through the generic
``ecodesk import/export patrols|fire_points``.
"""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

from ecodesk.dates import DateParseError, format_cn, parse_date
from ecodesk.db import Database
from ecodesk.errors import EcoDeskError


class ReportCliError(EcoDeskError):
    """A bad argument to a ``report`` command (shown as ``错误：…`` by the main CLI)."""


def _open(args: argparse.Namespace) -> Database:
    return Database.open(args.db, operator=args.operator, lock=False)


def _day(text: str | None) -> date:
    from ecodesk.services.records import today

    if not text:
        return today()
    try:
        day = parse_date(text)
    except DateParseError as exc:
        raise ReportCliError(f"--date：{exc}") from None
    if day is None:
        raise ReportCliError("--date 必须填写")
    return day


def _out(path: str, allowed: tuple[str, ...]) -> Path:
    out = Path(path)
    if out.suffix.lower() not in allowed:
        raise ReportCliError(f"--out 应为 {' 或 '.join(allowed)} 文件（收到“{out.name}”）")
    return out


def cmd_daily(args: argparse.Namespace) -> int:
    from ecodesk.services import reports

    day = _day(args.date)
    out = _out(args.out, (".pdf", ".xlsx"))
    with _open(args) as db:
        report = reports.daily_report(db, day)
        if out.suffix.lower() == ".pdf" and args.table:
            reports.render_daily_table_pdf(db, report, out)
        elif out.suffix.lower() == ".pdf":
            reports.render_daily_pdf(db, report, out)
        else:
            reports.write_daily_xlsx(report, out)
    silent = f"，未报送：{'、'.join(report.silent)}" if report.silent else "，各村均已报送"
    print(f"已生成{format_cn(day)}巡查日报 {out}（巡查{report.patrol_count}次{silent}）")
    return 0


def cmd_weekly(args: argparse.Namespace) -> int:
    from ecodesk.services import reports, settings

    out = _out(args.out, (".xlsx",))
    with _open(args) as db:
        summary = reports.weekly_summary(db, _day(args.date))
        reports.write_summary_xlsx(summary, out, settings.load(db).town_name)
    print(f"已生成{summary.title} {out}")
    return 0


def cmd_monthly(args: argparse.Namespace) -> int:
    from ecodesk.services import reports, settings

    match = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*", args.month or "")
    if match is None:
        raise ReportCliError(f"--month 应写成 2024-10 或 2024年10月（收到“{args.month}”）")
    out = _out(args.out, (".xlsx",))
    with _open(args) as db:
        summary = reports.monthly_summary(db, int(match.group(1)), int(match.group(2)))
        reports.write_summary_xlsx(summary, out, settings.load(db).town_name)
    print(f"已生成{summary.title} {out}")
    return 0


def cmd_fires(args: argparse.Namespace) -> int:
    from ecodesk.services import reports

    out = _out(args.out, (".xlsx",))
    with _open(args) as db:
        reports.write_fire_counts_xlsx(db, args.year, out)
    print(f"已生成{args.year}年火点统计 {out}")
    return 0


def cmd_reminders(args: argparse.Namespace) -> int:
    from ecodesk.services import campaigns

    with _open(args) as db:
        items = campaigns.reminders(db, _day(args.date), within_days=args.days)
    if not items:
        print("没有逾期或即将到期的报送材料。")
    for item in items:
        print(("【逾期】" if item.overdue else "【待报】") + item.text)
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``report`` and its subcommands on the main parser."""
    p = sub.add_parser("report", help="巡查日报、周/月汇总、火点统计、报送提醒", description="巡查日报、周/月汇总、火点统计、报送提醒")
    rsub = p.add_subparsers(dest="report_command", required=True, metavar="REPORT")
    p = rsub.add_parser("daily", help="某一天的巡查日报（通报 PDF 或 Excel）", description="某一天的巡查日报（通报 PDF 或 Excel）")
    p.add_argument("--date", help="日期（默认今天），如 2024-10-15")
    p.add_argument("--out", required=True, metavar="FILE.pdf|FILE.xlsx")
    p.add_argument("--table", action="store_true", help="PDF 印成日报表（横向表格）而不是通报")
    p.set_defaults(func=cmd_daily)
    p = rsub.add_parser("weekly", help="一周（周一至周日）巡查汇总 Excel", description="一周（周一至周日）巡查汇总 Excel")
    p.add_argument("--date", help="该周中的任一天（默认今天）")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.set_defaults(func=cmd_weekly)
    p = rsub.add_parser("monthly", help="一个月的巡查汇总 Excel", description="一个月的巡查汇总 Excel")
    p.add_argument("--month", required=True, help="如 2024-10")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.set_defaults(func=cmd_monthly)
    p = rsub.add_parser("fires", help="全年各村逐月火点统计 Excel", description="全年各村逐月火点统计 Excel")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.set_defaults(func=cmd_fires)
    p = rsub.add_parser("reminders", help="专项行动逾期和即将到期的报送材料", description="专项行动逾期和即将到期的报送材料")
    p.add_argument("--date", help="以哪一天为准（默认今天）")
    p.add_argument("--days", type=int, default=7, help="提前几天提醒（默认7）")
    p.set_defaults(func=cmd_reminders)
