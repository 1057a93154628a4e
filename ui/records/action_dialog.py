"""A small form for one action (开始整改, 退回, 批量延期 …): a few fields, then one service call.

The fields are declared as :class:`~ecodesk.services.records.Field` so the editors are the same as
in every record form. Saving checks the required fields, converts dates and references, and runs
the operation through :func:`ui.common.operations.write`; a refusal (a :class:`ValidationError` from the
service) puts each problem in red under its own field (``ui.records.form.problem_cell``: word-wrapped,
in its own space, the dialog grows to fit it, gone once that field is edited) and what concerns no
field of the dialog (a photo still missing, the records' state) under the fields; the dialog stays
open with everything typed. Esc or 取消 after typing asks 放弃未保存的内容？ first (``ui.common.unsaved``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ecodesk.dates import DateParseError, parse_date
from ecodesk.db.database import Database
from ecodesk.errors import FieldProblem, ValidationError
from ecodesk.schema import Field, FieldType
from ecodesk.services.lookups import ref_choices
from ui.common import operations, unsaved
from ui.common.buttons import dialog_buttons
from ui.common.changes import Change, checked
from ui.common.field_editors import FieldEditor, make_editor
from ui.common.field_problems import ERROR_STYLE, REQUIRED_MARK, is_ctrl_enter, place_problems, problem_cell

_DONE = object()


class ActionDialog(unsaved.AskingDialog):
    """``result_value`` is what the operation returned once it succeeded."""

    def __init__(
        self,
        parent: QWidget | None,
        db: Database,
        title: str,
        fields: Sequence[Field],
        op: Callable[[dict[str, Any]], Any],
        changed: Sequence[Change],
        *,
        intro: str = "",
        ok_text: str = "确定",
        values: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("action_dialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self._fields = tuple(fields)
        self._op = op
        self._changed = checked(changed)  # an unknown name fails here, before the clerk types anything
        self.result_value: Any = None
        self.editors: dict[str, FieldEditor] = {}
        self.error_labels: dict[str, QLabel] = {}  # each field's problem, under it

        layout = QVBoxLayout(self)
        if intro:
            intro_label = QLabel(intro)
            intro_label.setObjectName("action_intro")
            intro_label.setWordWrap(True)
            intro_label.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(intro_label)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for f in self._fields:
            choices = ref_choices(db, f.ref) if f.type is FieldType.REF and f.ref is not None else None
            editor = make_editor(f, choices)
            self.editors[f.key] = editor
            label = QLabel(f"{f.label}{REQUIRED_MARK if f.required else ''}：")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setBuddy(editor.focus_widgets[0])
            cell, self.error_labels[f.key] = problem_cell(editor.widget, f.key)
            form.addRow(label, cell)
            if values is not None and f.key in values:
                editor.set_value(values[f.key])
        layout.addLayout(form)

        self.error_label = QLabel()  # the problems that belong to no field of this dialog
        self.error_label.setObjectName("action_error")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)

        buttons, self.ok_button, _cancel = dialog_buttons(self, ok_text, self.save)
        layout.addWidget(buttons)
        for editor in self.editors.values():
            if isinstance(editor.widget, QPlainTextEdit):
                editor.widget.installEventFilter(self)  # Ctrl+Enter saves, as its placeholder says
        self._initial = {key: editor.value() for key, editor in self.editors.items()}
        if self._fields:
            self.editors[self._fields[0].key].focus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if is_ctrl_enter(event):
            self.save()
            return True
        return super().eventFilter(watched, event)

    def values(self) -> dict[str, Any]:
        """The typed values (dates as dates, references as ids); raises naming every bad field."""
        problems: list[FieldProblem] = []
        values: dict[str, Any] = {}
        for f in self._fields:
            raw = self.editors[f.key].value()
            blank = raw is None or (isinstance(raw, str) and not raw.strip())
            if blank:
                if f.required:
                    problems.append(FieldProblem(f.key, f.label, "必须填写"))
                values[f.key] = None if f.type in (FieldType.DATE, FieldType.REF) else ""
                continue
            if f.type is FieldType.DATE:
                try:
                    values[f.key] = parse_date(raw)
                except DateParseError as exc:
                    problems.append(FieldProblem(f.key, f.label, str(exc)))
            elif f.type is FieldType.REF:
                if isinstance(raw, int):
                    values[f.key] = raw
                else:
                    target = f.ref.target_label if f.ref is not None else f.label
                    problems.append(FieldProblem(f.key, f.label, f"找不到{target}“{raw}”，请从列表中选择"))
            else:
                values[f.key] = raw.strip() if isinstance(raw, str) else raw
        if problems:
            raise ValidationError(problems)
        return values

    def save(self) -> None:
        for label in (*self.error_labels.values(), self.error_label):
            label.clear()
            label.hide()
        try:
            values = self.values()
            outcome = operations.write(
                self, lambda: (_DONE, self._op(values)), self._changed, raise_validation=True
            )
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return
        if outcome is None:
            return  # an error was shown in a message box; the dialog keeps what was typed
        self.result_value = outcome[1]
        self.accept()

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        """Each problem under its field (the rest under the fields), the cursor on the first, then grow
        to fit them."""
        first = place_problems(problems, [f.key for f in self._fields], self.error_labels, self.error_label)
        if first is not None:
            self.editors[first].focus()
        self.adjustSize()  # room for the messages: nothing is squeezed over the next field

    def problems_text(self) -> str:
        """Every problem shown now, one a line, each field's named by its label ("退回原因：必须填写")."""
        lines = [
            f"{f.label}：{self.error_labels[f.key].text()}"
            for f in self._fields
            if self.error_labels[f.key].isVisibleTo(self)
        ]
        if self.error_label.isVisibleTo(self):
            lines.append(self.error_label.text())
        return "\n".join(lines)

    def is_dirty(self) -> bool:
        """Anything differs from what the dialog showed when it opened."""
        return any(editor.value() != self._initial.get(key) for key, editor in self.editors.items())

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        db: Database,
        title: str,
        fields: Sequence[Field],
        op: Callable[[dict[str, Any]], Any],
        changed: Sequence[Change],
        **options: Any,
    ) -> Any | None:
        """Show the form modally; what the operation returned, or None when cancelled."""
        dialog = cls(parent, db, title, fields, op, changed, **options)
        try:
            return dialog.result_value if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
