"""Read-only look-ups the widgets need (choices for combo boxes), each one short service call.

Widgets never hold a Session; the few places that need one for a service function that takes a
session (``records.ref_choices``) get it here, opened and closed around the call.
"""

from __future__ import annotations

from ecodesk.db.database import Database
from ecodesk.services import records
from ecodesk.services.records import RecordKind, RefSpec


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
