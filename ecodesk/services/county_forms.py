"""The counts the county's forms ask for, per village over a period, and the placeholders that name them.

Every week or month the county sends its own Excel form (one row per village, a 合计 row); the clerk
marks it once with placeholders (``{{村}}``, ``{{巡查次数}}`` …, the catalogue below, each with what it
counts) and :func:`fill_county_form` fills it from the records through the record-blind engine
:mod:`ecodesk.exports.form_fill`. The 统计 page shows the same :func:`period_counts` as a table.

Rules shared by every count (SPEC §5.8):

- deleted records never count; a record counts in the period when the date named in its description
  (巡查日期, 发现日期, 整改完成日期 …) falls on one of its days, both ends included;
- the villages are those in being on some day of the period, in the 基础信息 order
  (:func:`ecodesk.models.lifespan.villages_during`);
- a 合计 row is the sum of the village rows; a placeholder outside the village row gives the whole
  town's figure, which also counts problems, complaints, letters and ledger entries that belong to no
  listed village (镇直单位, or no village given), so it can exceed the 合计 — the description says so.

The patrol counts (by kind, days reported, findings, fire points) reuse
:func:`ecodesk.services.reports.period_summary`, the 巡查汇总's own counting.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.dates import format_iso
from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
from ecodesk.exports.form_fill import FilledForm, FormData, Value, fill_form
from ecodesk.exports.xlsx_style import display_width
from ecodesk.models.complaint import Complaint
from ecodesk.models.ledger import LedgerEntry
from ecodesk.models.letter import STATUS_SIGNED, Commitment
from ecodesk.models.org import PersonRole
from ecodesk.models.patrol import PATROL_KINDS, FirePoint, Patrol, PatrolPerson
from ecodesk.models.rectification import AWAITING_CHECK, CLOSED, Problem
from ecodesk.services import ledgers, reports
from ecodesk.services import settings as settings_service
from ecodesk.services.dashboard import GRID_ROLE

# -- the catalogue --------------------------------------------------------------------------------------

COUNT, TEXT, DATE = "数字", "文字", "日期"
VILLAGE_KEY, INDEX_KEY = "村", "序号"


@dataclass(frozen=True)
class Placeholder:
    """One name the clerk may type between ``{{ }}``; ``kind`` is COUNT, TEXT or DATE.

    ``main``: shown on the 统计 page without 显示全部项目. ``town_is_sum``: the town's figure is
    the sum of the villages' (no record of it can lack a village)."""

    name: str
    kind: str
    description: str
    main: bool = False
    town_is_sum: bool = True

    @property
    def token(self) -> str:
        return f"{{{{{self.name}}}}}"


_TOWN_TOO = "全镇数含未填村或属镇直单位的记录"

