"""The opening password: asked before an encrypted data file opens, managed in 设置 → 打开密码.

With a password the data file and its backups are encrypted (``ecodesk.db.cipher``); the password is
the key, asked before the file can be opened at all (:func:`ensure_key`). Wrong tries are answered
with a wait that grows (1, 2, 4, 8 s). Setting, changing and removing convert the file on a worker
thread (``ecodesk.services.access``); the settings box says plainly what the password protects and
what it does not, and writes a recovery key to a file the clerk keeps elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
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

from ecodesk.db import backups, cipher
from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError, ValidationError
from ecodesk.jobs import Job
from ecodesk.services import access
from ui.common import dialogs
from ui.common.jobs import run_job_and_wait

MAX_TRIES = 5
Delay = Callable[[int], float]  # seconds to wait after the n-th wrong try (tests pass a short one)

PROTECTS = (
    "设置打开密码后，数据文件和它的每一份备份都加密保存：文件被复制走、U 盘丢了，"
    "没有密码谁也打不开（其他软件也读不出里面的姓名、电话）。"
)
DOES_NOT_PROTECT = (
    "密码保护不了：程序开着时离开电脑（请锁屏或退出程序）；导出的 Excel、PDF（由您自己保管，"
    "举报人姓名默认已隐去）。密码忘记后任何人都无法找回数据，请写出恢复密钥，存到 U 盘或打印出来，"
    "和电脑分开保管。"
)


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(200)  # a pasted recovery key is longer than any password
    return edit


class UnlockDialog(QDialog):
    """Asks for a password until ``check`` accepts it; after each wrong try 打开 waits a growing delay.

    Rejected (``failed`` set) after :data:`MAX_TRIES` wrong tries, or when the clerk presses 退出.
    """

    def __init__(
        self,
        text: str,
        check: Callable[[str], bool],
        parent: QWidget | None = None,
        *,
        delay: Delay = cipher.wrong_try_delay,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("输入打开密码")
        self._check = check
        self._delay = delay
        self.wrong_tries = 0
        self.failed = False
        self.password = _password_edit()
        self.password.setObjectName("unlock_password")
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.open_button.setText("打开")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        self.buttons.accepted.connect(self.try_password)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("密码：", self.password)
        hint = QLabel("忘记密码时，可以粘贴恢复密钥（EK-…）。")
        hint.setStyleSheet("color:#555;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def try_password(self) -> None:
        if not self.open_button.isEnabled():
            return  # Enter pressed during the wait
        if self._check(self.password.text()):
            self.accept()
            return
        self.wrong_tries += 1
        left = MAX_TRIES - self.wrong_tries
        if left <= 0:
            self.failed = True
            self.reject()
            return
        wait = self._delay(self.wrong_tries)
        self.message.setText(
            f"密码不正确，还可以再试 {left} 次。" + (f"请等 {wait:.0f} 秒再试。" if wait >= 1 else "")
        )
        self.message.setStyleSheet("color:#c62828;")
        self.password.clear()
        self.open_button.setEnabled(False)
        QTimer.singleShot(int(wait * 1000), self._ready)

    def _ready(self) -> None:
        self.open_button.setEnabled(True)
        self.password.setFocus()


def _ask(text: str, check: Callable[[str], bool], parent: QWidget | None, delay: Delay) -> bool:
    dialog = UnlockDialog(text, check, parent, delay=delay)
    try:
        dialog.password.setFocus()
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if dialog.failed:
            dialogs.show_error(parent, f"密码连续 {MAX_TRIES} 次不正确，程序不打开这个文件。", "无法打开")
        return accepted
    finally:
        dialog.deleteLater()


def _opens_with(path: Path, secret: str) -> bool:
    key = cipher.key_for(path, secret)
    if not cipher.opens(path, key):
        return False
    cipher.remember(path, key)
    return True


def ensure_key(path: Path, parent: QWidget | None = None, *, delay: Delay = cipher.wrong_try_delay) -> bool:
    """Before opening ``path``: an encrypted file's password is asked (and its key remembered) unless
    known already. False when the clerk gave up; True for a plain file."""
    path = Path(path).expanduser().resolve()
    if not cipher.looks_encrypted(path) or cipher.known_key(path) is not None:
        return True
    text = f"数据文件 {path.name} 设置了打开密码（已加密），请输入密码。"
    return _ask(text, lambda secret: _opens_with(path, secret), parent, delay)


def unlock(db: Database, parent: QWidget | None = None, *, delay: Delay = cipher.wrong_try_delay) -> bool:
    """After opening: a plain file of an older version with a password gate asks for it here
    (an encrypted file was unlocked by :func:`ensure_key` before it could be opened)."""
    if not access.has_old_gate(db):
        return True
    text = f"数据文件 {db.path.name} 设置了打开密码。"
    return _ask(text, lambda secret: access.check(db, secret), parent, delay)


def backup_key(
    parent: QWidget | None, backup: Path, *, delay: Delay = cipher.wrong_try_delay
) -> tuple[bool, cipher.Key | None]:
    """Before restoring ``backup``: (go on, key). A backup encrypted with another password than the
    data file's asks for that password; (False, None) when the clerk gave up."""
    salt = backups.backup_salt_needing_password(backup)
    if salt is None:
        return True, None
    found: dict[str, cipher.Key] = {}

    def check(secret: str) -> bool:
        key = cipher.key_from(salt, secret)
        try:
            backups.verify_backup_file(backup, key)
        except cipher.WrongPasswordError:
            return False
        except EcoDeskError:
            pass  # damaged or too new: the restore itself says so
        found["key"] = key
        return True

    text = f"备份“{backup.name}”是用另一个打开密码加密的（做这份备份时的密码），请输入那个密码。"
    if not _ask(text, check, parent, delay):
        return False, None
    return True, found.get("key")


