"""At start-up the data file named last time is not there (or may not be used where it is).

The USB stick went into another port and got another letter, the network drive Z: was not
reconnected after a restart, the file was moved: the clerk is told which file, that nothing was
created in its place, and chooses — 重试 once the stick is in, 选择数据文件… where it is now,
新建数据文件… (the first-start wizard, which never creates at the missing path), or 退出. A data
file on a network location is refused with the same choices, less 重试.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.common import dialogs
from ui.shell.main_window import DB_FILTER

TITLE = "找不到数据文件"
NETWORK_TITLE = "不能使用网络位置"


class Choice(Enum):
    RETRY = "retry"  # the file is back: open it
    CHOOSE = "choose"  # open the file chosen (:attr:`Answer.path`)
    NEW = "new"  # start anew with the wizard
    QUIT = "quit"


@dataclass(frozen=True)
class Answer:
    choice: Choice
    path: Path | None = None  # the file chosen with 选择数据文件…


def missing_headline(path: Path, remembered: bool) -> str:
    which = "上次使用的数据文件" if remembered else "指定的数据文件"
    return f"找不到{which}：{path}"


MISSING_TEXT = (
    "它可能在没有插好的 U 盘或移动硬盘上（插到另一个接口后盘符可能变了，如 E: 变成 F:），"
    "也可能在没有连接上的网络驱动器上，或已被移动、改名。"
    "程序没有在那里新建空文件，原来的数据不受影响。\n\n"
    "• 插好 U 盘或连上网络后，点“重试”；\n"
    "• 文件在别的位置（盘符变了），点“选择数据文件…”找到它；\n"
    "• 确实要重新开始，点“新建数据文件…”：新文件建在别的文件夹，不会占用上面这个位置。"
)
STILL_MISSING = "仍然找不到这个文件。请确认 U 盘已插好、网络驱动器已连接；盘符变了请点“选择数据文件…”。"


class MissingDataFileDialog(QDialog):
    """Four ways on when the data file is missing; three when it is on a network location
    (``refusal`` is then the explanation and 重试 is left out: waiting will not help)."""

    def __init__(
        self,
        path: Path,
        parent: QWidget | None = None,
        *,
        remembered: bool = True,
        refusal: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("missing_data_file")
        self.setWindowTitle(NETWORK_TITLE if refusal else TITLE)
        self.path = path
        self.answer = Answer(Choice.QUIT)
        headline = QLabel(refusal.split("\n", 1)[0] if refusal else missing_headline(path, remembered))
        headline.setObjectName("missing_headline")
        headline.setWordWrap(True)
        headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        headline.setStyleSheet("font-weight:bold;")
        body = QLabel(refusal.split("\n", 1)[1].strip() if refusal else MISSING_TEXT)
        body.setWordWrap(True)
        self.still_missing = QLabel(STILL_MISSING)
        self.still_missing.setObjectName("still_missing")
        self.still_missing.setWordWrap(True)
        self.still_missing.setStyleSheet("color:#b00020;")
        self.still_missing.hide()

        buttons = QDialogButtonBox()
        self.retry_button: QPushButton | None = None
        if refusal is None:
            self.retry_button = buttons.addButton("重试", QDialogButtonBox.ButtonRole.AcceptRole)
            self.retry_button.clicked.connect(self._retry)
        self.choose_button = buttons.addButton("选择数据文件…", QDialogButtonBox.ButtonRole.ActionRole)
        self.choose_button.clicked.connect(self._choose)
        self.new_button = buttons.addButton("新建数据文件…", QDialogButtonBox.ButtonRole.ActionRole)
        self.new_button.clicked.connect(lambda: self._finish(Answer(Choice.NEW)))
        self.quit_button = buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        self.quit_button.clicked.connect(self.reject)
        (self.retry_button or self.choose_button).setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addSpacing(6)
        layout.addWidget(body)
        layout.addWidget(self.still_missing)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(600, 300)

    def _finish(self, answer: Answer) -> None:
        self.answer = answer
        self.accept()

    def _retry(self) -> None:
        if self.path.is_file():
            self._finish(Answer(Choice.RETRY))
        else:
            self.still_missing.show()

    def _choose(self) -> None:
        start = next((p for p in (self.path.parent, *self.path.parents) if p.is_dir()), None)
        chosen = dialogs.ask_open_file(self, "选择数据文件", DB_FILTER, start)
        if chosen is not None:
            self._finish(Answer(Choice.CHOOSE, chosen))

    def reject(self) -> None:
        self.answer = Answer(Choice.QUIT)
        super().reject()

    @classmethod
    def ask(
        cls, parent: QWidget | None, path: Path, *, remembered: bool = True, refusal: str | None = None
    ) -> Answer:
        dialog = cls(path, parent, remembered=remembered, refusal=refusal)
        try:
            dialog.exec()
            return dialog.answer
        finally:
            dialog.deleteLater()
