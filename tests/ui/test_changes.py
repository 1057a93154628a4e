"""The change hub's names are checked: a misspelt or free-string change fails at once, in the code that
names it, instead of leaving a page stale without a word."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QWidget

from ecodesk.db import Database
from ecodesk.services import records
from ecodesk.services.documents import DOCUMENTS
from ecodesk.services.org import HOUSEHOLDS, UNITS
from ecodesk.services.patrols import PATROLS
from ui.common import operations
from ui.common.changes import Area, UnknownChangeError, change_names, changes
from ui.records.action_dialog import ActionDialog

pytestmark = pytest.mark.gui

UNDECLARED = dataclasses.replace(PATROLS, name="patrol")  # a kind nobody registered


@pytest.fixture
def heard(qtbot) -> Iterator[list[str]]:
    names: list[str] = []
    changes().records_changed.connect(names.append)
    yield names
    changes().records_changed.disconnect(names.append)


@pytest.mark.parametrize("wrong", ["letters", "households", "leters", UNDECLARED, None])
def test_an_unknown_change_is_refused_and_nothing_is_sent(heard: list[str], wrong: object) -> None:
    with pytest.raises(UnknownChangeError):
        changes().announce([Area.LETTERS, wrong])  # type: ignore[list-item]
    assert heard == []  # the good name before it was not sent either


def test_names_come_from_the_kind_or_the_area() -> None:
    assert change_names([HOUSEHOLDS, Area.LETTERS, DOCUMENTS, HOUSEHOLDS]) == [
        "households",
        "letters",
        "documents",
    ]


def test_a_write_naming_something_unknown_fails_before_it_writes(village_db: Database) -> None:
    before = records.count(village_db, HOUSEHOLDS)
    with pytest.raises(UnknownChangeError):
        operations.write(
            None,
            lambda: records.create(village_db, HOUSEHOLDS, {"head_name": "新户"}),
            ["households"],  # type: ignore[list-item]
        )
    assert records.count(village_db, HOUSEHOLDS) == before
    with pytest.raises(UnknownChangeError):
        operations.write_in_background(None, "x", lambda _job: None, [UNDECLARED])
    with pytest.raises(UnknownChangeError):
        ActionDialog(None, village_db, "x", (), lambda _v: None, ["problems"])  # type: ignore[list-item]


def test_watching_checks_the_names_and_hears_only_them(qtbot) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    with pytest.raises(UnknownChangeError):
        changes().watch(page, ["units"], lambda: None)  # type: ignore[list-item]
    with pytest.raises(UnknownChangeError):
        changes().watch(page, [], lambda: None)
    calls: list[str] = []
    changes().watch(page, [UNITS, Area.APPRAISAL], lambda: calls.append("refreshed"))
    operations.notify([HOUSEHOLDS, DOCUMENTS])
    assert calls == []
    operations.notify([UNITS])
    operations.notify([Area.APPRAISAL])
    assert calls == ["refreshed", "refreshed"]


def test_a_deleted_page_stops_listening(qtbot) -> None:
    calls: list[str] = []
    page = QWidget()
    changes().watch(page, [UNITS], lambda: calls.append("refreshed"))
    page.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    operations.notify([UNITS])
    assert calls == []
