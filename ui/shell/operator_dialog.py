"""Who is working today: the operator name stamped on every record and in the audit log."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget


class OperatorDialog(QDialog):
    """Pick one of the known operators, or type a new name (when there are none yet)."""

    def __init__(self, operators: list[str], last: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("选择操作员")
        self.combo = QComboBox()
        self.combo.setEditable(not operators)
        self.combo.addItems(operators)
        if last in operators:
            self.combo.setCurrentText(last)
        if not operators:
            line_edit = self.combo.lineEdit()
            assert line_edit is not None
            line_edit.setPlaceholderText("请输入您的姓名")
            line_edit.setMaxLength(20)
        text = (
            "请选择本次使用的操作员："
            if operators
            else "请输入操作员姓名（记录和修改记录中会写上这个名字）："
        )
        buttons = QDialogButtonBox()
        ok = buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept_if_named)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(text))
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
