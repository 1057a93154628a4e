"""Child process for the start-up benchmark: prints READY once the main window can be used.

``python -m bench.startup_probe --db FILE`` goes through the program's real start (ui.shell.app.main: fonts,
translations, opening and migrating the file, the auto-backup, the main window and its first page);
``--bare`` shows an empty QMainWindow — the floor, what Python and Qt alone cost.
The parent times from launching this process to reading READY.
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402


def _ready(app: QApplication) -> None:
    app.processEvents()  # the first page's paint and any work it queued
    print("READY", flush=True)
    app.quit()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--bare", action="store_true")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    QTimer.singleShot(0, lambda: _ready(app))
    if args.bare:
        window = QMainWindow()
        window.resize(1280, 800)
        window.show()
        return int(app.exec())
    from ui.shell.app import main as gui_main

    return gui_main(["--db", args.db, "--operator", "bench"])


if __name__ == "__main__":
    raise SystemExit(main())
