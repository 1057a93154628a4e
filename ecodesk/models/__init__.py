"""ORM models. Importing this package registers every table on ``Base.metadata``."""

from ecodesk.db.audit import AuditEntry

# Modules whose tables only need registering (their names are imported from the module itself):
# problems, ledgers and complaints; 承诺书; patrols and campaigns; 考核; 目标指标.
from ecodesk.models import (  # noqa: F401
    appraisal,
    campaign,
    complaint,
    ledger,
    letter,
    patrol,
    rectification,
    targets,
)
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
