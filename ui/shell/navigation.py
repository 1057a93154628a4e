"""Open "the list behind a number": a page of the main window, the record list in it, narrowed by a filter.

The 工作台's tiles (and any later summary) describe where they lead with a core
:class:`ecodesk.services.dashboard.Target`; this puts it on screen without the pages knowing about it.
The page is shown through the main window's ``show_page``; the list is the :class:`RecordPage` of the
target's record kind inside it (tabs are tried in turn, since tabbed pages build their lists lazily);
the filter is written into that list's filter bar, so the clerk sees — and can clear — what narrowed it.
A page may take over by defining ``show_target(target)``. A target naming one record (the 工作台's 待办,
the 考核 evidence) gets it selected and shown; when the filter would hide it, the filter is cleared
first, so a double-click never lands on an empty list. A target naming a campaign's cell opens that
campaign's 报送情况 at the unit and deliverable (the page's ``show_submission``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from ecodesk.services.dashboard import Target
from ecodesk.services.records import ListFilter
from ui.records.page import RecordPage


def _find_list(page: QWidget, kind: str) -> RecordPage | None:
    if isinstance(page, RecordPage) and page.kind.name == kind:
        return page
    for child in page.findChildren(RecordPage):
        if child.kind.name == kind:
            return child
    return None


def _reveal(widget: QWidget) -> None:
    """Make the tabs holding ``widget`` current, innermost first."""
    child: QWidget | None = widget
    while child is not None:
        parent = child.parentWidget()
        stack = parent.parentWidget() if parent is not None else None
        if isinstance(stack, QTabWidget):
            index = stack.indexOf(child)
            if index >= 0:
                stack.setCurrentIndex(index)
        child = parent


def _list_in(page: QWidget, kind: str) -> RecordPage | None:
    found = _find_list(page, kind)
    if found is not None:
        return found
    for tabs in page.findChildren(QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)  # tabbed pages build a tab's list when it is first shown
            found = _find_list(page, kind)
            if found is not None:
                return found
    return None


def apply_filter(page: RecordPage, flt: ListFilter) -> None:
    """Set the list's filter bar to ``flt`` and apply it (a named filter through the page's chips)."""
    bar = page.filter_bar
    widgets: list[QWidget] = [
        w for w in (bar.village, bar.status, bar.date_from, bar.date_to, bar.text) if w is not None
    ]
    for w in widgets:
        w.blockSignals(True)
    try:
        if bar.village is not None:
            bar.village.setCurrentIndex(max(bar.village.findData(flt.village_id), 0) if flt.village_id else 0)
        if bar.status is not None:
            bar.status.setCurrentIndex(max(bar.status.findData(flt.status or ""), 0))
        if bar.date_from is not None:
            bar.date_from.set_date(flt.date_from)
        if bar.date_to is not None:
            bar.date_to.set_date(flt.date_to)
        bar.text.setText(flt.text)
    finally:
        for w in widgets:
            w.blockSignals(False)
    choose_chip = getattr(page, "choose_chip", None)
    if callable(choose_chip):
        # A chip page keeps one chip lit: a named filter, else a status (chips carry both), else 全部.
        choose_chip(flt.named[0] if flt.named else flt.status or "")
    else:
        page.apply_filter()


def select_record(page: RecordPage, record_id: int) -> None:
    """Select ``record_id`` in the list, clearing the filter first if it hides the record."""
    if page.model.row_of_id(record_id) < 0:
        apply_filter(page, ListFilter())
    page.select_ids([record_id])
    page.table.setFocus()


def open_target(origin: QWidget, target: Target) -> QWidget | None:
    """Show ``target`` in the main window holding ``origin``; returns the list (or page) shown."""
    window = origin.window()
    show_page = getattr(window, "show_page", None)
    if not callable(show_page):
        return None
    page: QWidget = show_page(target.page)
    show_submission = getattr(page, "show_submission", None)
    if target.cell is not None and target.record_id is not None and callable(show_submission):
        show_submission(target.record_id, *target.cell)
        return page
    custom = getattr(page, "show_target", None)
    if callable(custom):
        custom(target)
        return page
    if target.kind:
        found = _list_in(page, target.kind)
        if found is not None:
            _reveal(found)
            apply_filter(found, target.flt)
            if target.record_id is not None:
                select_record(found, target.record_id)
            return found
    if target.tab:
        for tabs in page.findChildren(QTabWidget):
            for index in range(tabs.count()):
                if tabs.tabText(index) == target.tab:
                    tabs.setCurrentIndex(index)
    return page
