"""帮助 → 使用说明 (F1): the clerk's guide in its own window, beside the work.

The guide is ``resources/guide/guide.html`` with its screenshots in ``images/`` beside it (found
through :func:`ecodesk.paths.resources_dir`, so it works from source and in the frozen build).
The same HTML is printed to ``使用说明.pdf`` when the program is built (packaging/guide/build_pdf.py);
"另存为 PDF…" copies that file where the clerk chooses, e.g. to print it or hand it on.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from ecodesk.files import write_error
from ecodesk.paths import resources_dir
from ui.common import dialogs

TITLE = "使用说明"
PDF_NAME = "使用说明.pdf"
PDF_FILTER = "PDF 文件 (*.pdf)"


def guide_dir() -> Path:
    return resources_dir() / "guide"


def guide_html() -> Path:
    return guide_dir() / "guide.html"


def guide_pdf() -> Path:
    return guide_dir() / PDF_NAME


class GuideWindow(QWidget):
    """A separate, non-modal window: the clerk reads a step and does it in the main window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("guide_window")
        self.setWindowTitle(f"{TITLE} — 乡镇生态环境工作台账")
        self.browser = QTextBrowser()
        self.browser.setObjectName("guide_browser")
        self.browser.setOpenExternalLinks(False)  # the guide links only to its own sections
        html = guide_html()
        if html.is_file():
            # setSource resolves images/… and the #anchors of the contents against the file itself.
            self.browser.setSource(QUrl.fromLocalFile(str(html)))
        else:
            self.browser.setHtml(f"<p>找不到使用说明文件：{html}</p><p>请重新安装本程序。</p>")
        self.contents_button = QPushButton("回到目录")
        self.contents_button.setToolTip("回到说明开头的目录（Home）")
        self.contents_button.clicked.connect(self.go_to_contents)
        self.pdf_button = QPushButton("另存为 PDF…")
        self.pdf_button.setObjectName("guide_save_pdf")
        self.pdf_button.setToolTip("把使用说明另存为 PDF 文件，可以打印或拷给别人")
        self.pdf_button.clicked.connect(self.ask_save_pdf)
        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.contents_button)
        buttons.addStretch(1)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        self.resize(860, 760)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def go_to_contents(self) -> None:
        self.browser.verticalScrollBar().setValue(0)

    def ask_save_pdf(self) -> Path | None:
        chosen = dialogs.ask_save_file(self, "另存使用说明", PDF_NAME, PDF_FILTER)
        return self.save_pdf(chosen) if chosen is not None else None

    def save_pdf(self, target: Path) -> Path | None:
        """Copy the shipped PDF to ``target``; explains in Chinese what went wrong."""
        source = guide_pdf()
        if not source.is_file():
            dialogs.show_error(self, f"找不到随程序提供的使用说明 PDF：{source}\n请重新安装本程序。")
            return None
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            shutil.copyfile(source, target)
        except OSError as exc:
            dialogs.show_error(self, str(write_error(target, exc)))
            return None
        dialogs.show_info(self, f"已保存到：\n{target}", "保存完成")
        return target


def show_guide(parent: QWidget) -> GuideWindow:
    """Open the guide, or bring the one already open to the front."""
    window = parent.findChild(GuideWindow, "guide_window")
    if window is None:
        window = GuideWindow(parent)
    window.show()
    window.raise_()
    window.activateWindow()
    return window