# -- setting, changing, removing -------------------------------------------------------------------


def note_text(*, remove: bool, protected: bool) -> str:
    """What the dialog's act does: removing says what is given up, setting what is asked from now on."""
    if remove:
        return (
            "取消后，打开这个数据文件不再需要密码，文件也不再加密：能用这台电脑或拿到这个文件"
            "（如 U 盘上的备份）的人，都能直接查看和修改全部记录（以前做的加密备份仍要原密码）。"
            "以后可以随时重新设置。请输入现在的密码确认。"
        )
    first = (
        "修改后，每次打开这个数据文件要输入新密码；文件用新密码重新加密，以前写出的恢复密钥失效。"
        if protected
        else "设置后，每次打开这个数据文件都要输入密码；文件和以后的备份都加密保存。"
    )
    return (
        f"{first}密码至少{cipher.MIN_LENGTH}个字符。"
        "密码忘记后无法找回，设置后请写出恢复密钥，和电脑分开保管。"
    )


def convert_in_background(parent: QWidget | None, title: str, work: Callable[[], None]) -> None:
    """Run a conversion on a worker thread with a progress dialog and wait for it (the window does
    not repaint meanwhile: its pages must not read the file being converted). Raises the job's error."""

    def job_fn(job: Job) -> None:
        job.report(0, 0, title + "，请稍候……")
        work()

    run_job_and_wait(parent, title, job_fn)


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
        self.setMinimumWidth(460)

    def apply(self) -> None:
        current, new = self.current.text(), self.new.text()
        if not self.remove and new != self.again.text():
            self.problem.setText("两次输入的新密码不一样。")
            return
        try:
            # Checked here, before the work starts; the service checks again.
            if access.is_protected(self.db) and not access.check(self.db, current):
                raise ValidationError.single("current_password", "原密码", "不正确")
            if self.remove:
                convert_in_background(
                    self, "正在把数据文件转换为不加密", lambda: access.remove_password(self.db, current)
                )
            else:
                problem = cipher.problem_with(new)
                if problem:
                    raise ValidationError.single("password", "密码", problem)
                convert_in_background(
                    self, "正在加密数据文件", lambda: access.set_password(self.db, new, current)
                )
        except ValidationError as exc:
            self.problem.setText("；".join(str(p) for p in exc.problems))
            return
        except EcoDeskError as exc:
            self.problem.setText(str(exc))
            return
        self.accept()


class PasswordBox(QGroupBox):
    """The 打开密码 group of the settings page: state, what it protects and not, the buttons."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("打开密码", parent)
        self.db = db
        self.state = QLabel()
        self.state.setObjectName("password_state")
        self.state.setWordWrap(True)
        self.explain = QLabel(f"{PROTECTS}\n{DOES_NOT_PROTECT}")
        self.explain.setObjectName("password_explain")
        self.explain.setWordWrap(True)
        self.explain.setStyleSheet("color:#555;")
        self.explain.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.set_button = QPushButton()
        self.set_button.setObjectName("password_set")
        self.set_button.clicked.connect(lambda: self._run(remove=False))
        self.remove_button = QPushButton("取消密码…")
        self.remove_button.setObjectName("password_remove")
        self.remove_button.clicked.connect(lambda: self._run(remove=True))
        self.recovery_button = QPushButton("写出恢复密钥…")
        self.recovery_button.setObjectName("password_recovery")
        self.recovery_button.clicked.connect(self.write_recovery_key)
        row = QHBoxLayout()
        row.addWidget(self.state, 1)
        row.addWidget(self.set_button)
        row.addWidget(self.recovery_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.explain)
        self.refresh()

    def refresh(self) -> None:
        encrypted = access.is_encrypted(self.db)
        if encrypted:
            state = "已设置：数据文件和备份已加密，打开时要输入密码。"
        elif access.has_old_gate(self.db):
            state = "已设置（旧式）：只在程序里问密码，文件本身没有加密。请点“修改密码…”重新设置一次，文件即加密。"
        else:
            state = "未设置：数据文件没有加密，打开不需要密码。"
        self.state.setText(state)
        protected = access.is_protected(self.db)
        self.set_button.setText("修改密码…" if protected else "设置密码…")
        self.remove_button.setVisible(protected)
        self.recovery_button.setVisible(encrypted)

    def _run(self, *, remove: bool) -> None:
        dialog = PasswordDialog(self.db, self, remove=remove)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()
        self.refresh()
        if not accepted:
            return
        if remove:
            dialogs.show_info(self, "已取消打开密码，数据文件不再加密。", "打开密码")
        elif dialogs.confirm(
            self,
            "打开密码已保存，数据文件已加密。\n\n密码忘记后无法找回。现在把恢复密钥写到一个文件里吗？"
            "（请存到 U 盘或打印出来，和电脑分开保管）",
            "打开密码",
            ok_text="写出恢复密钥…",
        ):
            self.write_recovery_key()

    def write_recovery_key(self) -> Path | None:
        target = dialogs.ask_save_file(
            self, "写出恢复密钥", f"{self.db.path.stem}-恢复密钥.txt", "文本文件 (*.txt)"
        )
        if target is None:
            return None
        try:
            written = access.write_recovery_key(self.db, target)
        except EcoDeskError as exc:
            dialogs.show_error(self, str(exc))
            return None
        dialogs.show_info(
            self,
            f"恢复密钥已写入：{written}\n\n请把这个文件存到 U 盘或打印出来，和电脑分开保管；"
            "忘记密码时，在“输入打开密码”处粘贴其中 EK- 开头的那一行。",
            "恢复密钥",
        )
        return written
