"""``python -m ecodesk.cli``: the same command line as the ``ecodesk`` script (tests run it this way)."""

from __future__ import annotations

from ecodesk.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
