"""PyInstaller entry point of ecodesk-cli.exe (the console command line); same as the ``ecodesk`` script."""

import sys

from ecodesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
