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

from ecodesk.errors import DatabaseError

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


class MigrationFilesError(DatabaseError):
    """The shipped revision files do not form one chain: an upgrade over an older install left a
    renamed or removed revision file behind (the installer now clears ``{app}\\_internal`` first,
    but a copied folder can still carry one). Refused before any data file is touched."""


@cache
def _parsed() -> tuple[tuple[str, str, str | None], ...]:
    """(file name, revision, the revision it revises) of every revision file, in name order."""
    found = []
    for file in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        source = file.read_text(encoding="utf-8")
        rev, down = _REVISION.search(source), _DOWN.search(source)
        if rev is not None and down is not None:
            found.append((file.name, rev.group(1), down.group(1)))
    return tuple(found)


def revisions() -> dict[str, str | None]:
    """Every shipped revision and the one it revises (None for the first), checked to form one chain."""
    return dict(_checked()[0])


@cache
def _checked() -> tuple[dict[str, str | None], list[str], list[str]]:
    """The revisions, their order from the first to the head, and the revisions found in two files.

    Raises :class:`MigrationFilesError` when the head cannot be told (two files revise one revision,
    or a file revises one that is missing). A revision in two files (renamed, the old name left
    behind) still has one place in the chain: files already at the head open as ever, and only an
    upgrade, which would run one of the two, is refused (:func:`upgrade`).
    """
    files = _parsed()
    by_rev: dict[str, list[str]] = {}
    children: dict[str | None, set[str]] = {}
    for name, rev, down in files:
        by_rev.setdefault(rev, []).append(name)
        children.setdefault(down, set()).add(rev)
    down_of = {rev: down for _, rev, down in files}
    problems = [
        f"{'版本 ' + down if down else '第一个版本'}之后接了多个版本：{'、'.join(_files_of(by_rev, revs))}"
        for down, revs in children.items()
        if len(revs) > 1
    ]
    problems += [
        f"{name} 所接的版本 {down} 不存在" for name, _, down in files if down and down not in down_of
    ]
    order: list[str] = []
    step: str | None = None
    while not problems and len(children.get(step, ())) == 1 and len(order) <= len(down_of):
        (step,) = children[step]
        order.append(step)
    if not problems and (not order or len(order) != len(down_of)):
        problems.append("版本文件没有连成一条线" if files else "找不到任何版本文件")
    if problems:
        raise MigrationFilesError(_conflict(problems))
    duplicates = [
        f"版本 {rev} 同时出现在 {'、'.join(names)} 中" for rev, names in by_rev.items() if len(names) > 1
    ]
    return down_of, order, duplicates


def _files_of(by_rev: dict[str, list[str]], revs: set[str]) -> list[str]:
    return [name for rev in sorted(revs) for name in by_rev[rev]]


def _conflict(problems: list[str]) -> str:
    return (
        f"程序文件夹中的数据升级文件有冲突（{'；'.join(problems)}），多半是升级安装时旧版本留下的文件。"
        "请重新运行 EcoDesk 安装程序（安装时会先清除旧的程序文件），或删除程序文件夹后重新安装。"
        "数据文件没有被改动。"
    )


def head_revision() -> str:
    """The newest shipped revision (:class:`MigrationFilesError` when the files do not tell it)."""
    return _checked()[1][-1]


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_known(revision: str) -> bool:
    """Whether this EcoDesk knows the revision; an unknown one was written by a newer version."""
    return revision in _checked()[0]


def upgrade(connection: Connection, target: str = "head") -> None:
    """Run the migrations up to ``target``; refused when a revision is in two files (which to run?)."""
    from alembic import command

    duplicates = _checked()[2]
    if duplicates:
        raise MigrationFilesError(_conflict(duplicates))
    command.upgrade(alembic_config(connection), target)


def stamp(connection: Connection, target: str = "head") -> None:
    from alembic import command

    command.stamp(alembic_config(connection), target)
