"""Starting EcoDesk again brings the window already open on that data file to the front.

The clerk double-clicks the desktop icon while the program is open (behind another window, or
minimised): instead of a second window refused with "数据文件已被另一个 EcoDesk 窗口打开", the
running one comes forward. Each open data file has a local server (a named pipe on Windows, a socket
elsewhere) whose name comes from the file's path and the user, so two different data files can still
be open at once (the file lock allows it) and two users of one PC never reach each other's window.

The second start asks before it opens anything; a first EcoDesk that does not answer within
:data:`ANSWER_MS` (hung, or a socket left by a crash) is not waited for: the start goes on and
the file lock says what it always said.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QTimer
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

log = logging.getLogger(__name__)

ACTIVATE = b"ecodesk activate\n"
ANSWER = b"ok\n"
ANSWER_MS = 3000
ASFW_ANY = -1  # AllowSetForegroundWindow: any process may take the foreground


def server_name(db_path: Path) -> str:
    """The local server's name for a data file: the same file (however its path is spelled on a
    case-insensitive Windows) and the same user give the same name."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in the environment: one name for everyone
        user = ""
    try:
        resolved = Path(db_path).expanduser().resolve()
    except OSError:  # a drive that is not there (a USB stick out): its absolute spelling will do
        resolved = Path(db_path).expanduser().absolute()
    where = os.path.normcase(str(resolved))
    digest = hashlib.sha256(f"{user}\n{where}".encode()).hexdigest()[:24]
    return f"EcoDesk-{digest}"


def bring_running_to_front(db_path: Path, timeout_ms: int | None = None) -> bool:
    """Ask the EcoDesk that has ``db_path`` open to show its window; True once it answered
    (within ``timeout_ms``, :data:`ANSWER_MS` by default).

    Waits in a local event loop rather than blocking, so a first window in this very process (the
    tests) can answer too.
    """
    timeout_ms = ANSWER_MS if timeout_ms is None else timeout_ms
    socket = QLocalSocket()
    socket.connectToServer(server_name(db_path))
    if not socket.waitForConnected(timeout_ms):
        return False  # nobody has this file open (or only a crashed program's leftover name)
    _allow_foreground()
    socket.write(ACTIVATE)
    socket.flush()
    answer = bytearray()
    loop = QEventLoop()

    def read() -> None:
        answer.extend(socket.readAll().data())
        if ANSWER in answer:
            loop.quit()

    socket.readyRead.connect(read)
    socket.disconnected.connect(loop.quit)
    socket.errorOccurred.connect(loop.quit)
    timer = QTimer()  # not QTimer.singleShot: it would fire into the loop after it is gone
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(timeout_ms)
    if ANSWER not in answer:
        loop.exec()
    timer.stop()
    socket.readyRead.disconnect(read)
    socket.disconnected.disconnect(loop.quit)
    socket.errorOccurred.disconnect(loop.quit)
    socket.abort()
    if ANSWER not in answer:
        log.warning("the EcoDesk holding %s did not answer within %d ms", db_path, timeout_ms)
        return False
    log.info("another start of %s: the running window was brought to the front", db_path)
    return True


class RunningInstance(QObject):
    """The server a running EcoDesk keeps for its data file; ``activate`` runs when EcoDesk is
    started again on that file. It listens from the moment the file is open (a double-click while
    the password or operator question is up reaches that question); :meth:`follow_current` moves it
    to the file ``current_path`` names now (after 打开, 新建 or a restore)."""

    def __init__(self, activate: Callable[[], None] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._activate = activate or raise_program
        self.current_path: Callable[[], Path] | None = None
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._connected)
        self.path: Path | None = None

    def follow_current(self) -> bool:
        return self.follow(self.current_path()) if self.current_path is not None else False

    def follow(self, db_path: Path) -> bool:
        """Listen for the file now open; True when listening. Called only while holding the file's
        lock, so a name left behind by a crashed EcoDesk is ours to remove."""
        if self.path == db_path and self.server.isListening():
            return True
        self.server.close()
        self.path = db_path
        name = server_name(db_path)
        if self.server.listen(name):
            return True
        QLocalServer.removeServer(name)  # the socket file a killed EcoDesk left (Unix)
        if self.server.listen(name):
            return True
        log.warning("cannot listen as %s for %s: %s", name, db_path, self.server.errorString())
        return False

    def _connected(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            # No deleteLater on disconnect: PySide may own the wrapper too, and a double delete
            # crashes. A few sockets (one per later start) go with the server.
            socket.readyRead.connect(lambda s=socket: self._read(s))
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if ACTIVATE.strip() not in socket.readAll().data():
            return
        try:
            self._activate()
        except Exception:  # noqa: BLE001 - a failed raise must not take the open window down
            log.exception("bringing the window to the front failed")
        socket.write(ANSWER)
        socket.flush()


def raise_program() -> None:
    """Bring this EcoDesk forward: its main window, and the question it is asking, if any (the
    password or operator question of a start not yet finished, a dialog left open)."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMainWindow) and widget.isVisible():
            raise_window(widget)
    modal = QApplication.activeModalWidget()
    if modal is not None:
        raise_window(modal)


def raise_window(window: QWidget) -> None:
    """Bring ``window`` forward as the clerk left it, un-minimised (a modal dialog comes with it)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def _allow_foreground() -> None:
    """Windows lets only the foreground process hand the foreground on: the starting program is
    in front, so it allows the running one to come forward (else only its taskbar button flashes)."""
    if sys.platform != "win32":
        return
    try:
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(ASFW_ANY)  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        log.info("AllowSetForegroundWindow unavailable", exc_info=True)
