"""Monthly charts on QtCharts: the 工作台's fire points and problems, the 目标 page's indicators.

:class:`MonthChart` shows one or more series of values per month as grouped bars, with the months
along the bottom, a value axis with its unit written level above it ("单位：μg/m³" — a vertical axis
title would turn 个 or 处 on its side), an optional target line across the whole chart
and the value under the mouse (a tooltip, also kept in :attr:`MonthChart.hover_text`). It holds plain
numbers, never records. QtCharts ships in the PySide6-Addons wheel that already brings QtPdf; its
import costs a few milliseconds, so the 工作台 (the first page) imports it directly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsSimpleTextItem, QSizePolicy, QToolTip, QWidget

AXIS_GREY = QColor("#57606a")
GRID_GREY = QColor("#e1e4e8")
TARGET_RED = QColor("#cf222e")
TICKS = 5  # value axis: 0 and four steps
NO_DATA = "尚无数据"


@dataclass(frozen=True)
class Series:
    """One row of bars: its name (legend, tooltip), colour and one value per month (None: no value)."""

    name: str
    colour: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class TargetLine:
    """A horizontal line at ``value`` across the chart, e.g. 目标 ≤ 34."""

    label: str
    value: float


def nice_top(peak: float, whole: bool, steps: int = TICKS - 1) -> float:
    """The top of a value axis from 0 that shows ``peak`` in ``steps`` round steps
    (1, 2, 2.5, 3, 5 × 10ⁿ).

    ``whole``: counts get whole steps, so the axis never reads 0, 0.5, 1, 1.5 fires."""
    raw = peak / steps if peak > 0 else 1.0
    if whole:
        raw = max(raw, 1.0)
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 3, 5, 10):
        step = factor * power
        if whole and step != int(step):
            continue
        if step >= raw - 1e-9:
            break
    return step * steps


def number_text(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}" if decimals else f"{round(value):,}"


class MonthChart(QChartView):
    """Grouped monthly bars with a unit on the value axis, an optional target line and hover values.

    ``decimals``: how values are written in tooltips and bar labels (0 for counts).
    """

    def __init__(self, title: str, unit: str = "", decimals: int = 0, parent: QWidget | None = None) -> None:
        chart = QChart()
        super().__init__(chart, parent)
        self.unit = unit
        self.decimals = decimals
        self.labels: list[str] = []
        self.series_data: list[Series] = []
        self.target: TargetLine | None = None
        self.hover_text = ""
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(160)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setBackgroundRoundness(0)
        chart.setDropShadowEnabled(False)
        chart.setMargins(QMargins(2, 2, 2, 2))
        chart.layout().setContentsMargins(0, 0, 0, 0)
        title_font = QFont(self.font())
        title_font.setBold(True)
        chart.setTitleFont(title_font)
        chart.setTitleBrush(QColor("#24292f"))
        chart.setTitle(title)
        legend = chart.legend()
        legend.setAlignment(Qt.AlignmentFlag.AlignRight)  # beside the plot: small charts lack height
        legend.setFont(self.font())
        self.bars = QBarSeries()
        self.bars.setLabelsVisible(True)
        self.bars.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        self.bars.hovered.connect(self._bar_hovered)
        chart.addSeries(self.bars)
        self.target_series = QLineSeries()
        pen = QPen(TARGET_RED, 2, Qt.PenStyle.DashLine)
        self.target_series.setPen(pen)
        self.target_series.hovered.connect(self._target_hovered)
        chart.addSeries(self.target_series)
        self.month_axis = QBarCategoryAxis()
        self.value_axis = QValueAxis()
        for axis, alignment in (
            (self.month_axis, Qt.AlignmentFlag.AlignBottom),
            (self.value_axis, Qt.AlignmentFlag.AlignLeft),
        ):
            axis.setLabelsFont(self.font())
            axis.setLabelsBrush(AXIS_GREY)
            axis.setGridLineColor(GRID_GREY)
            chart.addAxis(axis, alignment)
            self.bars.attachAxis(axis)
            self.target_series.attachAxis(axis)
        self.month_axis.setGridLineVisible(False)
        self.month_axis.setTruncateLabels(False)  # "10月" fits its column; Qt would cut it to "1…"
        self.value_axis.setTickCount(TICKS)
        self.unit_item = QGraphicsSimpleTextItem(chart)
        self.unit_item.setFont(self.font())
        self.unit_item.setBrush(AXIS_GREY)
        self.empty_item = QGraphicsSimpleTextItem(NO_DATA, chart)  # over a chart with nothing to draw
        self.empty_item.setFont(self.font())
        self.empty_item.setBrush(AXIS_GREY)
        self.empty_item.hide()
        chart.plotAreaChanged.connect(self._place_unit)
        self.set_unit(unit)

    def sizeHint(self) -> QSize:
        return QSize(420, 220)

    def set_unit(self, unit: str) -> None:
        """The unit of the values: above the value axis, in tooltips."""
        self.unit = unit
        self.unit_item.setText(f"单位：{unit}" if unit else "")
        self._place_unit(self.chart().plotArea())

    def unit_text(self) -> str:
        return self.unit_item.text()

    def _place_unit(self, plot: QRectF) -> None:
        """The unit level, just above the top of the value axis, as Chinese charts write it; 尚无数据
        in the middle of an empty plot."""
        height = self.unit_item.boundingRect().height()
        self.unit_item.setPos(max(2.0, plot.left() - 24), max(0.0, plot.top() - height - 6))
        note = self.empty_item.boundingRect()
        self.empty_item.setPos(plot.center().x() - note.width() / 2, plot.center().y() - note.height() / 2)

    @property
    def is_empty(self) -> bool:
        """No value at all to draw (a zero is a value; a month not reported is not)."""
        return self.empty_item.isVisible()

    # -- data ----------------------------------------------------------------------------------

    def set_data(
        self, labels: Sequence[str], series: Sequence[Series], target: TargetLine | None = None
    ) -> None:
        """Show ``series`` (one value per label) and, if given, the target line."""
        self.labels = list(labels)
        self.series_data = list(series)
        self.target = target
        self.bars.clear()  # deletes the old bar sets
        for s in self.series_data:
            bar_set = QBarSet(s.name)
            bar_set.setColor(QColor(s.colour))
            bar_set.setBorderColor(QColor(s.colour))
            bar_set.setLabelColor(QColor("#444"))
            bar_set.append([0.0 if v is None else float(v) for v in s.values])
            self.bars.append(bar_set)
        # Two series side by side leave no room for a number over each bar (they overprint at 1366
        # wide); the value under the mouse is in the tooltip either way.
        self.bars.setLabelsVisible(len(self.series_data) == 1)
        self.month_axis.clear()
        self.month_axis.append(self.labels or [""])
        self.target_series.clear()
        if target is not None and self.labels:
            # Across the whole plot: categories sit at 0 … n-1, the bars reach half a step either side.
            self.target_series.append(-0.5, target.value)
            self.target_series.append(len(self.labels) - 0.5, target.value)
            self.target_series.setName(target.label)
        self.chart().legend().markers(self.target_series)[0].setVisible(target is not None)
        # One series needs no legend: the title names it.
        self.chart().legend().setVisible(len(self.series_data) + (target is not None) > 1)
        values = [v for s in self.series_data for v in s.values if v is not None]
        self.empty_item.setVisible(not values)
        peak = max([*values, target.value if target else 0.0, 0.0])
        whole = self.decimals == 0
        self.value_axis.setRange(0, nice_top(peak * 1.12, whole))  # headroom for the labels over the bars
        self.value_axis.setLabelFormat("%d" if whole else f"%.{self.decimals}f")

    def values(self) -> dict[str, list[float]]:
        """What the chart shows, read back from its bar sets (name → one value per month)."""
        out: dict[str, list[float]] = {}
        for bar_set in self.bars.barSets():
            out[bar_set.label()] = [bar_set.at(i) for i in range(bar_set.count())]
        return out

    def target_value(self) -> float | None:
        """The height of the target line as drawn, None without one."""
        points = self.target_series.points()
        return points[0].y() if points else None

    # -- hover ---------------------------------------------------------------------------------

    def bar_text(self, series_index: int, month_index: int) -> str:
        """ "3月 火点：5 处" — what the tooltip says over one bar."""
        s = self.series_data[series_index]
        value = s.values[month_index] if month_index < len(s.values) else None
        month = self.labels[month_index] if month_index < len(self.labels) else ""
        shown = "无数据" if value is None else f"{number_text(value, self.decimals)} {self.unit}".rstrip()
        return f"{month} {s.name}：{shown}"

    def target_text(self) -> str:
        if self.target is None:
            return ""
        return f"{self.target.label}：{number_text(self.target.value, self.decimals)} {self.unit}".rstrip()

    def _bar_hovered(self, status: bool, index: int, bar_set: QBarSet) -> None:
        if not status:
            self._show_hover("")
            return
        self._show_hover(self.bar_text(self.bars.barSets().index(bar_set), index))

    def _target_hovered(self, _point: QPointF, status: bool) -> None:
        self._show_hover(self.target_text() if status else "")

    def _show_hover(self, text: str) -> None:
        self.hover_text = text
        if text:
            QToolTip.showText(QCursor.pos(), text, self)
        else:
            QToolTip.hideText()
