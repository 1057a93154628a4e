"""Run a core long job (import, export, demo data, backup) on a worker thread with a progress dialog.

The core function takes a :class:`ecodesk.jobs.Job`; here its ``progress`` callback becomes a Qt
signal (queued to the GUI thread), the dialog's 取消 button calls ``job.cancel()``, and the result or
the error comes back on the GUI thread. The GUI never blocks while the job runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ecodesk.errors import EcoDeskError
from ecodesk.files import os_error_message
from ecodesk.jobs import Job, JobCancelledError
from ui.common import dialogs

log = logging.getLogger(__name__)

# Handles of running jobs: Python must keep them alive until their signals have been delivered.
_running: set[JobHandle] = set()


class _Signals(QObject):
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[Job], Any], job: Job, signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.job = job
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn(self.job)
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the GUI thread
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)


class JobHandle(QObject):
    """One running job. Signals:

    - ``finished(ok)``: after the result or error was handled on the GUI thread (tests wait on it).
    """

    finished = Signal(bool)

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        *,
        show_progress: bool = True,
    ) -> None:
        super().__init__()
        self.parent_widget = parent
        self.job = Job(progress=self._report)
        self.signals = _Signals()
        self.signals.progress.connect(self._on_progress)
        self.signals.succeeded.connect(self._on_succeeded)
        self.signals.failed.connect(self._on_failed)
        self._on_done = on_done
        self._on_error = on_error
        self.result: Any = None
        self.error: BaseException | None = None
        self.dialog: QProgressDialog | None = None
        # A page closed while its job runs (a preview still rendering when the 公文 page goes): the
        # job is cancelled and its result dropped, never handed to a deleted widget.
        self.orphaned = False
        if parent is not None:
            parent.destroyed.connect(self._parent_gone)
        if show_progress:
            self.dialog = QProgressDialog(f"{title}……", "取消", 0, 0, parent)
            self.dialog.setWindowTitle(title)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(400)  # a quick job should not flash a dialog
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.setMinimumWidth(380)
            self.dialog.canceled.connect(self.cancel)

    def _parent_gone(self, *_args: object) -> None:
        self.orphaned = True
        self.dialog = None  # a child of the parent: deleted with it
        self.job.cancel()

    def _report(self, done: int, total: int, message: str) -> None:
        # Called on the worker thread: only emit, the slot runs on the GUI thread.
        self.signals.progress.emit(done, total, message)

    def cancel(self) -> None:
        self.job.cancel()
        if self.dialog is not None:
            self.dialog.setLabelText("正在取消……")

    def _on_progress(self, done: int, total: int, message: str) -> None:
        dialog = self.dialog
        if dialog is None or self.job.cancelled:
            return
        if message:
            dialog.setLabelText(message)
        if total > 0:
            dialog.setMaximum(total)
            # Last: a modal dialog's setValue processes events, so the job may finish (and the
            # dialog be closed and deleted) inside this call.
            dialog.setValue(min(done, total))

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _on_succeeded(self, result: Any) -> None:
        self.result = result
        if self.orphaned:
            log.info("job finished after its window closed; result dropped")
            self._finish(False)
            return
        self._close_dialog()
        ok = True
        try:
            if self._on_done is not None:
                self._on_done(result)
        except Exception as exc:  # noqa: BLE001 - a failing follow-up must not kill the program
            ok = False
            dialogs.show_unexpected(self.parent_widget, exc)
        self._finish(ok)

    def _on_failed(self, exc: BaseException) -> None:
        self.error = exc
        if self.orphaned:
            log.info("job ended after its window closed: %s", exc)
            self._finish(False)
            return
        self._close_dialog()
        if self._on_error is not None:
            self._on_error(exc)
        elif isinstance(exc, JobCancelledError):
            dialogs.show_info(self.parent_widget, str(exc), "已取消")
        elif isinstance(exc, EcoDeskError):
            dialogs.show_error(self.parent_widget, str(exc))
        elif isinstance(exc, OSError):  # a file or folder refused: the clerk's to put right, not a bug
            log.warning("job failed on a file", exc_info=(type(exc), exc, exc.__traceback__))
            dialogs.show_error(self.parent_widget, os_error_message(exc))
        else:
            dialogs.show_unexpected(self.parent_widget, exc)
        self._finish(False)

    def _finish(self, ok: bool) -> None:
        _running.discard(self)
        self.finished.emit(ok)


def run_job(
    parent: QWidget | None,
    title: str,
    fn: Callable[[Job], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    *,
    show_progress: bool = True,
) -> JobHandle:
    """Start ``fn(job)`` on the thread pool; ``on_done(result)`` runs on the GUI thread afterwards.

    Errors: a cancelled job says so; an :class:`EcoDeskError` is shown as its Chinese message, an
    ``OSError`` as its reason in Chinese with the file; any other exception is logged and reported as
    a program error. ``on_error`` replaces all of that.
    """
    handle = JobHandle(parent, title, on_done, on_error, show_progress=show_progress)
    _running.add(handle)
    if handle.dialog is not None:
        handle.dialog.setValue(0)
    QThreadPool.globalInstance().start(_Task(fn, handle.job, handle.signals))
    log.info("job started: %s", title)
    return handle


def run_job_and_wait(parent: QWidget | None, title: str, fn: Callable[[Job], Any]) -> Any:
    """Run ``fn(job)`` on the thread pool with progress and 取消, and wait for it while the screen
    stays alive; its result, or its error raised here (取消 is an :class:`EcoDeskError`).

    For the jobs that swap the data file under the window (restore, encrypting it): the caller closed
    the file first, so the window stops repainting until the job ends — a lazy list would otherwise
    fetch rows to paint. The progress dialog, a window of its own, still repaints.
    """
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def finished(key: str, value: object) -> None:
        outcome[key] = value
        loop.quit()

    window = parent.window() if parent is not None else None
    if window is not None:
        window.setUpdatesEnabled(False)
    try:
        run_job(
            parent, title, fn, lambda result: finished("result", result), lambda exc: finished("error", exc)
        )
        if not outcome:  # the signals come through this loop, never before it runs
            loop.exec()
    finally:
        if window is not None:
            window.setUpdatesEnabled(True)
    error = outcome.get("error")
    if isinstance(error, BaseException):
        raise error
    return outcome.get("result")
