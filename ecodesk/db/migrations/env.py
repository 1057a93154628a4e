"""Alembic environment: EcoDesk always passes its own open connection (see ecodesk.db.migrate)."""

from alembic import context

import ecodesk.models  # noqa: F401  (registers every table)
from ecodesk.db.base import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("EcoDesk migrations run through ecodesk.db.migrate with an open connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite can only ALTER by copying the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
