"""问题整改: the dynamic list of problems, from 发现 to 销号.

The generic list page (filter bar, fast table, form, soft delete, Excel, print) with what this list
needs besides: counts by status as chips, overdue rows red and rows due within 3 days amber, the
:class:`ProblemDetail` pane (moves, journal, photos, links), and batch work on the selected rows —
交办 to a responsible unit, 延期 with a reason, 销号 of several — each one service call, all or nothing.

The list opens newest first (as 巡查记录) until the clerk sorts it himself. The problems the clerk is
working on — one, or the whole selection of a batch 交办/延期/销号 — stay in the list, selected, when
an action moves them out of the current filter (完成整改 while the list shows 整改中): they are kept as
pinned rows until the filter or the selection changes, and the status bar says why they are still
there. 新增 starts with 发现日期 today.
"""

from __future__ import annotations

import html
from collections import Counter
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QVBoxLayout, QWidget

from ecodesk import dates
from ecodesk.db.database import Database
from ecodesk.schema import Field, FieldType
from ecodesk.services import rectification, rectification_circular
from ecodesk.services.dashboard import Target
from ecodesk.services.documents import DOCUMENTS
from ecodesk.services.records import ListFilter
from ecodesk.services.rectification import NOT_CLOSED_FILTER, PROBLEMS
from ui.common import dialogs, machine_settings
from ui.problems.detail import ProblemDetail
from ui.records.action_dialog import ActionDialog
from ui.records.chip_page import ALL, ChipRecordPage
from ui.records.deadline_model import DeadlineTableModel, problem_colour
from ui.records.detail import DetailPane
from ui.records.form import RecordDialog
from ui.records.model import RecordTableModel
from ui.shell.navigation import open_target

T = FieldType
ASSIGN_FIELDS = (
    Field("unit", "责任单位", T.REF, ref=rectification.UNIT_REF, required=True),
    Field("person", "责任人", max_len=40),
    Field("note", "交办要求", T.LONGTEXT),
)
EXTEND_FIELDS = (
    Field("deadline", "新的整改时限", T.DATE, required=True),
    Field("reason", "延期原因", T.LONGTEXT, required=True),
)
CIRCULAR_FIELDS = (
    Field("date_from", "起始日期", T.DATE, required=True),
    Field("date_to", "截止日期", T.DATE, required=True),
)
CLOSE_FIELDS = (
    Field("on_date", "销号日期", T.DATE, required=True),
    Field("verifier", "核查人", required=True, max_len=40),
    Field("note", "核查情况", T.LONGTEXT),
)


