"""帮助 → 关于: version, data file, and the licences of the shipped fonts and libraries."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QMenu

import ecodesk
from ecodesk.db import Database
from ecodesk.paths import resources_dir
from ui.shell import about_dialog
from ui.shell.about_dialog import AboutDialog, bundled_fonts, libraries
from ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_every_shipped_font_is_listed_with_its_licence_files() -> None:
    fonts = bundled_fonts()
    shipped = sorted(
        p.name for p in (resources_dir() / "fonts").iterdir() if p.suffix in (".ttf", ".ttc", ".otf")
    )
    assert sorted(f.file for f in fonts) == shipped
    for font in fonts:
        assert font.texts, f"{font.file} names no licence file"
        assert all(path.is_file() for path in font.texts)
    by_file = {f.file: f for f in fonts}
    assert "Arphic Public License" in by_file["gbsn00lp.ttf"].licence
    assert {p.name for p in by_file["wqy-microhei.ttc"].texts} == {
        "APACHE-LICENSE-2.0.txt",
        "COPYRIGHT-wqy-microhei.txt",
    }


def test_a_font_row_without_its_file_is_not_listed(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "| file | style | family | licence |\n|---|---|---|---|\n"
        "| here.ttf | 宋 | Here Song | OFL-1.1 — OFL.txt |\n| gone.ttf | 黑 | Gone | MIT — MIT.txt |\n",
        encoding="utf-8",
    )
    (tmp_path / "here.ttf").write_bytes(b"\0")
    (tmp_path / "OFL.txt").write_text("SIL Open Font License 1.1", encoding="utf-8")
    fonts = bundled_fonts(tmp_path)
    assert [(f.file, f.licence, [p.name for p in f.texts]) for f in fonts] == [
        ("here.ttf", "OFL-1.1", ["OFL.txt"])
    ]


def test_libraries_carry_their_loaded_versions_and_licences() -> None:
    import openpyxl
    import PySide6
    import sqlalchemy

    found = {lib.name: lib for lib in libraries()}
    assert found["Qt / PySide6"].version == PySide6.__version__
    assert found["Qt / PySide6"].licence.startswith("LGPL-3.0")
    assert found["SQLAlchemy"].version == sqlalchemy.__version__ and found["SQLAlchemy"].licence == "MIT"
    assert found["openpyxl"].version == openpyxl.__version__ and found["openpyxl"].licence == "MIT"
    assert found["ReportLab"].licence.startswith("BSD")
    assert found["Alembic"].licence == "MIT" and found["platformdirs"].licence == "MIT"
    assert found["Python"].version == sys.version.split()[0]
    assert all(lib.version for lib in found.values())


def test_dialog_shows_version_data_file_and_licence_texts(qtbot, db: Database, tmp_path: Path) -> None:
    dialog = AboutDialog(db.path)
    qtbot.addWidget(dialog)
    dialog.show()
    summary = dialog.summary.text()
    assert f"版本 {ecodesk.__version__}" in summary
    assert str(db.path) in summary
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == ["软件", "字体许可", "开源组件"]

    assert dialog.font_list.count() == 3
    first = dialog.font_text.toPlainText()
    assert dialog.fonts[0].file in first and "许可：" in first
    wqy = next(i for i, f in enumerate(dialog.fonts) if f.file == "wqy-microhei.ttc")
    dialog.font_list.setCurrentRow(wqy)
    text = dialog.font_text.toPlainText()
    assert "Apache License" in text and "WenQuanYi" in text

    table = dialog.libraries_text.toPlainText()
    for name in (
        "PySide6",
        "SQLAlchemy",
        "openpyxl",
        "ReportLab",
        "Alembic",
        "platformdirs",
        "LGPL-3.0",
        "MIT",
    ):
        assert name in table
    dialog.tabs.setCurrentIndex(1)
    dialog.grab().save(str(tmp_path / "about.png"))
    assert (tmp_path / "about.png").stat().st_size > 0


def test_help_menu_opens_the_about_dialog(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[AboutDialog] = []

    def fake_exec(self: QDialog) -> int:
        opened.append(self)  # type: ignore[arg-type]
        return 0

    monkeypatch.setattr(about_dialog.AboutDialog, "exec", fake_exec)
    window = MainWindow(db)
    qtbot.addWidget(window)
    help_menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "帮助(&H)")
    about = next(a for a in help_menu.actions() if a.text() == "关于(&A)")
    about.trigger()
    QApplication.processEvents()
    assert len(opened) == 1
    assert opened[0].parent() is window
    assert str(db.path) in opened[0].summary.text()
