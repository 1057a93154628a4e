"""``ecodesk targets …``: the 目标指标 — import the station's sheet, status, list, set, value, air, export.

``import``, ``set``, ``value`` and ``air`` write and take the file lock; ``status``, ``list`` and ``export``
only read, so they work beside an open window.
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ecodesk import dates
from ecodesk.cli.common import CliError, open_db, out_path, progress_printer
from ecodesk.exports.xlsx_style import display_width

if TYPE_CHECKING:
    from ecodesk.cli.common import Subparsers

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def add_parser(sub: Subparsers) -> None:
    """Register ``targets`` on the main parser's subparsers."""
    p = sub.add_parser(
        "targets",
        help="目标指标：导入监测站月报、查看完成情况、设置目标、填报月度值、导出",
        description="目标指标（PM2.5、优良天数比例、秸秆综合利用率、火点等）",
    )
    cmds = p.add_subparsers(dest="targets_command", required=True, metavar="TARGETS_COMMAND")

    i = cmds.add_parser(
        "import",
        help="导入监测站的空气质量月报（.xlsx：月份、PM2.5、PM10、优良天数、有效监测天数），全部导入或全部不导入",
    )
    i.add_argument("file", metavar="FILE.xlsx")
    i.add_argument("--year", type=int, help="月份没有写年份、标题里也没有时的年度")
    i.set_defaults(func=cmd_import)

    s = cmds.add_parser("status", help="各指标的年度完成情况（--json：JSON 数组）")
    s.add_argument("--year", type=int, help="年度（默认今年）")
    s.add_argument("--json", action="store_true", help="输出 JSON")
    s.set_defaults(func=cmd_status)

    li = cmds.add_parser("list", help="列出某年度跟踪的指标、目标和计算方法")
    li.add_argument("--year", type=int, help="年度（默认今年）")
    li.set_defaults(func=cmd_list)

    t = cmds.add_parser("set", help="设置某指标某年度的目标值（其他年度不变）")
    t.add_argument("name", metavar="NAME")
    t.add_argument("--year", type=int, required=True)
    t.add_argument("--target", required=True, help="目标值；“无”表示该年度不设目标")
    t.set_defaults(func=cmd_set)

    v = cmds.add_parser("value", help="填报逐月填报指标某月的数值（--clear 清除）")
    v.add_argument("name", metavar="NAME")
    v.add_argument("--month", required=True, metavar="YYYY-MM")
    v.add_argument("--value", help="数值")
    v.add_argument("--clear", action="store_true", help="清除该月数值")
    v.set_defaults(func=cmd_value)

    a = cmds.add_parser("air", help="录入（或 --clear 清除）一个月的空气质量数据，不用整张月报表")
    a.add_argument("--month", required=True, metavar="YYYY-MM")
    a.add_argument("--pm25", help="PM2.5 月均浓度（μg/m³）")
    a.add_argument("--pm10", help="PM10 月均浓度（μg/m³）")
    a.add_argument("--good", help="优良天数")
    a.add_argument("--valid", help="有效监测天数")
    a.add_argument("--clear", action="store_true", help="清除该月数据")
    a.set_defaults(func=cmd_air)

    e = cmds.add_parser("export", help="导出目标指标完成情况表（.xlsx，可直接打印）")
    e.add_argument("--year", type=int, help="年度（默认今年）")
    e.add_argument("--out", required=True, metavar="FILE.xlsx")
    e.set_defaults(func=cmd_export)


def _year(args: argparse.Namespace) -> int:
    return int(args.year) if args.year else dates.today().year


def _number(text: str, option: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise CliError(f"{option} 应为数字（收到“{text}”）") from None


def cmd_import(args: argparse.Namespace) -> int:
    from ecodesk.services import targets

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"找不到文件 {path}")
    with open_db(args) as db:
        result = targets.import_monthly(db, path, args.year, job=progress_printer(args.quiet))
    print(result.message)
    return 0


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def cmd_status(args: argparse.Namespace) -> int:
    from ecodesk.services import targets

    year = _year(args)
    with open_db(args, lock=False) as db:
        rows = targets.status(db, year)
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return 0
    table = [("指标", "年累计", "目标", "状态", "月数")]
    for r in rows:
        actual = "—" if r.actual is None else f"{r.actual_text}{r.unit}"
        target = "未设目标" if r.target is None else f"{r.direction}{r.target:g}{r.unit}"
        table.append((r.name, actual, target, r.status, str(r.months_covered)))
    widths = [max(display_width(row[c]) for row in table) + 2 for c in range(len(table[0]))]
    print(f"{year}年度目标指标完成情况（截至{dates.format_cn(min(dates.today(), date(year, 12, 31)))}）")
    for row in table:
        print("".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from ecodesk.services import targets

    year = _year(args)
    with open_db(args, lock=False) as db:
        views = targets.list_indicators(db, year)
    for v in views:
        narrowed = f"（{v.source_filter}）" if v.source_filter else ""
        print(f"{v.name}\t{v.target_text}\t{v.source_label}{narrowed}")
        print(f"    {v.method}")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    from ecodesk.services import targets

    text = args.target.strip()
    target = None if text in ("无", "none", "") else _number(text, "--target")
    with open_db(args) as db:
        view = targets.find_indicator(db, args.name, args.year)
        targets.set_target(db, view.id, args.year, target)
        after = targets.get_indicator(db, view.id, args.year)
    print(f"已设置{args.year}年度“{after.name}”的目标：{after.target_text}")
    return 0


def cmd_value(args: argparse.Namespace) -> int:
    from ecodesk.services import targets

    year, month = _year_month(args.month)
    if args.clear == (args.value is not None):
        raise CliError("请给出 --value 数值，或用 --clear 清除（二者选一）")
    value = None if args.clear else _number(args.value, "--value")
    with open_db(args) as db:
        view = targets.find_indicator(db, args.name, year)
        targets.set_value(db, view.id, year, month, value)
    done = "已清除" if value is None else f"已填报 {value:g}{view.unit}："
    print(f"{done}“{view.name}”{year}年{month}月")
    return 0


def _year_month(text: str) -> tuple[int, int]:
    match = _MONTH.match(text.strip())
    if not match:
        raise CliError(f"--month 应写作 2026-03（收到“{text}”）")
    return int(match.group(1)), int(match.group(2))


def _days(text: str | None, option: str) -> int:
    if text is None:
        raise CliError(f"请给出 {option}")
    number = _number(text, option)
    if not number.is_integer():
        raise CliError(f"{option} 应为整数天数（收到“{text}”）")
    return int(number)


def cmd_air(args: argparse.Namespace) -> int:
    from ecodesk.services import targets

    year, month = _year_month(args.month)
    with open_db(args) as db:
        if args.clear:
            targets.clear_air_month(db, year, month)
            print(f"已清除{year}年{month}月的空气质量数据")
            return 0
        row = targets.AirMonth(
            year,
            month,
            None if args.pm25 is None else _number(args.pm25, "--pm25"),
            None if args.pm10 is None else _number(args.pm10, "--pm10"),
            _days(args.good, "--good"),
            _days(args.valid, "--valid"),
        )
        replaced = targets.set_air_month(db, row)
    print(f"已{'替换' if replaced else '录入'}{year}年{month}月的空气质量数据")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from ecodesk.services import targets

    year = _year(args)
    out = out_path(args.out, (".xlsx",))
    with open_db(args, lock=False) as db:
        written = targets.export_xlsx(db, year, out)
    print(f"已导出{year}年度目标指标完成情况：{written}")
    return 0
