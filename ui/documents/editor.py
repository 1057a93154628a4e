"""The document editor: the fields of a draft, with the body editor showing its heading levels.

Four tabs follow the paper: 正文 (title, 主送, body — with a list of the lines taken as 一、 / （一） /
1. / （1） headings, and those lines coloured in the text), 版头与落款 (organ, mark, number prefix,
署名, 成文日期, seal, 附注), 附件 and 版记 (抄送, 印发机关, 印发日期). The editor holds no queries: the
page gives it the organs from the settings and saves ``values()`` through the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecodesk.documents.headings import LEVEL_NAMES, heading_of, outline
from ecodesk.documents.kinds import letter_prefix
from ecodesk.models.document import DOCUMENT_KINDS
from ecodesk.models.setting import DocumentOrgan
from ui.common.field_editors import DateLineEdit

_LEVEL_COLOURS = {1: "#b00020", 2: "#1f5fa8", 3: "#2e7d32", 4: "#6a1b9a"}


class HeadingHighlighter(QSyntaxHighlighter):
    """Colours the lines the PDF will treat as headings (a paragraph = lines between blank lines)."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._formats: dict[int, QTextCharFormat] = {}
        for level, colour in _LEVEL_COLOURS.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colour))
            if level <= 2:
                fmt.setFontWeight(QFont.Weight.Bold)
            self._formats[level] = fmt

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        previous = self.currentBlock().previous()
        starts_paragraph = not previous.isValid() or not previous.text().strip()
        if not starts_paragraph:
            return
        head = heading_of(text)
        if head is not None:
            end = text.find("。")
            length = len(text) if end < 0 else end + 1
            self.setFormat(0, length, self._formats[head[0]])


