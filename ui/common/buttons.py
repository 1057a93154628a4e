"""The two kinds of button every page and dialog makes: a page's action button and a dialog's
确定/取消 row.

A page's buttons never take Enter (``autoDefault`` off): Enter in a search box must not press 导出.
A dialog's OK button does (it is the default), its 取消 never does and Esc reaches it through
``reject`` — which an :class:`ui.common.unsaved.AskingDialog` turns into 放弃未保存的内容？.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton


def page_button(text: str, tip: str, slot: Callable[..., Any], name: str = "") -> QPushButton:
    """A page's action button: ``tip`` says what it does, ``name`` is its objectName (for tests)."""
    button = QPushButton(text)
    if name:
        button.setObjectName(name)
    button.setToolTip(tip)
    button.setAutoDefault(False)
    button.clicked.connect(slot)
    return button


class DialogButtons(NamedTuple):
    box: QDialogButtonBox
    ok: QPushButton
    cancel: QPushButton


def dialog_buttons(
    dialog: QDialog, ok_text: str, on_ok: Callable[[], object], cancel_text: str = "取消"
) -> DialogButtons:
    """The dialog's bottom row: ``ok_text`` (the default, pressed by Enter) runs ``on_ok`` — which
    checks and saves, then accepts — and ``cancel_text`` rejects."""
    box = QDialogButtonBox()
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    cancel = box.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
    ok.setDefault(True)
    cancel.setAutoDefault(False)
    box.accepted.connect(on_ok)
    box.rejected.connect(dialog.reject)
    return DialogButtons(box, ok, cancel)
