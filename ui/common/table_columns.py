"""Table columns as wide as what they show, with the long text column taking the room that is left.

A column is measured from its header and a sample of the rows on screen — never the whole model: the
record lists are lazy over 100,000+ rows and fetch only the blocks that are looked at. An empty column
stays as narrow as its header; a long one is capped (the full text is in the detail pane and the
tooltip). The chosen text column (问题描述, 标题, 企业名称) gets whatever width is left when the
table is wider than its columns, so there is no grey band and no column wastes the screen.

The columns are measured again when the model is reset (a new filter) until the clerk drags a column
edge herself; from then on her widths stay.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QTableView

SAMPLE_ROWS = 40  # about a screenful
CELL_PADDING = 14  # px around a cell's text
HEADER_PADDING = 28  # px: the header's margins and the sort arrow
MAX_COLUMN_EM = 18  # a column's width at most, in CJK characters
MAX_STRETCH_EM = 40


class ColumnFitter(QObject):
    """Sizes ``table``'s columns to their content and lets ``stretch`` (a column index) fill the rest."""

    def __init__(self, table: QTableView, stretch: int | None = None) -> None:
        super().__init__(table)
        self.table = table
        self.stretch = stretch
        self.natural: dict[int, int] = {}
        self.caps: dict[int, int] = {}  # px: columns a page keeps narrower (status in view at 1366)
        self.manual = False
        self._busy = False
        header = table.horizontalHeader()
        header.setStretchLastSection(stretch is None)
        header.sectionResized.connect(self._resized_by_hand)
        table.viewport().installEventFilter(self)
        model = table.model()
        if model is not None:
            model.modelReset.connect(self._model_reset)
        self.fit()

    def fit(self) -> None:
        """Measure every column from its header and the sample rows, then share out the spare width."""
        table, model = self.table, self.table.model()
        if model is None:
            return
        metrics, header_metrics = table.fontMetrics(), table.horizontalHeader().fontMetrics()
        em = metrics.horizontalAdvance("国")
        first = max(table.rowAt(0), 0)
        rows = range(first, min(first + SAMPLE_ROWS, model.rowCount()))
        self.natural.clear()
        for column in range(model.columnCount()):
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = header_metrics.horizontalAdvance(title) + HEADER_PADDING
            for row in rows:
                value = model.index(row, column).data()
                if value not in (None, ""):
                    text = str(value).split("\n", 1)[0]
                    width = max(width, metrics.horizontalAdvance(text) + CELL_PADDING)
            cap = self.caps.get(column, (MAX_STRETCH_EM if column == self.stretch else MAX_COLUMN_EM) * em)
            self.natural[column] = min(
                width, max(cap, header_metrics.horizontalAdvance(title) + HEADER_PADDING)
            )
        self._apply()

    def cap(self, caps: dict[int, int]) -> None:
        """Keep these columns (index → px) at most this wide, and measure again."""
        self.caps = dict(caps)
        self.fit()

    def _apply(self) -> None:
        self._busy = True
        try:
            for column, width in self.natural.items():
                if column != self.stretch:
                    self.table.setColumnWidth(column, width)
            self._fill()
        finally:
            self._busy = False

    def _fill(self) -> None:
        """The stretch column: its natural width, or all the room the other columns leave."""
        if self.stretch is None or self.stretch not in self.natural:
            return
        others = sum(
            self.table.columnWidth(c)
            for c in self.natural
            if c != self.stretch and not self.table.isColumnHidden(c)
        )
        room = self.table.viewport().width() - others
        self.table.setColumnWidth(self.stretch, max(self.natural[self.stretch], room))

    def _resized_by_hand(self, _column: int, _old: int, _new: int) -> None:
        if not self._busy:
            self.manual = True

    def _model_reset(self) -> None:
        if not self.manual:
            self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and not self.manual and self.natural:
            self._busy = True
            try:
                self._fill()
            finally:
                self._busy = False
        return False
