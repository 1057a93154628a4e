"""帮助 → 关于: version, where the data is, and the licences of what EcoDesk ships.

The bundled fonts are listed from ``resources/fonts/README.md`` (the table that names each font's
licence files), so a font added there shows up here with its licence text; the libraries are
the ones the Windows bundle carries, with the version actually loaded.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

import ecodesk
from ecodesk.paths import is_portable, resources_dir
from ui.shell.main_window import APP_TITLE

_LICENCE_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*\.txt")


@dataclass(frozen=True)
class FontLicence:
    """One bundled font and the files that hold its licence and copyright."""

    file: str
    style: str
    family: str
    licence: str
    texts: tuple[Path, ...]


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    licence: str
    use: str


def bundled_fonts(folder: Path | None = None) -> list[FontLicence]:
    """The fonts in ``resources/fonts``, read from the table in its README.md."""
    folder = folder or resources_dir() / "fonts"
    readme = folder / "README.md"
    if not readme.is_file():
        return []
    fonts: list[FontLicence] = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not (folder / cells[0]).is_file():
            continue  # the header, the separator and anything that is not a shipped font
        texts = tuple(folder / name for name in _LICENCE_FILE.findall(cells[3]) if (folder / name).is_file())
        fonts.append(FontLicence(cells[0], cells[1], cells[2], cells[3].split("—")[0].strip(), texts))
    return fonts


def _version(module: str, attribute: str = "__version__") -> str:
    try:
        loaded = __import__(module)
        return str(getattr(loaded, attribute, "") or "")
    except ImportError:
        return ""


def libraries() -> list[Library]:
    """The main libraries in the program, with the versions loaded in this process."""
    return [
        Library(
            "Python", sys.version.split()[0], "PSF-2.0（Python Software Foundation License）", "运行环境"
        ),
        Library(
            "Qt / PySide6",
            _version("PySide6"),
            "LGPL-3.0（动态链接，可自行替换 Qt 库文件）",
            "界面、打印、PDF 预览（QtPdf）",
        ),
        Library("SQLAlchemy", _version("sqlalchemy"), "MIT", "数据文件（SQLite）读写"),
        Library("Alembic", _version("alembic"), "MIT", "数据文件升级（迁移）"),
        Library("openpyxl", _version("openpyxl"), "MIT", "Excel 导入导出"),
        Library("ReportLab", _version("reportlab", "Version"), "BSD-3-Clause", "公文、承诺书等 PDF 生成"),
        Library("Pillow", _version("PIL"), "MIT-CMU（HPND）", "PDF 中的图片"),
        Library("platformdirs", _version("platformdirs"), "MIT", "确定用户数据文件夹"),
    ]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class AboutDialog(QDialog):
    def __init__(self, db_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle("关于")
        self.resize(760, 520)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._program_tab(db_path), "软件")
        self.tabs.addTab(self._fonts_tab(), "字体许可")
        self.tabs.addTab(self._libraries_tab(), "开源组件")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    # -- tabs ----------------------------------------------------------------------------------

    def _program_tab(self, db_path: Path | None) -> QWidget:
        where = _escape(str(db_path)) if db_path is not None else "（未打开数据文件）"
        mode = (
            "便携安装：数据保存在程序文件夹的 data 子文件夹中"
            if is_portable()
            else "数据保存在本机用户数据文件夹"
        )
        self.summary = QLabel(
            f"<h3>{APP_TITLE}（EcoDesk）</h3>"
            f"<p>版本 {_escape(ecodesk.__version__)}</p>"
            "<p>乡镇环保办日常工作台账：巡查、整改、台账、信访、承诺书、专项行动、考核与公文。</p>"
            "<p>全部数据保存在本机一个数据文件中，程序不联网。</p>"
            f"<p><b>数据文件：</b>{where}<br><span style='color:#666'>{mode}</span></p>"
        )
        self.summary.setObjectName("about_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        return page

    def _fonts_tab(self) -> QWidget:
        self.fonts = bundled_fonts()
        self.font_list = QListWidget()
        self.font_list.setObjectName("about_fonts")
        for font in self.fonts:
            item = QListWidgetItem(f"{font.family}（{font.style}）\n{font.file} — {font.licence}")
            self.font_list.addItem(item)
        self.font_text = QTextBrowser()
        self.font_text.setObjectName("about_font_licence")
        self.font_text.setOpenLinks(False)  # offline: nothing in a licence text may start a browser
        self.font_list.currentRowChanged.connect(self._show_font)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.font_list)
        splitter.addWidget(self.font_text)
        splitter.setSizes([140, 320])
        note = QLabel("以下开源字体随程序提供，用于电脑缺少相应中文字体时显示和打印。")
        note.setWordWrap(True)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(note)
        layout.addWidget(splitter, 1)
        if self.fonts:
            self.font_list.setCurrentRow(0)
        else:
            self.font_text.setPlainText("没有找到随程序提供的字体说明（resources/fonts/README.md）。")
        return page

    def _show_font(self, row: int) -> None:
        if not 0 <= row < len(self.fonts):
            return
        font = self.fonts[row]
        parts = [f"{font.family}（{font.file}）\n许可：{font.licence}"]
        for path in font.texts:
            parts.append(
                f"──── {path.name} ────\n{path.read_text(encoding='utf-8', errors='replace').strip()}"
            )
        self.font_text.setPlainText("\n\n".join(parts))

    def _libraries_tab(self) -> QWidget:
        rows = "".join(
            f"<tr><td><b>{_escape(lib.name)}</b></td><td>{_escape(lib.version)}</td>"
            f"<td>{_escape(lib.licence)}</td><td>{_escape(lib.use)}</td></tr>"
            for lib in libraries()
        )
        self.libraries_text = QTextBrowser()
        self.libraries_text.setObjectName("about_libraries")
        self.libraries_text.setOpenLinks(False)
        self.libraries_text.setHtml(
            "<p>本程序使用以下开源软件，谨向其作者致谢。</p>"
            "<table cellspacing='0' cellpadding='4' border='1' style='border-collapse:collapse'>"
            "<tr><th>组件</th><th>版本</th><th>许可</th><th>用途</th></tr>"
            f"{rows}</table>"
            "<p>Qt 与 PySide6 以 LGPL-3.0 许可使用：程序以动态链接方式调用 Qt 库（程序文件夹 _internal\\PySide6 中），"
            "用户可以用自己编译的同版本 Qt 库替换它们。Qt 和 PySide6 的源代码可从 Qt 项目（qt.io）获取。</p>"
        )
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.libraries_text)
        return page

    @classmethod
    def show_for(cls, parent: QWidget | None, db_path: Path | None) -> None:
        cls(db_path, parent).exec()