COUNTS: tuple[Placeholder, ...] = (
    Placeholder("巡查次数", COUNT, "巡查记录条数，按巡查日期（各类巡查合计）", main=True),
    *(
        Placeholder(f"{kind}次数", COUNT, f"巡查类型为“{kind}”的巡查记录条数，按巡查日期")
        for kind in PATROL_KINDS
    ),
    Placeholder("网格员巡查", COUNT, "巡查人员中有“网格员”身份的人员的巡查记录条数，按巡查日期"),
    Placeholder("报送天数", COUNT, "有巡查记录的天数（一天巡查几次算一天）；全镇数为各村之和", main=True),
    Placeholder(
        "未报送天数",
        COUNT,
        "期间内（到今天为止）该村在册、却没有巡查记录的天数；全镇数为各村之和",
        main=True,
    ),
    Placeholder(
        "巡查发现问题",
        COUNT,
        "“发现问题”一栏填了问题的巡查记录条数（写“无”“未发现问题”“正常”的不算），按巡查日期",
    ),
    Placeholder(
        "火点", COUNT, "火点条数，按发现日期（巡查发现、卫星遥感、无人机、上级通报、群众举报合计）", main=True
    ),
    Placeholder("卫星火点", COUNT, "来源为“卫星遥感”的火点条数，按发现日期"),
    Placeholder(
        "发现问题",
        COUNT,
        f"问题整改记录条数，按发现日期（各来源、各状态）；{_TOWN_TOO}",
        main=True,
        town_is_sum=False,
    ),
    Placeholder(
        "整改完成",
        COUNT,
        f"整改完成日期在期间内、现为“已整改待核查”或“已销号”的问题条数（退回整改的不算）；{_TOWN_TOO}",
        main=True,
        town_is_sum=False,
    ),
    Placeholder(
        "销号", COUNT, f"销号日期在期间内、现为“已销号”的问题条数；{_TOWN_TOO}", main=True, town_is_sum=False
    ),
    Placeholder(
        "未整改",
        COUNT,
        f"到结束日期为止已发现、当天还没有整改完成的问题条数（按现在的记录：整改完成日期为空或晚于结束日期）；{_TOWN_TOO}",
        main=True,
        town_is_sum=False,
    ),
    Placeholder(
        "信访",
        COUNT,
        f"信访举报件数，按受理日期（各来源渠道合计）；{_TOWN_TOO}",
        main=True,
        town_is_sum=False,
    ),
    Placeholder(
        "信访办结", COUNT, f"答复日期在期间内、现为“已办结”的信访举报件数；{_TOWN_TOO}", town_is_sum=False
    ),
    Placeholder(
        "承诺书签订",
        COUNT,
        f"签订日期在期间内、状态为“已签”的承诺书/责任书份数（各种类合计）；{_TOWN_TOO}",
        main=True,
        town_is_sum=False,
    ),
    Placeholder(
        "台账挂牌", COUNT, f"挂牌销号类台账（裸露地块等七类）按挂牌日期的条数；{_TOWN_TOO}", town_is_sum=False
    ),
    Placeholder(
        "台账销号", COUNT, f"挂牌销号类台账销号日期在期间内、现为“销号”的条数；{_TOWN_TOO}", town_is_sum=False
    ),
)

FIELDS: tuple[Placeholder, ...] = (
    Placeholder(
        VILLAGE_KEY, TEXT, "写在表格中某一行的一个单元格里：这一行按村（社区）重复，每村一行，顺序同基础信息"
    ),
    Placeholder(INDEX_KEY, COUNT, "只能写在有 {{村}} 的那一行：1、2、3……"),
    Placeholder("乡镇", TEXT, "乡镇名称（设置 → 乡镇与公文）"),
    Placeholder("开始日期", DATE, "统计期间的第一天，如 2026年11月2日"),
    Placeholder("结束日期", DATE, "统计期间的最后一天（含当天）"),
    Placeholder("填报日期", DATE, "填表这一天（今天）"),
    Placeholder("填报人", TEXT, "当前操作员"),
)

CATALOGUE: tuple[Placeholder, ...] = (*FIELDS, *COUNTS)
COUNT_NAMES: tuple[str, ...] = tuple(p.name for p in COUNTS)

USAGE = (
    "在上级发来的 Excel 表格里，把要填的单元格改写成占位符（两对大括号，中文输入法的｛｛｝｝也可以）：\n"
    "· 每村一行的那一行：一个单元格写 {{村}}，同一行写 {{序号}}、{{巡查次数}}、{{火点}} 等，"
    "填写时这一行按村重复；\n"
    "· 写着“合计”的那一行写同样的占位符，填各村之和（该行原有的 =SUM(…) 公式会自动扩大到所有村）；\n"
    "· 表格其他地方的 {{巡查次数}} 等填全镇数，{{乡镇}}、{{开始日期}}、{{结束日期}}、{{填报日期}}、"
    "{{填报人}} 可以写在文字中间，如“填报单位：{{乡镇}}人民政府”。\n"
    "表格里原来留好的多行空白村行只保留写占位符的那一行，其余删掉（填写时会按村数自动增加行）。\n"
    "只占一个单元格的数字占位符填成数字（保留单元格原来的数字格式），表格的格式、合并单元格、列宽、"
    "打印设置保持原样。表格须为 .xlsx（.xls 或 WPS 的 .et 请先“另存为”.xlsx）。"
)


