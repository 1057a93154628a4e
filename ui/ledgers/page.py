"""台账: the ledgers, one tab per declared kind (裸露地块, 黑臭水体 … 吸污车作业报备, 巡河记录).

Each tab is the generic list page of its kind — the columns, form, import and export follow from the
declaration in :data:`ecodesk.services.ledgers.LEDGER_KINDS`, so a newly declared kind appears here
with no screen written for it. Besides the list, a 挂牌销号 kind has counts by status and the lifecycle
buttons (开始整治, 销号 — only the moves the service allows; 重新挂牌 for a 销号 entry found back as it
was); a filing or a log (``ledgers.has_lifecycle``) has neither, nor a status column or filter: it
is listed newest first by the date it was filed under. Every kind has 开为整改问题, which opens a
linked problem in one step. The 销号 dialog asks the proof the service
requires (核查人, 核查情况; the 整改后 photos are added in the detail pane) and, when the entry falls
short of its kind's condition, warns and asks the reason. Tabs are built the first time they are shown.
"""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from ecodesk import dates
from ecodesk.db.database import Database
from ecodesk.schema import Field, FieldType, RecordKind
from ecodesk.services import ledgers
from ecodesk.services.ledgers import CLOSED, IN_HAND, LEDGER_KINDS
from ecodesk.services.rectification import PROBLEMS
from ui.common import dialogs, machine_settings
from ui.ledgers.detail import LedgerDetail
from ui.records.action_dialog import ActionDialog
from ui.records.chip_page import ChipRecordPage
from ui.records.detail import DetailPane

T = FieldType
MOVE_LABELS = {IN_HAND: "开始整治", CLOSED: "销号"}
OPEN_PROBLEM_DAYS = 15  # the deadline offered for a problem opened from an entry


