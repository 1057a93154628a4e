"""Read-only look-ups the screens need (the choices of a combo box), each one short session.

The UI never opens a session itself; it asks here, and the session is opened and closed around
the query.
"""

from __future__ import annotations

from collections.abc import Collection

from ecodesk import dates
from ecodesk.db.database import Database
from ecodesk.models import Unit
from ecodesk.models.lifespan import retired_ids
from ecodesk.schema import RecordKind, RefSpec
from ecodesk.services import records

RETIRED_MARK = "（已撤销）"


def ref_choices(db: Database, spec: RefSpec, keep: Collection[int] = ()) -> list[tuple[int, str]]:
    """(id, name) of every live record a REF field may point to, in display order.

    A unit 撤销 by today is left out — no new record should name it — unless its id is in ``keep``
    (the record being edited names it already, and must keep it).
    """
    with db.session() as session:
        choices = records.ref_choices(session, spec)
        if spec.model is Unit:
            gone = retired_ids(session, dates.today()).difference(keep)
            choices = [(i, name) for i, name in choices if i not in gone]
    return choices


def village_choices(db: Database, kind: RecordKind) -> list[tuple[int, str]]:
    """The choices of the kind's village filter (empty when the kind has none). Villages 撤销 since
    stay listed, marked 已撤销, so their old records can still be found."""
    if not kind.village_key:
        return []
    spec = kind.field(kind.village_key).ref
    if spec is None:
        return []
    with db.session() as session:
        choices = records.ref_choices(session, spec)
        gone = retired_ids(session, dates.today()) if spec.model is Unit else set()
    return [(i, f"{name}{RETIRED_MARK}" if i in gone else name) for i, name in choices]