def catalogue_text() -> str:
    """The catalogue as ``ecodesk report fill --list`` prints it."""
    width = max(display_width(p.token) for p in CATALOGUE) + 2
    lines = ["可用的占位符：", ""]
    for title, group in (
        ("表格结构、乡镇和日期", FIELDS),
        ("统计数（每村一行中为该村的数，其他位置为全镇数）", COUNTS),
    ):
        lines.append(f"【{title}】")
        lines += [f"  {p.token}{' ' * (width - display_width(p.token))}{p.description}" for p in group]
        lines.append("")
    lines.append("使用方法：")
    lines.append(USAGE)
    return "\n".join(lines)


# -- the counts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VillageCounts:
    village_id: int
    village: str
    counts: dict[str, int]


@dataclass(frozen=True)
class PeriodCounts:
    """Every count of :data:`COUNTS` per village (in the town's order) and for the whole town."""

    date_from: date
    date_to: date
    town_name: str
    rows: tuple[VillageCounts, ...]
    town: dict[str, int]

    def total(self, name: str) -> int:
        """The 合计 row: the sum of the village rows."""
        return sum(r.counts[name] for r in self.rows)


def _by_village(session: Session, query: Select[Any]) -> Counter[int | None]:
    """``query`` selects (village id, count) grouped by village."""
    return Counter({vid: int(n) for vid, n in session.execute(query)})


def _count_by_village(session: Session, model: Any, *conditions: ColumnElement[bool]) -> Counter[int | None]:
    return _by_village(
        session,
        select(model.village_id, func.count())
        .where(model.deleted_at.is_(None), *conditions)
        .group_by(model.village_id),
    )


def _record_counts(session: Session, start: date, end: date) -> dict[str, Counter[int | None]]:
    """The counts not in the 巡查汇总, each as village id → count (None: no village)."""

    def between(column: Any) -> ColumnElement[bool]:
        return column.between(start, end)  # type: ignore[no-any-return]

    listed_kinds = [k.label for k in ledgers.LEDGER_KINDS.values() if ledgers.has_lifecycle(k)]
    grid_patrols = (
        select(Patrol.village_id, func.count(func.distinct(Patrol.id)))
        .join(PatrolPerson, PatrolPerson.patrol_id == Patrol.id)
        .join(PersonRole, PersonRole.person_id == PatrolPerson.person_id)
        .where(Patrol.deleted_at.is_(None), between(Patrol.date), PersonRole.role == GRID_ROLE)
        .group_by(Patrol.village_id)
    )
    return {
        "网格员巡查": _by_village(session, grid_patrols),
        "卫星火点": _count_by_village(
            session, FirePoint, between(FirePoint.date), FirePoint.source == "卫星遥感"
        ),
        "发现问题": _count_by_village(session, Problem, between(Problem.found_date)),
        "整改完成": _count_by_village(
            session, Problem, between(Problem.rectified_date), Problem.status.in_((AWAITING_CHECK, CLOSED))
        ),
        "销号": _count_by_village(session, Problem, between(Problem.closed_date), Problem.status == CLOSED),
        "未整改": _count_by_village(
            session,
            Problem,
            Problem.found_date <= end,
            (Problem.rectified_date.is_(None)) | (Problem.rectified_date > end),
        ),
        "信访": _count_by_village(session, Complaint, between(Complaint.received_date)),
        "信访办结": _count_by_village(
            session, Complaint, between(Complaint.reply_date), Complaint.status == "已办结"
        ),
        "承诺书签订": _count_by_village(
            session, Commitment, between(Commitment.signed_date), Commitment.status == STATUS_SIGNED
        ),
        "台账挂牌": _count_by_village(
            session, LedgerEntry, between(LedgerEntry.listed_date), LedgerEntry.kind.in_(listed_kinds)
        ),
        "台账销号": _count_by_village(
            session,
            LedgerEntry,
            between(LedgerEntry.closed_date),
            LedgerEntry.kind.in_(listed_kinds),
            LedgerEntry.status == "销号",
        ),
    }


def _patrol_counts(summary: reports.PeriodSummary) -> dict[int, dict[str, int]]:
    """The 巡查汇总's counts per village, under the catalogue's names."""
    counts: dict[int, dict[str, int]] = {}
    for row in summary.rows:
        own = {f"{kind}次数": row.by_kind.get(kind, 0) for kind in PATROL_KINDS}
        counts[row.village_id] = {
            "巡查次数": row.total,
            **own,
            "报送天数": row.days_reported,
            "未报送天数": summary.days_silent(row),
            "巡查发现问题": row.findings,
            "火点": row.fire_points,
        }
    return counts


