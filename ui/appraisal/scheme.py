"""考核方案 editor: the year's title and weight, and its items — category, name, maximum, bonus or not,
the rule and the rule's numbers, the standard printed on the sheet.

The items are a table edited in place; the rule and its numbers of the selected item are edited in the
pane below (editors built from the rule's declared parameters). 保存 sends everything to
``appraisal.save_scheme`` in one call through ``operations.write``, so the open pages hear of the new
scheme like any other write; any problem is listed and nothing is changed. Esc, 取消 or × after a
change asks 放弃未保存的内容？ first (``ui.common.unsaved``).
"""

from __future__ import annotations

from dataclasses import astuple, replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
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

from ecodesk.appraisal import rules
from ecodesk.appraisal.defaults import ItemInput
from ecodesk.db.database import Database
from ecodesk.services import appraisal
from ui.common import operations, unsaved
from ui.common.changes import Area

CATEGORY, NAME, MAX, BONUS, RULE = range(5)
HEADERS = ("考核类别", "考核项目", "分值", "加分项", "计分规则")
DATA = Qt.ItemDataRole.UserRole  # on the category cell: {"id", "params", "standard"}


class SchemeDialog(unsaved.AskingDialog):
    def __init__(self, db: Database, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.year = db, year
        self.setObjectName("scheme_dialog")
        self.setWindowTitle(f"{year}年度考核方案")
        self.resize(980, 640)
        data = appraisal.sheet(db, year)
        self.title = QLineEdit(data.title)
        self.title.setObjectName("scheme_title")
        self.weight = QDoubleSpinBox()
        self.weight.setObjectName("scheme_weight")
        self.weight.setRange(0.1, 100)
        self.weight.setDecimals(1)
        self.weight.setSuffix(" %")
        self.weight.setValue(data.weight)
        head = QFormLayout()
        head.addRow("考核名称", self.title)
        head.addRow("折算比例（纳入年终对村考核）", self.weight)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("scheme_items")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((190, 190, 70, 60)):
            self.table.setColumnWidth(column, width)
        for item in data.items:
            self._append(
                ItemInput(
                    item.category,
                    item.name,
                    item.max_score,
                    item.rule,
                    item.params,
                    item.bonus,
                    item.standard,
                    item.id,
                )
            )
        self.table.itemSelectionChanged.connect(self._show_rule)
        self.table.itemChanged.connect(lambda _i: self._update_total())

        buttons = QHBoxLayout()
        for text, slot in (
            ("添加项目", self.add_item),
            ("删除项目", self.remove_item),
            ("上移", lambda: self.move_item(-1)),
            ("下移", lambda: self.move_item(1)),
        ):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.total_label = QLabel()
        self.total_label.setObjectName("scheme_total")
        buttons.addWidget(self.total_label)

        self.rule_box = QGroupBox("计分规则")
        self.rule_form = QFormLayout(self.rule_box)
        self.standard = QLineEdit()
        self.standard.setPlaceholderText("留空则按计分规则自动生成")
        self.param_editors: dict[str, QWidget] = {}

        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        box.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.rule_box)
        layout.addWidget(box)
        self._update_total()
        if self.table.rowCount():
            self.table.selectRow(0)
        self._initial = self._snapshot()

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database, year: int) -> bool:
        """Edit the scheme; True when it was saved."""
        dialog = cls(db, year, parent)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    # -- rows ----------------------------------------------------------------------------------

    def _append(self, item: ItemInput, row: int | None = None) -> None:
        row = self.table.rowCount() if row is None else row
        self.table.blockSignals(True)
        self.table.insertRow(row)
        category = QTableWidgetItem(item.category)
        category.setData(DATA, {"id": item.id, "params": dict(item.params), "standard": item.standard})
        self.table.setItem(row, CATEGORY, category)
        self.table.setItem(row, NAME, QTableWidgetItem(item.name))
        self.table.setItem(row, MAX, QTableWidgetItem(f"{item.max_score:g}"))
        bonus = QTableWidgetItem()
        bonus.setFlags(
            Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        )
        bonus.setCheckState(Qt.CheckState.Checked if item.bonus else Qt.CheckState.Unchecked)
        self.table.setItem(row, BONUS, bonus)
        combo = QComboBox()
        for key, rule in rules.RULES.items():
            combo.addItem(rule.label, key)
        combo.setCurrentIndex(max(combo.findData(item.rule), 0))
        combo.currentIndexChanged.connect(lambda _i, c=combo: self._rule_changed(c))
        self.table.setCellWidget(row, RULE, combo)
        self.table.blockSignals(False)

    def _combo(self, row: int) -> QComboBox:
        widget = self.table.cellWidget(row, RULE)
        assert isinstance(widget, QComboBox)
        return widget

    def _row_data(self, row: int) -> dict[str, Any]:
        cell = self.table.item(row, CATEGORY)
        assert cell is not None
        return dict(cell.data(DATA) or {})

    def _set_row_data(self, row: int, data: dict[str, Any]) -> None:
        cell = self.table.item(row, CATEGORY)
        assert cell is not None
        cell.setData(DATA, data)

    def _current_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def add_item(self) -> None:
        row = self._current_row()
        current = self.table.item(row, CATEGORY) if row >= 0 else None
        self._append(
            ItemInput(current.text() if current is not None else "", "", 5.0), row + 1 if row >= 0 else None
        )
        new = row + 1 if row >= 0 else self.table.rowCount() - 1
        self.table.selectRow(new)
        name = self.table.item(new, NAME)
        if name is not None:
            self.table.editItem(name)
        self._update_total()

    def remove_item(self) -> None:
        row = self._current_row()
        if row >= 0:
            self.table.removeRow(row)
            self._update_total()

    def move_item(self, step: int) -> None:
        row = self._current_row()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        self._store_rule(row)
        item = self.item_input(row)
        self.table.removeRow(row)
        self._append(item, target)
        self.table.selectRow(target)

    # -- the rule pane -------------------------------------------------------------------------

    def _rule_changed(self, combo: QComboBox) -> None:
        for row in range(self.table.rowCount()):
            if self.table.cellWidget(row, RULE) is combo:
                data = self._row_data(row)
                data["params"] = rules.RULES[combo.currentData()].defaults()
                self._set_row_data(row, data)
                if row == self._current_row():
                    self._show_rule()

    def _show_rule(self) -> None:
        previous = getattr(self, "_shown_row", -1)
        if 0 <= previous < self.table.rowCount():
            self._store_rule(previous)
        while self.rule_form.rowCount():
            self.rule_form.removeRow(0)
        self.param_editors = {}
        self.standard = QLineEdit()
        self.standard.setPlaceholderText("留空则按计分规则自动生成")
        row = self._current_row()
        self._shown_row = row
        if row < 0:
            return
        rule = rules.RULES[self._combo(row).currentData()]
        data = self._row_data(row)
        params = {**rule.defaults(), **data.get("params", {})}
        for p in rule.params:
            editor: QWidget
            if p.kind == "choice":
                combo = QComboBox()
                combo.addItems(list(p.choices))
                combo.setCurrentText(str(params[p.key]))
                editor = combo
            elif p.kind == "int":
                spin = QSpinBox()
                spin.setRange(int(p.minimum), int(p.maximum))
                spin.setValue(int(params[p.key]))
                editor = spin
            else:
                dspin = QDoubleSpinBox()
                dspin.setRange(p.minimum, p.maximum)
                dspin.setDecimals(2)
                dspin.setSingleStep(0.5)
                dspin.setValue(float(params[p.key]))
                editor = dspin
            editor.setObjectName(f"param_{p.key}")
            self.param_editors[p.key] = editor
            self.rule_form.addRow(p.label, editor)
        if not rule.params:
            self.rule_form.addRow(QLabel("人工评分：计算时按满分（加分项按0分）计，由考核组调整并写明原因。"))
        self.standard.setText(data.get("standard", ""))
        self.rule_form.addRow("考核标准", self.standard)

    def _store_rule(self, row: int) -> None:
        data = self._row_data(row)
        params: dict[str, Any] = {}
        for key, editor in self.param_editors.items():
            if isinstance(editor, QComboBox):
                params[key] = editor.currentText()
            elif isinstance(editor, QSpinBox | QDoubleSpinBox):
                params[key] = editor.value()
        data["params"] = params
        data["standard"] = self.standard.text().strip()
        self._set_row_data(row, data)

    # -- saving --------------------------------------------------------------------------------

    def item_input(self, row: int) -> ItemInput:
        data = self._row_data(row)

        def text(column: int) -> str:
            cell = self.table.item(row, column)
            return cell.text().strip() if cell is not None else ""

        try:
            max_score = float(text(MAX) or 0)
        except ValueError:
            max_score = -1.0  # reported by the service as an invalid 分值
        bonus_cell = self.table.item(row, BONUS)
        return ItemInput(
            text(CATEGORY),
            text(NAME),
            max_score,
            str(self._combo(row).currentData()),
            data.get("params", {}),
            bonus_cell is not None and bonus_cell.checkState() == Qt.CheckState.Checked,
            data.get("standard", ""),
            data.get("id"),
        )

    def items(self) -> list[ItemInput]:
        row = self._current_row()
        if row >= 0:
            self._store_rule(row)
        return [self.item_input(r) for r in range(self.table.rowCount())]

    def _update_total(self) -> None:
        full = bonus = 0.0
        for row in range(self.table.rowCount()):
            item = self.item_input(row)
            if item.max_score > 0:
                if item.bonus:
                    bonus += item.max_score
                else:
                    full += item.max_score
        self.total_label.setText(f"满分 {full:g} 分，加分项 {bonus:g} 分")

    def save(self) -> None:
        """Save as an ordinary write (:func:`ui.common.operations.write`): the open pages hear of it, and a
        refusal is listed while the dialog stays open with everything typed."""
        title, weight, items = self.title.text(), self.weight.value(), self.items()

        def op() -> bool:
            appraisal.save_scheme(self.db, self.year, title, weight, items)
            return True

        if operations.write(self, op, [Area.APPRAISAL], refused_title="方案填写有误"):
            self.accept()

    # -- closing -------------------------------------------------------------------------------

    def _snapshot(self) -> tuple[Any, ...]:
        """What the dialog shows, with each rule's numbers completed from its defaults, so merely
        selecting a row (which fills in the rule pane) does not count as a change."""

        def normal(item: ItemInput) -> tuple[Any, ...]:
            rule = rules.RULES.get(item.rule)
            params = {**(rule.defaults() if rule is not None else {}), **item.params}
            return (*astuple(replace(item, params={})), sorted(params.items()))

        return self.title.text(), self.weight.value(), [normal(item) for item in self.items()]

    def is_dirty(self) -> bool:
        return self._snapshot() != self._initial
