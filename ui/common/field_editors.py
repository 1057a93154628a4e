"""One editor widget per field type, generated from a :class:`~ecodesk.services.records.Field`.

Editors hand the service what the clerk typed (text for numbers and dates, ids for references,
lists for multi-choices); the service parses and validates. So a rule lives in one place, and a
bad value is reported by the service with the field and the reason, never silently "fixed" here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QRegularExpression, Qt, Signal
from PySide6.QtGui import QAction, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QWidget,
    QWidgetAction,
)

from ecodesk import dates
from ecodesk.dates import DateParseError, format_iso, parse_date
from ecodesk.schema import Field, FieldType
from ui.common.icons import icon

DATE_PLACEHOLDER = "如 2024-03-05 或 2024年3月5日"


class DateLineEdit(QLineEdit):
    """A date box that may stay blank: typed as 2024-03-05 / 2024年3月5日 / 2024.3.5, or picked.

    A recognisable date is rewritten as 2024-03-05 when the box is left; anything else is kept as
    typed so the service can say what is wrong with it.

    Signals: ``date_changed()`` when the text was committed (Enter, leaving the box, picking a day).
    """

    date_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(DATE_PLACEHOLDER)
        self._calendar = QCalendarWidget()
        self._calendar.setGridVisible(True)
        self._calendar.clicked.connect(self._picked)
        self._calendar.activated.connect(self._picked)
        self._menu = QMenu(self)
        holder = QWidgetAction(self._menu)
        holder.setDefaultWidget(self._calendar)
        self._menu.addAction(holder)
        pick = QAction(icon("calendar"), "选择日期", self)
        pick.triggered.connect(self._show_calendar)
        self.addAction(pick, QLineEdit.ActionPosition.TrailingPosition)
        self.editingFinished.connect(self._normalise)

    def parsed_date(self) -> date | None:
        """The date shown, or None when blank or unreadable."""
        try:
            return parse_date(self.text())
        except DateParseError:
            return None

    def set_date(self, value: date | None) -> None:
        self.setText(format_iso(value))

    def _normalise(self) -> None:
        value = self.parsed_date()
        if value is not None:
            self.setText(format_iso(value))
        self.date_changed.emit()

    def _show_calendar(self) -> None:
        current = self.parsed_date() or dates.today()
        self._calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        self._menu.popup(self.mapToGlobal(self.rect().bottomLeft()))

    def _picked(self, qdate: QDate) -> None:
        self._menu.close()
        self.set_date(date(qdate.year(), qdate.month(), qdate.day()))
        self.date_changed.emit()


class FieldEditor:
    """The widget for one field; ``value()`` is what goes to the service as raw input."""

    def __init__(self, field: Field, widget: QWidget, focus: QWidget | None = None) -> None:
        self.field = field
        self.widget = widget
        self.focus_widgets: list[QWidget] = [focus or widget]
        widget.setObjectName(f"field_{field.key}")
        if field.help:
            widget.setToolTip(field.help)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus(self) -> None:
        self.focus_widgets[0].setFocus(Qt.FocusReason.OtherFocusReason)


class TextEditor(FieldEditor):
    def __init__(self, field: Field, placeholder: str = "") -> None:
        self.edit = QLineEdit()
        if field.max_len:
            self.edit.setMaxLength(field.max_len)
        self.edit.setPlaceholderText(placeholder or field.help)
        self.edit.setClearButtonEnabled(True)
        super().__init__(field, self.edit)

    def value(self) -> str:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))


class LongTextEditor(FieldEditor):
    """Multi-line text: Enter makes a new line, Ctrl+Enter saves the form."""

    def __init__(self, field: Field) -> None:
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)  # Tab moves on, as in every other box of the form
        self.edit.setPlaceholderText(field.help or "可换行；按 Ctrl+Enter 保存")
        line = self.edit.fontMetrics().lineSpacing()
        self.edit.setFixedHeight(line * 4 + 12)
        super().__init__(field, self.edit)

    def value(self) -> str:
        return self.edit.toPlainText()

    def set_value(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))


class NumberEditor(FieldEditor):
    def __init__(self, field: Field) -> None:
        self.edit = QLineEdit()
        pattern = r"-?\d{0,12}" if field.type is FieldType.INT else r"-?\d{0,12}([.]\d{0,6})?"
        self.edit.setValidator(QRegularExpressionValidator(QRegularExpression(pattern), self.edit))
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.edit.setMaximumWidth(160)
        self.edit.setPlaceholderText(_range_hint(field))
        super().__init__(field, self.edit)

    def value(self) -> str:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        if value is None:
            self.edit.setText("")
        elif isinstance(value, float):
            self.edit.setText(f"{value:g}")
        else:
            self.edit.setText(str(value))


class DateEditor(FieldEditor):
    def __init__(self, field: Field) -> None:
        self.edit = DateLineEdit()
        self.edit.setMaximumWidth(260)
        super().__init__(field, self.edit)

    def value(self) -> str:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        self.edit.set_date(value) if isinstance(value, date) or value is None else self.edit.setText(
            str(value)
        )


class BoolEditor(FieldEditor):
    def __init__(self, field: Field) -> None:
        self.box = QCheckBox("是")
        self.box.setChecked(bool(field.default))
        super().__init__(field, self.box)

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))


class ChoiceEditor(FieldEditor):
    """One of the field's choices; a blank entry first when the field may stay empty."""

    def __init__(self, field: Field) -> None:
        self.combo = QComboBox()
        if not field.required:
            self.combo.addItem("", "")
        for choice in field.choices:
            self.combo.addItem(choice, choice)
        self.combo.setPlaceholderText("请选择…")
        self.combo.setMinimumWidth(160)
        super().__init__(field, self.combo)
        self.set_value(field.default)

    def value(self) -> str:
        return str(self.combo.currentData() or "") if self.combo.currentIndex() >= 0 else ""

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        index = self.combo.findData(text)
        if index < 0 and text:  # a value from before the choices changed: keep it visible
            self.combo.addItem(text, text)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index if (text or not self.field.required) else -1)


