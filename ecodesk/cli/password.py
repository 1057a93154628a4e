"""``ecodesk password set|change|remove|recovery-key``, and how every command gets a password.

The password is never needed on the command line: the current one comes from ``ECODESK_PASSWORD``
or a prompt without echo, a new one from ``ECODESK_NEW_PASSWORD`` or a prompt typed twice, the
password of a backup being restored from ``ECODESK_BACKUP_PASSWORD`` or a prompt. ``--password``
is still accepted, with a warning: other users of the PC can read it in the process list. A wrong
password is one Chinese line and exit code 1, after a wait that grows with each wrong try.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ecodesk.cli.common import CliError, add_command, open_db
from ecodesk.db import cipher

if TYPE_CHECKING:
    from ecodesk.cli.common import Subparsers

PASSWORD_ENV = "ECODESK_PASSWORD"
NEW_PASSWORD_ENV = "ECODESK_NEW_PASSWORD"
BACKUP_PASSWORD_ENV = "ECODESK_BACKUP_PASSWORD"
MAX_TRIES = 3
ARGV_WARNING = (
    "警告：--password 写在命令行里，这台电脑上的其他程序能在进程列表中看到它；"
    f"请改用环境变量 {PASSWORD_ENV}，或不写密码、在提示时输入。"
)

wait: Callable[[float], None] = time.sleep  # the growing wait after a wrong password (tests pass a no-op)


def warn_if_on_command_line(args: argparse.Namespace) -> None:
    if getattr(args, "password", None) is not None:
        print(ARGV_WARNING, file=sys.stderr)


def given_password(args: argparse.Namespace) -> str | None:
    """The current password given without a prompt: ``--password`` or ``ECODESK_PASSWORD``."""
    given = getattr(args, "password", None)
    return given if given is not None else os.environ.get(PASSWORD_ENV)


def _prompt(question: str, missing: str) -> str:
    if not sys.stdin.isatty():
        raise CliError(missing)
    return getpass.getpass(question)


def unlock_file(path: Path, args: argparse.Namespace) -> str:
    """Find the key of the encrypted data file at ``path`` and remember it for this command;
    returns the password (or recovery key) that opened it."""
    given = given_password(args)
    salt = cipher.head(path)
    for tries in range(1, MAX_TRIES + 1):
        secret = (
            given
            if given is not None
            else _prompt(
                f"数据文件 {path.name} 已设置打开密码，请输入密码（或恢复密钥）：",
                f"数据文件 {path.name} 已设置打开密码：请用环境变量 {PASSWORD_ENV} 提供密码，或在终端中运行以便输入。",
            )
        )
        key = cipher.key_from(salt, secret)
        if cipher.opens(path, key):
            cipher.remember(path, key)
            return secret
        wait(cipher.wrong_try_delay(tries))
        if given is not None or tries == MAX_TRIES:
            break
        print("密码不正确，请再输入一次。", file=sys.stderr)
    raise CliError(f"打开密码不正确，数据文件 {path.name} 没有打开。")


def backup_key(backup: Path, args: argparse.Namespace | None = None) -> cipher.Key | None:
    """The key for restoring ``backup`` when it is encrypted with a password other than the data
    file's (None: plain, or the current key opens it); asked once, checked by the restore itself.
    Without ``ECODESK_BACKUP_PASSWORD`` the current password is tried first: it is the backup's too
    when the data file itself could not be unlocked (a damaged file being restored)."""
    from ecodesk.db import backups
    from ecodesk.errors import EcoDeskError

    salt = backups.backup_salt_needing_password(backup)
    if salt is None:
        return None
    current = given_password(args) if args is not None else None
    if current is not None and os.environ.get(BACKUP_PASSWORD_ENV) is None:
        key = cipher.key_from(salt, current)
        try:
            backups.verify_backup_file(backup, key)
            return key
        except cipher.WrongPasswordError:
            pass
        except EcoDeskError:
            return key  # damaged or too new: the restore itself says so
    secret = os.environ.get(BACKUP_PASSWORD_ENV)
    if secret is None:
        secret = _prompt(
            f"备份 {backup.name} 用另一个打开密码加密，请输入这个备份的密码（或恢复密钥）：",
            f"备份 {backup.name} 用另一个打开密码加密：请用环境变量 {BACKUP_PASSWORD_ENV} 提供它的密码。",
        )
    return cipher.key_from(salt, secret)


def _new_password() -> str:
    """``ECODESK_NEW_PASSWORD``, or typed twice without echo; checked before anything is changed."""
    new = os.environ.get(NEW_PASSWORD_ENV)
    if new is None:
        missing = f"请用环境变量 {NEW_PASSWORD_ENV} 提供新密码，或在终端中运行以便输入。"
        new = _prompt(f"新密码（至少{cipher.MIN_LENGTH}个字符）：", missing)
        if _prompt("再输一次新密码：", missing) != new:
            raise CliError("两次输入的新密码不一样，密码没有改动。")
    problem = cipher.problem_with(new)
    if problem:
        raise CliError(f"新密码{problem}，密码没有改动。")
    return new


def cmd_set(args: argparse.Namespace) -> int:
    from ecodesk.services import access

    with open_db(args) as db:
        if access.is_encrypted(db):
            raise CliError(
                "数据文件已设置打开密码；要修改请用 ecodesk password change，要取消请用 ecodesk password remove。"
            )
        new = _new_password()
        access.set_password(db, new, getattr(args, "current_password", "") or "")
    print(
        "已设置打开密码，数据文件已加密：以后打开它和它的备份都要输入这个密码。"
        "忘记密码无法找回，建议用 ecodesk password recovery-key 文件名 写出恢复密钥，另外保存。"
    )
    return 0


def cmd_change(args: argparse.Namespace) -> int:
    from ecodesk.services import access

    with open_db(args) as db:
        if not access.is_protected(db):
            raise CliError("数据文件没有设置打开密码；要设置请用 ecodesk password set。")
        new = _new_password()
        access.set_password(db, new, getattr(args, "current_password", "") or "")
    print("打开密码已修改，数据文件已用新密码重新加密。以前写出的恢复密钥不再有效，请重新写出。")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from ecodesk.services import access

    with open_db(args) as db:
        if not access.is_protected(db):
            print("数据文件没有设置打开密码。")
            return 0
        access.remove_password(db, getattr(args, "current_password", "") or "")
    print(
        "已取消打开密码：数据文件不再加密，能拿到这个文件的人都能查看全部记录。以前做的加密备份仍需原密码。"
    )
    return 0


def cmd_recovery_key(args: argparse.Namespace) -> int:
    from ecodesk.services import access

    with open_db(args, lock=False) as db:
        written = access.write_recovery_key(db, Path(args.file))
    print(f"恢复密钥已写入 {written}：请把它存到 U 盘或打印出来，和电脑分开保管。")
    return 0


def add_parser(sub: Subparsers) -> None:
    """Register ``password set|change|remove|recovery-key``."""
    parser = sub.add_parser(
        "password",
        help="设置、修改或取消打开密码（数据文件和备份加密保存）",
        description=(
            f"设置、修改或取消打开密码。现在的密码从环境变量 {PASSWORD_ENV} 读取或在提示时输入，"
            f"新密码从环境变量 {NEW_PASSWORD_ENV} 读取或在提示时输入两次；都不显示在屏幕上。"
        ),
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add_command(actions, "set", cmd_set, "设置打开密码：把数据文件转换为加密文件")
    add_command(actions, "change", cmd_change, "修改打开密码：用新密码重新加密数据文件")
    add_command(actions, "remove", cmd_remove, "取消打开密码：把数据文件转换回不加密的文件")
    p = add_command(actions, "recovery-key", cmd_recovery_key, "把恢复密钥写到一个文件（忘记密码时用它打开）")
    p.add_argument("file", help="恢复密钥文件（.txt），请存到 U 盘等与电脑分开的地方")
