"""The forms of 基础信息 that know about villages: 农户 and 企业/场所 (组 and 网格 of their village), 网格
(网格长 and 网格员, with 新增人员 for someone not registered yet).

Each is the generated record form (:class:`~ui.records.form.RecordDialog`) with a few editors replaced:
a 组 or 网格 is chosen from the chosen village's own list, never typed, so 三组 and 3组 cannot become
two groups and a grid of another village cannot be picked.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QPushButton, QWidget

from ecodesk.db.database import Database
from ecodesk.schema import Field, RecordKind
from ecodesk.services import org
from ecodesk.services.org import HOUSEHOLDS, PEOPLE
from ui.common import dialogs, operations
from ui.common.field_editors import FieldEditor, TextEditor
from ui.common.text_input import ask_text
from ui.records.form import RecordDialog

NO_CHOICE = "（不选）"


class VillageChoiceEditor(FieldEditor):
    """One of the village's own 组 or 网格, chosen from a list (the value is its id, or None)."""

    def __init__(self, field: Field, add_text: str = "") -> None:
        self.combo = QComboBox()
        self.combo.setMinimumWidth(200)
        self.combo.setObjectName(f"choice_{field.key}")
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo, 1)
        self.add_button: QPushButton | None = None
        if add_text:
            self.add_button = QPushButton(add_text)
            self.add_button.setObjectName(f"add_{field.key}")
            self.add_button.setAutoDefault(False)
            row.addWidget(self.add_button)
        super().__init__(field, holder, self.combo)
        # The pick the clerk (or the record) made: kept while another village's list is shown, so
        # choosing the village back brings it back.
        self._wanted: int | None = None
        self.combo.activated.connect(lambda _i: setattr(self, "_wanted", self.value()))
        self.set_choices([], village_chosen=False)

    def set_choices(self, choices: list[tuple[int, str]], *, village_chosen: bool = True) -> None:
        """Offer the village's ``choices``; the pick stays when it is among them."""
        self.combo.blockSignals(True)
        self.combo.clear()
        if not village_chosen:
            first = "（请先选所属村）"
        else:
            first = NO_CHOICE if choices else f"（该村还没有{self.field.label}）"
        self.combo.addItem(first, None)
        for record_id, name in choices:
            self.combo.addItem(name, record_id)
        self.combo.blockSignals(False)
        self._select(self._wanted)

    def value(self) -> int | None:
        data = self.combo.currentData()
        return int(data) if data is not None else None

    def set_value(self, value: Any) -> None:
        self._wanted = value if isinstance(value, int) else None
        self._select(self._wanted)

    def _select(self, value: int | None) -> None:
        index = self.combo.findData(value) if value is not None else -1
        self.combo.setCurrentIndex(max(index, 0))


