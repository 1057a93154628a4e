"""Typing as the clerk does: ASCII with key clicks, Chinese committed by an input method.

QTest.keyClicks cannot send Chinese characters (it asserts on non-ASCII); a real Chinese IME
delivers committed text as a QInputMethodEvent, so that is what the tests send.
"""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QWidget


def type_text(qtbot, widget: QWidget, text: str) -> None:
    target = widget.lineEdit() if isinstance(widget, QComboBox) and widget.isEditable() else widget
    assert target is not None
    target.setFocus()
    chunk = ""
    for ch in text:
        if ch.isascii():
            if chunk:
                _commit(target, chunk)
                chunk = ""
            qtbot.keyClicks(target, ch)
        else:
            chunk += ch
    if chunk:
        _commit(target, chunk)


def _commit(target: QWidget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(target, event)
