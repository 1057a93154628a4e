"""ORM models. Importing this package registers every table on ``Base.metadata``."""

from ecodesk.db.audit import AuditEntry
from ecodesk.models.attachment import Attachment
from ecodesk.models.document import DOCUMENT_KINDS, DOCUMENT_STATUSES, Document
from ecodesk.models.org import (
    ENTERPRISE_STATUSES,
    ENTERPRISE_TAGS,
    INDUSTRIES,
    PERSON_ROLES,
    UNIT_KINDS,
    VILLAGE_KINDS,
    Enterprise,
    Grid,
    Household,
    Person,
    PersonRole,
    Unit,
    grid_members,
)
from ecodesk.models.setting import Setting
from ecodesk.models import complaint, ledger, rectification  # noqa: F401,E402  (problems, ledgers, complaints)
from ecodesk.models import letter  # noqa: F401,E402  (承诺书 templates and commitments)

__all__ = [
    "DOCUMENT_KINDS",
    "DOCUMENT_STATUSES",
    "ENTERPRISE_STATUSES",
    "ENTERPRISE_TAGS",
    "INDUSTRIES",
    "PERSON_ROLES",
    "UNIT_KINDS",
    "VILLAGE_KINDS",
    "Attachment",
    "AuditEntry",
    "Document",
    "Enterprise",
    "Grid",
    "Household",
    "Person",
    "PersonRole",
    "Setting",
    "Unit",
    "grid_members",
]

# Modules whose tables only need registering (their names are imported from the module itself).
from ecodesk.models import campaign, patrol  # noqa: E402, F401
from ecodesk.models import appraisal  # noqa: E402, F401  (考核 schemes, items, scores)
