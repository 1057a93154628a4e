"""The headless command line (SPEC §6): everything the GUI does to data, scriptable.

Every command exits non-zero with a one-line message (no traceback) on bad input. This module only
assembles the parser and turns errors into that line; the commands live in one module per group,
and what they share (opening the data file with its lock, the password, dates, output paths) in
:mod:`ecodesk.cli.common`:

- :mod:`~ecodesk.cli.data`: ``init``, ``demo``, ``check``, ``backup``, ``restore``
- :mod:`~ecodesk.cli.records`: ``import``, ``export``, ``print`` of any record kind
- :mod:`~ecodesk.cli.documents`: ``doc render|list|new|issue|void|pdf``
- :mod:`~ecodesk.cli.rectification`: ``doc circular|notice rectification``, ``problem reopen``
- :mod:`~ecodesk.cli.ledgers`: ``ledger start|close|reopen`` (台账 挂牌销号)
- :mod:`~ecodesk.cli.letters`: ``letters generate|print|coverage|sign``
- :mod:`~ecodesk.cli.reports`: ``report daily|weekly|monthly|range|fires|reminders``
- :mod:`~ecodesk.cli.appraisal`: ``appraisal compute|export|finalise|unlock|circular``
- :mod:`~ecodesk.cli.targets`: ``targets import|status|list|set|value|export`` (目标指标)

Nothing outside this package imports it; the console script ``ecodesk`` and the frozen
``ecodesk-cli.exe`` call :func:`main`.

:func:`main` is the last line of defence: whatever goes wrong ends as one ``错误：…`` line on stderr
and an entry (with the traceback) in the log file ``ecodesk-cli.log`` in the data folder's ``logs``
(or ``$ECODESK_LOG_DIR``), never as a traceback on the clerk's screen. Log records go to that file
only: a service's ``log.exception`` used to print 49 lines of traceback above the Chinese message.
An output whose folder is missing or is a file is refused before anything is opened or computed.
"""

from __future__ import annotations

import argparse
import codecs
import gc
import io
import logging
import logging.handlers
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import DatabaseError as SADatabaseError

from ecodesk import __version__
from ecodesk.cli import (
    appraisal,
    data,
    documents,
    ledgers,
    letters,
    password,
    records,
    rectification,
    reports,
    targets,
)
from ecodesk.cli.common import PASSWORD_ENV, check_output_folder, check_password
from ecodesk.db.database import write_failure
from ecodesk.errors import EcoDeskError
from ecodesk.files import is_read_only, os_reason
from ecodesk.paths import default_data_dir, default_db_path

__all__ = ["LOG_DIR_ENV", "PASSWORD_ENV", "build_parser", "main"]

log = logging.getLogger(__name__)

LOG_DIR_ENV = "ECODESK_LOG_DIR"
LOG_NAME = "ecodesk-cli.log"
LOG_BYTES = 1_000_000
LOG_COUNT = 3


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
        help=f"不建议：会显示在进程列表中。请改用环境变量 {PASSWORD_ENV}，或在提示时输入（不显示）",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # In the order ``ecodesk --help`` lists them.
    data.add_parsers(sub)  # init, demo, check, backup, restore
    records.add_parsers(sub)  # import, export
    doc_sub = documents.add_parser(sub)  # doc render/list/new/issue/void/pdf
    rectification.add_parser(doc_sub)  # doc circular/notice rectification
    rectification.add_problem_parser(sub)  # problem reopen
    ledgers.add_parser(sub)  # ledger start/close/reopen
    records.add_print_parser(sub)  # print
    letters.add_parser(sub)  # letters generate/print/coverage/sign
    reports.add_parser(sub)  # report daily/weekly/monthly/range/fires/reminders
    appraisal.add_parser(sub)  # appraisal compute/export/finalise/unlock/circular
    targets.add_parser(sub)  # targets import/status/list/set/value/export
    password.add_parser(sub)  # password set/change/remove/recovery-key
    return parser


def log_file() -> Path:
    """Where the command line logs: ``$ECODESK_LOG_DIR`` or ``logs`` in the user's data folder."""
    folder = os.environ.get(LOG_DIR_ENV)
    return (Path(folder).expanduser() if folder else default_data_dir() / "logs") / LOG_NAME


def setup_logging() -> Path | None:
    """Log records (tracebacks included) to the rotating log file, never to the clerk's terminal."""
    root = logging.getLogger()
    path = log_file()
    for handler in root.handlers:
        if getattr(handler, "ecodesk_cli", False):
            if Path(getattr(handler, "baseFilename", "")) == path:
                return path
            root.removeHandler(handler)  # another log folder (tests set one per run)
            handler.close()
    root.setLevel(logging.INFO)
    written: Path | None = path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_BYTES, backupCount=LOG_COUNT, encoding="utf-8", delay=True
        )
    except OSError:  # a read-only profile must not stop a command: no log then
        file_handler, written = logging.NullHandler(), None
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    file_handler.ecodesk_cli = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    return written


