"""Every write from a widget goes through here (after Anki's ``CollectionOp``).

A write calls a service, shows a failure in Chinese, and announces what changed on the
:mod:`ui.common.changes` hub so every open list refreshes. Quick writes (one record) run on the GUI
thread so a form can show validation problems at once; slow ones run as a background job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from PySide6.QtWidgets import QWidget

from ecodesk.errors import EcoDeskError, ValidationError
from ecodesk.jobs import Job
from ui.common import dialogs
from ui.common.changes import changes
from ui.common.jobs import JobHandle, run_job

T = TypeVar("T")


def notify(kind_names: Iterable[str] = (), *, settings: bool = False, everything: bool = False) -> None:
    hub = changes()
    if everything:
        hub.everything_changed.emit()
        return
    for name in dict.fromkeys(kind_names):
        hub.records_changed.emit(name)
    if settings:
        hub.settings_changed.emit()


def write(
    parent: QWidget | None,
    op: Callable[[], T],
    kinds: Iterable[str] = (),
    *,
    settings: bool = False,
    raise_validation: bool = False,
) -> T | None:
    """Run a quick write now; on success notify and return its result, on failure show it and return None.

    With ``raise_validation`` a :class:`ValidationError` is re-raised so a form can put each problem
    beside its field instead of in a message box.
    """
    try:
        result = op()
    except ValidationError as exc:
        if raise_validation:
            raise
        dialogs.show_error(parent, "\n".join(str(p) for p in exc.problems), "填写有误")
        return None
    except EcoDeskError as exc:
        dialogs.show_error(parent, str(exc))
        return None
    except Exception as exc:  # noqa: BLE001 - keep the program alive and the data untouched
        dialogs.show_unexpected(parent, exc)
        return None
    notify(kinds, settings=settings)
    return result


def write_in_background(
    parent: QWidget | None,
    title: str,
    op: Callable[[Job], Any],
    kinds: Iterable[str] = (),
    *,
    everything: bool = False,
    on_done: Callable[[Any], None] | None = None,
) -> JobHandle:
    """Run a slow write as a job with a progress dialog; notify the pages when it has finished."""
    kind_list = list(kinds)

    def done(result: Any) -> None:
        notify(kind_list, everything=everything)
        if on_done is not None:
            on_done(result)

    return run_job(parent, title, op, done)
