"""Long jobs (imports, exports, batch PDFs, demo data) report progress and can be cancelled.

A core function takes a :class:`Job`; the UI runs it on a worker thread and wires ``progress`` to
a progress dialog and its cancel button to ``cancel()``. The CLI passes a plain Job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ecodesk.errors import EcoDeskError

ProgressFn = Callable[[int, int, str], None]  # (done, total, message)


class JobCancelledError(EcoDeskError):
    def __init__(self) -> None:
        super().__init__("已取消，未做任何更改。")


@dataclass
class Job:
    progress: ProgressFn | None = None
    cancel_event: threading.Event = field(default_factory=threading.Event)

    def report(self, done: int, total: int, message: str = "") -> None:
        """Tell the user how far we are; raises :class:`JobCancelledError` if they asked to stop."""
        if self.cancel_event.is_set():
            raise JobCancelledError()
        if self.progress is not None:
            self.progress(done, total, message)

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()
