"""Issue 20 point 8: every window and dialog fits the screen (``ui.common.screen_fit``).

The office laptops: 1366×768 at 100 % (1366×728 above a 40 px taskbar) and a 1920×1080 screen at
150 %, which leaves 1280×720 logical px (1280×680 above the taskbar). Qt's offscreen platform takes its
screen from a JSON file (``-platform offscreen:configfile=…``, Qt ≥ 6.5), and a process has one
platform, so each screen size runs the probe at the bottom of this file in a child process: it installs
the filter as ``ui.shell.app`` does, opens the main window, the 使用说明 window, the list print preview
and every dialog it can build cheaply, and reports each window's frame and the screen's available area.
The offscreen screen has no taskbar, so the screens are given the size above the taskbar.

To save a screenshot of each window: write such a file (``screen.json``), then
``QT_QPA_PLATFORM=offscreen:configfile=screen.json python -m tests.ui.test_screen_fit 1280 680 /tmp/shots``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMargins, QPoint, QRect, QSize

from ui.common.screen_fit import fitted_position, fitted_size

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
# 1366×768 and 1280×720 as the issue names them, and 1280×720 with Windows' 40 px taskbar taken off.
SCREENS = ((1366, 768), (1280, 720), (1280, 680))
GUIDE_ASKS = (860, 760)  # what ui/shell/guide_window.py asks for


def _probe(width: int, height: int, tmp_path: Path) -> list[dict[str, Any]]:
    config = tmp_path / f"screen-{width}x{height}.json"
    config.write_text(
        json.dumps({"screens": [{"name": "office", "x": 0, "y": 0, "width": width, "height": height}]}),
        encoding="utf-8",
    )
    # Qt splits the platform's arguments at ":", so the file is named relative to the child's
    # folder (a Windows path's "C:" would cut it); the tests package is found through PYTHONPATH.
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config.name}", PYTHONPATH=path)
    result = subprocess.run(
        [sys.executable, "-m", "tests.ui.test_screen_fit", str(width), str(height)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    reported: list[dict[str, Any]] = json.loads(result.stdout.strip().splitlines()[-1])
    return reported


@pytest.mark.parametrize(("width", "height"), SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_every_window_fits_the_screen(width: int, height: int, tmp_path: Path) -> None:
    windows = _probe(width, height, tmp_path)
    names = {w["name"] for w in windows}
    assert {
        "main_window",
        "guide_window",
        "list_print_preview",
        "about_dialog",
        "first_start_wizard",
    } <= names
    assert any(name.startswith("record_dialog_") for name in names)
    too_big = [
        f"{w['name']}: {w['frame']} (screen {w['area']})"
        for w in windows
        if not _inside(w["frame"], w["area"])
    ]
    assert not too_big, "windows that do not fit:\n" + "\n".join(too_big)
    # The 使用说明 window keeps the width it asks for and takes at most the screen's height (its
    # frame is 2 px a side offscreen).
    guide = next(w for w in windows if w["name"] == "guide_window")
    assert guide["frame"][2:] == [GUIDE_ASKS[0] + 4, min(GUIDE_ASKS[1] + 4, height)]
    # A dialog that fits is left where Qt put it: centred over the main window, not pushed to a corner.
    main = next(w for w in windows if w["name"] == "main_window")
    about = next(w for w in windows if w["name"] == "about_dialog")
    assert abs(_centre(about["frame"])[0] - _centre(main["frame"])[0]) <= 2


DUAL_SCREEN_PROBE = """
import json
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QWidget
from ui.common import screen_fit
app = QApplication([])
screen_fit.install(app)
main = QMainWindow()
main.resize(1000, 600)
main.move(1500, 30)
main.show()
dialog = QDialog(main)
dialog.resize(600, 900)
guide = QWidget(main, Qt.WindowType.Window)
guide.resize(860, 760)
shown = {}
for name, window in (("dialog", dialog), ("guide", guide)):
    window.show()
    app.processEvents()
    shown[name] = list(window.frameGeometry().getRect())