class ProblemDialog(RecordDialog):
    """The problem form; a new problem is found today unless the clerk says otherwise."""

    def __init__(
        self, db: Database, kind: Any, record_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(db, kind, record_id, parent)
        if record_id is None and "found_date" in self.editors:
            self.editors["found_date"].set_value(dates.today())


class PinningModel(DeadlineTableModel):
    """The problem list, which may keep some records (:attr:`pinned`) although the filter leaves them
    out: they follow the filtered rows. :attr:`outside` lists those shown only because they are pinned.
    """

    def __init__(self, *args: Any) -> None:
        self.pinned: tuple[int, ...] = ()
        self.outside: tuple[int, ...] = ()
        super().__init__(*args)

    def _query_ids(self) -> list[int]:
        ids = super()._query_ids()
        listed = set(ids)
        self.outside = tuple(pid for pid in self.pinned if pid not in listed)
        return [*ids, *self.outside]


class ProblemsPage(ChipRecordPage):
    """Signals: ``count_changed(int)`` (from :class:`RecordPage`)."""

    LEADING = (
        "found_date",
        "village",
        "place",
        "description",
        "deadline",
        "status",
        "overdue",
        "responsible_unit",
    )
    NARROW = {"village": 7, "place": 15, "description": 16, "status": 10, "overdue": 8}

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, PROBLEMS, parent)
        self.setObjectName("problems_page")
        self.assign_button = self._button("批量交办", "把选中的问题交办给一个责任单位", self.assign_selected)
        self.extend_button = self._button(
            "批量延期", "延长选中问题的整改时限（须写明原因）", self.extend_selected
        )
        self.close_button = self._button("批量销号", "核查后一次销号选中的多个问题", self.close_selected)
        batch = QHBoxLayout()
        batch.setContentsMargins(0, 0, 0, 0)
        label = QLabel("选中的问题：")
        label.setStyleSheet("color:#555;")
        batch.addWidget(label)
        for button in (self.assign_button, self.extend_button, self.close_button):
            batch.addWidget(button)
        batch.addStretch(1)
        self.circular_button = self._button(
            "起草整改通报…", "按一段时间的整改记录起草《整改情况通报》，存入公文草稿", self.draft_circular
        )
        batch.addWidget(self.circular_button)
        self.drafted_id: int | None = None  # the 通报 drafted last, for 打开通报草稿
        self.open_draft_button = self._button(
            "打开通报草稿", "到“公文”页打开刚起草的整改通报", lambda: self.open_draft()
        )
        self.open_draft_button.hide()  # shown once a 通报 has been drafted
        batch.addWidget(self.open_draft_button)
        legend = QLabel(
            '<span style="background:#fde4e4;color:#b71c1c">&nbsp;已超期&nbsp;</span>&nbsp;'
            '<span style="background:#fff1c9;color:#7a4f00">&nbsp;3天内到期&nbsp;</span>'
        )
        legend.setToolTip("整改时限已过仍未整改的问题标红；3天内到期的标黄")
        batch.addWidget(legend)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(3, batch)  # under the record buttons, above the list
        self.notice = ""  # the last thing said in the status bar about the list
        if machine_settings.header_state(self.kind.name) is None:  # newest first unless the clerk sorted
            found = [f.key for f in self.kind.table_fields].index("found_date")
            self.table.horizontalHeader().setSortIndicator(found, Qt.SortOrder.DescendingOrder)
        self._selection_changed()

    # -- the hooks of the list page ------------------------------------------------------------

    def create_model(self) -> RecordTableModel:
        return PinningModel(self.db, self.kind, problem_colour, self)

    @property
    def pinning(self) -> PinningModel:
        assert isinstance(self.model, PinningModel)
        return self.model

    def add_record(self) -> None:
        record_id = ProblemDialog.ask(self, self.db, self.kind)
        if record_id is not None:
            self.select_ids([record_id])

    def apply_filter(self) -> None:
        self.pinning.pinned = ()  # a filter the clerk chooses shows exactly what it says
        super().apply_filter()

    def refresh(self, changed_ids: list[int] | None = None) -> None:
        """Re-read after a write; the selected problems (a batch's whole selection) stay selected and in
        view even when the action moved them out of the filter."""
        model = self.pinning
        model.pinned = tuple(self.selected_ids())
        super().refresh(changed_ids)
        if not model.outside:
            return
        gone = {pid for pid in model.outside if self._deleted(pid)}
        if gone:  # deleted: let them go as the filter says
            model.pinned = tuple(pid for pid in model.pinned if pid not in gone)
            super().refresh(changed_ids)
            if not model.outside:
                return
        self.select_ids(list(model.pinned))
        self.say(self._outside_text(model.outside, len(model.pinned)))

    def _deleted(self, record_id: int) -> bool:
        row = self.pinning.row_of_id(record_id)
        return row < 0 or self.pinning.is_deleted(row)

    def _outside_text(self, outside: tuple[int, ...], selected: int) -> str:
        """The status-bar line for selected problems kept in view although the filter leaves them out."""
        column = [f.key for f in self.kind.table_fields].index("status")
        statuses = [
            str(self.model.data(self.model.index(self.model.row_of_id(pid), column))) for pid in outside
        ]
        if selected == 1:
            return f"该问题已移出当前筛选（状态：{statuses[0]}），仍显示在列表末尾，更换筛选后不再显示"
        counted = "、".join(f"{s}{n}个" for s, n in Counter(statuses).items())
        return (
            f"选中的 {selected} 个问题仍全部选中；其中 {len(outside)} 个已移出当前筛选（{counted}），"
            "显示在列表末尾，更换筛选后不再显示"
        )

    def say(self, text: str) -> None:
        """A line in the main window's status bar (kept in :attr:`notice` for a page on its own)."""
        self.notice = text
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 15000)

    def create_detail(self) -> DetailPane:
        return ProblemDetail(self.db, self.kind)

    def counts(self, base: ListFilter) -> dict[str, int]:
        """The service's counts by status (with 已超期, 3天内到期); 全部 and 未销号 added up from them."""
        found = rectification.status_counts(self.db, base)
        statuses = self.kind.field("status").choices
        found[ALL] = sum(found[s] for s in statuses)
        found[NOT_CLOSED_FILTER] = sum(found[s] for s in statuses[:-1])  # every status but 已销号, the last
        return found

    def _selection_changed(self, *args: object) -> None:
        super()._selection_changed(*args)
        if not hasattr(self, "close_button"):
            return
        model = self.pinning
        selected = self.selected_ids()
        if model.pinned and selected and set(selected) != set(model.pinned):
            model.pinned = ()  # the clerk moved on; the rows go at the next refresh
        live = [row for row in self.selected_rows() if not self.model.is_deleted(row)]
        for button in (self.assign_button, self.extend_button, self.close_button):
            button.setEnabled(bool(live))

    # -- batch work ----------------------------------------------------------------------------

    def _live_selected(self) -> list[int]:
        return [self.model.id_at(row) for row in self.selected_rows() if not self.model.is_deleted(row)]

    def _selected_places(self, shown: int = 5) -> str:
        """“东沟村砖厂、东沟村河滩 等8个” — what the clerk is about to change, named."""
        column = [f.key for f in self.kind.table_fields].index("place")
        rows = [row for row in self.selected_rows() if not self.model.is_deleted(row)]
        names = [str(self.model.data(self.model.index(row, column)) or "") for row in rows[:shown]]
        more = f" 等{len(rows)}个" if len(rows) > shown else ""
        return html.escape("、".join(names) + more)

    def assign_selected(self) -> Any:
        ids = self._live_selected()
        if not ids:
            return None
        return ActionDialog.ask(
            self,
            self.db,
            f"批量交办（{len(ids)}个问题）",
            ASSIGN_FIELDS,
            lambda v: rectification.assign(self.db, ids, v["unit"], v["person"], note=v["note"]),
            [self.kind],
            intro=f"把选中的 {len(ids)} 个问题（{self._selected_places()}）交办给同一个责任单位，"
            "每个问题的整改过程中记一条“交办”。",
            ok_text="交办",
        )

    def extend_selected(self) -> Any:
        ids = self._live_selected()
        if not ids:
            return None
        return ActionDialog.ask(
            self,
            self.db,
            f"批量延期（{len(ids)}个问题）",
            EXTEND_FIELDS,
            lambda v: rectification.extend_deadline(self.db, ids, v["deadline"], v["reason"]),
            [self.kind],
            intro=f"延长选中的 {len(ids)} 个问题（{self._selected_places()}）的整改时限。延期原因会记入每个问题的整改过程。"
            "<br>有一个问题不能延期时，全部不改。",
            ok_text="延期",
        )

    def draft_circular(self) -> Any:
        """The 整改情况通报 of a period, drafted from the records into the 公文 register."""
        today = dates.today()
        rules = rectification_circular.load_rules(self.db)
        document = ActionDialog.ask(
            self,
            self.db,
            "起草整改情况通报",
            CIRCULAR_FIELDS,
            lambda v: rectification_circular.draft_circular(self.db, v["date_from"], v["date_to"], rules),
            [DOCUMENTS],
            intro="按所选时间段内的问题整改记录起草通报，存为“公文”页中的草稿，修改后再印发。<br>分组规则："
            + "".join("<br>· " + html.escape(line) for line in rules.describe()),
            ok_text="起草",
            values={"date_from": today.replace(day=1), "date_to": today},
        )
        if document is not None:
            self.drafted_id = int(document.id)
            self.open_draft_button.setToolTip(f"到“公文”页打开《{document.title}》")
            self.open_draft_button.show()
            dialogs.show_info(
                self,
                f"已起草《{document.title}》，存入“公文”页的草稿。\n"
                "点“打开通报草稿”即可到“公文”页核对、修改后印发。",
                "已起草通报",
            )
        return document

    def open_draft(self) -> QWidget | None:
        """Show the 通报 just drafted on the 公文 page (the button beside 起草整改通报…)."""
        if self.drafted_id is None:
            return None
        return open_target(self, Target(page="documents", record_id=self.drafted_id))

    def close_selected(self) -> Any:
        ids = self._live_selected()
        if not ids:
            return None
        return ActionDialog.ask(
            self,
            self.db,
            f"批量销号（{len(ids)}个问题）",
            CLOSE_FIELDS,
            lambda v: rectification.close_many(self.db, ids, v["verifier"], v["on_date"], v["note"]),
            [self.kind],
            intro=f"核查后销号选中的 {len(ids)} 个问题（{self._selected_places()}）。只有“已整改待核查”的问题可以销号；"
            "有一个不能销号时，全部不改。",
            ok_text="销号",
            values={"on_date": dates.today()},
        )
