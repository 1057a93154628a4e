"""Fast patrol entry: the clerk types a stack of paper 巡查记录 without touching the mouse.

One line of the paper form after another: Tab moves through the fields in the paper's order, the
village, grid, kind and people complete as typed, Enter saves and clears the form for the next
patrol with the cursor back in the first box (the date is kept), Esc closes — asking 放弃未保存的内容？
first when the current line was typed in (``ui.common.unsaved``). A likely duplicate
(same village, date, kind and patroller) is asked about before saving. Everything is parsed and
checked by ``ecodesk.services.patrols``; this module only turns what was typed into raw values.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRegularExpression, Qt
from PySide6.QtGui import (
    QKeySequence,
    QRegularExpressionValidator,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ecodesk import dates
from ecodesk.dates import format_iso
from ecodesk.db.database import Database
from ecodesk.errors import FieldProblem, ValidationError
from ecodesk.models.patrol import PATROL_KINDS
from ecodesk.services import patrols, records
from ecodesk.services.patrols import PATROLS
from ecodesk.services.rectification import PROBLEMS
from ui.common import operations, unsaved
from ui.common.field_editors import DateLineEdit
from ui.common.field_problems import ERROR_STYLE, clear_on_edit, place_problems

NAME_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
PEOPLE_LIMIT = 1000  # every active person of a town fits; the completer filters as the clerk types
SEPARATORS = "、,，;；/ 　"

# (key, label) in the order of the paper form; the service's field keys.
ENTRY_FIELDS: tuple[tuple[str, str], ...] = (
    ("date", "巡查日期"),
    ("village", "村（社区）"),
    ("grid", "网格"),
    ("kind", "巡查类型"),
    ("start_time", "开始时间"),
    ("end_time", "结束时间"),
    ("patrollers", "巡查人员"),
    ("place", "巡查路线/地点"),
    ("findings", "发现问题"),
    ("fire_count", "火点数"),
    ("measures", "处置措施"),
)
REQUIRED = {"date", "village", "kind"}

# The last date typed today: reopening the form to go on with the same pile keeps it.
_last_date: tuple[date, str] | None = None


FIRE_DETAILS_HINT = "发现时间、扑灭时间、过火面积、处理结果和责任人请到“火点”页补填"


def ask_duplicate(parent: QWidget | None, text: str) -> bool:
    """仍然保存 (True) or 返回修改 (False); the safe answer is the default. Tests replace this."""
    box = QMessageBox(QMessageBox.Icon.Warning, "可能重复", text, QMessageBox.StandardButton.NoButton, parent)
    save = box.addButton("仍然保存", QMessageBox.ButtonRole.AcceptRole)
    back = box.addButton("返回修改", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    box.exec()
    return box.clickedButton() is save


def _last_segment_start(text: str) -> int:
    return max(text.rfind(sep) for sep in SEPARATORS) + 1


class NameListCompleter(QCompleter):
    """Completes the last name of ``张三、李四`` and remembers which person each picked name was,
    so two people of the same name are told apart by what the popup showed (``张三（东沟村 网格员）``)."""

    def __init__(self, edit: QLineEdit) -> None:
        self.people = QStandardItemModel(edit)
        super().__init__(self.people, edit)
        self._edit = edit
        self.picked: dict[str, int] = {}
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(12)
        self.activated[QModelIndex].connect(self._picked)  # type: ignore[index]  # the index overload

    def set_people(self, choices: list[patrols.PersonChoice]) -> None:
        self.people.clear()
        for choice in choices:
            item = QStandardItem(choice.label)
            item.setData(choice.name, NAME_ROLE)
            item.setData(choice.id, ID_ROLE)
            self.people.appendRow(item)

    def splitPath(self, path: str) -> list[str]:
        return [path[_last_segment_start(path) :].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        text = self._edit.text()
        head = text[: _last_segment_start(text)]
        if head and head[-1] not in "、":
            head = head[:-1] + "、"
        return head + str(index.data(NAME_ROLE) or "")

    def _picked(self, index: QModelIndex) -> None:
        self.picked[str(index.data(NAME_ROLE))] = int(index.data(ID_ROLE))

    def ids_by_name(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for row in range(self.people.rowCount()):
            item = self.people.item(row)
            found.setdefault(str(item.data(NAME_ROLE)), []).append(int(item.data(ID_ROLE)))
        return found


class PatrolEntryDialog(unsaved.AskingDialog):
    """Type patrols one after another. ``saved_ids`` holds every patrol saved while it was open."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.saved_ids: list[int] = []
        self.problem_ids: list[int] = []  # problems opened from findings while typing
        self.edits: dict[str, QLineEdit] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._villages: dict[str, int] = {}
        self._grids: dict[str, int] = {}
        self._village_for_lists: int | None | bool = False  # what the grid/people lists were loaded for
        self._initial: tuple[dict[str, str], bool] = ({}, False)
        self.setObjectName("patrol_entry")
        self.setWindowTitle("录入巡查记录（连续录入）")
        self.setMinimumWidth(620)
        self._build()
        self._load_villages()
        self._load_lists_for(None)
        self.start_next(keep_date=False)

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setVerticalSpacing(3)
        for key, label in ENTRY_FIELDS:
            edit: QLineEdit = DateLineEdit() if key == "date" else QLineEdit()
            edit.setObjectName(f"entry_{key}")
            self.edits[key] = edit
            error = QLabel()
            error.setObjectName(f"entry_error_{key}")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            self.error_labels[key] = error
            clear_on_edit(edit, error)  # no stale message under a box already put right
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 0, 0)
            cell_layout.setSpacing(1)
            cell_layout.addWidget(edit)
            cell_layout.addWidget(error)
            mark = '<span style="color:#c62828">*</span>' if key in REQUIRED else ""
            label_widget = QLabel(f"{label}{mark}：")
            label_widget.setTextFormat(Qt.TextFormat.RichText)
            label_widget.setBuddy(edit)
            form.addRow(label_widget, cell)

        e = self.edits
        e["village"].setPlaceholderText("输入村名的任意几个字")
        e["grid"].setPlaceholderText("可不填")
        e["kind"].setPlaceholderText("、".join(PATROL_KINDS[:4]) + "……")
        e["start_time"].setPlaceholderText("如 8:30 或 0830")
        e["end_time"].setPlaceholderText("如 11:00")
        e["patrollers"].setPlaceholderText("多人用“、”分隔，输入姓名的几个字可选择")
        e["findings"].setPlaceholderText("未发现问题可不填")
        e["fire_count"].setPlaceholderText("0")
        # Each fire point's 发现时间, 扑灭时间, 过火面积, 处理结果 and 责任人 are typed on the 火点 page,
        # one fire at a time: this form stays one line of the paper log.
        e["fire_count"].setToolTip(FIRE_DETAILS_HINT)
        e["fire_count"].setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\d{0,2}"), e["fire_count"])
        )
        for key in ("start_time", "end_time", "fire_count"):
            e[key].setMaximumWidth(140)
        e["date"].setMaximumWidth(220)
        for key in ("place", "findings", "measures"):
            e[key].setMaxLength(PATROLS.field(key).max_len or 2000)

        self.village_completer = self._list_completer(e["village"])
        self.grid_completer = self._list_completer(e["grid"])
        self.kind_completer = self._list_completer(e["kind"])
        self.kind_completer.setModel(_string_model(list(PATROL_KINDS), self.kind_completer))
        self.people_completer = NameListCompleter(e["patrollers"])
        e["patrollers"].setCompleter(self.people_completer)
        e["village"].editingFinished.connect(self._village_committed)
        # Also as soon as the box names a village: leaving it while a completer popup shows does not
        # always finish the editing.
        e["village"].textChanged.connect(
            lambda text: self._village_committed() if text.strip() in self._villages else None
        )
        e["kind"].editingFinished.connect(self._kind_committed)

        self.problem_box = QCheckBox("发现的问题同时开为整改问题（Alt+W）")
        self.problem_box.setObjectName("entry_open_problem")
        self.problem_box.setToolTip("保存这条巡查后，把“发现问题”登记到问题整改动态清单")
        form.addRow("", self.problem_box)
        # A shortcut, not a mnemonic: the cursor stays in the box being typed.
        toggle = QShortcut(QKeySequence("Alt+W"), self)
        toggle.activated.connect(self.problem_box.toggle)

        self.general_error = QLabel()
        self.general_error.setObjectName("entry_general_error")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()

        hint = QLabel("Tab 下一栏　Enter 保存并录入下一条　Esc 结束录入。带 * 的必须填写。")
        hint.setStyleSheet("color:#666;")

        self.saved_list = QListWidget()
        self.saved_list.setObjectName("entry_saved_list")
        self.saved_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.saved_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 10)
        self.saved_label = QLabel("本次已录入 0 条")
        self.saved_label.setObjectName("entry_saved_label")

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存并录入下一条", QDialogButtonBox.ButtonRole.ApplyRole)
        self.close_button = buttons.addButton("结束录入", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        self.close_button.setAutoDefault(False)
        self.save_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab cycles through the boxes only
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(hint)
        layout.addWidget(self.saved_label)
        layout.addWidget(self.saved_list)
        layout.addWidget(buttons)

        chain: list[QWidget] = [self.edits[key] for key, _ in ENTRY_FIELDS]
        chain.append(self.problem_box)
        for previous, following in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(previous, following)

    @staticmethod
    def _list_completer(edit: QLineEdit) -> QCompleter:
        completer = QCompleter(edit)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        edit.setCompleter(completer)
        return completer

    # -- choices -------------------------------------------------------------------------------

    def _load_villages(self) -> None:
        choices = patrols.village_choices(self._db)
        self._villages = {name: vid for vid, name in choices}
        self.village_completer.setModel(_string_model([name for _, name in choices], self.village_completer))

    def _load_lists_for(self, village_id: int | None) -> None:
        """Grids of the village and people with the village's patrolling staff first."""
        if village_id == self._village_for_lists:
            return
        self._village_for_lists = village_id
        grids = patrols.grid_choices(self._db, village_id)
        self._grids = {name: gid for gid, name in grids}
        self.grid_completer.setModel(_string_model([name for _, name in grids], self.grid_completer))
        self.people_completer.set_people(patrols.patroller_choices(self._db, village_id, limit=PEOPLE_LIMIT))

    def village_id(self) -> int | None:
        return self._villages.get(self.edits["village"].text().strip())

    def _village_committed(self) -> None:
        """A known village: narrow the lists to it and fill still-empty boxes from its last patrol."""
        village_id = self.village_id()
        self._load_lists_for(village_id)
        if village_id is None:
            return
        template = patrols.last_patrol_of(self._db, village_id, self.edits["kind"].text().strip() or None)
        if template is None:
            return
        names = {gid: name for name, gid in self._grids.items()}
        people = {pid: name for name, ids in self.people_completer.ids_by_name().items() for pid in ids}
        filled = {
            "grid": names.get(template.grid_id, "") if template.grid_id else "",
            "start_time": template.start_time,
            "end_time": template.end_time,
            "patrollers": "、".join(people[p] for p in template.patroller_ids if p in people),
            "place": template.place,
        }
        for key, value in filled.items():
            if value and not self.edits[key].text().strip():
                self.edits[key].setText(value)
        for pid in template.patroller_ids:
            if pid in people:
                self.people_completer.picked.setdefault(people[pid], pid)

    def _kind_committed(self) -> None:
        """“禁烧” or “河” is enough when it names one kind only."""
        text = self.edits["kind"].text().strip()
        if text and text not in PATROL_KINDS:
            matches = [k for k in PATROL_KINDS if text in k]
            if len(matches) == 1:
                self.edits["kind"].setText(matches[0])

    # -- values --------------------------------------------------------------------------------

    def patroller_value(self) -> list[int] | str:
        """Ids when every name is known for sure (picked, or one person of that name), else the text,
        so the service names the person it cannot find or the name shared by several people."""
        text = self.edits["patrollers"].text()
        names = [n.strip() for n in _split(text) if n.strip()]
        by_name = self.people_completer.ids_by_name()
        ids: list[int] = []
        for name in names:
            if name in self.people_completer.picked:
                ids.append(self.people_completer.picked[name])
            elif len(by_name.get(name, [])) == 1:
                ids.append(by_name[name][0])
            else:
                return text
        return ids

    def raw_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {key: self.edits[key].text().strip() for key, _ in ENTRY_FIELDS}
        village = values["village"]
        values["village"] = self._villages.get(village, village) or None
        grid = values["grid"]
        values["grid"] = self._grids.get(grid, grid) or None
        # Ids when every person is certain (picked in the completer, or the only one of that name);
        # otherwise the names, so the service says which name it cannot find or is shared.
        values["patrollers"] = self.patroller_value()
        values["fire_count"] = values["fire_count"] or "0"
        return values

    # -- saving --------------------------------------------------------------------------------

    def save(self) -> int | None:
        """Save what is typed (after asking about a likely duplicate); the new patrol's id or None."""
        self._clear_problems()
        self._kind_committed()
        raw = self.raw_values()
        hits = patrols.duplicates_for(self._db, raw)
        if hits and not ask_duplicate(self, patrols.duplicate_warning(hits)):
            self.edits["patrollers"].setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        try:
            obj = operations.write(
                self,
                lambda: records.create(self._db, PATROLS, raw),
                [PATROLS, patrols.FIRE_POINTS],
                raise_validation=True,
            )
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return None
        if obj is None:
            return None
        patrol_id = int(obj.id)
        self.saved_ids.append(patrol_id)
        line = f"{format_iso(obj.date)}　{obj.village.name}　{obj.kind}　{obj.patroller_text or '—'}　{obj.place}"
        if self.problem_box.isChecked() and str(raw.get("findings") or "").strip():
            # The patrol is saved whatever happens here; a refusal is shown and the line says so.
            problem_id = operations.write(
                self,
                lambda: patrols.open_problem_from_patrol(self._db, patrol_id),
                [PROBLEMS, PATROLS],
            )
            if problem_id is not None:
                self.problem_ids.append(problem_id)
                line += f"　→ 整改问题（编号 {problem_id}）"
            else:
                line += "　（未能开为整改问题）"
        if obj.fire_count:
            line += f"　火点 {obj.fire_count} 处（{FIRE_DETAILS_HINT}）"
        self.saved_list.insertItem(0, line)
        self.saved_label.setText(f"本次已录入 {len(self.saved_ids)} 条（最新的在最上面）")
        self.start_next(keep_date=True)
        return patrol_id

    def start_next(self, *, keep_date: bool) -> None:
        """Empty the form for the next paper line; the date (and the kind) stay as typed."""
        global _last_date
        today = dates.today()
        date_text = self.edits["date"].text().strip() if keep_date else ""
        if keep_date and date_text:
            _last_date = (today, date_text)
        elif _last_date is not None and _last_date[0] == today:
            date_text = _last_date[1]
        kind = self.edits["kind"].text().strip() if keep_date else ""
        defaults = patrols.entry_defaults()
        for edit in self.edits.values():
            edit.clear()
        self.edits["date"].setText(date_text or format_iso(defaults["date"]))
        self.edits["kind"].setText(kind or str(defaults["kind"]))
        self.people_completer.picked.clear()
        self.problem_box.setChecked(False)
        self._load_lists_for(None)
        self._initial = self._snapshot()
        first = self.edits[ENTRY_FIELDS[0][0]]
        first.setFocus(Qt.FocusReason.OtherFocusReason)
        first.selectAll()

    def show_problems(self, problems: list[FieldProblem]) -> None:
        first = place_problems(
            problems, [key for key, _ in ENTRY_FIELDS], self.error_labels, self.general_error
        )
        if first is not None:
            self.edits[first].setFocus(Qt.FocusReason.OtherFocusReason)
            self.edits[first].selectAll()

    def _clear_problems(self) -> None:
        for label in self.error_labels.values():
            label.clear()
            label.hide()
        self.general_error.clear()
        self.general_error.hide()

    # -- closing -------------------------------------------------------------------------------

    def _snapshot(self) -> tuple[dict[str, str], bool]:
        return {key: edit.text() for key, edit in self.edits.items()}, self.problem_box.isChecked()

    def is_dirty(self) -> bool:
        """The current line differs from the emptied form (typed and deleted back is untouched)."""
        return self._snapshot() != self._initial

    def save_asked(self) -> object:
        """Esc, 结束录入 and the window's × ask before throwing the half-typed line away; 保存 saves
        the line and the dialog still closes (结束录入)."""
        return self.save() is not None

    def saved_by_answer(self) -> bool:
        return False

    # -- for callers ---------------------------------------------------------------------------

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database) -> list[int]:
        """Show the form modally until the clerk is done; the ids of the patrols saved."""
        dialog = cls(db, parent)
        try:
            dialog.exec()
            return list(dialog.saved_ids)
        finally:
            dialog.deleteLater()


def _split(text: str) -> list[str]:
    for sep in SEPARATORS:
        text = text.replace(sep, "、")
    return text.split("、")


def _string_model(items: list[str], parent: QCompleter) -> QStandardItemModel:
    model = QStandardItemModel(parent)
    for text in items:
        model.appendRow(QStandardItem(text))
    return model