print(json.dumps(shown))
"""


def test_a_window_fits_the_screen_its_parent_is_on(tmp_path: Path) -> None:
    """Two monitors: a laptop (1366×768) and, to its right, a 1280×680 one holding the main window.
    A tall dialog and the guide open there and fit that screen, not the laptop's."""
    screens = [
        {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768},
        {"name": "second", "x": 1366, "y": 0, "width": 1280, "height": 680},
    ]
    (tmp_path / "screens.json").write_text(json.dumps({"screens": screens}), encoding="utf-8")
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen:configfile=screens.json", PYTHONPATH=path)
    result = subprocess.run(
        [sys.executable, "-c", DUAL_SCREEN_PROBE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    second = [1366, 0, 1280, 680]
    assert _inside(shown["dialog"], second) and shown["dialog"][3] == 680
    assert _inside(shown["guide"], second) and shown["guide"][3] == 680


def test_a_windows_title_bar_is_counted_and_the_frame_kept_on_screen() -> None:
    """On Windows the frame is measured (about 31 px of title bar at 100 %); what is left for the
    inside is the available area less the frame, and a frame hanging off an edge is moved in."""
    laptop = QRect(0, 0, 1366, 728)  # 1366×768 above the taskbar
    frame = QMargins(8, 31, 8, 8)
    assert fitted_size(QSize(860, 760), frame, laptop, QSize(300, 200)) == QSize(860, 728 - 39)
    assert fitted_size(QSize(600, 400), frame, laptop, QSize(300, 200)) == QSize(600, 400)  # fits: untouched
    # The layout's minimum wins over the screen: never squashed below what the widgets need.
    assert fitted_size(QSize(600, 900), frame, laptop, QSize(300, 800)) == QSize(600, 800)
    assert fitted_position(QRect(1200, 600, 400, 300), laptop) == QPoint(1366 - 400, 728 - 300)
    assert fitted_position(QRect(-50, -20, 400, 300), laptop) == QPoint(0, 0)
    # Too tall even so: the title bar (top left) stays on the screen, where it can be dragged.
    assert fitted_position(QRect(10, 100, 400, 900), laptop) == QPoint(10, 0)


def _centre(rect: list[int]) -> tuple[float, float]:
    x, y, w, h = rect
    return x + w / 2, y + h / 2


def _inside(frame: list[int], area: list[int]) -> bool:
    x, y, w, h = frame
    ax, ay, aw, ah = area
    return x >= ax and y >= ay and x + w <= ax + aw and y + h <= ay + ah


# -- the probe, run in a child process ------------------------------------------------------------


def _run_probe(shots: Path | None) -> list[dict[str, Any]]:  # pragma: no cover - runs in a child process
    import shutil
    import tempfile

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QWidget
    from reportlab.pdfgen import canvas

    from ecodesk import dates
    from ecodesk.db import Database
    from ecodesk.services import appraisal, kinds
    from ui.appraisal.scheme import SchemeDialog
    from ui.common import screen_fit
    from ui.common.printing import ListPrintPreview
    from ui.common.text_input import TextInputDialog
    from ui.dashboard.todo import AllTodoDialog
    from ui.patrols.daily_report import DateDialog
    from ui.patrols.entry import PatrolEntryDialog
    from ui.patrols.summary import PeriodDialog
    from ui.shell.about_dialog import AboutDialog
    from ui.shell.backup_dialog import RestoreDialog
    from ui.shell.fonts import apply_ui_font
    from ui.shell.guide_window import GuideWindow
    from ui.shell.main_window import MainWindow
    from ui.shell.operator_dialog import OperatorDialog
    from ui.shell.password import PasswordDialog
    from ui.shell.wizard import FirstStartWizard

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    folder = Path(tempfile.mkdtemp(prefix="ecodesk-screen-fit-"))
    app.setOrganizationName("EcoDeskScreenFitProbe")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # the window geometry stays in the folder
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    apply_ui_font(app)
    screen_fit.install(app)
    db = Database.open(folder / "ecodesk.db", operator="测试", create=True)
    pdf = folder / "list.pdf"
    page = canvas.Canvas(str(pdf))
    page.drawString(72, 720, "EcoDesk")
    page.save()

    main = MainWindow(db)
    today = dates.today()
    makers: list[Any] = [
        lambda: main,
        lambda: GuideWindow(main),
        lambda: ListPrintPreview(db, pdf, "清单", "共 0 条", tempfile.TemporaryDirectory(), main),
        lambda: AboutDialog(db.path, main),
        lambda: FirstStartWizard(None),
        lambda: OperatorDialog(["张三", "李四"], "张三", main),
        lambda: PasswordDialog(db, main),
        lambda: TextInputDialog(main, "退回整改", "退回原因：", multiline=True),
        lambda: DateDialog(today, main),
        lambda: PeriodDialog((today, today), main),
        lambda: PatrolEntryDialog(db, main),
        lambda: appraisal.ensure_scheme(db, today.year) and SchemeDialog(db, today.year, main),
        lambda: RestoreDialog([], main, db),
        lambda: AllTodoDialog([], main),
    ]
    makers += [lambda kind=kind: _record_dialog(db, kind, main) for kind in kinds.KINDS.values()]
    reported = []
    for make in makers:
        window: QWidget = make()
        window.show()
        app.processEvents()
        name = window.objectName() or type(window).__name__
        reported.append(
            {
                "name": name,
                "frame": list(window.frameGeometry().getRect()),
                "area": list(window.screen().availableGeometry().getRect()),
            }
        )
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(shots / f"{name}.png"))
        if window is not main:
            window.close()
    main.close()
    db.close()
    shutil.rmtree(folder, ignore_errors=True)
    return reported


def _record_dialog(db: Any, kind: Any, parent: Any) -> Any:  # pragma: no cover - runs in a child process
    from ui.records.form import RecordDialog

    return RecordDialog(db, kind, None, parent)


if __name__ == "__main__":  # pragma: no cover - the child process of the tests above
    shots_folder = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    print(json.dumps(_run_probe(shots_folder)))  # ASCII: a Windows pipe is not UTF-8
