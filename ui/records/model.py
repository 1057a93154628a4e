"""A table model for any record kind that stays instant at 200,000 rows.

After Anki's browser model: it holds only the ordered row ids (``records.list_ids``, filtered and
sorted in SQL), fetches the display texts of a block of ~200 rows the first time ``data()`` asks
for one of them, and caches them. Sorting re-queries the ids; a change marks rows stale and emits a
targeted ``dataChanged`` when the row set is unchanged, a reset only when rows came or went.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from ecodesk.db.database import Database
from ecodesk.schema import Field, FieldType, RecordKind
from ecodesk.services import records
from ecodesk.services.records import ListFilter, ListRow

log = logging.getLogger(__name__)

BLOCK_SIZE = 200
MAX_CACHED_ROWS = 20_000  # ~100 screens; beyond this the oldest half is forgotten
LONG_TEXT_TOOLTIP = 16  # cells longer than this show their full text as a tooltip
FEW_IDS = 32  # persistent indexes looked up one by one after a sort; more build the id → row index

ID_ROLE = Qt.ItemDataRole.UserRole + 1
DELETED_ROLE = Qt.ItemDataRole.UserRole + 2

_NUMERIC = (FieldType.INT, FieldType.FLOAT)
_DELETED_COLOUR = QColor("#9a9a9a")

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class RecordTableModel(QAbstractTableModel):
    """Rows of one record kind under a :class:`ListFilter`.

    Signals:
    - ``count_changed(int)``: the number of rows changed (after a filter, refresh or reset).
    """

    count_changed = Signal(int)

    def __init__(self, db: Database, kind: RecordKind, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._kind = kind
        self._fields: tuple[Field, ...] = kind.table_fields
        self._filter = ListFilter()
        self._sort_column = -1
        self._descending = False
        self._ids: list[int] = []
        self._row_of: dict[int, int] | None = None
        self._cache: OrderedDict[int, ListRow] = OrderedDict()
        self._blank = ListRow(("",) * len(self._fields), False)
        self._ids = self._query_ids()

    # -- what the page asks --------------------------------------------------------------------

    @property
    def kind(self) -> RecordKind:
        return self._kind

    @property
    def list_filter(self) -> ListFilter:
        return self._filter

    @property
    def sort_key(self) -> str | None:
        return self._fields[self._sort_column].key if 0 <= self._sort_column < len(self._fields) else None

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def ids(self) -> list[int]:
        """The ids in display order (a copy is not made: do not modify)."""
        return self._ids

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of_id(self, record_id: int) -> int:
        """The row showing ``record_id``, or -1. Builds an index once per id list (fast at 200k)."""
        if self._row_of is None:
            self._row_of = {rid: row for row, rid in enumerate(self._ids)}
        return self._row_of.get(record_id, -1)

    def is_deleted(self, row: int) -> bool:
        return self._row(row).deleted

    def field_at(self, column: int) -> Field:
        return self._fields[column]

    # -- changing what is shown ----------------------------------------------------------------

    def set_filter(self, flt: ListFilter) -> None:
        """Show the records matching ``flt`` (re-queries the ids: a reset)."""
        self._filter = flt
        self._reset_to(self._query_ids())

    def refresh(self, changed_ids: list[int] | None = None) -> None:
        """Re-read after a write. Only rows that came or went cause a reset.

        ``changed_ids``: the records known to have changed (None: any might have).
        """
        new_ids = self._query_ids()
        if new_ids != self._ids:
            self._reset_to(new_ids)
            return
        if not self._ids:
            return
        if changed_ids is None:
            self._cache.clear()
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self._fields) - 1))
            return
        for record_id in changed_ids:
            self._cache.pop(record_id, None)
            row = self.row_of_id(record_id)
            if row >= 0:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._fields) - 1))

    def _reset_to(self, new_ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = new_ids
        self._row_of = None
        self._cache.clear()
        self.endResetModel()
        self.count_changed.emit(len(self._ids))

    def _query_ids(self) -> list[int]:
        return records.list_ids(self._db, self._kind, self._filter, self.sort_key, self._descending)

    # -- Qt model interface --------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._fields)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not self.checkIndex(index):
            return None
        row, column = index.row(), index.column()
        if role == ID_ROLE:
            return self._ids[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._row(row).texts[column]
            if role == Qt.ItemDataRole.ToolTipRole:
                return text if len(text) > LONG_TEXT_TOOLTIP else None
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if self._fields[column].type in _NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == DELETED_ROLE:
            return self._row(row).deleted
        if role == Qt.ItemDataRole.ForegroundRole and self._row(row).deleted:
            return _DELETED_COLOUR
        if role == Qt.ItemDataRole.FontRole and self._row(row).deleted:
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._fields):
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return self._fields[section].label
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._fields[section].help or None
            return None
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._ids):
            return str(section + 1)  # 序号, as on the paper ledgers
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL: re-query the ids. Rows stay the same set, so this is a layout change.

        At 160,000 rows nothing here may walk the whole list in Python more than once: comparing the
        old and new id sets, or indexing every id to move the selection, cost more than the query.
        """
        column = column if 0 <= column < len(self._fields) else -1
        descending = order == Qt.SortOrder.DescendingOrder
        if column == self._sort_column and descending == self._descending:
            return
        self._sort_column, self._descending = column, descending
        new_ids = self._query_ids()
        if len(new_ids) != len(self._ids):  # someone added or removed records meanwhile
            self._reset_to(new_ids)
            return
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_ids = [self._ids[i.row()] for i in old_persistent]
        self._ids = new_ids
        self._row_of = None
        new_rows = self._rows_of(old_ids)
        new_persistent = [
            self.index(row, i.column()) if row >= 0 else QModelIndex()
            for row, i in zip(new_rows, old_persistent, strict=True)
        ]
        self.changePersistentIndexList(old_persistent, new_persistent)
        self.layoutChanged.emit()

    def _rows_of(self, record_ids: list[int]) -> list[int]:
        """The rows of a few ids (the selection, the current row): a scan each, in C, is cheaper
        than indexing all 160,000 rows; many ids build the index once."""
        distinct: dict[int, int] = dict.fromkeys(record_ids, -1)  # a selected row holds one index per column
        if len(distinct) > FEW_IDS:
            return [self.row_of_id(rid) for rid in record_ids]
        for rid in distinct:
            try:
                distinct[rid] = self._ids.index(rid)
            except ValueError:  # gone meanwhile (the row count matched by chance)
                distinct[rid] = -1
        return [distinct[rid] for rid in record_ids]

    # -- the cache -----------------------------------------------------------------------------

    def _row(self, row: int) -> ListRow:
        record_id = self._ids[row]
        cached = self._cache.get(record_id)
        if cached is None:
            self._fetch_block(row)
            cached = self._cache.get(record_id, self._blank)
        return cached

    def _fetch_block(self, row: int) -> None:
        start = (row // BLOCK_SIZE) * BLOCK_SIZE
        wanted = [rid for rid in self._ids[start : start + BLOCK_SIZE] if rid not in self._cache]
        rows = records.list_rows(self._db, self._kind, wanted)
        for rid in wanted:
            # purged meanwhile: show a blank row rather than asking again and again
            self._cache[rid] = rows.get(rid, self._blank)
        if len(self._cache) > MAX_CACHED_ROWS:
            for _ in range(len(self._cache) - MAX_CACHED_ROWS // 2):
                self._cache.popitem(last=False)
