"""Small bar charts for the 工作台, drawn with QPainter (QtCharts lives only in the large Addons wheel).

:class:`BarChart` draws one or more series of monthly values side by side, with the month under each
group, the value over each bar and a legend; it holds plain numbers, not records.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget


class BarChart(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.labels: list[str] = []
        self.series: list[tuple[str, QColor, list[int]]] = []
        self.setMinimumHeight(190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(420, 220)

    def set_data(self, labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]]) -> None:
        """``series``: (name, colour, one value per label)."""
        self.labels = list(labels)
        self.series = [(name, QColor(colour), list(values)) for name, colour, values in series]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = painter.fontMetrics()
        line = metrics.height()
        title_font = QFont(painter.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(QColor("#24292f"))
        painter.drawText(QRectF(8, 4, self.width() - 16, line + 4), Qt.AlignmentFlag.AlignLeft, self.title)
        painter.setFont(self.font())
        # Legend at the top right.
        x = self.width() - 8.0
        for name, colour, _values in reversed(self.series):
            w = metrics.horizontalAdvance(name)
            x -= w
            painter.setPen(QColor("#555"))
            painter.drawText(QRectF(x, 4, w, line + 4), Qt.AlignmentFlag.AlignLeft, name)
            x -= 16
            painter.fillRect(QRectF(x, 4 + line / 2 - 4, 10, 10), colour)
            x -= 14
        if not self.labels or not self.series:
            painter.end()
            return
        top, bottom, left, right = line * 2 + 12.0, self.height() - line - 10.0, 10.0, self.width() - 10.0
        peak = max([max(v, default=0) for _n, _c, v in self.series] + [1])
        painter.setPen(QPen(QColor("#d0d7de"), 1))
        painter.drawLine(int(left), int(bottom), int(right), int(bottom))
        group = (right - left) / len(self.labels)
        bar = max(3.0, min(22.0, (group - 6) / len(self.series)))
        for i, label in enumerate(self.labels):
            gx = left + i * group + (group - bar * len(self.series)) / 2
            for k, (_name, colour, values) in enumerate(self.series):
                value = values[i] if i < len(values) else 0
                h = (bottom - top - line) * value / peak
                rect = QRectF(gx + k * bar, bottom - h, bar - 1, h)
                painter.fillRect(rect, colour)
                if value:
                    painter.setPen(QColor("#444"))
                    painter.drawText(
                        QRectF(rect.x() - 8, rect.y() - line, bar + 16, line),
                        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                        str(value),
                    )
            painter.setPen(QColor("#57606a"))
            painter.drawText(
                QRectF(left + i * group, bottom + 2, group, line + 4), Qt.AlignmentFlag.AlignHCenter, label
            )
        painter.end()
