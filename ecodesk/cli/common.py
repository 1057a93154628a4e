"""What every ``ecodesk`` command shares, in one place so the command groups cannot drift apart.

The six modules this package replaced each had their own way to open the data file, and one of
them forgot the file lock: ``letters generate`` wrote while the GUI had the file open. So here
:func:`open_db` takes the lock unless the caller says ``lock=False`` — a choice a read-only
command makes in plain sight. The same goes for the one error class (printed as ``错误：…``
by :func:`ecodesk.cli.main`), the reading of date options (always through
``dates.parse_date``, so that tests freeze the clock in one place; the message names the option),
the progress line, the checks of output file names and the look-ups of villages and units by name.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.drives import network_refusal
from ecodesk.errors import CorruptDatabaseError, DatabaseLockedError, EcoDeskError, UpgradeNeedsLockError
from ecodesk.jobs import Job

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeAlias

    # argparse has no public name for what ``add_subparsers()`` returns.
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
    Command: TypeAlias = Callable[[argparse.Namespace], int]

PASSWORD_ENV = "ECODESK_PASSWORD"


class CliError(EcoDeskError):
    """A bad argument found by a command rather than by argparse; the message is for the clerk."""


def add_command(sub: Subparsers, name: str, func: Command, help_text: str) -> argparse.ArgumentParser:
    """Register a (sub)command run by ``func``, whose help line is also its description."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(func=func)
    return parser


# -- the data file ---------------------------------------------------------------------------------


def open_db(args: argparse.Namespace, *, lock: bool = True, create: bool = False) -> Database:
    """The data file named by ``--db``, as ``--operator``.

    Locked like the GUI locks it, so a command refuses (“已被另一个 EcoDesk 窗口打开”) rather than
    write under an open window. Only a command that never writes may pass ``lock=False``, so that
    it still works while the GUI is open. A writing command also runs SQLite's quick check first:
    nothing is written into a damaged file (the message names the backup to restore).

    A missing file is refused (“找不到数据文件 …（新建请用 ecodesk init）”) and nothing is
    created: only ``init`` passes ``create=True``.
    """
    check_location(args)
    return Database.open(args.db, operator=args.operator, lock=lock, create=create, verify=lock)


def check_location(args: argparse.Namespace) -> None:
    """Refuse a ``--db`` on a network share or mapped network drive before anything opens it: SQLite's
    WAL there is damaged by a second PC or a dropped connection (backups may go there)."""
    refused = network_refusal(Path(args.db).expanduser())
    if refused is not None:
        raise CliError(refused.replace("\n\n", "\n"))


def check_password(args: argparse.Namespace) -> None:
    """A data file with an opening password is opened by no command until the password is given."""
    check_location(args)
    from ecodesk.cli import password as cli_password
    from ecodesk.db import cipher

    cipher.forget_all()  # every command proves the password anew
    cli_password.warn_if_on_command_line(args)
    path = Path(args.db).expanduser()
    if not path.is_file() or path.stat().st_size == 0:
        return  # init of a new file, or a missing one (the command says so)
    if cipher.looks_encrypted(path):  # encrypted: the password is the key, asked before any open
        try:
            args.current_password = cli_password.unlock_file(path.resolve(), args)
        except CliError:
            if not getattr(args, "damaged_ok", False):
                raise
            # ``restore`` over a file the password cannot open (its first page damaged): the
            # backup's password is what counts, and the current file is saved aside first.
        return
    from ecodesk.services import access

    # Read-only (two settings reads), so without the lock: the GUI may have the file open.
    try:
        db = _open_for_password(args)
    except CorruptDatabaseError:
        if getattr(args, "damaged_ok", False):
            return  # ``restore`` over a damaged file: its password cannot be read, the backup's applies next
        raise
    with db:
        if not access.is_protected(db):
            return
        # A plain file of an older version, gated by a stored verifier (``password set`` encrypts it).
        password = cli_password.given_password(args)
        if password is None and sys.stdin.isatty():
            password = getpass.getpass("数据文件已设置打开密码，请输入密码：")
        if password is None:
            raise CliError(
                f"数据文件已设置打开密码：请用环境变量 {PASSWORD_ENV} 提供密码，或在终端中运行以便输入。"
            )
        if not access.check(db, password):
            cli_password.wait(cipher.wrong_try_delay(1))
            raise CliError("打开密码不正确。")
        args.current_password = password


