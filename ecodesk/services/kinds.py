"""Every record kind by its CLI name. Later modules add theirs with :func:`register`."""

from __future__ import annotations

from ecodesk.schema import RecordKind
from ecodesk.services.campaigns import CAMPAIGNS
from ecodesk.services.complaints import COMPLAINTS
from ecodesk.services.ledgers import LEDGER_KINDS
from ecodesk.services.org import ENTERPRISES, GRIDS, HOUSEHOLDS, PEOPLE, UNITS
from ecodesk.services.patrols import FIRE_POINTS, PATROLS
from ecodesk.services.rectification import PROBLEMS

KINDS: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    if kind.name in KINDS and KINDS[kind.name] is not kind:
        raise ValueError(f"record kind {kind.name!r} registered twice")
    KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind (tests that declare a throw-away kind clean up with this)."""
    KINDS.pop(name, None)


def get_kind(name: str) -> RecordKind:
    try:
        return KINDS[name]
    except KeyError:
        known = "、".join(f"{k}（{v.label}）" for k, v in KINDS.items())
        raise KeyError(f"没有“{name}”这类记录。可用：{known}") from None


for _kind in (UNITS, GRIDS, PEOPLE, HOUSEHOLDS, ENTERPRISES):
    register(_kind)
for _kind in (PATROLS, FIRE_POINTS, CAMPAIGNS):
    register(_kind)
for _kind in (PROBLEMS, *LEDGER_KINDS.values(), COMPLAINTS):
    register(_kind)
