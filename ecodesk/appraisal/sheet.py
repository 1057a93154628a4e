"""The appraisal sheet as plain data: items, villages' cells, totals and ranks, and the evidence.

The service (``ecodesk.services.appraisal``) builds these from the data file; the renderers beside
this module (the xlsx sheet, the results 通报) only read them, so they need no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecodesk.appraisal import rules


@dataclass(frozen=True)
class ItemView:
    id: int
    category: str
    name: str
    max_score: float
    bonus: bool
    rule: str
    params: dict[str, Any]
    standard: str

    @property
    def rule_label(self) -> str:
        return rules.RULES[self.rule].label if self.rule in rules.RULES else self.rule

    @property
    def computed_by_rule(self) -> bool:
        return self.rule != rules.MANUAL


@dataclass(frozen=True)
class Cell:
    score_id: int
    computed: float | None
    adjustment: float
    reason: str
    final: float
    count: int  # records behind the deduction


@dataclass(frozen=True)
class VillageRow:
    village_id: int
    village: str
    cells: dict[int, Cell]  # item id → cell
    total: float
    rank: int
    converted: float


@dataclass(frozen=True)
class Sheet:
    year: int
    title: str
    weight: float
    items: tuple[ItemView, ...]
    rows: tuple[VillageRow, ...]  # in the town's order of villages
    locked: bool
    finalised_at: datetime | None
    finalised_by: str
    computed_at: datetime | None

    @property
    def full_marks(self) -> float:
        return round(sum(i.max_score for i in self.items if not i.bonus), 2)

    @property
    def bonus_max(self) -> float:
        return round(sum(i.max_score for i in self.items if i.bonus), 2)

    def categories(self) -> list[tuple[str, list[ItemView]]]:
        """Items grouped by category, in the scheme's order (a category's items kept together)."""
        groups: dict[str, list[ItemView]] = {}
        for item in self.items:
            groups.setdefault(item.category, []).append(item)
        return list(groups.items())

    def by_rank(self) -> list[VillageRow]:
        return sorted(self.rows, key=lambda r: (r.rank, r.village_id))


@dataclass(frozen=True)
class EvidenceLine:
    """One record (or count) behind a score. ``table`` and ``record_id`` name the record; the rest say
    where the clerk finds it: a 报送材料 line's deliverable is ``record_id`` in ``campaign_id``'s 报送情况
    at ``village_id``'s row, a 承诺书 line is ``village_id``'s letters of ``letter_kind`` ("" for all)."""

    item: str
    village: str
    table: str
    record_id: int | None
    day: str
    text: str
    points: float
    village_id: int | None = None
    campaign_id: int | None = None
    letter_kind: str = ""
