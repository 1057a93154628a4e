"""Helpers the UI tests share.

Typing as the clerk does: ASCII with key clicks, Chinese committed by an input method.
QTest.keyClicks cannot send Chinese characters (it asserts on non-ASCII); a real Chinese IME
delivers committed text as a QInputMethodEvent, so that is what the tests send.

Screenshots for a person to look at: ``keep_shot`` saves one only when ``ECODESK_SHOTS`` names a
folder, so an ordinary test run writes nothing into the checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

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


def keep_shot(widget: QWidget, name: str) -> None:
    """Save ``widget`` as ``name`` in the folder ``ECODESK_SHOTS`` names (nothing when it is unset)."""
    folder = os.environ.get("ECODESK_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / name))
