"""The headless command line (SPEC §6): everything the GUI does to data, scriptable.

Every command exits non-zero with a one-line message (no traceback) on bad input.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ecodesk import __version__, cli_documents, cli_letters, cli_rectification
from ecodesk.db import Database
from ecodesk.errors import EcoDeskError
from ecodesk.jobs import Job
from ecodesk.paths import default_db_path

log = logging.getLogger(__name__)


class CliError(Exception):
    """A bad argument found by a command (not by argparse)."""


def _open(args: argparse.Namespace, *, lock: bool = True) -> Database:
    return Database.open(args.db, operator=args.operator, lock=lock)


def _progress_printer(quiet: bool) -> Job:
    if quiet or not sys.stderr.isatty():
        return Job()
    state = {"last": -1}

    def show(done: int, total: int, message: str) -> None:
        percent = int(done * 100 / total) if total else 0
        if percent != state["last"]:
            state["last"] = percent
            print(f"\r{message} {percent}%", end="", file=sys.stderr, flush=True)

    return Job(progress=show)


# -- commands ------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from ecodesk.services import settings

    with _open(args) as db:
        if args.town:
            settings.save(db, **settings.defaults_for_town(args.town))
        print(f"数据文件已就绪：{db.path}（数据版本 {db.schema_revision()}）")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ecodesk import demo

    with _open(args) as db:
        summary = demo.generate(db, scale=args.scale, seed=args.seed, job=_progress_printer(args.quiet))
    print(f"\n已生成演示数据（{args.scale}）：{summary}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from ecodesk.services import check

    with _open(args, lock=False) as db:
        report = check.run(db)
    for line in report.lines:
        print(line)
    return 0 if report.ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    from ecodesk.services import backup

    with _open(args, lock=False) as db:
        made = backup.create_backup(db, dest_dir=Path(args.to) if args.to else None, reason="手动")
    print(f"已备份到：{made}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from ecodesk.services import backup

    saved = backup.restore_backup(Path(args.db), Path(args.file))
    print(f"已从 {args.file} 恢复。恢复前的数据另存为：{saved}" if saved else f"已从 {args.file} 恢复。")
    return 0


def _parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        header, sep, key = pair.partition("=")
        if not sep or not header.strip() or not key.strip():
            raise CliError(f"--map 应写成 列名=字段，例如 户主=head_name（收到“{pair}”）")
        mapping[header.strip()] = key.strip()
    return mapping


def cmd_import(args: argparse.Namespace) -> int:
    from ecodesk.services.kinds import get_kind

    kind = get_kind(args.kind)
    from ecodesk.exports.xlsx_import import import_xlsx

    with _open(args) as db:
        report = import_xlsx(
            db,
            kind,
            Path(args.file),
            sheet=args.sheet,
            mapping=_parse_mapping(args.map or []),
            dry_run=args.dry_run,
            job=_progress_printer(args.quiet),
        )
    for line in report.summary_lines():
        print(line)
    return 0 if report.ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    from ecodesk.services import records
    from ecodesk.services.kinds import get_kind

    kind = get_kind(args.kind)
    from ecodesk.exports.xlsx_export import export_xlsx

    with _open(args, lock=False) as db:
        from ecodesk.services.org import village_id as village_named

        village_id = village_named(db, args.village)
        flt = records.ListFilter(village_id=village_id, status=args.status)
        if args.year:
            if not kind.date_key:
                raise CliError(f"{kind.label}没有年度，不能按 --year 筛选")
            from datetime import date

            flt = records.ListFilter(
                village_id=village_id, status=args.status, date_from=date(args.year, 1, 1), date_to=date(args.year, 12, 31)
            )
        written = export_xlsx(db, kind, Path(args.out), flt, job=_progress_printer(args.quiet))
    print(f"已导出 {written} 条{records.records_of(kind.label)}到 {args.out}")
    return 0


# -- parser ---------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecodesk", description="EcoDesk 乡镇生态环境工作台账（命令行）")
    parser.add_argument("--version", action="version", version=f"EcoDesk {__version__}")
    parser.add_argument("--db", default=str(default_db_path()), help="数据文件（默认：用户数据文件夹中的 ecodesk.db）")
    parser.add_argument("--operator", default="命令行", help="记入修改记录的操作员姓名")
    parser.add_argument("-q", "--quiet", action="store_true", help="不显示进度")
    parser.add_argument(
        "--password", help=f"数据文件的打开密码（设置了密码时需要；也可用环境变量 {PASSWORD_ENV}，或在提示时输入）"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = add("init", cmd_init, "创建或升级数据文件")
    p.add_argument("--town", help="乡镇名称（设置发文机关等默认值）")
    p = add("demo", cmd_demo, "生成演示数据")
    p.add_argument("--scale", choices=("small", "town", "decade"), default="small")
    p.add_argument("--seed", type=int, default=2024)
    add("check", cmd_check, "检查数据文件的完整性和数据版本")
    p = add("backup", cmd_backup, "备份数据文件")
    p.add_argument("--to", help="备份到此文件夹（默认：数据文件旁的备份文件夹）")
    p = add("restore", cmd_restore, "从备份恢复（恢复前自动另存当前数据）")
    p.add_argument("file")
    p = add("import", cmd_import, "从 Excel 导入记录（全部成功才写入）")
    p.add_argument("kind")
    p.add_argument("file")
    p.add_argument("--sheet")
    p.add_argument("--map", action="append", metavar="列名=字段")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p = add("export", cmd_export, "导出记录到 Excel")
    p.add_argument("kind")
    p.add_argument("--out", required=True)
    p.add_argument("--year", type=int)
    p.add_argument("--village")
    p.add_argument("--status")
    cli_documents.add_parser(sub)
    cli_rectification.add_parser(sub)
    cli_letters.add_parser(sub)
    from ecodesk import cli_patrols  # report daily/weekly/monthly/fires/reminders

    cli_patrols.add_parser(sub)
    from ecodesk import cli_appraisal  # appraisal compute/export/finalise/unlock/circular

    cli_appraisal.add_parser(sub)
    return parser


PASSWORD_ENV = "ECODESK_PASSWORD"


def _check_password(args: argparse.Namespace) -> None:
    """A data file with an opening password is opened by no command until the password is given."""
    path = Path(args.db).expanduser()
    if not path.is_file() or path.stat().st_size == 0:
        return  # init of a new file, or a missing one (the command says so)
    from ecodesk.services import access

    with Database.open(path, operator=args.operator) as db:
        if not access.is_protected(db):
            return
        password = args.password or os.environ.get(PASSWORD_ENV)
        if password is None and sys.stdin.isatty():
            password = getpass.getpass("数据文件已设置打开密码，请输入密码：")
        if password is None:
            raise CliError(f"数据文件已设置打开密码：请用 --password 或环境变量 {PASSWORD_ENV} 提供密码。")
        if not access.check(db, password):
            raise CliError("打开密码不正确。")


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        _check_password(args)
        code: int = args.func(args)
        return code
    except (EcoDeskError, CliError) as exc:
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


if __name__ == "__main__":
    raise SystemExit(main())
