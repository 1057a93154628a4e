"""House rules for the UI package: widgets reach the data only through services, and announce their
writes only through the change hub.

A widget that opens a session or builds a query ties the screen to the schema and runs SQL on the GUI
thread unseen; the services own both. A page that emitted the hub's signal itself would skip the check
of what it names. The rules are read from the source of every module in every subfolder, so a new page
cannot slip past them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ui

pytestmark = pytest.mark.gui

UI_DIR = Path(ui.__file__).parent
# SQLAlchemy at any depth; the models package itself (its constants modules, e.g. ecodesk.models.letter's
# LETTER_KINDS, are still read by a few pages).
FORBIDDEN_PACKAGES = ("sqlalchemy",)
FORBIDDEN_MODULES = ("ecodesk.models",)


def _modules() -> list[tuple[str, ast.Module]]:
    paths = sorted(UI_DIR.rglob("*.py"))
    assert any(p.parent != UI_DIR for p in paths)  # the walk reaches the domain packages
    return [(p.relative_to(UI_DIR).as_posix(), ast.parse(p.read_text(encoding="utf-8"))) for p in paths]


def _forbidden(module: str) -> bool:
    in_package = any(module == p or module.startswith(f"{p}.") for p in FORBIDDEN_PACKAGES)
    return in_package or module in FORBIDDEN_MODULES


def forbidden_imports(tree: ast.AST) -> list[str]:
    """``line: module`` of each import of SQLAlchemy or of the ORM models package."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: {a.name}" for a in node.names if _forbidden(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # ``from ecodesk import models`` names the package as well as ``import ecodesk.models``
            candidates = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            found += [f"{node.lineno}: {m}" for m in candidates if _forbidden(m)][:1]
    return found


def session_calls(tree: ast.AST) -> list[int]:
    """Lines calling anything's ``.session(…)`` (``db.session()`` opens one)."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "session"
    ]


def test_no_sqlalchemy_or_models_in_ui() -> None:
    assert [f"{name}:{hit}" for name, tree in _modules() for hit in forbidden_imports(tree)] == []


def test_ui_opens_no_session() -> None:
    assert [f"{name}:{line}" for name, tree in _modules() for line in session_calls(tree)] == []


def test_the_rules_see_an_offence() -> None:
    tree = ast.parse(
        "import sqlalchemy.orm\n"
        "from ecodesk import models\n"
        "from ecodesk.models import Unit\n"
        "from sqlalchemy import select\n"
        "from ecodesk.services import records\n"
        "with db.session() as s:\n"
        "    s.get(Unit, 1)\n"
    )
    assert forbidden_imports(tree) == [
        "1: sqlalchemy.orm",
        "2: ecodesk.models",
        "3: ecodesk.models",
        "4: sqlalchemy",
    ]
    assert session_calls(tree) == [6]


def test_only_the_hub_emits_record_changes() -> None:
    """Pages announce through ``changes().announce`` / ``operations``, where the names are checked."""
    emitted_in = [
        name
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "emit"
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "records_changed"
    ]
    assert emitted_in == ["common/changes.py"]
