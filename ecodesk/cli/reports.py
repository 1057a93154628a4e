"""``ecodesk report …``: the patrol daily report (日报), weekly, monthly and any-period summaries
(``range --from --to`` or ``--period 上月``; each as .xlsx or .pdf), fire-point counts, the county's
own form filled from the records (``fill TEMPLATE.xlsx --from --to --out``, ``fill --list``), and the
campaign reminder list. Patrols and fire points import and export through the generic
``ecodesk import|export patrols|fire_points``.

Every report only reads, so none takes the file lock: the office prints the day's report while the
GUI is open.
"""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ecodesk import dates
from ecodesk.cli.common import CliError, add_command, day_or_today, open_db, out_path, required_date

if TYPE_CHECKING:
    from collections.abc import Callable

    from ecodesk.cli.common import Subparsers
    from ecodesk.db.database import Database
    from ecodesk.services.reports import PeriodSummary


def cmd_daily(args: argparse.Namespace) -> int:
    from ecodesk.services import reports

    day = day_or_today(args.date)
    out = out_path(args.out, (".pdf", ".xlsx"))
    with open_db(args, lock=False) as db:
        report = reports.daily_report(db, day)
        if out.suffix.lower() == ".pdf" and args.table:
            reports.render_daily_table_pdf(db, report, out)
        elif out.suffix.lower() == ".pdf":
            reports.render_daily_pdf(db, report, out)
        else:
            reports.write_daily_xlsx(report, out)
    silent = f"，未报送：{'、'.join(report.silent)}" if report.silent else "，各村均已报送"
    print(f"已生成{dates.format_cn(day)}巡查日报 {out}（巡查{report.patrol_count}次{silent}）")
    return 0


def _write_summary(args: argparse.Namespace, make: Callable[[Database], PeriodSummary]) -> int:
    """Compute one period summary and write it as .xlsx or .pdf (by ``--out``)."""
    from ecodesk.services import reports

    out = out_path(args.out, (".xlsx", ".pdf"))
    with open_db(args, lock=False) as db:
        summary = make(db)
        reports.write_summary(db, summary, out)
    print(f"已生成{summary.title} {out}")
    return 0


def cmd_weekly(args: argparse.Namespace) -> int:
    from ecodesk.services import reports

    day = day_or_today(args.date)
    return _write_summary(args, lambda db: reports.weekly_summary(db, day))


def cmd_monthly(args: argparse.Namespace) -> int:
    from ecodesk.services import reports

    match = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*", args.month or "")
    if match is None:
        raise CliError(f"--month 应写成 2024-10 或 2024年10月（收到“{args.month}”）")
    year, month = int(match.group(1)), int(match.group(2))
    return _write_summary(args, lambda db: reports.monthly_summary(db, year, month))


def _period(args: argparse.Namespace) -> tuple[date, date]:
    """The period of ``--from D --to D`` or ``--period 上月`` (one of the two, not both)."""
    from ecodesk.services import reports

    if args.period:
        if args.date_from or args.date_to:
            raise CliError("--period 与 --from/--to 只能选一种")
        return reports.preset_range(args.period, dates.today())
    if args.date_from and args.date_to:
        return required_date(args.date_from, "--from"), required_date(args.date_to, "--to")
    raise CliError(f"请给出 --from 和 --to，或 --period（{'、'.join(reports.PRESETS)}）")


def cmd_range(args: argparse.Namespace) -> int:
    from ecodesk.services import reports

    date_from, date_to = _period(args)
    return _write_summary(args, lambda db: reports.range_summary(db, date_from, date_to))


def cmd_fires(args: argparse.Namespace) -> int:
    from ecodesk.services import reports

    out = out_path(args.out, (".xlsx",))
    with open_db(args, lock=False) as db:
        reports.write_fire_counts_xlsx(db, args.year, out)
    print(f"已生成{args.year}年火点统计 {out}")
    return 0