class LedgerKindPage(ChipRecordPage):
    """The list of one ledger kind with its lifecycle buttons."""

    def __init__(self, db: Database, kind: RecordKind, parent: QWidget | None = None) -> None:
        # The name, village and status first, then a derived summary (六个百分之百 6/6) if the kind
        # has one, then the kind's own columns as declared; a log leads with the date it was filed.
        derived = tuple(f.key for f in kind.table_fields if f.type is T.CUSTOM)
        self.lifecycle = ledgers.has_lifecycle(kind)
        self.LEADING = ("name", "village", "status", *derived) if self.lifecycle else ("listed_date",)
        self.move_buttons: dict[str, QPushButton] = {}
        super().__init__(db, kind, parent)
        for to_status, label in MOVE_LABELS.items() if self.lifecycle else ():
            button = self._button(
                label,
                f"把选中的{kind.label}记录改为“{to_status}”",
                lambda _checked=False, s=to_status: self.advance_selected(s),
            )
            button.setObjectName(f"advance_{to_status}")
            self.move_buttons[to_status] = button
        self.reopen_button = self._button(
            "重新挂牌",
            f"复查发现已销号的{kind.label}反弹：写明原因，改回“挂牌”",
            self.reopen_selected,
        )
        self.reopen_button.setObjectName("reopen")
        self.problem_button = self._button(
            "开为整改问题",
            "为选中的记录开一个整改问题（自动带入地点、村、责任单位），并关联本台账",
            self.open_problem,
        )
        self.problem_button.setObjectName("open_problem")
        self.reopen_button.setVisible(self.lifecycle)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("挂牌销号：" if self.lifecycle else "报备记录：")
        caption.setStyleSheet("color:#555;")
        row.addWidget(caption)
        for button in (*self.move_buttons.values(), self.reopen_button, self.problem_button):
            row.addWidget(button)
        row.addStretch(1)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(3, row)
        if not self.lifecycle:
            self.chips.setVisible(False)  # no statuses to count: the count is beside the buttons
            if machine_settings.header_state(kind.name) is None:  # a log reads from today backwards
                header = self.table.horizontalHeader()
                header.setSortIndicator(self._column("listed_date"), Qt.SortOrder.DescendingOrder)
        self._selection_changed()

    def _column(self, key: str) -> int:
        return [f.key for f in self.kind.table_fields].index(key)

    def create_detail(self) -> DetailPane:
        return LedgerDetail(self.db, self.kind)

    def _status_at(self, row: int) -> str:
        if not self.lifecycle:
            return ""
        return str(self.model.data(self.model.index(row, self._column("status"))) or "")

    def _single_live(self) -> tuple[int, str] | None:
        rows = self.selected_rows()
        if len(rows) != 1 or self.model.is_deleted(rows[0]):
            return None
        return self.model.id_at(rows[0]), self._status_at(rows[0])

    def _selection_changed(self, *args: object) -> None:
        super()._selection_changed(*args)
        if not hasattr(self, "problem_button"):
            return
        chosen = self._single_live()
        allowed = ledgers.ALLOWED.get(chosen[1], ()) if chosen else ()
        for to_status, button in self.move_buttons.items():
            button.setEnabled(to_status in allowed)
        self.reopen_button.setEnabled(chosen is not None and chosen[1] == CLOSED)
        self.problem_button.setEnabled(chosen is not None)

    def advance_selected(self, to_status: str) -> Any:
        chosen = self._single_live()
        if chosen is None:
            return None
        entry_id, status = chosen
        if to_status == CLOSED:
            return self.close_selected(entry_id, status)
        label = MOVE_LABELS[to_status]
        field = Field("on_date", "开始整治日期", T.DATE, required=True)
        return ActionDialog.ask(
            self,
            self.db,
            f"{label} — {self.kind.label}",
            (field,),
            lambda v: ledgers.advance(self.db, entry_id, to_status, v["on_date"]),
            [self.kind],
            intro=f"状态将由“{status}”改为“{to_status}”。",
            ok_text=label,
            values={"on_date": dates.today()},
        )

    def close_selected(self, entry_id: int, status: str) -> Any:
        """销号 with its proof; short of the kind's condition, a warning and a required reason."""
        shortfall = ledgers.close_warning(self.db, entry_id)
        after = len(ledgers.files(self.db, entry_id)[ledgers.PHOTO_AFTER])
        fields = [
            Field("on_date", "销号日期", T.DATE, required=True),
            Field("verifier", "核查人", required=True, max_len=40),
            Field("check_note", "核查情况", T.LONGTEXT, required=True, help="现场核查看到的整改结果"),
        ]
        intro = f"状态将由“{html.escape(status)}”改为“销号”。"
        intro += (
            f"<br>已有整改后照片 {after} 张。"
            if after
            else '<br><span style="color:#c62828">还没有整改后照片：请先在右侧“照片和附件”中添加。</span>'
        )
        if shortfall:
            fields.append(Field("reason", "未达标原因", T.LONGTEXT, required=True))
            intro += (
                f'<br><span style="color:#c62828">注意：{html.escape(shortfall)}，不符合销号条件。'
                "确需销号的，请写明原因。</span>"
            )
        return ActionDialog.ask(
            self,
            self.db,
            f"销号 — {self.kind.label}",
            tuple(fields),
            lambda v: ledgers.advance(
                self.db,
                entry_id,
                CLOSED,
                v["on_date"],
                verifier=v["verifier"],
                check_note=v["check_note"],
                reason=v.get("reason", ""),
            ),
            [self.kind],
            intro=intro,
            ok_text="销号",
            values={"on_date": dates.today()},
        )

    def reopen_selected(self) -> Any:
        chosen = self._single_live()
        if chosen is None or chosen[1] != CLOSED:
            return None
        entry_id = chosen[0]
        fields = (
            Field("on_date", "重新挂牌日期", T.DATE, required=True),
            Field("reason", "重新挂牌原因", T.LONGTEXT, required=True, help="如：复查发现防尘网被揭开"),
        )
        return ActionDialog.ask(
            self,
            self.db,
            f"重新挂牌 — {self.kind.label}",
            fields,
            lambda v: ledgers.reopen(self.db, entry_id, v["reason"], v["on_date"]),
            [self.kind],
            intro="状态将由“销号”改回“挂牌”，原核查人和核查情况留在修改记录中。",
            ok_text="重新挂牌",
            values={"on_date": dates.today()},
        )

    def open_problem(self) -> Any:
        chosen = self._single_live()
        if chosen is None:
            return None
        entry_id = chosen[0]
        today = dates.today()
        fields = (
            Field("description", "问题描述", T.LONGTEXT, help="不填则写“某某需整治”"),
            Field("found_date", "发现日期", T.DATE, required=True),
            Field("deadline", "整改时限", T.DATE, required=True),
            Field("measures", "整改措施", T.LONGTEXT),
        )
        problem = ActionDialog.ask(
            self,
            self.db,
            f"开为整改问题 — {self.kind.label}",
            fields,
            lambda v: ledgers.open_problem(
                self.db,
                entry_id,
                description=v["description"],
                found_date=v["found_date"],
                deadline=v["deadline"],
                measures=v["measures"],
            ),
            [self.kind, PROBLEMS],
            intro="地点、所在村、责任单位和责任人从本台账带入，问题与本条台账关联。",
            ok_text="开为整改问题",
            values={"found_date": today, "deadline": today + timedelta(days=OPEN_PROBLEM_DAYS)},
        )
        if problem is not None:
            dialogs.show_info(
                self,
                f"已开为整改问题：{problem.place}（整改时限 {problem.deadline:%Y-%m-%d}）。\n在“问题整改”中可以查看和办理。",
            )
        return problem


