"""Shared fixtures. Qt needs a platform before it is imported, even by pytest-qt's plugin."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The command line logs to a file in the user's data folder; tests (and the commands they start in
# subprocesses) log to a folder of their own instead.
if "ECODESK_LOG_DIR" not in os.environ:
    os.environ["ECODESK_LOG_DIR"] = tempfile.mkdtemp(prefix="ecodesk-test-logs-")
    atexit.register(shutil.rmtree, os.environ["ECODESK_LOG_DIR"], ignore_errors=True)

import pytest

from ecodesk.db import Database


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One freshly created database, copied for each test (creation runs the schema once)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    Database.open(path, operator="测试", create=True).close()
    return path


@pytest.fixture(scope="session")
def small_demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo town, generated once per run: copy it before changing it."""
    from ecodesk import demo

    path = tmp_path_factory.mktemp("small-demo") / "town.db"
    with Database.open(path, "甲", lock=True, create=True) as database:
        demo.generate(database, "small")
    return path


@pytest.fixture
def db_path(tmp_path: Path, _template_db: Path) -> Path:
    path = tmp_path / "ecodesk.db"
    shutil.copyfile(_template_db, path)
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database.open(db_path, operator="测试员")
    yield database
    database.close()
