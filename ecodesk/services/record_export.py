"""A record kind's list out of the data file: to Excel (to edit and import again) or as a PDF table.

The list is read exactly as the screen shows it — the filter, the order, masked fields masked — and
handed to the plain writers in ``ecodesk.exports`` (``xlsx_export.write_table``,
``table_pdf.write_table_pdf``), which know nothing of records. The PDF is the one printed list: the
打印 button of every list page and ``ecodesk print`` both call :func:`export_kind_pdf`, and the
filter is named in words by :func:`describe_filter` on paper and in Excel alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ecodesk import dates
from ecodesk.dates import format_cn
from ecodesk.db.database import Database
from ecodesk.documents.fonts import FontReport
from ecodesk.errors import EcoDeskError
from ecodesk.exports.table_pdf import MAX_ROWS, write_table_pdf
from ecodesk.exports.xlsx_export import write_table
from ecodesk.jobs import Job
from ecodesk.schema import Field, RecordKind
from ecodesk.services import lookups, records
from ecodesk.services import settings as settings_service
from ecodesk.services.records import ListFilter

FETCH_CHUNK = 5000  # records loaded per query: big enough to be fast, small enough for memory
_EVERYTHING = ListFilter()


def describe_filter(db: Database, kind: RecordKind, flt: ListFilter) -> str:
    """The filter in words for the line under a printed or exported list's title, "" for none.

    E.g. "筛选：所在村=东河村；状态=整改中；挂牌日期 2026-11-01 至 2026-11-30；已超期".
    """
    parts: list[str] = []
    if flt.village_id is not None and kind.village_key:
        names = dict(lookups.village_choices(db, kind))
        village = names.get(flt.village_id, f"编号{flt.village_id}")
        parts.append(f"{kind.field(kind.village_key).label}={village}")
    if flt.status and kind.status_key:
        parts.append(f"{kind.field(kind.status_key).label}={flt.status}")
    if kind.date_key and (flt.date_from or flt.date_to):
        label = kind.field(kind.date_key).label
        if flt.date_from and flt.date_to:
            parts.append(f"{label} {flt.date_from.isoformat()} 至 {flt.date_to.isoformat()}")
        elif flt.date_from:
            parts.append(f"{label} {flt.date_from.isoformat()} 起")
        elif flt.date_to:
            parts.append(f"{label} 至 {flt.date_to.isoformat()}")
    for key, value in flt.equals:
        f = kind.field(key)
        shown = dict(lookups.ref_choices(db, f.ref, keep={value})).get(value, value) if f.ref else value
        parts.append(f"{f.label}={shown}")
    parts += list(flt.named)
    if flt.text.strip():
        parts.append(f"含“{flt.text.strip()}”")
    if flt.only_deleted:
        parts.append("只看已删除")
    elif flt.include_deleted:
        parts.append("含已删除")
    return "筛选：" + "；".join(parts) if parts else ""


def list_title(db: Database, kind: RecordKind) -> str:
    """The printed list's title: the town and the kind (清河镇散乱污企业清单)."""
    return f"{settings_service.load(db).town_name}{kind.label}清单"


def export_fields(kind: RecordKind) -> tuple[Field, ...]:
    """The columns of a kind's export: what its table shows, plus 备注, in declaration order."""
    return tuple(f for f in kind.fields if f.in_table or f.key == "remark")


def export_xlsx(
    db: Database,
    kind: RecordKind,
    path: Path,
    flt: ListFilter = _EVERYTHING,
    *,
    job: Job | None = None,
    sort_key: str | None = None,
    descending: bool = False,
) -> int:
    """Write the records ``flt`` selects, in the list's order, to ``path``; returns the rows written.

    The headers are the field labels, so the file can be edited and imported again.
    """
    fields = export_fields(kind)
    ids = records.list_ids(db, kind, flt, sort_key, descending)
    title = f"{kind.label}（{format_cn(dates.today())}导出，共{len(ids)}条）"
    return write_table(
        path,
        title,
        subtitle=describe_filter(db, kind, flt),
        headers=[f.label for f in fields],
        widths=[f.width for f in fields],
        rows=_record_rows(db, kind, fields, ids),
        job=job,
        total=len(ids),
        sheet=kind.label,
    )


def _record_rows(
    db: Database, kind: RecordKind, fields: Sequence[Field], ids: Sequence[int]
) -> Iterator[list[Any]]:
    for start in range(0, len(ids), FETCH_CHUNK):
        chunk = ids[start : start + FETCH_CHUNK]
        objs = records.fetch_plain(db, kind, chunk)
        if objs is None:  # custom fields need the records themselves
            objs = records.fetch(db, kind, chunk)
        for record_id in chunk:
            obj = objs.get(record_id)
            if obj is not None:  # deleted for good since the ids were listed
                yield [records.cell_value(f, obj) for f in fields]


def pdf_fields(kind: RecordKind) -> tuple[Field, ...]:
    """The table's columns, or the narrower set a kind names in ``extra["print_keys"]`` for paper."""
    keys = kind.extra.get("print_keys")
    if keys:
        return tuple(kind.field(key) for key in keys)
    return kind.table_fields


def export_kind_pdf(
    db: Database,
    kind: RecordKind,
    path: Path,
    fonts: FontReport,
    flt: ListFilter | None = None,
    *,
    sort_key: str | None = None,
    descending: bool = False,
    title: str = "",
    job: Job | None = None,
) -> tuple[int, int]:
    """The list ``flt`` selects, in the list's order, as the table shows it (masked fields masked).

    The title is :func:`list_title` unless given; the filter in words goes under it. Returns (rows, pages).
    """
    flt = flt or ListFilter()
    fields = pdf_fields(kind)
    ids = records.list_ids(db, kind, flt, sort_key, descending)
    if len(ids) > MAX_ROWS:
        raise EcoDeskError(f"共{len(ids)}条，超过打印上限{MAX_ROWS}条。请先筛选，或导出为 Excel。")
    rows: list[list[str]] = []
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        objs = records.fetch(db, kind, chunk)
        rows += [
            [str(n)] + [records.display_value(f, objs[i]) for f in fields]
            for n, i in enumerate(chunk, start + 1)
            if i in objs
        ]
        if job is not None:
            job.report(len(rows), len(ids), f"正在排版第 {len(rows)} 行")
    subtitle = f"{format_cn(dates.today())}打印，共{len(rows)}条"
    pages = write_table_pdf(
        path,
        title or list_title(db, kind),
        ["序号", *(f.label for f in fields)],
        [4, *(f.width for f in fields)],
        rows,
        fonts,
        subtitle=subtitle,
        filter_line=describe_filter(db, kind, flt),
        on_page=None if job is None else lambda page: job.report(page, 0, f"正在排版第 {page} 页"),
    )
    return len(rows), pages
