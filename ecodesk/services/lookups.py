"""Read-only look-ups the screens need (the choices of a combo box), each one short session.

The UI never opens a session itself; it asks here, and the session is opened and closed around
the query.
"""

from __future__ import annotations

from ecodesk.db.database import Database
from ecodesk.schema import RecordKind, RefSpec
from ecodesk.services import records


def ref_choices(db: Database, spec: RefSpec) -> list[tuple[int, str]]:
    """(id, name) of every live record a REF field may point to, in display order."""
    with db.session() as session:
        return records.ref_choices(session, spec)


def village_choices(db: Database, kind: RecordKind) -> list[tuple[int, str]]:
    """The choices of the kind's village filter (empty when the kind has none)."""
    if not kind.village_key:
        return []
    spec = kind.field(kind.village_key).ref
    return ref_choices(db, spec) if spec is not None else []
