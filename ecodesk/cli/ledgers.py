"""台账 挂牌销号 from the command line, through the same service functions as the 台账 page.

``ecodesk ledger start ID [--date D]``                                    开始整治
``ecodesk ledger close ID --verifier NAME --note TEXT --photo F [--photo F …] [--reason TEXT] [--date D]``
``ecodesk ledger reopen ID --reason TEXT [--date D]``                    重新挂牌

``ID`` is the entry's 编号 (the number an export or the 修改记录 shows). Every command writes, so it
takes the file lock (:func:`ecodesk.cli.common.open_db`). ``close`` asks the proof ``advance``
asks — 核查人, 核查情况, at least one 整改后 photo (``--photo``, or one already added in the program),
and ``--reason`` when the entry falls short of its kind's condition (覆盖率 < 100% …) — and checks it
all before it adds the photos, so a refused 销号 adds nothing. Filings and logs (吸污车作业报备,
巡河记录) have no 挂牌销号 and are refused with that said.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ecodesk.cli.common import CliError, add_command, day_or_today, open_db
from ecodesk.services import ledgers

if TYPE_CHECKING:
    from ecodesk.cli.common import Subparsers
    from ecodesk.models.ledger import LedgerEntry


def _entry_line(entry: LedgerEntry) -> str:
    return f"{entry.kind}“{entry.name}”（编号 {entry.id}）"


def cmd_start(args: argparse.Namespace) -> int:
    on_date = day_or_today(args.date)
    with open_db(args) as db:
        entry = ledgers.advance(db, args.id, ledgers.IN_HAND, on_date)
    print(f"{_entry_line(entry)}已开始整治（{on_date:%Y-%m-%d}）")
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    on_date = day_or_today(args.date)
    photos = [Path(p) for p in args.photo or []]
    missing = [str(p) for p in photos if not p.is_file()]
    if missing:
        raise CliError(f"找不到照片文件：{'、'.join(missing)}")
    with open_db(args) as db:
        proof = {"verifier": args.verifier, "check_note": args.note, "reason": args.reason or ""}
        ledgers.check_close(db, args.id, on_date, photos_to_add=len(photos), **proof)
        for photo in photos:
            ledgers.add_file(db, args.id, photo, ledgers.PHOTO_AFTER)
        entry = ledgers.advance(db, args.id, ledgers.CLOSED, on_date, **proof)
        after = len(ledgers.files(db, entry.id)[ledgers.PHOTO_AFTER])
    short = "（未达标销号，原因已记入核查情况）" if "未达标销号" in entry.check_note else ""
    print(
        f"{_entry_line(entry)}已销号（{on_date:%Y-%m-%d}，核查人 {entry.verifier}，整改后照片 {after} 张）{short}"
    )
    return 0


def cmd_reopen(args: argparse.Namespace) -> int:
    on_date = day_or_today(args.date)
    with open_db(args) as db:
        entry = ledgers.reopen(db, args.id, args.reason, on_date)
    print(f"{_entry_line(entry)}已重新挂牌（{on_date:%Y-%m-%d}）：{args.reason.strip()}")
    return 0


def add_parser(sub: Subparsers) -> None:
    """Register ``ledger start|close|reopen``."""
    p = sub.add_parser("ledger", help="台账挂牌销号：开始整治、销号、重新挂牌", description="台账挂牌销号")
    ledger_sub = p.add_subparsers(dest="ledger_command", required=True, metavar="ACTION")

    q = add_command(ledger_sub, "start", cmd_start, "开始整治：把“挂牌”的台账改为“整治中”")
    q.add_argument("id", type=int, metavar="ID", help="台账编号")
    q.add_argument("--date", metavar="DATE", help="开始整治日期（默认今天）")

    q = add_command(ledger_sub, "close", cmd_close, "销号：写明核查人、核查情况，附整改后照片")
    q.add_argument("id", type=int, metavar="ID", help="台账编号")
    q.add_argument("--verifier", required=True, metavar="NAME", help="核查人")
    q.add_argument("--note", required=True, metavar="TEXT", help="核查情况（现场核查看到的整改结果）")
    q.add_argument(
        "--photo",
        action="append",
        metavar="FILE",
        help="整改后照片（可多次给出；已在程序中添加过整改后照片的可不给）",
    )
    q.add_argument("--reason", metavar="TEXT", help="未达标原因（不符合该类台账的销号条件时必须写明）")
    q.add_argument("--date", metavar="DATE", help="销号日期（默认今天）")

    q = add_command(
        ledger_sub, "reopen", cmd_reopen, "重新挂牌：复查发现已销号的台账反弹，写明原因改回“挂牌”"
    )
    q.add_argument("id", type=int, metavar="ID", help="台账编号")
    q.add_argument("--reason", required=True, metavar="TEXT", help="重新挂牌原因")
    q.add_argument("--date", metavar="DATE", help="重新挂牌日期（默认今天）")
