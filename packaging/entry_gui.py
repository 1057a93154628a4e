"""PyInstaller entry point of EcoDesk.exe (the windowed program); same as the ``ecodesk-gui`` script."""

import sys

from ui.shell.app import main

if __name__ == "__main__":
    sys.exit(main())
