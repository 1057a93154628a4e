"""The one question before typing is thrown away: "放弃未保存的内容？" 保存 / 放弃 / 继续编辑.

A clerk who pressed Esc (or 取消, or the window's ×) by mistake on a half-filled form lost it
without a word. Every input dialog compares what it shows with what it showed when it opened (so
typing and deleting back counts as untouched) and, when they differ, asks here before it closes.
The main window asks the same of any such dialog still open when it is closed.

``ask`` is a module function so tests answer it without a real modal (pytest-qt's advice, as in
``ui.common.dialogs``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

QUESTION = "放弃未保存的内容？"


class Answer(enum.Enum):
    SAVE = "保存"
    DISCARD = "放弃"
    KEEP = "继续编辑"


def ask(parent: QWidget | None) -> Answer:
    """保存 / 放弃 / 继续编辑; Esc or closing the box keeps editing (the safe answer)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "未保存的内容",
        QUESTION,
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setInformativeText("刚才填写或修改的内容还没有保存。")
    save = box.addButton(Answer.SAVE.value, QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(Answer.DISCARD.value, QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(Answer.KEEP.value, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(keep)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked is save:
        return Answer.SAVE
    if clicked is discard:
        return Answer.DISCARD
    return Answer.KEEP


def settle(dialog: QDialog, dirty: bool, save: Callable[[], object]) -> bool:
    """Whether ``dialog`` may close now: untouched, or the clerk chose 放弃, or 保存 succeeded.

    A save that succeeds accepts the dialog itself (its result becomes Accepted); a refused save
    leaves the problems shown and the dialog open.
    """
    if not dirty:
        return True
    answer = ask(dialog)
    if answer is Answer.DISCARD:
        return True
    if answer is Answer.SAVE:
        dialog.setResult(QDialog.DialogCode.Rejected.value)
        saved = save()
        return dialog.result() == QDialog.DialogCode.Accepted.value or saved is True
    return False


class AskingDialog(QDialog):
    """A dialog the clerk types into: Esc, 取消 and the window's × ask 放弃未保存的内容？ when
    :meth:`is_dirty`; 保存 runs :meth:`save_asked` and closes only if it succeeded.

    Subclasses give ``is_dirty`` and ``save`` (or override ``save_asked``); ``saved_by_answer`` says
    whether the answer 保存 has already closed the dialog."""

    def is_dirty(self) -> bool:
        raise NotImplementedError

    def save_asked(self) -> object:
        return self.save()  # type: ignore[attr-defined]  # every subclass has its 保存

    def saved_by_answer(self) -> bool:
        return self.result() == QDialog.DialogCode.Accepted.value

    def reject(self) -> None:
        if settle(self, self.is_dirty(), self.save_asked) and not self.saved_by_answer():
            super().reject()

    def close_asking(self) -> bool:
        """The main window closing: ask if dirty, then close; False to stay open."""
        self.reject()
        return not self.isVisible()


@runtime_checkable
class Guarded(Protocol):
    """A dialog that can be asked to close, asking about unsaved typing first."""

    def close_asking(self) -> bool:
        """Ask if dirty, then close; False when the clerk chose 继续编辑 (or a save was refused)."""
        ...


def close_open_dialogs() -> bool:
    """Before the program closes: ask each open dialog with typing in it; False keeps the program open."""
    for widget in QApplication.topLevelWidgets():
        if not (isinstance(widget, QDialog) and widget.isVisible()) or not isinstance(widget, Guarded):
            continue
        if not widget.close_asking():
            return False
    return True
