"""Small modal message helpers in Chinese.

Every modal box the program shows goes through here, so tests can replace one function instead
of fighting a blocking dialog (pytest-qt's advice), and the wording and buttons stay consistent.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ecodesk.files import safe_file_name
from ui.common import machine_settings

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, text: str, title: str = "出错了") -> None:
    log.info("error shown: %s", text)
    QMessageBox.warning(parent, title, text)


def show_info(parent: QWidget | None, text: str, title: str = "提示") -> None:
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, text: str, title: str = "请确认", ok_text: str = "确定") -> bool:
    """Ask yes/no with explicit Chinese buttons; the safe answer (取消) is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    ok = box.addButton(ok_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is ok


def show_unexpected(parent: QWidget | None, exc: BaseException) -> None:
    """A bug, not a user error: say so plainly, point to the log, keep the program running."""
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    QMessageBox.critical(
        parent,
        "程序出错",
        "程序遇到了一个意外错误，刚才的操作没有完成，已保存的数据不受影响。\n\n"
        f"错误信息：{type(exc).__name__}: {exc}\n\n详细情况已写入日志文件，请联系维护人员。",
    )


def ask_save_file(parent: QWidget | None, title: str, default_name: str, name_filter: str) -> Path | None:
    """A save-as dialog starting in the last folder used; remembers the folder chosen.

    ``default_name`` often holds the clerk's own words (a 公文 title, a 专项行动 name, a village):
    it is made a name Windows accepts here, once for every page (``ecodesk.files.safe_file_name``).
    """
    start = machine_settings.last_folder() / safe_file_name(default_name)
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(start), name_filter)
    if not chosen:
        return None
    path = Path(chosen)
    machine_settings.remember_folder(path)
    return path


def ask_open_file(
    parent: QWidget | None, title: str, name_filter: str, start: Path | None = None
) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(
        parent, title, str(start or machine_settings.last_folder()), name_filter
    )
    if not chosen:
        return None
    path = Path(chosen)
    machine_settings.remember_folder(path)
    return path


def ask_folder(parent: QWidget | None, title: str, start: Path) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(parent, title, str(start))
    return Path(chosen) if chosen else None