BOXES_PER_ROW = 4


class MultiEditor(FieldEditor):
    def __init__(self, field: Field) -> None:
        holder = QWidget()
        layout = QGridLayout(holder)  # rows of a few boxes: a long list never widens the form
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[QCheckBox] = []
        for number, choice in enumerate(field.choices):
            box = QCheckBox(choice)
            box.setObjectName(f"field_{field.key}_{choice}")
            layout.addWidget(box, number // BOXES_PER_ROW, number % BOXES_PER_ROW)
            self.boxes.append(box)
        layout.setColumnStretch(BOXES_PER_ROW, 1)
        super().__init__(field, holder, self.boxes[0] if self.boxes else holder)
        self.focus_widgets = list(self.boxes) or [holder]

    def value(self) -> list[str]:
        return [box.text() for box in self.boxes if box.isChecked()]

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for box in self.boxes:
            box.setChecked(box.text() in chosen)


class RefEditor(FieldEditor):
    """Another record, chosen from a list or typed (any part of the name completes it).

    Hands the service the id when the text names a listed record, else the text itself, so an
    unknown name is reported by the service ("找不到村/社区“…”") instead of vanishing.
    """

    def __init__(self, field: Field, choices: list[tuple[int, str]]) -> None:
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        if not field.required:
            self.combo.addItem("", None)
        for record_id, label in choices:
            self.combo.addItem(label, record_id)
        completer = QCompleter(self.combo.model(), self.combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.combo.setCompleter(completer)
        target = field.ref.target_label if field.ref else ""
        placeholder = "请选择或输入名称" if choices else f"请先在基础信息中登记{target or '相关记录'}"
        line_edit = self.combo.lineEdit()
        assert line_edit is not None
        line_edit.setPlaceholderText(placeholder)
        self.combo.setMinimumWidth(240)
        super().__init__(field, self.combo)
        self.combo.setCurrentIndex(-1)

    def value(self) -> int | str | None:
        text = self.combo.currentText().strip()
        if not text:
            return None
        index = self.combo.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0 and self.combo.itemData(index) is not None:
            return int(self.combo.itemData(index))
        return text

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else -1
        self.combo.setCurrentIndex(index)
        if index < 0:
            self.combo.setEditText("")


class CustomEditor(TextEditor):
    """A field with its own syntax (roles with 职务, grid members): the help text shows how."""


def make_editor(field: Field, ref_choices: list[tuple[int, str]] | None = None) -> FieldEditor:
    t = field.type
    if t is FieldType.LONGTEXT:
        return LongTextEditor(field)
    if t in (FieldType.INT, FieldType.FLOAT):
        return NumberEditor(field)
    if t is FieldType.DATE:
        return DateEditor(field)
    if t is FieldType.BOOL:
        return BoolEditor(field)
    if t is FieldType.CHOICE:
        return ChoiceEditor(field)
    if t is FieldType.MULTI:
        return MultiEditor(field)
    if t is FieldType.REF:
        return RefEditor(field, ref_choices or [])
    if t is FieldType.CUSTOM:
        return CustomEditor(field, field.help)
    return TextEditor(field)


def _range_hint(field: Field) -> str:
    if field.min_value is not None and field.max_value is not None:
        return f"{field.min_value:g}～{field.max_value:g}，可不填"
    return "可不填" if not field.required else ""
