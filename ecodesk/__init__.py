"""EcoDesk core: records, documents and exports for a township environmental office.

Nothing below this package imports Qt or ``ui``; a test enforces it.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ecodesk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
