"""Every window and dialog fits the screen it opens on: never taller or wider, never off its edge.

The clerk's PC is often a 1366×768 laptop (1366×728 above the taskbar) or a 1920×1080 one at 150 %
(1280×720 logical px, 1280×680 above the taskbar). A window asked for 860×760 there ran under the
taskbar with its buttons out of reach. Rather than every dialog remembering to check, one event filter
on the application (:func:`install`, called once at start-up) looks at each window as it is shown and
shrinks and moves it into ``QScreen.availableGeometry()`` — the screen without the taskbar — title bar
and borders included. New dialogs get it without doing anything.

A window that fits is left exactly as it asked; a maximised or full-screen one is the system's business.
An application-wide filter sees every event: it returns at once for all but a window's Show, which costs
about 2 µs an event (measured offscreen) — well below anything the clerk can notice.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

# A Windows 10/11 title bar and borders at 100 %, assumed while a window has no frame yet to measure.
FRAME_ALLOWANCE = QMargins(8, 32, 8, 8)

# Window types the filter fits. Menus, combo-box lists and tool tips (Popup, ToolTip) Qt places itself.
_FITTED_TYPES = frozenset(
    {Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Sheet, Qt.WindowType.Tool}
)
_LEFT_ALONE_STATES = (
    Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen | Qt.WindowState.WindowMinimized
)


def available_area(widget: QWidget) -> QRect:
    """The part of the window's screen that windows may use (the taskbar left out). A window the
    program has not placed opens over its parent, so with two monitors the parent's screen counts."""
    parent = widget.parentWidget()
    anchor = widget
    if parent is not None and not widget.testAttribute(Qt.WidgetAttribute.WA_Moved):
        anchor = parent.window()
    screen = QGuiApplication.screenAt(anchor.frameGeometry().center()) or anchor.screen()
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def frame_margins(widget: QWidget) -> QMargins:
    """The title bar and borders around the window: measured when the system knows them, else assumed."""
    if widget.windowFlags() & Qt.WindowType.FramelessWindowHint:
        return QMargins()
    handle = widget.windowHandle()
    if handle is not None:
        measured = handle.frameMargins()
        if not measured.isNull():
            return measured
    return FRAME_ALLOWANCE


def fitted_size(size: QSize, margins: QMargins, area: QRect, minimum: QSize) -> QSize:
    """``size`` (without the frame) made no larger than ``area`` leaves inside the frame — but not
    below ``minimum``, which the window's layout needs."""
    room = area.marginsRemoved(margins).size()
    return size.boundedTo(room).expandedTo(minimum)


def fitted_position(frame: QRect, area: QRect) -> QPoint:
    """Where the frame's top left goes so that the frame is inside ``area``; a frame too large for
    it keeps its title bar (top left) on the screen."""
    left = max(area.left(), min(frame.left(), area.right() + 1 - frame.width()))
    top = max(area.top(), min(frame.top(), area.bottom() + 1 - frame.height()))
    return QPoint(left, top)


def fit_size(widget: QWidget) -> bool:
    """Shrink the window to its screen's available area; True when it changed."""
    if widget.windowState() & _LEFT_ALONE_STATES:
        return False
    size = widget.size()
    wanted = fitted_size(size, frame_margins(widget), available_area(widget), widget.minimumSize())
    if wanted == size:
        return False
    widget.resize(wanted)
    return True


def fit_position(widget: QWidget) -> bool:
    """Move the window so that its frame is inside its screen's available area; True when it moved."""
    if widget.windowState() & _LEFT_ALONE_STATES:
        return False
    frame = widget.geometry().marginsAdded(frame_margins(widget))
    wanted = fitted_position(frame, available_area(widget))
    if wanted == frame.topLeft():
        return False
    widget.move(wanted)  # move() places the frame, not the inside
    return True


def fit_window(widget: QWidget) -> bool:
    """Shrink and move the window into its screen's available area; True when anything changed."""
    resized = fit_size(widget)
    return fit_position(widget) or resized


def _is_fitted_window(widget: QWidget) -> bool:
    return widget.isWindow() and widget.windowType() in _FITTED_TYPES


class ScreenFitFilter(QObject):
    """Fits every window of the application as it is shown.

    The Show event comes before the window appears and before a dialog centres itself over its parent,
    so the size is fitted then (the dialog centres at its fitted size). Where Qt or the system place a
    window is only known once it is shown, so its position is checked right after — unless the
    program placed it itself (a restored geometry), which is checked at once.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and _is_fitted_window(watched):
            fit_size(watched)
            if watched.testAttribute(Qt.WidgetAttribute.WA_Moved):
                fit_position(watched)
            else:
                # The timer dies with the window, so a window closed at once is not touched.
                QTimer.singleShot(0, watched, lambda: fit_position(watched))
        return False


def install(app: QApplication) -> ScreenFitFilter:
    """Fit every window of ``app`` from now on (once, at start-up)."""
    existing = app.findChild(ScreenFitFilter)
    if existing is not None:
        return existing
    fit = ScreenFitFilter(app)  # parented to the application, so it lives as long as it does
    app.installEventFilter(fit)
    return fit
