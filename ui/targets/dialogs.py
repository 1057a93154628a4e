"""The 目标 page's dialogs: one month's value, one month of the station's sheet, an indicator, and the
list of indicators (管理指标).

Every typing dialog derives from :class:`ui.common.unsaved.AskingDialog` (Esc, 取消 or × after typing
asks 放弃未保存的内容？). The service checks every value; its Chinese reason is shown under the field
it names and nothing is saved.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.db.database import Database
from ecodesk.errors import FieldProblem, ValidationError
from ecodesk.services import targets
from ecodesk.services.targets import AirMonth, IndicatorInput, IndicatorView, IndicatorYear
from ui.common import dialogs, operations, unsaved
from ui.common.buttons import dialog_buttons
from ui.common.changes import Area
from ui.common.field_problems import ERROR_STYLE, place_problems, problem_cell

TARGETS = (Area.TARGETS,)  # what these writes change
NOT_A_NUMBER = "请填写数字（如 92.5）"


def parse_number(text: str) -> float | None:
    """The clerk's typing as a number: full-width digits and thousands commas allowed, "" → None.

    Raises ValueError for anything else (the dialog then says so under the field)."""
    clean = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    return float(clean) if clean else None


def number_text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _buttons(dialog: QDialog, save: Callable[[], object], ok_text: str = "保存") -> QDialogButtonBox:
    buttons = dialog_buttons(dialog, ok_text, save)
    buttons.ok.setObjectName("save_button")
    return buttons.box


def _general_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error_general")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class _FormDialog(unsaved.AskingDialog):
    """A form whose fields each have a problem label under them (``self.errors[key]``)."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.errors: dict[str, QLabel] = {}
        self.order: list[str] = []
        self.general = _general_label()
        self._initial: tuple[object, ...] = ()

    def add_field(self, label: str, key: str, editor: QWidget) -> None:
        cell, error = problem_cell(editor, key)
        self.errors[key] = error
        self.order.append(key)
        self.form.addRow(label, cell)

    def finish(self, save: Callable[[], object], intro: QLabel | None = None) -> None:
        layout = QVBoxLayout(self)
        if intro is not None:
            layout.addWidget(intro)
        layout.addLayout(self.form)
        layout.addWidget(self.general)
        layout.addWidget(_buttons(self, save))
        self._initial = self.shown()

    def shown(self) -> tuple[object, ...]:
        raise NotImplementedError

    def is_dirty(self) -> bool:
        return self.shown() != self._initial

    def show_problems(self, problems: list[FieldProblem]) -> None:
        for label in [*self.errors.values(), self.general]:
            label.clear()
            label.hide()
        first = place_problems(problems, self.order, self.errors, self.general)
        focus = self.focus_of(first) if first else None
        if focus is not None:
            focus.setFocus()
        self.adjustSize()

    def focus_of(self, key: str) -> QWidget | None:
        return None

    def write(self, op: Callable[[], object]) -> bool:
        """Run the service call; on a refusal show each reason under its field and stay open."""

        def run() -> bool:
            op()
            return True  # write() returns None for a failure; most service writes return None too

        try:
            done = operations.write(self, run, TARGETS, raise_validation=True)
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return False
        return done is True


