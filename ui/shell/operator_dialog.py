"""Who is working today: the operator name stamped on every record and in the audit log.

Asked at start-up, and again from 文件 → 切换操作员 when a colleague takes over the desk: the name is
the open data file's (``Database.operator``), so every edit from then on carries the new one.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QVBoxLayout, QWidget

from ui.common.buttons import dialog_buttons


class OperatorDialog(QDialog):
    """Pick one of the known operators, or type a new name (when there are none yet)."""

    def __init__(
        self, operators: list[str], last: str = "", parent: QWidget | None = None, *, current: str = ""
    ) -> None:
        super().__init__(parent)
        self.setObjectName("operator_dialog")
        switching = bool(current)  # 切换操作员 while working, rather than the question at start-up
        self.setWindowTitle("切换操作员" if switching else "选择操作员")
        self.combo = QComboBox()
        self.combo.setObjectName("operator_combo")
        self.combo.setEditable(switching or not operators)
        self.combo.addItems(operators)
        if last in operators:
            self.combo.setCurrentText(last)
        if self.combo.isEditable():
            line_edit = self.combo.lineEdit()
            assert line_edit is not None
            line_edit.setPlaceholderText("请输入姓名")
            line_edit.setMaxLength(20)
        if switching:
            text = (
                f"当前操作员：{current}。\n请选择接下来使用的操作员，此后的新增和修改都记在这个名字下"
                "（名单中没有的可直接输入姓名，会加入操作员名单）："
            )
        elif operators:
            text = "请选择本次使用的操作员："
        else:
            text = "请输入操作员姓名（记录和修改记录中会写上这个名字）："
        buttons = dialog_buttons(
            self, "切换" if switching else "确定", self._accept_if_named, "取消" if switching else "退出"
        ).box
        layout = QVBoxLayout(self)
        label = QLabel(text)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(buttons)
        self.setMinimumWidth(360)

    def _accept_if_named(self) -> None:
        if self.combo.currentText().strip():
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, operators: list[str], last: str = "") -> str | None:
        dialog = cls(operators, last, parent)
        try:
            return (
                dialog.combo.currentText().strip() if dialog.exec() == QDialog.DialogCode.Accepted else None
            )
        finally:
            dialog.deleteLater()

    @classmethod
    def ask_switch(cls, parent: QWidget | None, operators: list[str], current: str) -> str | None:
        """文件 → 切换操作员: the name to work as from now on, or None (取消). Another operator than the
        current one is offered first."""
        others = [name for name in operators if name != current]
        dialog = cls(operators, others[0] if others else current, parent, current=current or "（未设置）")
        try:
            return (
                dialog.combo.currentText().strip() if dialog.exec() == QDialog.DialogCode.Accepted else None
            )
        finally:
            dialog.deleteLater()
