"""The app-wide change hub: one place where a write announces itself so open pages refresh.

Modelled on Anki's ``OpChanges``: the code that writes does not know which pages are open; it
tells the hub what changed, and every page that shows that kind of record listens.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class ChangeHub(QObject):
    """Signals (all emitted on the GUI thread):

    - ``records_changed(kind_name)``: records of that kind were added, edited, deleted or restored.
    - ``settings_changed()``: the data file's settings (town name, organs, operators…) changed.
    - ``everything_changed()``: the whole data file changed (demo data loaded, a backup restored).
    """

    records_changed = Signal(str)
    settings_changed = Signal()
    everything_changed = Signal()


_hub: ChangeHub | None = None


def changes() -> ChangeHub:
    """The single hub (created on first use, after the QApplication exists)."""
    global _hub
    if _hub is None:
        _hub = ChangeHub()
    return _hub