class VillageRecordDialog(RecordDialog):
    """农户 and 企业/场所: the 组 and 网格 lists follow the village chosen above them."""

    def __init__(
        self, db: Database, kind: RecordKind, record_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        self._scoped: dict[str, VillageChoiceEditor] = {}
        super().__init__(db, kind, record_id, parent)
        village = self.editors[kind.village_key or "village"]
        combo = getattr(village, "combo", None)
        if isinstance(combo, QComboBox):
            combo.currentIndexChanged.connect(lambda _i: self._village_changed())
            combo.editTextChanged.connect(lambda _t: self._village_changed())
        self._village_changed()
        self._initial.update({key: editor.value() for key, editor in self._scoped.items()})

    def create_editor(self, f: Field, choices: list[tuple[int, str]] | None) -> FieldEditor:
        if f.ref is None or f.ref.in_village is None:
            return super().create_editor(f, choices)
        editor = VillageChoiceEditor(f, "新增组…" if f.ref is org.GROUP_REF else "")
        if editor.add_button is not None:
            editor.add_button.clicked.connect(self.add_group)
        self._scoped[f.key] = editor
        return editor

    def village_id(self) -> int | None:
        value = self.editors[self._kind.village_key or "village"].value()
        return value if isinstance(value, int) else None

    def _village_changed(self) -> None:
        village = self.village_id()
        for editor in self._scoped.values():
            assert editor.field.ref is not None
            choices = org.village_records(self._db, editor.field.ref, village)
            editor.set_choices(choices, village_chosen=village is not None)
            if editor.add_button is not None:
                editor.add_button.setEnabled(village is not None)

    def add_group(self) -> None:
        """新增组: a 组 the village's list lacks, added to the village and chosen here."""
        village = self.village_id()
        editor = self._scoped.get("group")
        if village is None or editor is None:
            return
        name = ask_text(
            self, "新增组", "新组的名称（如：五组）：", required=True, placeholder="如：五组", ok_text="新增"
        )
        if not name:
            return
        group_id = operations.write(self, lambda: org.new_group(self._db, village, name), [HOUSEHOLDS])
        if group_id is None:
            return
        assert editor.field.ref is not None
        editor.set_choices(org.village_records(self._db, editor.field.ref, village))
        editor.set_value(group_id)


class NewPersonDialog(RecordDialog):
    """新增人员 from the 网格 form: the person form with the name, the grid's village and the role filled in,
    the phone left to type."""

    def __init__(self, db: Database, values: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(db, PEOPLE, None, parent)
        self.setObjectName("new_person_dialog")
        self.setWindowTitle("新增人员")
        for key, value in values.items():
            if value not in (None, ""):
                self.editors[key].set_value(value)
        self.editors["phone"].focus()

    @classmethod
    def add(cls, parent: QWidget | None, db: Database, values: dict[str, Any]) -> str | None:
        """Show it modally; the name the new person was registered under, or None when cancelled."""
        dialog = cls(db, values, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved_id is None:
                return None
            return str(dialog.editors["name"].value()).strip()
        finally:
            dialog.deleteLater()


class GridDialog(RecordDialog):
    """网格: 网格长 and 网格员 by name; someone not registered yet is added on the spot (新增人员), and the
    rest of the form stays as typed."""

    def create_editor(self, f: Field, choices: list[tuple[int, str]] | None) -> FieldEditor:
        editor = super().create_editor(f, choices)
        if f.key == "members" and isinstance(editor, TextEditor):
            holder = QWidget()
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(editor.widget, 1)
            button = QPushButton("新增人员…")
            button.setObjectName("add_person")
            button.setAutoDefault(False)
            button.setToolTip("登记一位还不在“人员”中的网格员或网格长")
            button.clicked.connect(self.add_member)
            row.addWidget(button)
            editor.widget = holder
        return editor

    def typed_names(self) -> list[tuple[str, str]]:
        """(name, role) of everyone the form names by text: the 网格长 typed, then each 网格员."""
        named: list[tuple[str, str]] = []
        leader = self.editors["leader"].value()
        if isinstance(leader, str) and leader.strip():
            named.append((leader.strip(), "网格长"))
        members = self.editors["members"].value()
        if isinstance(members, str):
            named += [(name, "网格员") for name in org.split_names(members)]
        return named

    def add_person(self, name: str, role: str = "网格员") -> str | None:
        """新增人员 with ``name``, the grid's village and ``role`` filled in; the name registered, or None."""
        village = self.editors["village"].value()
        values = {"name": name, "unit": village if isinstance(village, int) else None, "roles": role}
        # The typed names stay as they are: saved, they now find the person just registered.
        return NewPersonDialog.add(self, self._db, values)

    def add_member(self) -> None:
        """The 新增人员… button: register someone and put them among the 网格员."""
        name = self.add_person("")
        members = self.editors["members"]
        typed = str(members.value() or "")
        if name and name not in org.split_names(typed):
            members.set_value(f"{typed.rstrip('、，, ')}、{name}" if typed.strip() else name)

    def save(self) -> None:
        """Before saving: offer to register each person named here who is not in 人员 yet."""
        named = self.typed_names()
        missing = org.unregistered(self._db, [name for name, _role in named])
        if missing:
            roles = dict(reversed(named))  # a name typed twice: its first role
            if not dialogs.confirm(
                self,
                f"{'、'.join(missing)} 还没有在“人员”中登记。\n现在登记后再保存网格？表单中已填的内容会保留。",
                ok_text="登记人员",
            ):
                super().save()  # saved as typed: the service names who is missing, beside the field
                return
            for name in missing:
                if self.add_person(name, roles.get(name, "网格员")) is None:
                    return  # cancelled: the grid form stays open with everything typed
        super().save()


def dialog_for(kind: RecordKind) -> type[RecordDialog]:
    """The form a 基础信息 tab opens for ``kind``."""
    if kind is org.GRIDS:
        return GridDialog
    if any(f.ref is not None and f.ref.in_village is not None for f in kind.form_fields):
        return VillageRecordDialog
    return RecordDialog
