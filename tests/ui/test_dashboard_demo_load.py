"""While the demo town loads the 工作台 says 正在载入演示数据… with the job's progress instead of
zeros, and counts the town as soon as the load ends (cancelled too: the loading notice goes)."""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator

import pytest

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.jobs import Job
from ecodesk.services import settings as data_settings
from tests.core.helpers import build_dashboard_town
from tests.ui.helpers import keep_shot
from ui.common import dialogs
from ui.dashboard.page import LOADING, DashboardPage
from ui.shell.wizard import demo_loading, load_demo

pytestmark = pytest.mark.gui


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """Holds the fake load half-way; always opened at the end, so a failing test leaves no thread waiting."""
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture(autouse=True)
def _no_unanswered_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """An error box nobody answers would hang the test: fail instead."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"unexpected error shown: {args[1:2]}")

    monkeypatch.setattr(dialogs, "show_error", refuse)
    monkeypatch.setattr(dialogs, "show_unexpected", refuse)


def fake_generator(monkeypatch: pytest.MonkeyPatch, gate: threading.Event, *, fill: bool) -> None:
    """A demo generator that reports a step, waits for the test, then writes a small town."""

    def generate(db: Database, scale: str = "town", seed: int = 2024, job: Job | None = None) -> str:
        assert job is not None
        job.report(0, 10, "正在准备演示数据…")
        job.report(4, 10, "正在生成农户…")
        gate.wait(30)
        job.report(9, 10, "正在生成巡查记录…")  # raises once the clerk cancelled
        if fill:
            build_dashboard_town(db, dates.today())
        return "已生成演示数据"

    fake = types.ModuleType("ecodesk.demo")
    fake.generate = generate  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ecodesk.demo", fake)


def test_the_dashboard_shows_the_demo_load_and_refreshes_when_done(
    qtbot, monkeypatch, db: Database, gate: threading.Event
) -> None:
    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    monkeypatch.setattr(dialogs, "show_info", lambda *args, **kwargs: None)
    fake_generator(monkeypatch, gate, fill=True)
    page = DashboardPage(db)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    assert page.tiles["patrols"].value.text() == "—" and not page.loading

    handle = load_demo(page, db)
    assert demo_loading().running and page.loading and page.progress.isVisible()
    qtbot.waitUntil(lambda: page.progress.value() == 4, timeout=15_000)
    assert page.hint.text() == f"{LOADING}（正在生成农户）"
    assert page.progress.maximum() == 10
    assert all(t.value.text() == "—" and t.detail.text() == LOADING for t in page.tiles.values())
    keep_shot(page, "dashboard_demo_loading.png")

    gate.set()
    with qtbot.waitSignal(handle.finished, timeout=10_000):
        pass
    assert not demo_loading().running and not page.loading and page.progress.isHidden()
    assert page.tiles["patrols"].value.text() == "3 次"  # counted without pressing 刷新
    assert LOADING not in page.hint.text()


def test_a_cancelled_demo_load_leaves_no_loading_notice(
    qtbot, monkeypatch, db: Database, gate: threading.Event
) -> None:
    monkeypatch.setattr(dialogs, "show_info", lambda *args, **kwargs: None)
    fake_generator(monkeypatch, gate, fill=False)
    page = DashboardPage(db)
    qtbot.addWidget(page)
    handle = load_demo(page, db)
    qtbot.waitUntil(lambda: page.progress.value() == 4, timeout=15_000)
    handle.cancel()
    gate.set()
    with qtbot.waitSignal(handle.finished, timeout=10_000) as blocker:
        pass
    assert blocker.args == [False]
    assert not page.loading and page.hint.text() != LOADING  # back to 尚无数据's hint
    assert page.tiles["patrols"].detail.text() == "尚无数据"


def test_a_dashboard_built_after_the_load_began_shows_it(
    qtbot, monkeypatch, db: Database, gate: threading.Event
) -> None:
    monkeypatch.setattr(dialogs, "show_info", lambda *args, **kwargs: None)
    fake_generator(monkeypatch, gate, fill=False)
    handle = load_demo(None, db)
    qtbot.waitUntil(lambda: demo_loading().last[0] == 4, timeout=15_000)
    page = DashboardPage(db)
    qtbot.addWidget(page)
    assert page.loading and page.progress.value() == 4
    gate.set()
    with qtbot.waitSignal(handle.finished, timeout=10_000):
        pass
    assert not page.loading