def period_counts(db: Database, date_from: date, date_to: date) -> PeriodCounts:
    """Every count of the catalogue for each village in being during the period, and the town's."""
    if date_to < date_from:
        raise EcoDeskError(f"结束日期 {format_iso(date_to)} 早于开始日期 {format_iso(date_from)}")
    summary = reports.period_summary(db, date_from, date_to)
    patrols = _patrol_counts(summary)
    with db.session() as session:
        others = _record_counts(session, date_from, date_to)
    rows = tuple(
        VillageCounts(
            row.village_id,
            row.village,
            {
                p.name: patrols[row.village_id][p.name]
                if p.name in patrols[row.village_id]
                else others[p.name][row.village_id]
                for p in COUNTS
            },
        )
        for row in summary.rows
    )
    town = {
        p.name: sum(r.counts[p.name] for r in rows) if p.town_is_sum else sum(others[p.name].values())
        for p in COUNTS
    }
    town_name = settings_service.load(db).town_name or "本镇"
    return PeriodCounts(date_from, date_to, town_name, rows, town)


# The periods the 统计 page offers by name (自定义 is any two dates).
PERIODS = (*reports.PRESETS, "本季度", "本年")


def period_range(name: str, today: date) -> tuple[date, date]:
    """First and last day of one of :data:`PERIODS` as seen on ``today``."""
    if name == "本季度":
        first = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        return first, reports.month_end(first.replace(month=first.month + 2))
    if name == "本年":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    return reports.preset_range(name, today)


# -- filling a form ---------------------------------------------------------------------------------------


def form_data(counts: PeriodCounts, filler: str = "") -> FormData:
    """The engine's values: one row per village, the town's figures and the text fields."""
    town: dict[str, Value] = {
        "乡镇": counts.town_name,
        "开始日期": counts.date_from,
        "结束日期": counts.date_to,
        "填报日期": dates.today(),
        "填报人": filler,
        **counts.town,
    }
    rows: list[dict[str, Value]] = [{VILLAGE_KEY: r.village, **r.counts} for r in counts.rows]
    return FormData(town, rows, frozenset(COUNT_NAMES) | {VILLAGE_KEY}, VILLAGE_KEY, INDEX_KEY)


def fill_county_form(
    db: Database, template: Path, out: Path, date_from: date, date_to: date
) -> tuple[FilledForm, PeriodCounts]:
    """Fill the county's ``template`` with the period's counts into ``out`` (all or nothing)."""
    counts = period_counts(db, date_from, date_to)
    filled = fill_form(template, out, form_data(counts, db.operator))
    return filled, counts


def filled_file_name(template: Path, date_from: date, date_to: date) -> str:
    """The default name of a filled form: 周报表（2026-11-02至2026-11-08）.xlsx."""
    return f"{Path(template).stem}（{format_iso(date_from)}至{format_iso(date_to)}）.xlsx"


# -- the 统计 page's export -------------------------------------------------------------------------------


def export_counts_xlsx(counts: PeriodCounts, path: Path, names: tuple[str, ...] = COUNT_NAMES) -> int:
    """The 统计 table as a print-ready sheet (the list export's look): one row per village, 合计,
    then the town's figures where they differ. Returns the rows written."""
    from ecodesk.exports import xlsx_export

    period = f"{format_iso(counts.date_from)} 至 {format_iso(counts.date_to)}"
    lines: list[list[Any]] = [[r.village, *(r.counts[n] for n in names)] for r in counts.rows]
    lines.append(["合计", *(counts.total(n) for n in names)])
    if any(counts.town[n] != counts.total(n) for n in names):
        lines.append(["全镇（含未填村、镇直单位）", *(counts.town[n] for n in names)])
    headers = ["村（社区）", *names]
    widths = [12, *(max(6, len(n) * 2 + 1) for n in names)]
    return xlsx_export.write_table(
        path,
        f"{counts.town_name}工作统计",
        headers,
        widths,
        lines,
        subtitle=f"统计期间：{period}",
        sheet="统计",
    )