class MonthValueDialog(_FormDialog):
    """填写 one month of an indicator filled in by hand; an empty box clears the month."""

    def __init__(self, db: Database, row: IndicatorYear, month: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.indicator = row.indicator
        self.month = month
        ind = self.indicator
        self.setObjectName("month_value_dialog")
        self.setWindowTitle(f"填写{ind.name}")
        self.setMinimumWidth(420)
        self.value = QLineEdit(number_text(row.months[month - 1].value))
        self.value.setObjectName("month_value")
        self.value.setPlaceholderText("留空表示清除这个月的数值")
        intro = QLabel(f"{ind.year}年{month}月　{ind.name}（{ind.unit or '无单位'}）　目标 {ind.target_text}")
        intro.setWordWrap(True)
        method = QLabel(ind.method)
        method.setWordWrap(True)
        method.setStyleSheet("color:#57606a;")
        self.form.addRow(method)
        self.add_field(f"数值（{ind.unit}）" if ind.unit else "数值", "value", self.value)
        self.finish(self.save, intro)

    def shown(self) -> tuple[object, ...]:
        return (self.value.text().strip(),)

    def focus_of(self, key: str) -> QWidget | None:
        return self.value

    def save(self) -> bool:
        try:
            value = parse_number(self.value.text())
        except ValueError:
            self.show_problems([FieldProblem("value", "数值", NOT_A_NUMBER)])
            return False
        ind, month = self.indicator, self.month
        if self.write(lambda: targets.set_value(self.db, ind.id, ind.year, month, value)):
            self.accept()
            return True
        return False


class AirMonthDialog(_FormDialog):
    """录入空气质量: one month of the station's sheet (it feeds PM2.5, PM10 and 优良天数比例)."""

    FIELDS = (
        ("pm25", "PM2.5（μg/m³）"),
        ("pm10", "PM10（μg/m³）"),
        ("good_days", "优良天数"),
        ("valid_days", "有效监测天数"),
    )

    def __init__(self, db: Database, year: int, month: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.year = year
        self.setObjectName("air_month_dialog")
        self.setWindowTitle("录入空气质量月报")
        self.setMinimumWidth(440)
        self.known = {m.month: m for m in targets.air_months(db, year)}
        self.month = QComboBox()
        self.month.setObjectName("air_month")
        for m in targets.MONTHS:
            self.month.addItem(f"{m}月", m)
        self.month.setCurrentIndex(month - 1)
        self.edits = {key: QLineEdit() for key, _label in self.FIELDS}
        for key, edit in self.edits.items():
            edit.setObjectName(f"air_{key}")
        intro = QLabel(
            f"{year}年　按监测站月报填写。PM2.5、PM10 的年均浓度按有效监测天数加权，优良天数比例 = Σ优良天数 ÷ Σ有效监测天数。"
        )
        intro.setWordWrap(True)
        self.add_field("月份", "month", self.month)
        for key, label in self.FIELDS:
            self.add_field(label, key, self.edits[key])
        self._fill(month)
        self.month.currentIndexChanged.connect(lambda _i: self._fill(int(self.month.currentData())))
        self.finish(self.save, intro)

    def _fill(self, month: int) -> None:
        """Show what the month already holds (typing there replaces it)."""
        known = self.known.get(month)
        values = (known.pm25, known.pm10, known.good_days, known.valid_days) if known else (None,) * 4
        for (key, _label), value in zip(self.FIELDS, values, strict=True):
            self.edits[key].setText(number_text(value))

    def shown(self) -> tuple[object, ...]:
        return (self.month.currentIndex(), *(e.text().strip() for e in self.edits.values()))

    def focus_of(self, key: str) -> QWidget | None:
        return self.edits.get(key, self.month)

    def save(self) -> bool:
        numbers: dict[str, float | None] = {}
        problems: list[FieldProblem] = []
        for key, label in self.FIELDS:
            try:
                numbers[key] = parse_number(self.edits[key].text())
            except ValueError:
                problems.append(FieldProblem(key, label, NOT_A_NUMBER))
        for key, label in self.FIELDS[2:]:
            number = numbers.get(key)
            if key not in [p.field for p in problems] and (number is None or number != int(number)):
                problems.append(FieldProblem(key, label, "请填写整数天数"))
        if problems:
            self.show_problems(problems)
            return False
        month = AirMonth(
            self.year,
            int(self.month.currentData()),
            numbers["pm25"],
            numbers["pm10"],
            int(numbers["good_days"] or 0),
            int(numbers["valid_days"] or 0),
        )
        if self.write(lambda: targets.set_air_month(self.db, month)):
            self.accept()
            return True
        return False


class IndicatorDialog(_FormDialog):
    """新增 or 编辑 an indicator: name, unit, direction, source (and its range), how the year is
    made, decimals, this year's target. The method text below follows the choices as they change."""

    def __init__(
        self, db: Database, year: int, indicator: IndicatorView | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.year = year
        self.indicator = indicator
        self.saved_id: int | None = None
        self.setObjectName("indicator_dialog")
        self.setWindowTitle("编辑指标" if indicator else "新增指标")
        self.setMinimumWidth(520)
        self.name = QLineEdit(indicator.name if indicator else "")
        self.name.setObjectName("indicator_name")
        self.name.setPlaceholderText("如：秸秆综合利用率")
        self.unit = QLineEdit(indicator.unit if indicator else "")
        self.unit.setObjectName("indicator_unit")
        self.unit.setPlaceholderText("如：%、μg/m³、个")
        self.direction = QComboBox()
        self.direction.setObjectName("indicator_direction")
        for d in targets.DIRECTIONS:
            self.direction.addItem(f"{d}（{targets.DIRECTION_LABELS[d]}目标）", d)
        self.source = QComboBox()
        self.source.setObjectName("indicator_source")
        for key, label in targets.SOURCE_LABELS.items():
            self.source.addItem(label, key)
        self.source_filter = QComboBox()
        self.source_filter.setObjectName("indicator_source_filter")
        self.aggregate = QComboBox()
        self.aggregate.setObjectName("indicator_aggregate")
        for key, label in targets.AGGREGATE_LABELS.items():
            self.aggregate.addItem(label, key)
        self.decimals = QSpinBox()
        self.decimals.setObjectName("indicator_decimals")
        self.decimals.setRange(0, 4)
        self.decimals.setValue(indicator.decimals if indicator else 1)
        self.target = QLineEdit(number_text(indicator.target) if indicator else "")
        self.target.setObjectName("indicator_target")
        self.target.setPlaceholderText("留空表示本年度不设目标")
        self.method = QLabel()
        self.method.setObjectName("indicator_method")
        self.method.setWordWrap(True)
        self.method.setStyleSheet("color:#57606a;")
        if indicator is not None:
            self.direction.setCurrentIndex(max(self.direction.findData(indicator.direction), 0))
            self.source.setCurrentIndex(max(self.source.findData(indicator.source), 0))
            self.aggregate.setCurrentIndex(max(self.aggregate.findData(indicator.aggregate), 0))
        self._fill_filters(indicator.source_filter if indicator else "")
        self.source.currentIndexChanged.connect(lambda _i: self._fill_filters(""))
        self.aggregate.currentIndexChanged.connect(lambda _i: self._update_method())
        self.source_filter.currentIndexChanged.connect(lambda _i: self._update_method())
        self.add_field("指标名称", "name", self.name)
        self.add_field("单位", "unit", self.unit)
        self.add_field("方向", "direction", self.direction)
        self.add_field(f"{year}年度目标", "target", self.target)
        self.add_field("数据来源", "source", self.source)
        self.add_field("统计范围", "source_filter", self.source_filter)
        self.add_field("年累计方式", "aggregate", self.aggregate)
        self.add_field("小数位数", "decimals", self.decimals)
        self.form.addRow("计算方法", self.method)
        note = QLabel(
            f"目标只改{year}年度的，以前年度的目标不变。" if indicator else f"新指标从{year}年度起跟踪。"
        )
        note.setStyleSheet("color:#57606a;")
        self.finish(self.save, note)
        self._update_method()

    def _fill_filters(self, current: str) -> None:
        source = str(self.source.currentData())
        choices = targets.FILTER_CHOICES.get(source, ())
        self.source_filter.blockSignals(True)
        self.source_filter.clear()
        self.source_filter.addItem("全部", "")
        for choice in choices:
            self.source_filter.addItem(choice, choice)
        self.source_filter.setCurrentIndex(max(self.source_filter.findData(current), 0))
        self.source_filter.setEnabled(bool(choices))
        self.source_filter.blockSignals(False)
        self.aggregate.setEnabled(source == "entered")  # only a hand-filled indicator chooses
        self._update_method()

    def _update_method(self) -> None:
        self.method.setText(
            targets.method_text(
                str(self.source.currentData()),
                str(self.aggregate.currentData()),
                str(self.source_filter.currentData() or ""),
            )
        )

    def shown(self) -> tuple[object, ...]:
        return (
            self.name.text().strip(),
            self.unit.text().strip(),
            self.direction.currentIndex(),
            self.target.text().strip(),
            self.source.currentIndex(),
            self.source_filter.currentIndex(),
            self.aggregate.currentIndex(),
            self.decimals.value(),
        )

    def focus_of(self, key: str) -> QWidget | None:
        editors: dict[str, QWidget] = {
            "name": self.name,
            "unit": self.unit,
            "direction": self.direction,
            "target": self.target,
            "source": self.source,
            "source_filter": self.source_filter,
            "aggregate": self.aggregate,
            "decimals": self.decimals,
        }
        return editors.get(key)

    def data(self) -> IndicatorInput | None:
        try:
            target = parse_number(self.target.text())
        except ValueError:
            self.show_problems([FieldProblem("target", "目标值", NOT_A_NUMBER)])
            return None
        return IndicatorInput(
            name=self.name.text(),
            unit=self.unit.text(),
            direction=str(self.direction.currentData()),
            source=str(self.source.currentData()),
            source_filter=str(self.source_filter.currentData() or ""),
            aggregate=str(self.aggregate.currentData()),
            decimals=self.decimals.value(),
            target=target,
            remark=self.indicator.remark if self.indicator else "",
        )

    def save(self) -> bool:
        data = self.data()
        if data is None:
            return False
        if self.indicator is None:
            new_id: list[int] = []
            ok = self.write(lambda: new_id.append(targets.create_indicator(self.db, data, self.year)))
            self.saved_id = new_id[0] if new_id else None
        else:
            ind_id = self.indicator.id
            ok = self.write(lambda: targets.update_indicator(self.db, ind_id, data, self.year))
            self.saved_id = ind_id
        if ok:
            self.accept()
        return ok


class IndicatorsDialog(QDialog):
    """管理指标: the indicators of the year (retired ones too) with 新增… 编辑… 停用 / 恢复."""

    COLUMNS = ("指标", "单位", "方向", "目标", "数据来源", "状态")

    def __init__(self, db: Database, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.year = year
        self.views: list[IndicatorView] = []
        self.setObjectName("indicators_dialog")
        self.setWindowTitle(f"管理指标（{year}年度）")
        self.resize(760, 440)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("indicators_table")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton("新增指标…")
        self.add_button.setObjectName("indicator_add")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton("编辑…")
        self.edit_button.setObjectName("indicator_edit")
        self.edit_button.clicked.connect(self.edit)
        self.retire_button = QPushButton("停用")
        self.retire_button.setObjectName("indicator_retire")
        self.retire_button.clicked.connect(self.retire_or_restore)
        close = QPushButton("关闭")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.retire_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        hint = QLabel(
            f"停用的指标从{year}年度起不再跟踪，以前年度的目标和数据保留；目标按年度保存，改{year}年度的目标不影响以前年度。"
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#57606a;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        current = self.current()
        keep = select_id if select_id is not None else (current.id if current is not None else None)
        self.views = targets.list_indicators(self.db, self.year, include_retired=True)
        self.table.setRowCount(len(self.views))
        for r, v in enumerate(self.views):
            values = (
                v.name,
                v.unit,
                targets.DIRECTION_LABELS.get(v.direction, v.direction),
                v.target_text,
                v.source_label + (f"（仅{v.source_filter}）" if v.source_filter else ""),
                f"{v.retired_from}年起停用" if v.retired_from is not None else "跟踪中",
            )
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(v.method)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        row = next((n for n, v in enumerate(self.views) if v.id == keep), 0 if self.views else -1)
        if row >= 0:
            self.table.selectRow(row)
        self._update_buttons()

    def current(self) -> IndicatorView | None:
        row = self.table.currentRow()
        return self.views[row] if 0 <= row < len(self.views) else None

    def _update_buttons(self) -> None:
        view = self.current()
        self.edit_button.setEnabled(view is not None)
        self.retire_button.setEnabled(view is not None)
        self.retire_button.setText(
            "恢复跟踪" if view is not None and view.retired_from is not None else "停用"
        )

    def add(self) -> IndicatorDialog:
        dialog = IndicatorDialog(self.db, self.year, None, self)
        dialog.accepted.connect(lambda: self.reload(dialog.saved_id))
        dialog.open()
        return dialog

    def edit(self) -> IndicatorDialog | None:
        view = self.current()
        if view is None:
            return None
        dialog = IndicatorDialog(self.db, self.year, view, self)
        dialog.accepted.connect(lambda: self.reload(view.id))
        dialog.open()
        return dialog

    def retire_or_restore(self) -> None:
        view = self.current()
        if view is None:
            return
        if view.retired_from is not None:
            operations.write(self, lambda: targets.restore_indicator(self.db, view.id), TARGETS)
        elif dialogs.confirm(
            self,
            f"从{self.year}年度起停用“{view.name}”？\n以前年度的目标和数据保留，以后可以恢复跟踪。",
            ok_text="停用",
        ):
            operations.write(self, lambda: targets.retire_indicator(self.db, view.id, self.year), TARGETS)
        self.reload(view.id)