class DocumentEditor(QWidget):
    """Signals: ``changed()`` after any edit by the clerk (not after :meth:`load`)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("document_editor")
        self._loading = False
        self._organs: list[DocumentOrgan] = []
        self._attachments: list[dict[str, str]] = []
        self._named = ""

        self.kind = QComboBox()
        self.kind.setObjectName("doc_kind")
        self.kind.addItems(DOCUMENT_KINDS)
        self.title = self._line("doc_title", "如：关于开展秸秆禁烧专项巡查的通知")
        self.recipients = self._line("doc_recipients", "如：各村、各单位")
        self.body = QPlainTextEdit()
        self.body.setObjectName("doc_body")
        self.body.setPlaceholderText("正文。段落之间空一行；以 一、 （一） 1. （1） 开头的段落是各级标题。")
        self.body.setTabChangesFocus(True)
        self._highlighter = HeadingHighlighter(self.body.document())
        self.headings = QListWidget()
        self.headings.setObjectName("doc_headings")
        self.headings.setToolTip("正文中被识别为标题的段落：一级 黑体，二级 楷体，三、四级 仿宋")
        self.headings.itemActivated.connect(self._jump_to_heading)
        self.headings.itemClicked.connect(self._jump_to_heading)
        self._outline_timer = QTimer(self)
        self._outline_timer.setSingleShot(True)
        self._outline_timer.setInterval(250)
        self._outline_timer.timeout.connect(self.refresh_headings)

        self.organ = QComboBox()
        self.organ.setObjectName("doc_organ")
        self.organ.setEditable(True)
        self.organ_mark = self._line("doc_organ_mark", "如：清河镇人民政府文件")
        self.number_prefix = self._line("doc_number_prefix", "如：清镇政字")
        self.number = QLabel("（印发时自动编号）")
        self.number.setObjectName("doc_number")
        self.signature = self._line("doc_signature", "发文机关署名")
        self.doc_date = DateLineEdit()
        self.doc_date.setObjectName("doc_date")
        self.seal = QCheckBox("加盖印章（日期右空四字，署名居中其上）")
        self.seal.setObjectName("doc_seal")
        self.note = self._line("doc_note", "附注（可空），如：此件公开发布")

        self.attachment_list = QListWidget()
        self.attachment_list.setObjectName("doc_attachment_list")
        self.attachment_title = self._line("doc_attachment_title", "附件标题")
        self.attachment_body = QPlainTextEdit()
        self.attachment_body.setObjectName("doc_attachment_body")
        self.attachment_body.setPlaceholderText(
            "附件正文（如印发的方案全文）；不填则只在“附件：”中列出名称，另行附送"
        )
        self._attachment_highlighter = HeadingHighlighter(self.attachment_body.document())
        self.add_attachment = QPushButton("添加附件")
        self.remove_attachment = QPushButton("删除附件")

        self.cc = self._line("doc_cc", "如：区生态环境局，区纪委监委")
        self.printing_organ = self._line("doc_printing_organ", "如：清河镇党政综合办公室")
        self.printing_date = DateLineEdit()
        self.printing_date.setObjectName("doc_printing_date")

        self.tabs = QTabWidget()
        self.tabs.addTab(self._body_tab(), "正文")
        self.tabs.addTab(self._head_tab(), "版头与落款")
        self.tabs.addTab(self._attachments_tab(), "附件")
        self.tabs.addTab(self._footer_tab(), "版记")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self._wire()

    # -- layout --------------------------------------------------------------------------------

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def _body_tab(self) -> QWidget:
        form = QFormLayout()
        form.addRow("文种：", self.kind)
        form.addRow("标题：", self.title)
        form.addRow("主送：", self.recipients)
        hints = QWidget()
        hints_layout = QVBoxLayout(hints)
        hints_layout.setContentsMargins(0, 0, 0, 0)
        hints_layout.addWidget(QLabel("识别出的标题（一级 黑体、二级 楷体、三四级 仿宋；点击跳到该段）："))
        hints_layout.addWidget(self.headings, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.body)
        split.addWidget(hints)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([420, 140])
        split.setChildrenCollapsible(False)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(form)
        layout.addWidget(split, 1)
        return tab

    def _head_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        form.addRow("发文机关：", self.organ)
        form.addRow("发文机关标志：", self.organ_mark)
        form.addRow("发文字号前缀：", self.number_prefix)
        form.addRow("发文字号：", self.number)
        form.addRow("署名：", self.signature)
        form.addRow("成文日期：", self.doc_date)
        form.addRow("", self.seal)
        form.addRow("附注：", self.note)
        return tab

    def _attachments_tab(self) -> QWidget:
        tab = QWidget()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_attachment)
        buttons.addWidget(self.remove_attachment)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.attachment_list, 1)
        left.addLayout(buttons)
        right = QVBoxLayout()
        right.addWidget(self.attachment_title)
        right.addWidget(self.attachment_body, 1)
        layout = QHBoxLayout(tab)
        layout.addLayout(left, 1)
        layout.addLayout(right, 2)
        return tab

    def _footer_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        form.addRow("抄送：", self.cc)
        form.addRow("印发机关：", self.printing_organ)
        form.addRow("印发日期：", self.printing_date)
        hint = QLabel("版记印在最后一页下端；函（信函格式）只印抄送。")
        hint.setStyleSheet("color:#666")
        form.addRow("", hint)
        return tab

    def _wire(self) -> None:
        for edit in (
            self.title,
            self.recipients,
            self.organ_mark,
            self.number_prefix,
            self.signature,
            self.note,
            self.cc,
            self.printing_organ,
        ):
            edit.textEdited.connect(self._edited)
        self.body.textChanged.connect(self._body_edited)
        self.kind.currentIndexChanged.connect(self._edited)
        self.organ.activated.connect(self._organ_chosen)
        organ_edit = self.organ.lineEdit()
        assert organ_edit is not None  # the combo is editable
        organ_edit.textEdited.connect(self._edited)
        self.seal.toggled.connect(self._edited)
        self.doc_date.date_changed.connect(self._edited)
        self.printing_date.date_changed.connect(self._edited)
        self.attachment_list.currentRowChanged.connect(self._show_attachment)
        self.attachment_title.textEdited.connect(self._attachment_edited)
        self.attachment_body.textChanged.connect(self._attachment_edited)
        self.add_attachment.clicked.connect(self._add_attachment)
        self.remove_attachment.clicked.connect(self._remove_attachment)

    # -- values --------------------------------------------------------------------------------

    def set_organs(self, organs: Sequence[DocumentOrgan]) -> None:
        self._organs = list(organs)
        text = self.organ.currentText()
        self.organ.clear()
        self.organ.addItems([o.name for o in self._organs])
        self.organ.setEditText(text)

    def load(self, doc: Any) -> None:
        """Show a document (a ``Document`` record or anything with its attributes)."""
        self._loading = True
        try:
            self.kind.setCurrentText(doc.kind)
            self.title.setText(doc.title)
            self.recipients.setText(doc.recipients)
            self.body.setPlainText(doc.body)
            self.organ.setEditText(doc.organ)
            self.organ_mark.setText(doc.organ_mark)
            self.number_prefix.setText(doc.number_prefix)
            self.number.setText(doc.number or "（印发时自动编号）")
            self.signature.setText(doc.signature)
            self.doc_date.set_date(doc.doc_date)
            self.seal.setChecked(bool(doc.seal))
            self.note.setText(doc.note)
            self.cc.setText(doc.cc)
            self.printing_organ.setText(doc.printing_organ)
            self.printing_date.set_date(doc.printing_date)
            self._attachments = [dict(a) for a in (doc.attachments or [])]
            self._fill_attachment_list(0 if self._attachments else -1)
        finally:
            self._loading = False
        self.refresh_headings()

    def values(self) -> dict[str, Any]:
        """The raw values for ``services.documents`` (dates as typed: the service names bad ones)."""
        return {
            "kind": self.kind.currentText(),
            "title": self.title.text(),
            "recipients": self.recipients.text(),
            "body": self.body.toPlainText(),
            "organ": self.organ.currentText(),
            "organ_mark": self.organ_mark.text(),
            "number_prefix": self.number_prefix.text(),
            "signature": self.signature.text(),
            "doc_date": self._date_value(self.doc_date),
            "seal": self.seal.isChecked(),
            "note": self.note.text(),
            "cc": self.cc.text(),
            "printing_organ": self.printing_organ.text(),
            "printing_date": self._date_value(self.printing_date),
            "attachments": [dict(a) for a in self._attachments if a.get("title", "").strip()],
        }

    @staticmethod
    def _date_value(edit: DateLineEdit) -> date | str | None:
        parsed = edit.parsed_date()
        return parsed if parsed is not None else (edit.text().strip() or None)

    def set_read_only(self, read_only: bool) -> None:
        for edit in (
            self.title,
            self.recipients,
            self.organ_mark,
            self.number_prefix,
            self.signature,
            self.note,
            self.cc,
            self.printing_organ,
            self.attachment_title,
            self.doc_date,
            self.printing_date,
        ):
            edit.setReadOnly(read_only)
        self.body.setReadOnly(read_only)
        self.attachment_body.setReadOnly(read_only)
        for widget in (self.kind, self.organ, self.seal, self.add_attachment, self.remove_attachment):
            widget.setEnabled(not read_only)

    # -- reactions -----------------------------------------------------------------------------

    def _edited(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit()

    def _body_edited(self) -> None:
        self._outline_timer.start()
        self._edited()

    def refresh_headings(self) -> None:
        self.headings.clear()
        for head in outline(self.body.toPlainText()):
            item = QListWidgetItem(f"{LEVEL_NAMES[head.level]}（{head.font}）  {head.text}")
            item.setForeground(QColor(_LEVEL_COLOURS[head.level]))
            item.setData(Qt.ItemDataRole.UserRole, head.paragraph)
            self.headings.addItem(item)
        if not self.headings.count():
            placeholder = QListWidgetItem("（没有识别出标题）")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.headings.addItem(placeholder)

    def heading_texts(self) -> list[str]:
        return [self.headings.item(i).text() for i in range(self.headings.count())]

    def _jump_to_heading(self, item: QListWidgetItem) -> None:
        paragraph = item.data(Qt.ItemDataRole.UserRole)
        if paragraph is None:
            return
        needle = outline(self.body.toPlainText())
        target = next((h for h in needle if h.paragraph == paragraph), None)
        if target is None:
            return
        found = self.body.document().find(target.number)
        while not found.isNull():
            block = found.block()
            if block.text().lstrip().startswith(target.number):
                self.body.setTextCursor(found)
                self.body.setFocus()
                return
            found = self.body.document().find(target.number, found)

    def _organ_chosen(self, index: int) -> None:
        if not 0 <= index < len(self._organs):
            return
        organ = self._organs[index]
        letter = self.kind.currentText() == "函"
        self.organ_mark.setText(organ.name if letter else organ.mark)
        self.number_prefix.setText(letter_prefix(organ.prefix) if letter else organ.prefix)
        self.signature.setText(organ.name)
        self._edited()

    # -- attachments ---------------------------------------------------------------------------

    def _fill_attachment_list(self, current: int) -> None:
        self.attachment_list.blockSignals(True)
        self.attachment_list.clear()
        for n, att in enumerate(self._attachments, 1):
            self.attachment_list.addItem(f"附件{n}：{att.get('title') or '（无标题）'}")
        self.attachment_list.blockSignals(False)
        self.attachment_list.setCurrentRow(current)
        self._show_attachment(current)

    def _show_attachment(self, row: int) -> None:
        has = 0 <= row < len(self._attachments)
        was_loading, self._loading = self._loading, True
        try:
            self.attachment_title.setText(self._attachments[row].get("title", "") if has else "")
            self.attachment_body.setPlainText(self._attachments[row].get("body", "") if has else "")
        finally:
            self._loading = was_loading
        self.attachment_title.setEnabled(has)
        self.attachment_body.setEnabled(has)

    def _attachment_edited(self, *_args: object) -> None:
        if self._loading:
            return
        row = self.attachment_list.currentRow()
        if not 0 <= row < len(self._attachments):
            return
        # the name the notice quotes: kept while the clerk clears the box to type a new one
        before = self._attachments[row].get("title", "") or self._named
        after = self.attachment_title.text().strip()
        self._named = before if not after else ""
        self._attachments[row] = {"title": after, "body": self.attachment_body.toPlainText()}
        if before and after and before != after:
            self._rename_quoted(before, after)
        item = self.attachment_list.item(row)
        if item is not None:
            item.setText(f"附件{row + 1}：{self._attachments[row]['title'] or '（无标题）'}")
        self._edited()

    def _rename_quoted(self, before: str, after: str) -> None:
        """An 印发 notice names its 方案 in 《》 in the title and body: renaming the attachment renames those."""
        old, new = f"《{before}》", f"《{after}》"
        if old in self.title.text():
            self.title.setText(self.title.text().replace(old, new))
        body = self.body.toPlainText()
        if old in body:
            was_loading, self._loading = self._loading, True
            try:
                self.body.setPlainText(body.replace(old, new))
            finally:
                self._loading = was_loading

    def _add_attachment(self) -> None:
        self._attachments.append({"title": "", "body": ""})
        self._fill_attachment_list(len(self._attachments) - 1)
        self.attachment_title.setFocus()

    def _remove_attachment(self) -> None:
        row = self.attachment_list.currentRow()
        if 0 <= row < len(self._attachments):
            del self._attachments[row]
            self._fill_attachment_list(min(row, len(self._attachments) - 1))
            self._edited()
