"""One small dialog for one piece of text (a reason, a list of numbers) that never loses the typing.

Qt's ``QInputDialog`` closes on Esc with whatever was typed gone; a clerk who wrote three lines of
解除锁定原因 and touched Esc lost them. This dialog asks 放弃未保存的内容？ first (``ui.common.unsaved``),
and a required text left blank shows 必须填写 under the box, in its own wrapped space, instead of
closing. Every page that needs "type one text, then I act on it" uses :func:`ask_text`, so the
wording, the keys (Enter, or Ctrl+Enter in a multi-line box) and the question stay one.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.common import unsaved
from ui.common.buttons import dialog_buttons
from ui.common.field_problems import is_ctrl_enter, problem_cell

REQUIRED = "必须填写"


class TextInputDialog(unsaved.AskingDialog):
    """``text()`` is what was typed; accepted only with a non-blank text when ``required``."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        prompt: str,
        *,
        multiline: bool = False,
        required: bool = False,
        text: str = "",
        placeholder: str = "",
        ok_text: str = "确定",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("text_input_dialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self._required = required
        self.prompt = QLabel(prompt)
        self.prompt.setObjectName("text_input_prompt")
        self.prompt.setWordWrap(True)
        self.editor: QLineEdit | QPlainTextEdit
        if multiline:
            box = QPlainTextEdit(text)
            box.setTabChangesFocus(True)
            box.setMinimumHeight(110)
            box.installEventFilter(self)  # Ctrl+Enter saves; plain Enter makes a new line
            self.editor = box
        else:
            self.editor = QLineEdit(text)
        self.editor.setObjectName("text_input_editor")
        if placeholder:
            self.editor.setPlaceholderText(placeholder)
        self.prompt.setBuddy(self.editor)
        cell, self.error_label = problem_cell(self.editor, "text", prefix="text_input_")

        buttons, self.ok_button, self.cancel_button = dialog_buttons(self, ok_text, self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(cell)
        if multiline:
            hint = QLabel(f"Ctrl+Enter {ok_text}，Esc 取消。")
            hint.setStyleSheet("color:#666;")
            layout.addWidget(hint)
        layout.addWidget(buttons)
        self._initial = self.text()
        self.editor.setFocus()

    def text(self) -> str:
        editor = self.editor
        return editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if is_ctrl_enter(event):
            self.save()
            return True
        return super().eventFilter(watched, event)

    def save(self) -> None:
        """确定: accept, or say 必须填写 under the box and keep it open."""
        if self._required and not self.text().strip():
            self.error_label.setText(REQUIRED)
            self.error_label.show()
            self.editor.setFocus()
            self.adjustSize()
            return
        self.accept()

    def is_dirty(self) -> bool:
        return self.text() != self._initial


def ask_text(
    parent: QWidget | None,
    title: str,
    prompt: str,
    *,
    multiline: bool = False,
    required: bool = False,
    text: str = "",
    placeholder: str = "",
    ok_text: str = "确定",
) -> str | None:
    """Show the dialog modally; the typed text (stripped), or None when cancelled."""
    dialog = TextInputDialog(
        parent,
        title,
        prompt,
        multiline=multiline,
        required=required,
        text=text,
        placeholder=placeholder,
        ok_text=ok_text,
    )
    try:
        return dialog.text().strip() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
