"""UI fixtures: QSettings kept in a temporary folder so tests never touch the user's settings, a
fresh change hub per test, and the unsaved-input question refused unless a test answers it (a real
modal would hang the run)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from ecodesk.db import Database
from ecodesk.services import records
from ecodesk.services.org import HOUSEHOLDS, UNITS
from ui.common import changes as change_hub
from ui.common import unsaved


@pytest.fixture(autouse=True)
def _machine_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("qsettings")
    QCoreApplication.setOrganizationName("EcoDeskTest")
    QCoreApplication.setApplicationName("EcoDeskTest")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QSettings().clear()
    yield folder


@pytest.fixture(autouse=True)
def _fresh_change_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own change hub. A page an earlier test left alive (Qt deletes it only when
    Python collects it) must not hear this test's writes and query a data file that is gone."""
    monkeypatch.setattr(change_hub, "_hub", None)


@pytest.fixture(autouse=True)
def _unanswered_question(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that leaves typing in a form and closes it must answer 放弃未保存的内容？ itself
    (``monkeypatch.setattr(unsaved, "ask", ...)``); unanswered, the test fails instead of hanging."""

    def refuse(_parent: object) -> unsaved.Answer:
        raise AssertionError("放弃未保存的内容？ was asked and the test did not answer it")

    monkeypatch.setattr(unsaved, "ask", refuse)


@pytest.fixture
def village_db(db: Database) -> Database:
    """Two villages and five households: enough to sort and filter."""
    east = records.create(db, UNITS, {"name": "东沟村", "kind": "村", "sort_order": 2})
    west = records.create(db, UNITS, {"name": "西岭村", "kind": "村", "sort_order": 1})
    for name, village, group in (
        ("张建国", east.id, "一组"),
        ("李秀英", east.id, "二组"),
        ("王福生", west.id, "一组"),
        ("赵德明", west.id, "三组"),
        ("陈桂兰", east.id, "三组"),
    ):
        records.create(db, HOUSEHOLDS, {"head_name": name, "village": village, "group": group})
    return db
