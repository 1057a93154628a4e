"""The first start: where the data lives, which town, who is working, and demo data if wanted.

Two short pages, every answer with a sensible default, nothing technical asked. The data file
is created only when the clerk presses 完成. The demo town loads as a job; :func:`demo_loading`
tells whoever shows numbers (the 工作台) that it started, how far it is and that it ended, so no
page shows zeros as if they were the town's.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ecodesk.db.database import Database
from ecodesk.drives import network_refusal
from ecodesk.errors import EcoDeskError
from ecodesk.files import os_reason
from ecodesk.jobs import Job
from ecodesk.paths import DB_FILENAME, default_data_dir
from ecodesk.services import settings as data_settings
from ui.common import dialogs, machine_settings
from ui.common.jobs import JobHandle, run_job
from ui.common.operations import notify

log = logging.getLogger(__name__)

DEMO_TEXT = "载入演示数据（可随时在设置中清空重来）"


@dataclass(frozen=True)
class WizardResult:
    folder: Path
    town: str
    operator: str
    demo: bool

    @property
    def db_path(self) -> Path:
        return self.folder / DB_FILENAME


class FolderPage(QWizardPage):
    """Where the data lives. ``avoid``: the data file that could not be found (新建数据文件… at
    start-up) — nothing is created at its path, so it is never mistaken for the missing data later."""

    def __init__(self, parent: QWidget | None = None, avoid: Path | None = None) -> None:
        super().__init__(parent)
        self.avoid = avoid
        self.setTitle("欢迎使用乡镇生态环境工作台账")
        self.setSubTitle("先选一个文件夹保存数据。全部记录都存在这个文件夹里，备份或换电脑时复制它即可。")
        start = default_data_dir()
        if avoid is not None and self._is_avoided(start):
            start = start / "新数据"
        self.folder = QLineEdit(str(start))
        self.folder.setObjectName("wizard_folder")
        browse = QPushButton("浏览…")
        browse.clicked.connect(self._browse)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color:#666;")
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("数据文件夹："))
        layout.addLayout(row)
        layout.addWidget(self.note)
        if avoid is not None:
            kept = QLabel(
                f"找不到的数据文件不会被改动，也不会在它原来的位置新建：\n{avoid}\n"
                "U 盘插好后，可以用“文件 → 打开其他数据文件”再打开它。"
            )
            kept.setObjectName("wizard_avoid")
            kept.setWordWrap(True)
            layout.addSpacing(12)
            layout.addWidget(kept)
        layout.addStretch(1)
        # Not "folder*": QWizard counts a mandatory field done only once it differs from its
        # initial text, and the default folder is a good answer as it stands.
        self.registerField("folder", self.folder)
        self.folder.textChanged.connect(self._describe)
        self.folder.textChanged.connect(self.completeChanged)
        self._describe()

    def _browse(self) -> None:
        current = Path(self.folder.text()).expanduser()
        chosen = dialogs.ask_folder(self, "选择数据文件夹", current if current.exists() else Path.home())
        if chosen is not None:
            self.folder.setText(str(chosen))

    def _describe(self) -> None:
        path = Path(self.folder.text().strip()).expanduser() / DB_FILENAME
        if path.is_file():
            self.note.setText(f"这个文件夹里已有数据文件 {DB_FILENAME}，将直接打开它，原有数据不变。")
        elif self._is_avoided(path.parent):
            self.note.setText("这是找不到的那个数据文件原来的位置，不能在这里新建，请换一个文件夹。")
        else:
            self.note.setText(f"将在这里新建数据文件 {DB_FILENAME}。")

    def isComplete(self) -> bool:
        return bool(self.folder.text().strip())

    def validatePage(self) -> bool:
        folder = Path(self.folder.text().strip()).expanduser()
        if self._refused(folder):
            return False
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            dialogs.show_error(self, f"无法使用这个文件夹：{folder}\n{os_reason(exc)}")
            return False
        if not os.access(folder, os.W_OK):
            dialogs.show_error(
                self, f"这个文件夹不能写入：{folder}\n请换一个文件夹（如“文档”下新建的文件夹）。"
            )
            return False
        return True

    def _is_avoided(self, folder: Path) -> bool:
        if self.avoid is None:
            return False
        return os.path.normcase(os.path.abspath(folder / DB_FILENAME)) == os.path.normcase(
            os.path.abspath(self.avoid)
        )

    def _refused(self, folder: Path) -> bool:
        """A network folder is refused before anything is made there (the data file must be local),
        and so is the place of the data file that could not be found."""
        refused = network_refusal(folder / DB_FILENAME)
        if refused is not None:
            dialogs.show_error(self, refused, "不能使用网络位置")
            return True
        if self._is_avoided(folder) and not (folder / DB_FILENAME).is_file():
            dialogs.show_error(
                self,
                f"这是找不到的那个数据文件原来的位置：{self.avoid}\n"
                "在这里新建，以后会分不清新旧数据。请换一个文件夹。",
                "请换一个文件夹",
            )
            return True
        return False


class TownPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("乡镇和操作员")
        self.setSubTitle(
            "乡镇名称用于公文和打印的标题；操作员的名字会记在每一条录入和修改上。以后都可在“设置”中修改。"
        )
        self.town = QLineEdit()
        self.town.setObjectName("wizard_town")
        self.town.setMaxLength(20)
        self.town.setPlaceholderText("如：清河镇")
        self.operator = QLineEdit()
        self.operator.setObjectName("wizard_operator")
        self.operator.setMaxLength(20)
        self.operator.setPlaceholderText("您的姓名，如：王晓燕")
        self.demo = QCheckBox(DEMO_TEXT)
        self.demo.setObjectName("wizard_demo")
        demo_note = QLabel("演示数据是虚构的一个镇（约 20 个村、9000 户），用来熟悉程序；正式使用前请清空。")
        demo_note.setWordWrap(True)
        demo_note.setStyleSheet("color:#666;")
        form = QFormLayout()
        form.addRow("乡镇名称：", self.town)
        form.addRow("操作员：", self.operator)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(12)
        layout.addWidget(self.demo)
        layout.addWidget(demo_note)
        layout.addStretch(1)
        self.registerField("town*", self.town)
        self.registerField("operator*", self.operator)
        self.registerField("demo", self.demo)


class FirstStartWizard(QWizard):
    def __init__(self, parent: QWidget | None = None, avoid: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("首次使用" if avoid is None else "新建数据文件")
        self.setObjectName("first_start_wizard")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        for button, text in (
            (QWizard.WizardButton.BackButton, "上一步"),
            (QWizard.WizardButton.NextButton, "下一步"),
            (QWizard.WizardButton.FinishButton, "完成"),
            (QWizard.WizardButton.CancelButton, "取消"),
        ):
            self.setButtonText(button, text)
        self.folder_page = FolderPage(avoid=avoid)
        self.town_page = TownPage()
        self.addPage(self.folder_page)
        self.addPage(self.town_page)
        self.resize(620, 440)

    def result_values(self) -> WizardResult:
        return WizardResult(
            folder=Path(str(self.field("folder")).strip()).expanduser(),
            town=str(self.field("town")).strip(),
            operator=str(self.field("operator")).strip(),
            demo=bool(self.field("demo")),
        )

    @classmethod
    def ask(cls, parent: QWidget | None = None, avoid: Path | None = None) -> WizardResult | None:
        wizard = cls(parent, avoid)
        try:
            return wizard.result_values() if wizard.exec() == QWizard.DialogCode.Accepted else None
        finally:
            wizard.deleteLater()


def setup_data(result: WizardResult) -> Database:
    """Open (creating) the data file the wizard chose and store the town and the operator.

    An existing file keeps its town and settings; the operator is added to its list.
    Raises :class:`ecodesk.errors.DatabaseError` like ``Database.open``.
    """
    db = Database.open(result.db_path, result.operator, lock=True, create=True)
    try:
        current = data_settings.load(db)
        if not current.town_name:
            data_settings.save(db, **data_settings.defaults_for_town(result.town))
        data_settings.add_operator(db, result.operator)
    except BaseException:
        db.close()
        raise
    machine_settings.set_last_db_path(db.path)
    return db


class DemoLoading(QObject):
    """The demo town being loaded, for the pages that show numbers. Signals (GUI thread):

    - ``started()``: a load began (the file still looks empty until it is done: one transaction);
    - ``progress(done, total, message)``: as the job reports it;
    - ``finished(ok)``: it ended — loaded, cancelled or failed.
    """

    started = Signal()
    progress = Signal(int, int, str)
    finished = Signal(bool)
    _relayed = Signal(int, int, str)  # emitted on the worker thread, delivered on the GUI thread

    def __init__(self) -> None:
        super().__init__()
        self.handle: JobHandle | None = None
        self.last: tuple[int, int, str] = (0, 0, "")
        self._relayed.connect(self._progress)

    @property
    def running(self) -> bool:
        return self.handle is not None

    def relay(self, job: Job) -> None:
        """Have ``job`` report here too. Called on the worker thread before the first report, so no
        report is missed however soon it comes (a connection made after the job started could be)."""
        inner = job.progress

        def report(done: int, total: int, message: str) -> None:
            if inner is not None:
                inner(done, total, message)
            self._relayed.emit(done, total, message)

        job.progress = report

    def follow(self, handle: JobHandle) -> None:
        self.handle = handle
        self.last = (0, 0, "")
        handle.finished.connect(self._finished)
        self.started.emit()

    def _progress(self, done: int, total: int, message: str) -> None:
        self.last = (done, total, message)
        self.progress.emit(done, total, message)

    def _finished(self, ok: bool) -> None:
        self.handle = None
        self.finished.emit(ok)


_demo_loading: DemoLoading | None = None


def demo_loading() -> DemoLoading:
    """The one notifier of demo loads (created on first use, after the QApplication exists)."""
    global _demo_loading
    if _demo_loading is None:
        _demo_loading = DemoLoading()
    return _demo_loading


def load_demo(parent: QWidget | None, db: Database, scale: str = "town") -> JobHandle:
    """Fill an empty data file with the demo town, as a job with progress and 取消; the 工作台
    follows it through :func:`demo_loading`."""

    loading = demo_loading()

    def work(job: Job) -> object:
        loading.relay(job)
        try:
            from ecodesk.demo import generate  # type: ignore[attr-defined,unused-ignore]
        except ImportError:
            log.exception("demo generator unavailable")
            raise EcoDeskError("本程序缺少演示数据组件，未载入演示数据。可以直接开始录入。") from None
        return generate(db, scale=scale, job=job)

    def done(summary: object) -> None:
        data_settings.save(db, demo_offered=True)
        notify(everything=True)
        dialogs.show_info(parent, str(summary), "演示数据已载入")

    handle = run_job(parent, "正在载入演示数据", work, done)
    loading.follow(handle)
    return handle
