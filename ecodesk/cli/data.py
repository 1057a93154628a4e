"""``ecodesk init|demo|check|backup|restore``: the data file itself rather than what is in it.

Only ``init`` creates a data file; every other command (``restore`` too) refuses a missing one, so a
mistyped ``--db`` never becomes a new, empty file that "passes" ``check`` or takes an import.

``backup --with-files`` writes the take-away zip (the data and the attachments, one file for a USB
stick); plain ``backup`` and ``backup --to DIR`` stay the fast ``.db`` copy, as scripts and the
rotation expect. ``restore`` takes either kind of backup.

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
    from ecodesk.db.database import Database


def cmd_init(args: argparse.Namespace) -> int:
    from ecodesk.services import settings

    with open_db(args, create=True) as db:  # the one command that may create a data file
        if args.town and settings.load(db).town_name:
            _rename_town(db, args.town)  # keep the clerk's organs; update the texts naming the old town
        elif args.town:
            settings.save(db, **settings.defaults_for_town(args.town))
        print(f"数据文件已就绪：{db.path}（数据版本 {db.schema_revision()}）")
    return 0


def _rename_town(db: Database, town: str) -> None:
    """``init --town`` on a named file: rename it as 设置 does, updating every text offered ticked
    and naming those left alone (a wording already signed on paper)."""
    from ecodesk.services import rename

    old, changed = rename.rename_town(db, town)
    if not old or old == town.strip():
        return
    print(f"乡镇名称：{old} → {town.strip()}，一并更新 {len(changed)} 处：")
    for place in changed:
        print(f"  {place.where}：{place.excerpt()[1]}")
    left = [p for p in rename.places_naming(db, old) if p.key not in {c.key for c in changed}]
    for place in left:
        print(f"  未改 {place.where}（{place.note}）" if place.note else f"  未改 {place.where}")


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

    if not args.with_files:
        with open_db(args, lock=False) as db:
            made = backups.create_backup(db, dest_dir=Path(args.to) if args.to else None, reason="手动")
        print(f"已备份到：{made}")
        return 0
    with open_db(args, lock=False) as db:
        folder = Path(args.to).expanduser() if args.to else backups.backup_folder(db)
        made_folder = False
        if not folder.exists() and folder.parent.is_dir():  # one new folder, as for every --out
            folder.mkdir()
            made_folder = True
        try:
            made = backups.create_takeaway(db, folder, progress_printer(args.quiet))
        except BaseException:
            if made_folder:
                folder.rmdir()
            raise
        counts = backups.record_counts(made)
    held = f"{counts.total:,} 条记录，" if counts is not None else ""
    print(f"已备份（含附件，{held}{_size(made.stat().st_size)}）到：{made}")
    return 0


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(size, 1024) // 1024} KB"


def cmd_restore(args: argparse.Namespace) -> int:
    from ecodesk.db import backups
    from ecodesk.errors import MissingDatabaseError

    target = Path(args.db).expanduser()
    if not target.is_file():  # a mistyped --db would put the restored data where nobody looks
        raise MissingDatabaseError(f"找不到数据文件 {target}（新建请用 ecodesk init）", path=target)
    # refuses while the file is locked; a take-away zip puts its attachments back too
    from ecodesk.cli.password import backup_key

    key = backup_key(Path(args.file), args)  # an encrypted backup with another password: asked for
    saved = backups.restore_backup(Path(args.db), Path(args.file), progress_printer(args.quiet), key)
    print(f"已从 {args.file} 恢复。恢复前的数据另存为：{saved}" if saved else f"已从 {args.file} 恢复。")
    return 0


def add_parsers(sub: Subparsers) -> None:
    """Register ``init``, ``demo``, ``check``, ``backup`` and ``restore`` on the main parser."""
    p = add_command(sub, "init", cmd_init, "创建或升级数据文件")
    p.add_argument(
        "--town",
        help="乡镇名称（新文件：设置发文机关等默认值；已有名称：改名，并把写着旧名称的发文机关、模板等一并改过来）",
    )
    p = add_command(sub, "demo", cmd_demo, "生成演示数据")
    p.add_argument("--scale", choices=("small", "town", "decade"), default="small")
    p.add_argument("--seed", type=int, default=2024)
    add_command(sub, "check", cmd_check, "检查数据文件的完整性和数据版本")
    p = add_command(sub, "backup", cmd_backup, "备份数据文件")
    p.add_argument("--to", help="备份到此文件夹（默认：数据文件旁的备份文件夹）")
    p.add_argument(
        "--with-files",
        action="store_true",
        help="写成一个可带走的 .zip：数据和附件（照片、扫描件）一起，适合存到 U 盘",
    )
    p = add_command(sub, "restore", cmd_restore, "从备份恢复（恢复前自动另存当前数据）")
    p.add_argument("file", help="备份文件：.db，或带附件的 .zip（附件放回附件文件夹，已有的不删）")
    p.set_defaults(damaged_ok=True)  # the way out of a damaged file must not be refused for its damage