def _log_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """What Python would print as “Exception ignored in …” (a finaliser failing): logged instead."""
    log.warning(
        "ignored in %r: %s",
        unraisable.object,
        unraisable.err_msg or "",
        exc_info=(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback)
        if unraisable.exc_value is not None
        else None,
    )


def main(argv: Sequence[str] | None = None) -> int:
    readable_output()
    logged = setup_logging()
    args = build_parser().parse_args(argv)
    log.info("ecodesk %s (%s)", args.command, args.db)  # not the whole line: it may hold --password
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _log_unraisable
    try:
        return _main(args, logged)
    finally:
        # A writer left half-way (a library's file or generator) is finalised now, while the hook
        # logs it, rather than at interpreter exit, where Python prints it on the clerk's screen.
        gc.collect()
        sys.unraisablehook = previous_hook


def readable_output() -> None:
    """Make printing never fail on a character and keep every character in a redirected file.

    Output redirected to a file (``ecodesk report … > 日报.txt``) or a pipe is written in UTF-8:
    the Windows console's code page (cp936, GBK) has no "m³" and no rare name characters (䶮, 𠮷),
    so printing them would stop the command, and "?" in their place would change a name in a
    record. Windows 10 1903's Notepad and WPS open UTF-8 without being told, and EcoDesk needs
    Windows 10 anyway. A console keeps its encoding (Python writes Unicode to the Windows console);
    one that cannot show a character prints "?" instead of failing.
    """
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):
            continue  # replaced (a test's capture, a GUI's log window): it handles its own text
        try:
            if codecs.lookup(stream.encoding).name == "utf-8":
                continue
            if stream.isatty():
                stream.reconfigure(errors="replace")
            else:
                stream.reconfigure(encoding="utf-8", errors="replace")
        except (OSError, ValueError, LookupError):
            continue  # a closed or odd stream: printing reports its own trouble


def _permission_message(exc: PermissionError, target: object) -> str:
    """A refusal in Chinese; a read-only file is named as such, not blamed on another program."""
    if target is None:
        return f"{os_reason(exc)}，命令没有完成。"
    if is_read_only(Path(str(target))):
        return f"文件是只读的（文件属性中勾选了“只读”），无法写入：{target}。请取消只读或换一个文件名。"
    return f"{os_reason(exc)}：{target}"


def _main(args: argparse.Namespace, logged: Path | None) -> int:
    try:
        return _run(args)
    except BrokenPipeError:  # stdout piped into a program that stopped reading (| head)
        _silence_stdout()
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except EcoDeskError as exc:  # the CLI's own CliError included
        log.info("refused: %s", exc)
        message = str(exc)
    except KeyError as exc:  # unknown record kind
        log.info("refused: %s", exc)
        message = str(exc.args[0] if exc.args else exc)
    except (SADatabaseError, sqlite3.DatabaseError) as exc:
        log.error("data file error", exc_info=True)
        failure = write_failure(Path(args.db).expanduser().resolve(), exc)
        message = (
            str(failure) if failure is not None else f"读写数据文件 {args.db} 时出错（{_first_line(exc)}）"
        )
    except FileNotFoundError as exc:
        log.info("file not found", exc_info=True)
        message = f"找不到文件 {exc.filename}"
    except PermissionError as exc:
        log.info("permission denied", exc_info=True)
        message = _permission_message(exc, exc.filename or getattr(args, "out", None))
    except OSError as exc:
        log.warning("system error", exc_info=True)
        target = exc.filename or getattr(args, "out", None)
        message = f"{os_reason(exc)}：{target}" if target else f"{os_reason(exc)}，命令没有完成。"
    except MemoryError:
        log.error("out of memory", exc_info=True)
        message = "内存不足，命令没有完成。请关闭其他程序后重试。"
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a bug, but never a traceback
        log.exception("unexpected error")
        where = f"详细情况已记入日志 {logged}，" if logged else ""
        message = f"程序内部出错（{type(exc).__name__}），命令没有完成。{where}请把它发给维护人员。"
    try:
        print(f"错误：{message}", file=sys.stderr)
    except OSError:
        pass  # stderr gone too: the exit code still says it failed
    return 1


def _run(args: argparse.Namespace) -> int:
    out = getattr(args, "out", None)
    if out:
        check_output_folder(out)
    if args.command == "backup" and getattr(args, "to", None):
        check_output_folder(args.to, "--to", folder=True)
    check_password(args)
    code: int = args.func(args)
    sys.stdout.flush()  # a closed pipe shows here, inside the handlers, not at interpreter exit
    return code


def _first_line(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0][:120] if lines else type(exc).__name__


def _silence_stdout() -> None:
    """Point stdout at the null device, so Python's own flush at exit cannot fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
