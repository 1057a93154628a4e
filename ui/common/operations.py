"""Every write from a widget goes through here (after Anki's ``CollectionOp``).

A write calls a service, shows a failure in Chinese, and announces what changed on the
:mod:`ui.common.changes` hub so every open list refreshes. Quick writes (one record) run on the GUI
thread so a form can show validation problems at once; slow ones run as a background job.

What changed is given as record kinds or :class:`~ui.common.changes.Area` members and is checked
before the write runs: a page that names something unknown fails at once in tests, not after the
data has changed with every other page left stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from PySide6.QtWidgets import QWidget

from ecodesk.errors import EcoDeskError, ValidationError
from ecodesk.files import os_error_message
from ecodesk.jobs import Job
from ui.common import dialogs
from ui.common.changes import Change, changes, checked
from ui.common.jobs import JobHandle, run_job

T = TypeVar("T")

REFUSED_TITLE = "填写有误"


def notify(changed: Iterable[Change] = (), *, settings: bool = False, everything: bool = False) -> None:
    """Announce a write made outside :func:`write` (a job's result, a file the clerk imported)."""
    hub = changes()
    if everything:
        hub.everything_changed.emit()
        return
    hub.announce(changed)
    if settings:
        hub.settings_changed.emit()


def write(
    parent: QWidget | None,
    op: Callable[[], T],
    changed: Iterable[Change] = (),
    *,
    settings: bool = False,
    raise_validation: bool = False,
    refused_title: str = REFUSED_TITLE,
) -> T | None:
    """Run a quick write now; on success notify and return its result, on failure show it and return None.

    A refusal (:class:`ValidationError`) is listed under ``refused_title``; with ``raise_validation`` it
    is re-raised instead, so a form can put each problem beside its field.
    """
    changed = checked(changed)
    try:
        result = op()
    except ValidationError as exc:
        if raise_validation:
            raise
        dialogs.show_error(parent, "\n".join(str(p) for p in exc.problems), refused_title)
        return None
    except EcoDeskError as exc:
        dialogs.show_error(parent, str(exc))
        return None
    except OSError as exc:  # a file or folder refused (an attachment, an output): said in Chinese
        dialogs.show_error(parent, os_error_message(exc))
        return None
    except Exception as exc:  # noqa: BLE001 - keep the program alive and the data untouched
        dialogs.show_unexpected(parent, exc)
        return None
    notify(changed, settings=settings)
    return result


def write_in_background(
    parent: QWidget | None,
    title: str,
    op: Callable[[Job], Any],
    changed: Iterable[Change] = (),
    *,
    everything: bool = False,
    on_done: Callable[[Any], None] | None = None,
) -> JobHandle:
    """Run a slow write as a job with a progress dialog; notify the pages when it has finished."""
    changed = checked(changed)

    def done(result: Any) -> None:
        notify(changed, everything=everything)
        if on_done is not None:
            on_done(result)

    return run_job(parent, title, op, done)
