"""``ecodesk check``: is the data file sound, current, and complete?"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ecodesk.db import backups, migrate
from ecodesk.db.audit import AuditEntry
from ecodesk.db.database import Database
from ecodesk.services import attachments, records
from ecodesk.services.kinds import KINDS


@dataclass
class CheckReport:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def run(db: Database) -> CheckReport:
    report = CheckReport()
    add = report.lines.append
    add(f"数据文件：{db.path}（{db.path.stat().st_size / 1024 / 1024:.1f} MB）")
    revision, head = db.schema_revision(), migrate.head_revision()
    if revision == head:
        add(f"数据版本：{revision}（最新）")
    else:
        report.problems.append(f"数据版本 {revision} 与程序的 {head} 不一致")
    errors = db.integrity_errors()
    if errors:
        report.problems += [f"完整性：{e}" for e in errors[:20]]
    else:
        add("完整性检查：通过")
    for kind in KINDS.values():
        live = records.count(db, kind)
        deleted = records.count(db, kind, records.ListFilter(only_deleted=True))
        add(f"{kind.label}：{live} 条" + (f"（另有已删除 {deleted} 条）" if deleted else ""))
    with db.session() as session:
        audit_count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    add(f"修改记录：{audit_count} 条")
    missing = attachments.missing_files(db)
    if missing:
        report.problems += [f"附件文件缺失：{a.original_name}（{a.stored_name}）" for a in missing[:20]]
    found = backups.list_backups(db.path, backups.backup_folder(db))
    add(f"备份：{len(found)} 份" + (f"，最新 {found[0].created:%Y-%m-%d %H:%M}" if found else ""))
    report.lines += [f"问题：{p}" for p in report.problems]
    add("结论：正常" if report.ok else f"结论：发现 {len(report.problems)} 个问题")
    return report
