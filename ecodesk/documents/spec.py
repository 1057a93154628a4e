"""What one official document says, validated, and rendering it to a PDF file.

A :class:`DocumentSpec` is plain data (the document register will build it from its records; the CLI
reads it from JSON). 通知, 通报, 整改通知书 and 约谈通知书 are printed in the standard 文件格式 of
GB/T 9704 (red 发文机关标志, red line, 版记); 函 in the 信函格式 (organ name 30 mm from the paper top, red
double lines, number flush right, no page number on page 1) unless ``letter`` says otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ecodesk.dates import DateParseError, parse_date
from ecodesk.errors import FieldProblem, ValidationError
from ecodesk.models.document import DOCUMENT_KINDS, LETTER, NOTICE

_LABELS: dict[str, str] = {
    "kind": "文种",
    "organ_mark": "发文机关标志",
    "number_prefix": "发文字号前缀",
    "year": "年份",
    "sequence": "序号",
    "title": "标题",
    "recipients": "主送机关",
    "body": "正文",
    "attachments": "附件",
    "attachment_names": "附件说明",
    "signature": "发文机关署名",
    "date": "成文日期",
    "seal": "加盖印章",
    "note": "附注",
    "cc": "抄送",
    "printing_organ": "印发机关",
    "printing_date": "印发日期",
    "letter": "信函格式",
}


@dataclass(frozen=True)
class Attachment:
    """One attachment printed on its own pages after the body."""

    title: str
    body: str


@dataclass(frozen=True)
class DocumentSpec:
    """Everything printed on one document; see GBT9704.md for where each part goes."""

    kind: str
    organ_mark: str
    title: str
    body: str
    signature: str
    date: dt.date
    number_prefix: str = ""
    year: int | None = None
    sequence: int | None = None
    recipients: str = ""
    attachments: tuple[Attachment, ...] = ()
    attachment_names: tuple[str, ...] = ()
    seal: bool = False
    note: str = ""
    cc: str = ""
    printing_organ: str = ""
    printing_date: dt.date | None = None
    letter: bool | None = None  # 信函格式; None: for 函 only

    @property
    def is_letter(self) -> bool:
        return self.kind == LETTER if self.letter is None else self.letter

    @property
    def number(self) -> str:
        """发文字号 such as 清镇政字〔2024〕12号; empty when no sequence is given."""
        if self.sequence is None:
            return ""
        year = self.year if self.year is not None else self.date.year
        return f"{self.number_prefix}〔{year}〕{self.sequence}号"

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.body)

    @property
    def listed_attachments(self) -> list[str]:
        """Names for the 附件说明: given explicitly, else the attachment titles."""
        if self.attachment_names:
            return list(self.attachment_names)
        return [a.title for a in self.attachments]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DocumentSpec:
        """Build from a JSON object, naming every bad field (in Chinese) in one ValidationError."""
        return _Reader(data).build()

    def to_json(self) -> dict[str, Any]:
        """The JSON object :meth:`from_json` reads back into an equal spec (the register keeps it)."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "organ_mark": self.organ_mark,
            "number_prefix": self.number_prefix,
            "year": self.year,
            "sequence": self.sequence,
            "title": self.title,
            "recipients": self.recipients,
            "body": self.body,
            "attachments": [{"title": a.title, "body": a.body} for a in self.attachments],
            "attachment_names": list(self.attachment_names),
            "signature": self.signature,
            "date": self.date.isoformat(),
            "seal": self.seal,
            "note": self.note,
            "cc": self.cc,
            "printing_organ": self.printing_organ,
            "printing_date": self.printing_date.isoformat() if self.printing_date else None,
        }
        if self.letter is not None:
            data["letter"] = self.letter
        return data


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; single newlines inside one are joined.

    Lines are joined without a space between Chinese characters (a hard-wrapped paste) and with
    one between two Latin words.
    """
    paragraphs: list[str] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [ln.strip() for ln in chunk.split("\n") if ln.strip()]
        if not lines:
            continue
        joined = lines[0]
        for ln in lines[1:]:
            if joined[-1].isascii() and joined[-1].isalnum() and ln[0].isascii() and ln[0].isalnum():
                joined += " "
            joined += ln
        paragraphs.append(joined)
    return paragraphs


@dataclass
class _Reader:
    data: Mapping[str, Any]
    problems: list[FieldProblem] = field(default_factory=list)

    def bad(self, key: str, reason: str) -> None:
        self.problems.append(FieldProblem(key, _LABELS.get(key, key), reason))

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.bad(key, "必须填写")
            return default
        if not isinstance(value, str):
            self.bad(key, "应为文字")
            return default
        if required and not value.strip():
            self.bad(key, "必须填写")
        return value.strip()

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            self.bad(key, "应为整数")
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int):
            self.bad(key, "应为整数")
            return None
        if value <= 0:
            self.bad(key, "应为正整数")
            return None
        return value

    def day(self, key: str, *, required: bool = False) -> dt.date | None:
        value = self.data.get(key)
        try:
            parsed = parse_date(value)
        except DateParseError as exc:
            self.bad(key, f"日期无法识别（{exc}），应写成 2024-03-05 或 2024年3月5日")
            return None
        if parsed is None and required:
            self.bad(key, "必须填写")
        return parsed

    def attachments(self) -> tuple[Attachment, ...]:
        raw = self.data.get("attachments") or []
        if not isinstance(raw, list):
            self.bad("attachments", "应为列表，每项含标题和正文")
            return ()
        out: list[Attachment] = []
        for n, item in enumerate(raw, 1):
            if isinstance(item, Mapping):
                title, body = item.get("title"), item.get("body", "")
            elif isinstance(item, list | tuple) and len(item) == 2:
                title, body = item
            else:
                self.bad("attachments", f"第{n}项应含标题（title）和正文（body）")
                continue
            if not isinstance(title, str) or not title.strip() or not isinstance(body, str):
                self.bad("attachments", f"第{n}项的标题必须填写，正文应为文字")
                continue
            out.append(Attachment(title.strip(), body))
        return tuple(out)

    def names(self) -> tuple[str, ...]:
        raw = self.data.get("attachment_names") or []
        if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
            self.bad("attachment_names", "应为附件名称的列表")
            return ()
        return tuple(x.strip().rstrip("。") for x in raw)

    def build(self) -> DocumentSpec:
        if not isinstance(self.data, Mapping):
            raise ValidationError.single("spec", "公文内容", "应为 JSON 对象")
        kind = self.text("kind", default=NOTICE) or NOTICE
        if kind not in DOCUMENT_KINDS:
            self.bad("kind", f"应为{'、'.join(DOCUMENT_KINDS)}之一（收到“{kind}”）")
        seal = self.data.get("seal", False)
        if not isinstance(seal, bool):
            self.bad("seal", "应为 true 或 false")
            seal = False
        letter = self.data.get("letter")
        if letter is not None and not isinstance(letter, bool):
            self.bad("letter", "应为 true 或 false")
            letter = None
        body = self.text("body", required=True)
        if body and not split_paragraphs(body):
            self.bad("body", "必须填写")
        spec_date = self.day("date", required=True)
        year = self.integer("year")
        sequence = self.integer("sequence")
        prefix = self.text("number_prefix")
        if sequence is not None and not prefix:
            self.bad("number_prefix", "有序号时必须填写（例如 清镇政字）")
        if year is not None and not 1949 <= year <= 2199:
            self.bad("year", "应为四位年份")
        kwargs: dict[str, Any] = {
            "kind": kind,
            "organ_mark": self.text("organ_mark", required=True),
            "title": self.text("title", required=True),
            "body": body,
            "signature": self.text("signature", required=True),
            "number_prefix": prefix,
            "year": year,
            "sequence": sequence,
            "recipients": self.text("recipients"),
            "attachments": self.attachments(),
            "attachment_names": self.names(),
            "seal": seal,
            "note": self.text("note"),
            "cc": self.text("cc"),
            "printing_organ": self.text("printing_organ"),
            "printing_date": self.day("printing_date"),
            "letter": letter,
        }
        if self.problems or spec_date is None:
            raise ValidationError(self.problems or [FieldProblem("date", "成文日期", "必须填写")])
        return DocumentSpec(date=spec_date, **kwargs)