def cmd_fill(args: argparse.Namespace) -> int:
    """Fill the county's form (a template marked with placeholders), or list the placeholders."""
    from ecodesk.services import county_forms

    if args.list:
        print(county_forms.catalogue_text())
        return 0
    if not args.template:
        raise CliError("请给出要填写的表格文件（.xlsx），或用 --list 查看可用的占位符")
    date_from, date_to = _period(args)
    if not args.out:
        raise CliError("请用 --out 指定填好的表格存到哪里（.xlsx，不能是原表格）")
    out = out_path(args.out, (".xlsx",))
    with open_db(args, lock=False) as db:
        filled, counts = county_forms.fill_county_form(db, Path(args.template), out, date_from, date_to)
    period = f"{dates.format_cn(date_from)}至{dates.format_cn(date_to)}"
    print(f"已按{period}填写 {out}（{len(counts.rows)}个村（社区），填写 {filled.cells} 处）")
    return 0


def cmd_reminders(args: argparse.Namespace) -> int:
    from ecodesk.services import campaigns

    with open_db(args, lock=False) as db:
        items = campaigns.reminders(db, day_or_today(args.date), within_days=args.days)
    if not items:
        print("没有逾期或即将到期的报送材料。")
    for item in items:
        print(("【逾期】" if item.overdue else "【待报】") + item.text)
    return 0


def add_parser(sub: Subparsers) -> None:
    """Register ``report`` and its subcommands on the main parser."""
    p = sub.add_parser(
        "report",
        help="巡查日报、周/月/任意时段汇总（Excel 或 PDF）、火点统计、报送提醒",
        description="巡查日报、周/月/任意时段汇总（Excel 或 PDF）、火点统计、报送提醒",
    )
    rsub = p.add_subparsers(dest="report_command", required=True, metavar="REPORT")
    p = add_command(rsub, "daily", cmd_daily, "某一天的巡查日报（通报 PDF 或 Excel）")
    p.add_argument("--date", help="日期（默认今天），如 2024-10-15")
    p.add_argument("--out", required=True, metavar="FILE.pdf|FILE.xlsx")
    p.add_argument("--table", action="store_true", help="PDF 印成日报表（横向表格）而不是通报")
    p = add_command(rsub, "weekly", cmd_weekly, "一周（周一至周日）巡查汇总（Excel 或 PDF）")
    p.add_argument("--date", help="该周中的任一天（默认今天）")
    p.add_argument("--out", required=True, metavar="FILE.xlsx|FILE.pdf")
    p = add_command(rsub, "monthly", cmd_monthly, "一个月的巡查汇总（Excel 或 PDF）")
    p.add_argument("--month", required=True, help="如 2024-10")
    p.add_argument("--out", required=True, metavar="FILE.xlsx|FILE.pdf")
    p = add_command(rsub, "range", cmd_range, "任意时间段的巡查汇总（Excel 或 PDF）")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="起始日期，如 2024-10-08")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="截止日期（含当天）")
    p.add_argument("--period", choices=("本周", "上周", "本月", "上月"), help="常用期间，代替 --from/--to")
    p.add_argument("--out", required=True, metavar="FILE.xlsx|FILE.pdf")
    p = add_command(rsub, "fires", cmd_fires, "全年各村逐月火点统计 Excel")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p = add_command(rsub, "fill", cmd_fill, "按上级发来的 Excel 表格（写好占位符）填写各村统计数")
    p.add_argument("template", nargs="?", metavar="TEMPLATE.xlsx", help="写好占位符的上级表格")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="统计起始日期，如 2026-11-02")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="统计截止日期（含当天）")
    p.add_argument("--period", choices=("本周", "上周", "本月", "上月"), help="常用期间，代替 --from/--to")
    p.add_argument("--out", metavar="FILE.xlsx", help="填好的表格存到哪里（不能是原表格）")
    p.add_argument("--list", action="store_true", help="列出可用的占位符和各自统计的内容")
    p = add_command(rsub, "reminders", cmd_reminders, "专项行动逾期和即将到期的报送材料")
    p.add_argument("--date", help="以哪一天为准（默认今天）")
    p.add_argument("--days", type=int, default=7, help="提前几天提醒（默认7）")
