"""House rules for the UI package: widgets reach the data only through services."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ui

pytestmark = pytest.mark.gui

UI_DIR = Path(ui.__file__).parent


def test_no_sqlalchemy_in_ui() -> None:
    offenders = []
    for path in sorted(UI_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [
                f"{path.name}: {n}" for n in names if n.split(".")[0] == "sqlalchemy" or n == "ecodesk.models"
            ]
    assert offenders == []
