"""Alembic, driven from code: the migrations ship inside the package and run on open.

Opening an up-to-date file only needs to know the revisions, so they are read straight from the
revision files and the ``alembic_version`` table; Alembic itself (a quarter of a second to import on
the office PC) is loaded only when a file is created or upgraded.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_REVISION = re.compile(r"^revision\s*=\s*['\"](\w+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(?:['\"](\w+)['\"]|None)", re.M)


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    """Alembic's own view of the shipped revisions (the self-test walks it)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


@cache
def revisions() -> dict[str, str | None]:
    """Every shipped revision and the one it revises (None for the first)."""
    found: dict[str, str | None] = {}
    for file in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        source = file.read_text(encoding="utf-8")
        rev, down = _REVISION.search(source), _DOWN.search(source)
        if rev is not None and down is not None:
            found[rev.group(1)] = down.group(1)
    return found


def head_revision() -> str:
    chain = revisions()
    heads = set(chain) - {down for down in chain.values() if down}
    assert len(heads) == 1, f"the shipped migrations must form one chain, heads: {sorted(heads)}"
    return heads.pop()


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_known(revision: str) -> bool:
    """Whether this EcoDesk knows the revision; an unknown one was written by a newer version."""
    return revision in revisions()


def upgrade(connection: Connection, target: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), target)


def stamp(connection: Connection, target: str = "head") -> None:
    from alembic import command

    command.stamp(alembic_config(connection), target)
