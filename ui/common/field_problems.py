"""A field's problem shown under it, and the keys every input dialog shares.

Used by the record forms (``ui.records.form``), the action dialogs, the patrol entry and the small
dialogs in ``ui.common``: a message takes its own space under its field, wraps, and clears as soon as
the field is edited; Ctrl+Enter saves where plain Enter makes a new line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ecodesk.errors import FieldProblem

# The red * after a required field's label.
REQUIRED_MARK = '<span style="color:#c62828">*</span>'

ERROR_STYLE = "color:#c62828;"


def is_ctrl_enter(event: QEvent) -> bool:
    """Ctrl+Enter: how a form with multi-line boxes saves (plain Enter there makes a new line)."""
    return (
        event.type() == QEvent.Type.KeyPress
        and isinstance(event, QKeyEvent)
        and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        and bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
    )


def problem_cell(editor_widget: QWidget, key: str, prefix: str = "error_") -> tuple[QWidget, QLabel]:
    """The field with its problem label under it, in the layout (taking its own space, word-wrapped),
    so a message never draws over the next field; the label hides again as soon as the field is edited."""
    error = QLabel()
    error.setObjectName(f"{prefix}{key}")
    error.setStyleSheet(ERROR_STYLE)
    error.setWordWrap(True)
    error.hide()
    cell = QWidget()
    cell_layout = QVBoxLayout(cell)
    cell_layout.setContentsMargins(0, 0, 0, 2)
    cell_layout.setSpacing(1)
    cell_layout.addWidget(editor_widget)
    cell_layout.addWidget(error)
    clear_on_edit(editor_widget, error)
    return cell, error


def clear_on_edit(widget: QWidget, error: QLabel) -> None:
    """Hide ``error`` once anything in ``widget`` is edited: no stale 必须填写 under a filled field."""

    def clear(*_args: object) -> None:
        if error.isVisible() or error.text():
            error.clear()
            error.hide()

    for w in [widget, *widget.findChildren(QWidget)]:
        if isinstance(w, QLineEdit):
            w.textEdited.connect(clear)
        elif isinstance(w, QPlainTextEdit):
            w.textChanged.connect(clear)
        elif isinstance(w, QComboBox):
            w.currentIndexChanged.connect(clear)
            w.editTextChanged.connect(clear)
        elif isinstance(w, QAbstractButton) and w.isCheckable():
            w.toggled.connect(clear)


def place_problems(
    problems: Sequence[FieldProblem], order: Sequence[str], labels: Mapping[str, QLabel], general: QLabel
) -> str | None:
    """Show each problem under its field (in form order), the rest in ``general``; the first field's key."""
    rest: list[str] = []
    first: str | None = None
    for problem in sorted(problems, key=lambda p: order.index(p.field) if p.field in order else len(order)):
        label = labels.get(problem.field)
        if label is None:
            rest.append(str(problem))
            continue
        label.setText(problem.reason if not label.text() else f"{label.text()}；{problem.reason}")
        label.show()
        first = first or problem.field
    if rest:
        general.setText("\n".join(rest))
        general.show()
    return first
