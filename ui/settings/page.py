"""设置: the settings that belong to the data file (town, 发文机关, operators, backups).

They live in the database (``ecodesk.services.settings``), so moving the data file moves them too.
Nothing is saved until 保存; a rejected value is named in red and nothing is lost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.db.database import Database
from ecodesk.errors import ValidationError
from ecodesk.models.setting import Settings
from ecodesk.paths import backups_dir
from ecodesk.services import rename
from ecodesk.services import settings as data_settings
from ecodesk.services.documents import DOCUMENTS
from ui.common import dialogs, machine_settings, operations
from ui.common.changes import Area, changes
from ui.common.jobs import JobHandle
from ui.common.text_input import ask_text
from ui.settings.rename_dialog import RenameTownDialog
from ui.shell.backup_dialog import take_away_backup
from ui.shell.password import PasswordBox

ORGAN_COLUMNS = (("name", "发文机关名称"), ("mark", "发文机关标志"), ("prefix", "发文字号前缀"))


class SettingsPage(QWidget):
    """Signals: ``switch_file_requested(fresh)`` — the clerk wants another data file (a new
    empty one when ``fresh``: 清空重来); the main window does the switching."""

    switch_file_requested = Signal(bool)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setObjectName("settings_page")

        self.town = QLineEdit()
        self.town.setObjectName("settings_town")
        self.town.setMaxLength(20)
        self.town.setPlaceholderText("如：清河镇")
        self.printing_organ = QLineEdit()
        self.printing_organ.setPlaceholderText("如：清河镇党政综合办公室")
        self.recipients = QLineEdit()
        self.recipients.setPlaceholderText("如：各村、各单位")

        self.organs = QTableWidget(0, len(ORGAN_COLUMNS))
        self.organs.setObjectName("settings_organs")
        self.organs.setHorizontalHeaderLabels([label for _, label in ORGAN_COLUMNS])
        self.organs.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.organs.verticalHeader().hide()
        self.organs.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.organs.setMinimumHeight(120)
        add_organ = QPushButton("添加一行")
        add_organ.clicked.connect(self._add_organ_row)
        remove_organ = QPushButton("删除选中行")
        remove_organ.clicked.connect(self._remove_organ_rows)

        self.operators = QListWidget()
        self.operators.setObjectName("settings_operators")
        self.operators.setMaximumHeight(110)
        add_operator = QPushButton("添加操作员…")
        add_operator.clicked.connect(self._add_operator)
        remove_operator = QPushButton("删除")
        remove_operator.clicked.connect(self._remove_operator)

        self.backup_dir = QLineEdit()
        self.backup_dir.setPlaceholderText(f"留空则放在数据文件旁：{backups_dir(db.path)}")
        browse = QPushButton("浏览…")
        browse.clicked.connect(self._browse_backup_dir)
        self.backup_keep = QSpinBox()
        self.backup_keep.setRange(1, 500)
        self.backup_keep.setSuffix(" 份")
        backup_now = QPushButton("立即备份（含附件）…")
        backup_now.setObjectName("backup_now")
        backup_now.setToolTip("与“文件 → 备份数据”相同：选择保存位置（如 U 盘），数据和附件存成一个文件")
        backup_now.clicked.connect(self.backup_now)

        self.problems = QLabel()
        self.problems.setObjectName("settings_problems")
        self.problems.setStyleSheet("color:#c62828;")
        self.problems.setWordWrap(True)
        self.problems.hide()
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("settings_save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        revert = QPushButton("撤销修改")
        revert.clicked.connect(self.load)

        # -- layout ------------------------------------------------------------------------------
        town_box = QGroupBox("乡镇与公文")
        town_form = QFormLayout(town_box)
        town_form.addRow("乡镇名称：", self.town)
        self.old_name_note = QLabel()
        self.old_name_note.setObjectName("settings_old_name_note")
        self.old_name_note.setWordWrap(True)
        self.old_name_note.setStyleSheet("color:#8a5a00;")
        self.old_name_button = QPushButton("查看并更新…")
        self.old_name_button.setObjectName("settings_old_name_update")
        self.old_name_button.clicked.connect(self.update_old_names)
        self.old_name_row = QWidget()
        old_name_layout = QHBoxLayout(self.old_name_row)
        old_name_layout.setContentsMargins(0, 0, 0, 0)
        old_name_layout.addWidget(self.old_name_note, 1)
        old_name_layout.addWidget(self.old_name_button)
        town_form.addRow("", self.old_name_row)
        organ_buttons = QHBoxLayout()
        organ_buttons.addWidget(add_organ)
        organ_buttons.addWidget(remove_organ)
        organ_buttons.addStretch(1)
        organ_holder = QVBoxLayout()
        organ_holder.addWidget(self.organs)
        organ_holder.addLayout(organ_buttons)
        town_form.addRow("发文机关：", organ_holder)
        town_form.addRow("印发机关：", self.printing_organ)
        town_form.addRow("默认主送：", self.recipients)

        operator_box = QGroupBox("操作员")
        operator_layout = QHBoxLayout(operator_box)
        operator_layout.addWidget(self.operators, 1)
        operator_buttons = QVBoxLayout()
        operator_buttons.addWidget(add_operator)
        operator_buttons.addWidget(remove_operator)
        operator_buttons.addStretch(1)
        operator_layout.addLayout(operator_buttons)

        backup_box = QGroupBox("备份")
        backup_form = QFormLayout(backup_box)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.backup_dir, 1)
        folder_row.addWidget(browse)
        backup_form.addRow("备份文件夹：", folder_row)
        keep_row = QHBoxLayout()
        keep_row.addWidget(self.backup_keep)
        keep_row.addStretch(1)
        keep_row.addWidget(backup_now)
        backup_form.addRow("保留最近：", keep_row)

        file_box = QGroupBox("数据文件")
        file_layout = QVBoxLayout(file_box)
        file_note = QLabel(
            f"当前数据文件：{db.path}\n"
            "“清空重来”会新建一个空白数据文件并改用它（乡镇、发文机关和操作员设置照搬），"
            "原来的文件原样保留，随时可用“打开其他数据文件”换回。"
        )
        file_note.setWordWrap(True)
        file_note.setStyleSheet("color:#555;")
        file_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        fresh = QPushButton("清空重来（新建空白数据文件）…")
        fresh.setObjectName("settings_fresh_file")
        fresh.clicked.connect(lambda: self.switch_file_requested.emit(True))
        other = QPushButton("打开其他数据文件…")
        other.clicked.connect(lambda: self.switch_file_requested.emit(False))
        file_buttons = QHBoxLayout()
        file_buttons.addWidget(fresh)
        file_buttons.addWidget(other)
        file_buttons.addStretch(1)
        file_layout.addWidget(file_note)
        file_layout.addLayout(file_buttons)

        save_row = QHBoxLayout()
        save_row.addWidget(self.problems, 1)
        save_row.addStretch(1)
        save_row.addWidget(revert)
        save_row.addWidget(self.save_button)

        content = QWidget()
        content.setMaximumWidth(900)
        column = QVBoxLayout(content)
        title = QLabel("设置")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        column.addWidget(title)
        column.addWidget(town_box)
        column.addWidget(operator_box)
        column.addWidget(backup_box)
        column.addLayout(save_row)
        column.addSpacing(12)
        self.password_box = PasswordBox(db)
        column.addWidget(self.password_box)
        column.addSpacing(12)
        column.addWidget(file_box)
        column.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        changes().settings_changed.connect(self.load)
        changes().everything_changed.connect(self.load)
        self.load()

    # -- reading and writing -------------------------------------------------------------------

    def load(self) -> None:
        """Show what is stored (also “撤销修改”)."""
        current = data_settings.load(self.db)
        self.town.setText(current.town_name)
        self.printing_organ.setText(current.printing_organ)
        self.recipients.setText(current.default_recipients)
        self.organs.setRowCount(0)
        for organ in current.organs:
            self._add_organ_row(organ)
        self.operators.clear()
        self.operators.addItems(current.operators)
        self.backup_dir.setText(current.backup_dir)
        self.backup_keep.setValue(current.backup_keep)
        self.problems.hide()
        self._show_old_name(current.town_name)

    def _show_old_name(self, town: str) -> None:
        """Texts still naming the town's former name (the clerk chose 暂不更新, or edited them back):
        say so under the name, with the way to update them."""
        old = rename.previous_town_name(self.db)
        count = len(rename.places_naming(self.db, old, town)) if old and town and old != town else 0
        self.old_name_note.setText(f"还有 {count} 处写着原来的名称“{old}”（发文机关、模板等）。")
        self.old_name_row.setVisible(bool(count))

    def update_old_names(self) -> int:
        """查看并更新…: the rename checklist for the former name, again. Updating reloads the page, so
        typing not yet saved is saved or undone first."""
        if self._unsaved():
            dialogs.show_info(self, "本页有尚未保存的修改，请先点“保存”或“撤销修改”，再更新旧名称。")
            return 0
        current = data_settings.load(self.db).town_name
        updated = self._offer_renaming(rename.previous_town_name(self.db), current)
        if updated:
            self.problems.setStyleSheet("color:#2e7d32;")
            self.problems.setText(f"已把 {updated} 处旧名称改为“{current}”。")
            self.problems.show()
        return updated

    def collected(self) -> tuple[dict[str, Any], list[str]]:
        """The values to save, and the problems found before asking the service."""
        problems: list[str] = []
        organs: list[dict[str, str]] = []
        for row in range(self.organs.rowCount()):
            values = {key: self._cell(row, column) for column, (key, _) in enumerate(ORGAN_COLUMNS)}
            if not any(values.values()):
                continue
            if not values["name"] or not values["prefix"]:
                problems.append(f"发文机关第 {row + 1} 行：名称和发文字号前缀都要填写")
            values["mark"] = values["mark"] or f"{values['name']}文件"
            organs.append(values)
        operators = [self.operators.item(i).text() for i in range(self.operators.count())]
        if not operators:
            problems.append("至少要有一名操作员")
        backup_dir = self.backup_dir.text().strip()
        if backup_dir and not Path(backup_dir).is_absolute():
            problems.append("备份文件夹要写完整路径，或点“浏览…”选择")
        return (
            {
                "town_name": self.town.text(),
                "organs": organs,
                "printing_organ": self.printing_organ.text().strip(),
                "default_recipients": self.recipients.text().strip(),
                "operators": operators,
                "backup_dir": backup_dir,
                "backup_keep": self.backup_keep.value(),
            },
            problems,
        )

    def save(self) -> Settings | None:
        values, problems = self.collected()
        if problems:
            self._show_problems(problems)
            return None
        old_town = data_settings.load(self.db).town_name
        try:
            saved = operations.write(
                self, lambda: data_settings.save(self.db, **values), settings=True, raise_validation=True
            )
        except ValidationError as exc:
            self._show_problems([str(p) for p in exc.problems])
            if any(p.field == "town_name" for p in exc.problems):
                self.town.setFocus()
            return None
        if saved is not None:
            updated = self._offer_renaming(old_town, saved.town_name)
            self.problems.setStyleSheet("color:#2e7d32;")
            self.problems.setText(
                f"已保存，并把 {updated} 处旧名称改为“{saved.town_name}”。" if updated else "已保存。"
            )
            self.problems.show()
            machine_settings.set_backup_dir_for(
                self.db.path, Path(saved.backup_dir) if saved.backup_dir else backups_dir(self.db.path)
            )
        return saved

    def _offer_renaming(self, old: str, new: str) -> int:
        """After a rename: list the texts still naming the old town and update the ones ticked (one
        transaction). Returns how many were updated."""
        if not old or old == new:
            return 0
        places = rename.places_naming(self.db, old, new)
        if not places:
            return 0
        keys = RenameTownDialog.ask(self, places, old, new)
        if not keys:
            return 0
        applied = operations.write(
            self,
            lambda: rename.apply_naming(self.db, old, new, keys),
            [DOCUMENTS, Area.LETTERS, Area.APPRAISAL],
            settings=True,
        )
        return len(applied or [])

    def _unsaved(self) -> bool:
        values, _problems = self.collected()
        stored = data_settings.load(self.db)
        values["town_name"] = str(values["town_name"]).strip()
        return any(value != getattr(stored, key) for key, value in values.items())

    def _show_problems(self, problems: list[str]) -> None:
        self.problems.setStyleSheet("color:#c62828;")
        self.problems.setText("\n".join(problems))
        self.problems.show()

    def backup_now(self) -> JobHandle | None:
        """立即备份: the same take-away backup as 文件 → 备份数据 (asks where; data and attachments)."""
        return take_away_backup(self, self.db)

    # -- small editors -------------------------------------------------------------------------

    def _cell(self, row: int, column: int) -> str:
        item = self.organs.item(row, column)
        return item.text().strip() if item is not None else ""

    def _add_organ_row(self, organ: dict[str, str] | None = None) -> None:
        row = self.organs.rowCount()
        self.organs.insertRow(row)
        for column, (key, _) in enumerate(ORGAN_COLUMNS):
            self.organs.setItem(
                row, column, QTableWidgetItem((organ or {}).get(key, "") if isinstance(organ, dict) else "")
            )

    def _remove_organ_rows(self) -> None:
        for row in sorted({i.row() for i in self.organs.selectedIndexes()}, reverse=True):
            self.organs.removeRow(row)

    def _add_operator(self) -> None:
        name = ask_text(
            self,
            "添加操作员",
            "操作员姓名（记录和修改记录中会写上这个名字；点“保存”后生效）：",
            required=True,
            placeholder="如：王晓燕",
            ok_text="添加",
        )
        if not name:
            return
        existing = [self.operators.item(i).text() for i in range(self.operators.count())]
        if name[:20] in existing:
            dialogs.show_info(self, f"“{name[:20]}”已在操作员名单中。")
            return
        self.operators.addItem(name[:20])

    def _remove_operator(self) -> None:
        item = self.operators.currentItem()
        if item is None:
            return
        if item.text() == self.db.operator:
            dialogs.show_info(self, f"“{item.text()}”是当前操作员，不能删除。")
            return
        self.operators.takeItem(self.operators.row(item))

    def _browse_backup_dir(self) -> None:
        start = Path(self.backup_dir.text()) if self.backup_dir.text() else backups_dir(self.db.path)
        folder = dialogs.ask_folder(self, "选择备份文件夹", start if start.exists() else self.db.path.parent)
        if folder is not None:
            self.backup_dir.setText(str(folder))
