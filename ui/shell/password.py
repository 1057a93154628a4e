"""The optional opening password: asked before a protected data file is shown, managed in 设置.

The checks themselves live in ``ecodesk.services.access`` (scrypt, never the password itself).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecodesk.db.database import Database
from ecodesk.errors import ValidationError
from ecodesk.services import access
from ui.common import dialogs

MAX_TRIES = 3


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(access.MAX_LENGTH)
    return edit


class UnlockDialog(QDialog):
    """Asks for the opening password of one data file."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("输入打开密码")
        self.password = _password_edit()
        self.password.setObjectName("unlock_password")
        self.message = QLabel(f"数据文件 {db.path.name} 设置了打开密码。")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("打开")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("密码：", self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(360)


def unlock(db: Database, parent: QWidget | None = None) -> bool:
    """True when the file has no password or the clerk typed it (at most three tries)."""
    if not access.is_protected(db):
        return True
    dialog = UnlockDialog(db, parent)
    try:
        for attempt in range(1, MAX_TRIES + 1):
            dialog.password.clear()
            dialog.password.setFocus()
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            if access.check(db, dialog.password.text()):
                return True
            left = MAX_TRIES - attempt
            dialog.message.setText(f"密码不正确，还可以再试 {left} 次。" if left else "密码不正确。")
            dialog.message.setStyleSheet("color:#c62828;")
        dialogs.show_error(parent, "密码连续三次不正确，程序不打开这个数据文件。", "无法打开数据文件")
        return False
    finally:
        dialog.deleteLater()


def note_text(*, remove: bool, protected: bool) -> str:
    """What the dialog's act does: removing says what is given up, setting what is asked from now on."""
    if remove:
        return (
            "取消后，打开这个数据文件不再需要密码：能用这台电脑或拿到这个文件（如 U 盘上的备份）的人，"
            "都能直接查看和修改全部记录。以后可以随时重新设置。请输入现在的密码确认。"
        )
    first = (
        "修改后，每次打开这个数据文件要输入新密码。"
        if protected
        else "设置后，每次打开这个数据文件都要输入密码。"
    )
    return (
        first + "密码忘记后无法找回，请记在安全的地方。"
        "（这是打开程序的密码，不是对文件加密；U 盘和电脑仍要妥善保管。）"
    )


class PasswordDialog(QDialog):
    """Set, change or remove the opening password; the service says what is wrong."""

    def __init__(self, db: Database, parent: QWidget | None = None, *, remove: bool = False) -> None:
        super().__init__(parent)
        self.db = db
        self.remove = remove
        protected = access.is_protected(db)
        self.setWindowTitle("取消打开密码" if remove else ("修改打开密码" if protected else "设置打开密码"))
        self.current = _password_edit()
        self.current.setObjectName("password_current")
        self.new = _password_edit()
        self.new.setObjectName("password_new")
        self.again = _password_edit()
        self.again.setObjectName("password_again")
        self.problem = QLabel()
        self.problem.setStyleSheet("color:#c62828;")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        if protected:
            form.addRow("现在的密码：" if remove else "原密码：", self.current)
        if not remove:
            form.addRow("新密码：", self.new)
            form.addRow("再输一次：", self.again)
        self.note = QLabel(note_text(remove=remove, protected=protected))
        self.note.setObjectName("password_note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color:#555;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        # Beside a 取消密码 button a plain 取消 would read as the same act: the way back keeps the password.
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("保留密码" if remove else "取消")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("取消密码" if remove else "确定")
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def apply(self) -> None:
        try:
            if self.remove:
                access.remove_password(self.db, self.current.text())
            else:
                if self.new.text() != self.again.text():
                    self.problem.setText("两次输入的新密码不一样。")
                    return
                access.set_password(self.db, self.new.text(), self.current.text())
        except ValidationError as exc:
            self.problem.setText("；".join(str(p) for p in exc.problems))
            return
        self.accept()


class PasswordBox(QGroupBox):
    """The 打开密码 group of the settings page."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("打开密码", parent)
        self.db = db
        self.state = QLabel()
        self.set_button = QPushButton()
        self.set_button.setObjectName("password_set")
        self.set_button.clicked.connect(lambda: self._run(remove=False))
        self.remove_button = QPushButton("取消密码…")
        self.remove_button.setObjectName("password_remove")
        self.remove_button.clicked.connect(lambda: self._run(remove=True))
        row = QHBoxLayout(self)
        row.addWidget(self.state, 1)
        row.addWidget(self.set_button)
        row.addWidget(self.remove_button)
        self.refresh()

    def refresh(self) -> None:
        protected = access.is_protected(self.db)
        self.state.setText(
            "已设置：打开数据文件时要输入密码。" if protected else "未设置：打开数据文件不需要密码。"
        )
        self.set_button.setText("修改密码…" if protected else "设置密码…")
        self.remove_button.setVisible(protected)

    def _run(self, *, remove: bool) -> None:
        dialog = PasswordDialog(self.db, self, remove=remove)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                dialogs.show_info(self, "已取消打开密码。" if remove else "打开密码已保存。", "打开密码")
        finally:
            dialog.deleteLater()
        self.refresh()
