"""A record table whose rows carry a deadline colour: overdue red, due within 3 days amber.

The colour is read from the row's own display texts (the cached block the base model already
fetched), so colouring costs no query: problems carry their derived 时限情况 column; complaints
are judged from their 办理时限 and 办理状态 texts by the service's own rule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ecodesk import dates
from ecodesk.dates import DateParseError, parse_date
from ecodesk.db.database import Database
from ecodesk.schema import RecordKind
from ecodesk.services import complaints
from ecodesk.services.rectification import DeadlineState
from ui.records.model import AnyIndex, RecordTableModel

DEADLINE_ROLE = Qt.ItemDataRole.UserRole + 3  # "red", "amber" or ""

# Text and background of a coloured row: readable on the office's cheap monitors, and not only hue
# (the 时限情况 column says it in words too).
ROW_COLOURS: dict[str, tuple[QColor, QColor]] = {
    "red": (QColor("#b71c1c"), QColor("#fde4e4")),
    "amber": (QColor("#7a4f00"), QColor("#fff1c9")),
}

# Given the display text of a row's column by field key, and today: "red", "amber" or "".
RowColour = Callable[[Callable[[str], str], date], str]


def problem_colour(text: Callable[[str], str], _today: date) -> str:
    """Problems: the derived 时限情况 column already names the state (已超期 / 即将到期)."""
    try:
        return DeadlineState(text("overdue")).colour
    except ValueError:
        return ""


def complaint_colour(text: Callable[[str], str], today: date) -> str:
    """Complaints: 办理中 past the 办理时限 is red, within 3 days of it amber."""
    try:
        deadline = parse_date(text("deadline"))
        replied = parse_date(text("reply_date"))
    except DateParseError:
        return ""
    return complaints.deadline_state(deadline, text("status"), today, replied).colour


class DeadlineTableModel(RecordTableModel):
    """:class:`RecordTableModel` plus ``DEADLINE_ROLE`` and the matching row colours."""

    def __init__(self, db: Database, kind: RecordKind, row_colour: RowColour, parent: Any = None) -> None:
        super().__init__(db, kind, parent)
        self._row_colour = row_colour
        self._column_of = {f.key: column for column, f in enumerate(kind.table_fields)}
        # Colour by record id: painting asks for it twice per cell. Forgotten whenever rows change.
        self._colours: dict[int, str] = {}
        self.modelReset.connect(self._colours.clear)
        self.dataChanged.connect(lambda *_: self._colours.clear())
        self.layoutChanged.connect(self._colours.clear)

    def deadline_colour(self, row: int) -> str:
        """The row's colour from its cached texts; a deleted row is grey, never red."""
        record_id = self.id_at(row)
        colour = self._colours.get(record_id)
        if colour is None:
            colour = self._colours[record_id] = self._compute_colour(row)
        return colour

    def _compute_colour(self, row: int) -> str:
        if self.is_deleted(row):
            return ""

        def text(key: str) -> str:
            column = self._column_of.get(key)
            if column is None:
                return ""
            return str(super(DeadlineTableModel, self).data(self.index(row, column)) or "")

        return self._row_colour(text, dates.today())

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (
            DEADLINE_ROLE,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.BackgroundRole,
        ):
            colour = self.deadline_colour(index.row())
            if role == DEADLINE_ROLE:
                return colour
            if colour:
                foreground, background = ROW_COLOURS[colour]
                return foreground if role == Qt.ItemDataRole.ForegroundRole else background
        return super().data(index, role)
