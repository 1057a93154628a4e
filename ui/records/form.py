"""The edit form of any record kind, generated from ``kind.form_fields``.

Keyboard first, as the clerk types from paper: Tab follows the field order, Enter saves (Ctrl+Enter
inside a multi-line box), Esc cancels — after asking 放弃未保存的内容？ when anything was typed or changed
(``ui.common.unsaved``). A rejected save keeps everything typed and puts each problem
in red under its field, with the cursor on the first one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ecodesk.db.database import Database
from ecodesk.errors import FieldProblem, ValidationError
from ecodesk.schema import Field, FieldType, RecordKind
from ecodesk.services import records
from ecodesk.services.lookups import ref_choices
from ui.common import operations, unsaved
from ui.common.buttons import dialog_buttons
from ui.common.field_editors import FieldEditor, make_editor
from ui.common.field_problems import ERROR_STYLE, REQUIRED_MARK, is_ctrl_enter, place_problems, problem_cell

TWO_COLUMNS_FROM = 9  # a form with this many fields lays them out in two columns
TWO_COLUMN_WIDTH = 860  # px a two-column form takes when the screen has room (hints stay readable)
WIDE_TYPES = frozenset({FieldType.LONGTEXT, FieldType.MULTI})
LABEL_TOP = 4  # px: a label's text level with a line edit's
SCREEN_MARGIN = 24  # px kept free around a dialog on the screen


def fitted_size(
    dialog: QWidget, fields: QWidget, scroll: QScrollArea, hint: QSize, preferred_width: int = 0
) -> QSize:
    """A form dialog's size: the fields' full width and height plus the dialog's frame, bounded by the
    screen's available area (1366×728 on a 1366×768 laptop with its taskbar). What does not fit in
    height scrolls vertically; the width always fits the fields, so nothing scrolls sideways."""
    content = fields.sizeHint()
    chrome = hint - scroll.sizeHint()  # what the dialog adds around the scroll area
    bar = scroll.verticalScrollBar().sizeHint().width()
    width = max(hint.width(), content.width() + bar + max(chrome.width(), 0), preferred_width)
    height = max(hint.height(), content.height() + max(chrome.height(), 0) + 8)
    screen = dialog.screen().availableGeometry() if dialog.screen() else None
    if screen is not None:
        width = min(width, screen.width() - SCREEN_MARGIN)
        height = min(height, screen.height() - SCREEN_MARGIN)
    return QSize(width, height)


class RecordDialog(unsaved.AskingDialog):
    """Add (``record_id=None``) or edit one record. ``saved_id`` is set once the service accepted it."""

    def __init__(
        self, db: Database, kind: RecordKind, record_id: int | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._db = db
        self._kind = kind
        self._record_id = record_id
        self.saved_id: int | None = None
        self.editors: dict[str, FieldEditor] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._initial: dict[str, Any] = {}
        self._sized = False

        self.setObjectName(f"record_dialog_{kind.name}")
        self.setMinimumWidth(560)
        obj = records.get(db, kind, record_id) if record_id is not None else None
        # What the record names already stays choosable (a village 撤销 since is offered to no new record).
        self._keep: set[int] = set()
        if obj is not None:
            self._keep = {records.form_value(f, obj) for f in kind.form_fields if f.ref is not None}
        self._build()
        if obj is not None:
            for f in kind.form_fields:
                self.editors[f.key].set_value(records.form_value(f, obj))
            title = getattr(obj, kind.title_key, "") or f"编号 {record_id}"
            self.setWindowTitle(f"编辑{kind.label} — {title}")
        else:
            self.setWindowTitle(f"新增{kind.label}")
        self._initial = {key: editor.value() for key, editor in self.editors.items()}
        first = kind.form_fields[0].key if kind.form_fields else None
        if first:
            self.editors[first].focus()

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        form_holder = QWidget()
        form_holder.setObjectName("form_fields")
        form = QGridLayout(form_holder)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(4)
        fields = self._kind.form_fields
        pairs = 2 if len(fields) >= TWO_COLUMNS_FROM else 1  # label + field pairs side by side
        self._preferred_width = TWO_COLUMN_WIDTH if pairs > 1 else 0
        row = column = 0
        focus_chain: list[QWidget] = []
        for f in fields:
            choices = ref_choices(self._db, f.ref, self._keep) if f.type is FieldType.REF and f.ref else None
            editor = self.create_editor(f, choices)
            self.editors[f.key] = editor
            label = QLabel(f"{f.label}{REQUIRED_MARK if f.required else ''}：")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setBuddy(editor.focus_widgets[0])
            label.setContentsMargins(0, LABEL_TOP, 0, 0)  # level with the text of the field beside it
            cell, self.error_labels[f.key] = problem_cell(editor.widget, f.key)
            wide = pairs > 1 and f.type in WIDE_TYPES  # a long text or a row of boxes takes the width
            if wide and column:
                row, column = row + 1, 0
            form.addWidget(label, row, 2 * column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            form.addWidget(cell, row, 2 * column + 1, 1, 3 if wide else 1)
            column = 0 if wide else column + 1
            if column == 0 or column == pairs:
                row, column = row + 1, 0
            focus_chain += editor.focus_widgets
        for pair in range(pairs):
            form.setColumnStretch(2 * pair + 1, 1)
        form.setRowStretch(row + 1, 1)  # short forms keep their fields at the top

        self.general_error = QLabel()
        self.general_error.setObjectName("general_error")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()

        hint = QLabel(f"{REQUIRED_MARK} 为必填项。Enter 保存，Esc 取消。")
        hint.setTextFormat(Qt.TextFormat.RichText)
        hint.setStyleSheet("color:#666;")

        buttons, self.save_button, self.cancel_button = dialog_buttons(self, "保存", self.save)

        # Scrolls down, never sideways: the dialog is made as wide as the fields need (sizeHint).
        scroll = QScrollArea()
        scroll.setObjectName("form_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(form_holder)
        self._fields_holder = form_holder
        self._scroll = scroll

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(hint)
        layout.addWidget(buttons)

        for previous, following in zip(focus_chain, focus_chain[1:], strict=False):
            QWidget.setTabOrder(previous, following)
        if focus_chain:
            QWidget.setTabOrder(focus_chain[-1], self.save_button)
            QWidget.setTabOrder(self.save_button, self.cancel_button)
        for editor in self.editors.values():
            if isinstance(editor.widget, QPlainTextEdit):
                editor.widget.installEventFilter(self)

    def create_editor(self, f: Field, choices: list[tuple[int, str]] | None) -> FieldEditor:
        """The editor of one field; a kind's own form (ui/org/forms.py) replaces some."""
        return make_editor(f, choices)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Enter in a multi-line box saves (plain Enter there makes a new line)."""
        if is_ctrl_enter(event):
            self.save()
            return True
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:
        """Wide enough for every field (no sideways scrolling), as tall as they are, within the screen."""
        return fitted_size(self, self._fields_holder, self._scroll, super().sizeHint(), self._preferred_width)

    def showEvent(self, event: Any) -> None:
        if not self._sized:  # Qt opens a window at most 2/3 of the screen tall; the form may use it all
            self._sized = True
            self.resize(self.sizeHint())
        super().showEvent(event)

    # -- saving --------------------------------------------------------------------------------

    def raw_values(self) -> dict[str, Any]:
        """What goes to the service: every field for a new record, only the changed ones for an edit."""
        values = {key: editor.value() for key, editor in self.editors.items()}
        if self._record_id is None:
            return values
        return {key: value for key, value in values.items() if value != self._initial.get(key)}

    def save(self) -> None:
        self._clear_problems()
        raw = self.raw_values()
        if self._record_id is not None and not raw:
            self.saved_id = self._record_id
            self.accept()  # nothing changed: nothing to write, nothing to log
            return
        if self._record_id is None:
            op = lambda: records.create(self._db, self._kind, raw)  # noqa: E731
        else:
            record_id = self._record_id
            op = lambda: records.update(self._db, self._kind, record_id, raw)  # noqa: E731
        try:
            obj = operations.write(self, op, [self._kind], raise_validation=True)
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return
        if obj is None:
            return  # the error was shown; everything typed stays in the form
        self.saved_id = int(obj.id)
        self.accept()

    def show_problems(self, problems: list[FieldProblem]) -> None:
        order = [f.key for f in self._kind.form_fields]
        first = place_problems(problems, order, self.error_labels, self.general_error)
        if first is not None:
            self.editors[first].focus()

    def _clear_problems(self) -> None:
        for label in self.error_labels.values():
            label.clear()
            label.hide()
        self.general_error.clear()
        self.general_error.hide()

    # -- closing -------------------------------------------------------------------------------

    def is_dirty(self) -> bool:
        """Anything differs from what the form showed when it opened (typed and deleted back is not)."""
        return any(editor.value() != self._initial.get(key) for key, editor in self.editors.items())

    def saved_by_answer(self) -> bool:
        return super().saved_by_answer() and self.saved_id is not None

    # -- for callers ---------------------------------------------------------------------------

    @classmethod
    def ask(
        cls, parent: QWidget | None, db: Database, kind: RecordKind, record_id: int | None = None
    ) -> int | None:
        """Show the form modally; the saved record's id, or None when cancelled."""
        dialog = cls(db, kind, record_id, parent)
        try:
            return dialog.saved_id if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