class LedgersPage(QWidget):
    """Signals: ``count_changed(int)`` — rows in the list of the current kind."""

    count_changed = Signal(int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ledgers_page")
        self.db = db
        self.kinds: tuple[RecordKind, ...] = tuple(LEDGER_KINDS.values())
        self.pages: dict[str, LedgerKindPage] = {}
        self.tabs = QTabWidget()
        self.tabs.setObjectName("ledger_kinds")
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        for kind in self.kinds:
            holder = QWidget()
            holder.setObjectName(f"tab_{kind.name}")
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(holder, kind.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        names = [k.name for k in self.kinds]
        last = machine_settings.last_tab("ledgers")
        if last in names:
            self.tabs.setCurrentIndex(names.index(last))
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed(self.tabs.currentIndex())

    def _index(self, kind_name: str) -> int:
        return next(i for i, k in enumerate(self.kinds) if k.name == kind_name)

    def page(self, kind_name: str) -> LedgerKindPage:
        """The list page of one kind, built now if it was not yet shown."""
        if kind_name not in self.pages:
            index = self._index(kind_name)
            page = LedgerKindPage(self.db, self.kinds[index])
            page.count_changed.connect(lambda count, name=kind_name: self._page_count(name, count))
            holder = self.tabs.widget(index)
            assert holder is not None
            holder_layout = holder.layout()
            assert holder_layout is not None
            holder_layout.addWidget(page)
            self.pages[kind_name] = page
        return self.pages[kind_name]

    def show_kind(self, kind_name: str) -> LedgerKindPage:
        self.tabs.setCurrentIndex(self._index(kind_name))
        return self.page(kind_name)

    def current_page(self) -> LedgerKindPage:
        return self.page(self.kinds[self.tabs.currentIndex()].name)

    def record_count(self) -> int:
        return self.current_page().record_count()

    def _tab_changed(self, index: int) -> None:
        if index >= 0:
            name = self.kinds[index].name
            machine_settings.set_last_tab("ledgers", name)
            self.count_changed.emit(self.page(name).record_count())

    def _page_count(self, kind_name: str, count: int) -> None:
        if self.kinds[self.tabs.currentIndex()].name == kind_name:
            self.count_changed.emit(count)

    def save_state(self) -> None:
        for page in self.pages.values():
            page.save_state()