def _open_for_password(args: argparse.Namespace) -> Database:
    """Open without the lock; a file that needs an upgrade is upgraded first, under the lock — which
    fails, saying so, while another window has it open (never an upgrade under an open window)."""
    try:
        return Database.open(args.db, operator=args.operator, lock=False)
    except UpgradeNeedsLockError:
        pass
    try:
        Database.open(args.db, operator=args.operator, lock=True).close()
    except DatabaseLockedError:
        raise UpgradeNeedsLockError(
            f"数据文件需要升级，请先关闭其他 EcoDesk 窗口后再运行（{Path(args.db).expanduser()}）。"
        ) from None
    return Database.open(args.db, operator=args.operator, lock=False)


# -- options ---------------------------------------------------------------------------------------


def option_date(text: str | None, label: str) -> date | None:
    """The date typed for an option, ``None`` when it is left out or blank.

    ``label`` starts the message of a date that cannot be read: the option (``--deadline``), or the
    word a command has always used.
    """
    if not text:
        return None
    try:
        return dates.parse_date(text)
    except dates.DateParseError as exc:
        raise CliError(f"{label}：{exc}") from None


def required_date(text: str | None, option: str) -> date:
    """The date of an option that must be given (argparse already refused a missing one)."""
    day = option_date(text, option)
    if day is None:
        raise CliError(f"{option} 必须填写")
    return day


def day_or_today(text: str | None, option: str = "--date") -> date:
    """The date of an option that defaults to today (by the program's one clock)."""
    if not text:
        return dates.today()
    return required_date(text, option)


def check_output_folder(path: str, option: str = "--out", *, folder: bool = False) -> None:
    """Refuse an output whose folder cannot be right, before anything is opened or computed (so
    nothing is created on the way): a file where a folder should be, or a folder whose own parent is
    missing too — a mistyped path, or a USB stick that is not plugged in (``E:\\报表\\…``).

    One new folder is fine (``--out 报表/2024年/日报.xlsx`` beside an existing ``报表``): it is made
    when the file is written. ``folder``: ``path`` is itself the folder to write into (``backup --to``).
    """
    target = Path(path).expanduser()
    where = target if folder else target.parent
    for level in (where, where.parent):
        if level.exists():
            if not level.is_dir():
                raise CliError(f"无法写入 {path}：{level} 是一个文件，不是文件夹（请检查 {option}）")
            return
    raise CliError(f"找不到文件夹 {where.parent}（请检查 {option} 是否写错，或先插好 U 盘、建好这个文件夹）")


def out_path(path: str, allowed: tuple[str, ...], option: str = "--out") -> Path:
    """The file a command writes, refused up front when its extension is not one it can write."""
    out = Path(path)
    if out.suffix.lower() not in allowed:
        raise CliError(f"{option} 应为 {' 或 '.join(allowed)} 文件（收到“{out.name}”）")
    return out


def progress_printer(quiet: bool) -> Job:
    """A job that shows ``message 42%`` on one line of a terminal; silent with -q or when piped."""
    if quiet or not sys.stderr.isatty():
        return Job()
    state = {"last": -1}

    def show(done: int, total: int, message: str) -> None:
        percent = int(done * 100 / total) if total else 0
        if percent != state["last"]:
            state["last"] = percent
            print(f"\r{message} {percent}%", end="", file=sys.stderr, flush=True)

    return Job(progress=show)


# -- names to ids ----------------------------------------------------------------------------------


def village_id(db: Database, name: str | None) -> int | None:
    """The village or community called ``name`` (``None`` for no name); an error names a missing one."""
    from ecodesk.services import org

    return org.village_id(db, name)


def unit_id(db: Database, name: str) -> int:
    """The unit (村、社区、镇属或驻镇单位) called ``name``; an error names a missing one."""
    from ecodesk.services import records
    from ecodesk.services.org import UNIT_REF

    with db.session() as session:
        ids = records.ref_lookup(session, UNIT_REF, name)
    if not ids:
        raise CliError(f"找不到单位“{name}”")
    return ids[0]
