"""The app-wide change hub: one place where a write announces itself so open pages refresh.

Modelled on Anki's ``OpChanges``: the code that writes does not know which pages are open; it
tells the hub what changed, and every page that shows that kind of record listens.

What changed is named by an object, never by a free string, so a misspelt name cannot leave a page
stale without a word: records of a declared kind by the kind itself (``PATROLS``, ``self.kind``), the
rest by an :class:`Area`. Both ends are checked when they run — :meth:`ChangeHub.announce` and
:meth:`ChangeHub.watch` refuse a plain string (even a correct one) and a kind nobody declared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum

from PySide6.QtCore import QObject, Signal

from ecodesk.schema import RecordKind


class Area(StrEnum):
    """What a write changed when it is not records of a declared kind."""

    LETTERS = "letters"  # commitment letters and their yearly wording (承诺书)
    APPRAISAL = "appraisal"  # the yearly scheme, scores, adjustments, finalising (考核)
    TARGETS = "targets"  # 目标指标: indicators, their yearly targets, monthly values, station months


Change = RecordKind | Area


class UnknownChangeError(ValueError):
    """A change named by something the hub does not know (a bug in the page, not the clerk's doing)."""


def _declared_kinds() -> dict[str, RecordKind]:
    """Every kind a write may name: the registry, ledger kinds declared since (each has its tab), and
    the document register (not a CLI kind). Read afresh each time: kinds may be declared at run time."""
    from ecodesk.services.documents import DOCUMENTS
    from ecodesk.services.kinds import KINDS
    from ecodesk.services.ledgers import LEDGER_KINDS

    return {**KINDS, **LEDGER_KINDS, DOCUMENTS.name: DOCUMENTS}


def change_name(change: Change) -> str:
    """The name the hub carries for ``change``; raises if ``change`` is not a known kind or area."""
    if isinstance(change, Area):
        return change.value
    if isinstance(change, RecordKind):
        if _declared_kinds().get(change.name) != change:
            raise UnknownChangeError(f"record kind {change.name!r} is not declared (ecodesk.services.kinds)")
        return change.name
    raise UnknownChangeError(f"a change is a RecordKind or a ui.common.changes.Area, not {change!r}")


def change_names(changed: Iterable[Change]) -> list[str]:
    """The checked names of ``changed``, each once, in order (all checked before any is used)."""
    return list(dict.fromkeys(change_name(c) for c in changed))


def checked(changed: Iterable[Change]) -> list[Change]:
    """``changed`` as a list once every entry is known (raises :class:`UnknownChangeError` if one is not)."""
    listed = list(changed)
    change_names(listed)
    return listed


class _Watch(QObject):
    """One page's interest in some names; a child of the page, so it stops listening when the page goes."""

    def __init__(self, receiver: QObject, names: frozenset[str], slot: Callable[[], object]) -> None:
        super().__init__(receiver)
        self.names = names
        self._slot = slot

    def deliver(self, name: str) -> None:
        if name in self.names:
            self._slot()


class ChangeHub(QObject):
    """Signals (all emitted on the GUI thread):

    - ``records_changed(name)``: records of that kind or area were added, edited, deleted or restored.
      Emitted by :meth:`announce` only (a house rule in tests/ui checks it); a page that cares about
      some names subscribes with :meth:`watch`, one that refreshes on anything may connect directly.
    - ``settings_changed()``: the data file's settings (town name, organs, operators…) changed.
    - ``everything_changed()``: the whole data file changed (demo data loaded, a backup restored).
    """

    records_changed = Signal(str)
    settings_changed = Signal()
    everything_changed = Signal()

    def announce(self, changed: Iterable[Change]) -> None:
        """Tell every listener that records of ``changed`` changed (nothing is sent if one is unknown)."""
        for name in change_names(changed):
            self.records_changed.emit(name)

    def watch(self, receiver: QObject, changed: Iterable[Change], slot: Callable[[], object]) -> None:
        """Call ``slot`` whenever one of ``changed`` is announced, for as long as ``receiver`` lives."""
        names = frozenset(change_names(changed))
        if not names:
            raise UnknownChangeError("watch() needs at least one kind or area")
        watch = _Watch(receiver, names, slot)
        self.records_changed.connect(watch.deliver)


_hub: ChangeHub | None = None


def changes() -> ChangeHub:
    """The single hub (created on first use, after the QApplication exists)."""
    global _hub
    if _hub is None:
        _hub = ChangeHub()
    return _hub
