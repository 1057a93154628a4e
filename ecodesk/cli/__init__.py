"""The headless command line (SPEC §6): everything the GUI does to data, scriptable.

Every command exits non-zero with a one-line message (no traceback) on bad input. This module only
assembles the parser and turns errors into that line; the commands live in one module per group,
and what they share (opening the data file with its lock, the password, dates, output paths) in
:mod:`ecodesk.cli.common`:

- :mod:`~ecodesk.cli.data`: ``init``, ``demo``, ``check``, ``backup``, ``restore``
- :mod:`~ecodesk.cli.records`: ``import``, ``export``, ``print`` of any record kind
- :mod:`~ecodesk.cli.documents`: ``doc render|list|new|issue|void|pdf``
- :mod:`~ecodesk.cli.rectification`: ``doc circular|notice rectification``
- :mod:`~ecodesk.cli.letters`: ``letters generate|print|coverage|sign``
- :mod:`~ecodesk.cli.reports`: ``report daily|weekly|monthly|fires|reminders``
- :mod:`~ecodesk.cli.appraisal`: ``appraisal compute|export|finalise|unlock|circular``

Nothing outside this package imports it; the console script ``ecodesk`` and the frozen
``ecodesk-cli.exe`` call :func:`main`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from ecodesk import __version__
from ecodesk.cli import appraisal, data, documents, letters, records, rectification, reports
from ecodesk.cli.common import PASSWORD_ENV, check_password
from ecodesk.errors import EcoDeskError
from ecodesk.paths import default_db_path

__all__ = ["PASSWORD_ENV", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecodesk", description="EcoDesk 乡镇生态环境工作台账（命令行）")
    parser.add_argument("--version", action="version", version=f"EcoDesk {__version__}")
    parser.add_argument(
        "--db", default=str(default_db_path()), help="数据文件（默认：用户数据文件夹中的 ecodesk.db）"
    )
    parser.add_argument("--operator", default="命令行", help="记入修改记录的操作员姓名")
    parser.add_argument("-q", "--quiet", action="store_true", help="不显示进度")
    parser.add_argument(
        "--password",
        help=f"数据文件的打开密码（设置了密码时需要；也可用环境变量 {PASSWORD_ENV}，或在提示时输入）",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # In the order ``ecodesk --help`` lists them.
    data.add_parsers(sub)  # init, demo, check, backup, restore
    records.add_parsers(sub)  # import, export
    doc_sub = documents.add_parser(sub)  # doc render/list/new/issue/void/pdf
    rectification.add_parser(doc_sub)  # doc circular/notice rectification
    records.add_print_parser(sub)  # print
    letters.add_parser(sub)  # letters generate/print/coverage/sign
    reports.add_parser(sub)  # report daily/weekly/monthly/fires/reminders
    appraisal.add_parser(sub)  # appraisal compute/export/finalise/unlock/circular
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        check_password(args)
        code: int = args.func(args)
        return code
    except EcoDeskError as exc:  # the CLI's own CliError included
        print(f"错误：{exc}", file=sys.stderr)
    except KeyError as exc:  # unknown record kind
        print(f"错误：{exc.args[0] if exc.args else exc}", file=sys.stderr)
    except FileNotFoundError as exc:
        print(f"错误：找不到文件 {exc.filename}", file=sys.stderr)
    except PermissionError as exc:
        print(f"错误：没有权限访问 {exc.filename}", file=sys.stderr)
    except OSError as exc:
        print(f"错误：{exc.strerror or exc}（{exc.filename or ''}）", file=sys.stderr)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    return 1
