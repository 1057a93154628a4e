"""``ecodesk init|demo|check|backup|restore``: the data file itself rather than what is in it.

Only ``init`` creates a data file; every other command (``restore`` too) refuses a missing one, so a
mistyped ``--db`` never becomes a new, empty file that "passes" ``check`` or takes an import.

``init`` and ``demo`` write, so they take the file lock. ``check`` and ``backup`` only read (a
backup is SQLite's online copy, consistent while the GUI writes) and stay usable with the GUI
open. ``restore`` replaces the file; the backup service takes the lock itself, before touching it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ecodesk.cli.common import add_command, open_db, progress_printer

if TYPE_CHECKING:
    from ecodesk.cli.common import Subparsers


def cmd_init(args: argparse.Namespace) -> int:
    from ecodesk.services import settings

    with open_db(args, create=True) as db:  # the one command that may create a data file
        if args.town:
            settings.save(db, **settings.defaults_for_town(args.town))
        print(f"数据文件已就绪：{db.path}（数据版本 {db.schema_revision()}）")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ecodesk import demo

    with open_db(args) as db:
        summary = demo.generate(db, scale=args.scale, seed=args.seed, job=progress_printer(args.quiet))
    print(f"\n已生成演示数据（{args.scale}）：{summary}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from ecodesk.services import check

    with open_db(args, lock=False) as db:
        report = check.run(db)
    for line in report.lines:
        print(line)
    return 0 if report.ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    from ecodesk.db import backups

    with open_db(args, lock=False) as db:
        made = backups.create_backup(db, dest_dir=Path(args.to) if args.to else None, reason="手动")
    print(f"已备份到：{made}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from ecodesk.db import backups
    from ecodesk.errors import MissingDatabaseError

    target = Path(args.db).expanduser()
    if not target.is_file():  # a mistyped --db would put the restored data where nobody looks
        raise MissingDatabaseError(f"找不到数据文件 {target}（新建请用 ecodesk init）", path=target)
    saved = backups.restore_backup(Path(args.db), Path(args.file))  # refuses while the file is locked
    print(f"已从 {args.file} 恢复。恢复前的数据另存为：{saved}" if saved else f"已从 {args.file} 恢复。")
    return 0


def add_parsers(sub: Subparsers) -> None:
    """Register ``init``, ``demo``, ``check``, ``backup`` and ``restore`` on the main parser."""
    p = add_command(sub, "init", cmd_init, "创建或升级数据文件")
    p.add_argument("--town", help="乡镇名称（设置发文机关等默认值）")
    p = add_command(sub, "demo", cmd_demo, "生成演示数据")
    p.add_argument("--scale", choices=("small", "town", "decade"), default="small")
    p.add_argument("--seed", type=int, default=2024)
    add_command(sub, "check", cmd_check, "检查数据文件的完整性和数据版本")
    p = add_command(sub, "backup", cmd_backup, "备份数据文件")
    p.add_argument("--to", help="备份到此文件夹（默认：数据文件旁的备份文件夹）")
    p = add_command(sub, "restore", cmd_restore, "从备份恢复（恢复前自动另存当前数据）")
    p.add_argument("file")
    p.set_defaults(damaged_ok=True)  # the way out of a damaged file must not be refused for its damage
