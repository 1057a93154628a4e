"""The document register (发文登记): drafts, issuing with a number, voiding, listing.

Issuing is one BEGIN IMMEDIATE transaction: the next sequence of the prefix and year is read, given,
the PDF rendered with that number and stored as an attachment — all of it, or (on any failure) none.
The write lock makes a second window or process wait, so two documents never get one number; the
unique constraint on (prefix, year, sequence) would refuse it anyway. The maximum is taken over every
row — voided and deleted ones too — so a number is never given twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import distinct, event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.dates import DateParseError, format_cn, format_iso, parse_date
from ecodesk.db.database import Database
from ecodesk.documents import kinds
from ecodesk.documents.fonts import FontReport, resolve_fonts
from ecodesk.documents.render import RenderResult, render_pdf
from ecodesk.documents.spec import Attachment as SpecAttachment
from ecodesk.documents.spec import DocumentSpec
from ecodesk.errors import EcoDeskError, FieldProblem, NotFoundError, ValidationError
from ecodesk.files import atomic_file, safe_file_name
from ecodesk.models import Attachment, Document
from ecodesk.models.document import (
    DOCUMENT_KINDS,
    DOCUMENT_STATUSES,
    DRAFT,
    INTERVIEW,
    ISSUED,
    NOTICE,
    RECTIFICATION,
    VOID,
)
from ecodesk.paths import attachments_dir
from ecodesk.schema import Codec, Field, FieldType, RecordKind
from ecodesk.services import attachments, records
from ecodesk.services import settings as settings_service
from ecodesk.services.records import ListFilter

if TYPE_CHECKING:
    from ecodesk.documents.word_import import WordNotice

log = logging.getLogger(__name__)

PDF_ROLE = "公文PDF"
_LOCK_RETRIES = 8  # × busy_timeout (5 s): another window issuing a long document is waited for


def _number_display(doc: Any) -> str:
    return str(doc.number) if doc.sequence is not None else "（未编号）"


def _no_parse(_session: Session, _text: str) -> Any:
    raise ValueError("由系统在印发时编号")


def _no_apply(_session: Session, _obj: Any, _value: Any) -> None:
    return None


# The table columns of the register (list, sort, filter and Excel export come from this declaration;
# editing goes through the functions below, which know drafts from issued documents).
DOCUMENTS = RecordKind(
    name="documents",
    label="公文",
    model=Document,
    fields=(
        Field(
            "number",
            "发文字号",
            FieldType.CUSTOM,
            width=18,
            codec=Codec(_number_display, _no_parse, _no_apply),
        ),
        Field("kind", "文种", FieldType.CHOICE, choices=DOCUMENT_KINDS, width=8),
        Field("title", "标题", width=40, max_len=200),
        Field("organ", "发文机关", width=16, max_len=60),
        Field("recipients", "主送", FieldType.LONGTEXT, width=16),
        Field("doc_date", "成文日期", FieldType.DATE, width=11),
        Field("status", "状态", FieldType.CHOICE, choices=DOCUMENT_STATUSES, width=7),
        Field("year", "年度", FieldType.INT, width=6, in_table=False),
        Field("void_reason", "作废原因", width=20, in_table=False),
        Field("number_prefix", "发文字号前缀", width=10, in_table=False),
        Field("body", "正文", FieldType.LONGTEXT, in_table=False),
    ),
    search_keys=("title", "recipients", "body", "number_prefix"),
    status_key="status",
    date_key="doc_date",
    default_sort="id",
    title_key="title",
)

# field key → (label, max length) for the text fields a draft may change
_TEXT_FIELDS: dict[str, tuple[str, int | None]] = {
    "title": ("标题", 200),
    "organ": ("发文机关", 60),
    "organ_mark": ("发文机关标志", 60),
    "number_prefix": ("发文字号前缀", 30),
    "recipients": ("主送机关", 2000),
    "body": ("正文", None),
    "cc": ("抄送", 2000),
    "signature": ("发文机关署名", 60),
    "note": ("附注", 500),
    "printing_organ": ("印发机关", 60),
}
_DATE_FIELDS = {"doc_date": "成文日期", "printing_date": "印发日期"}
EDITABLE = ("kind", *_TEXT_FIELDS, *_DATE_FIELDS, "seal", "attachments")


# -- settings ------------------------------------------------------------------------------------


def defaults(db: Database, today: dt.date | None = None) -> kinds.Defaults:
    return kinds.Defaults.from_settings(settings_service.load(db), today)


def fonts_for(db: Database) -> FontReport:
    """The fonts the clerk configured (else system, else bundled), registered once per process."""
    return resolve_fonts(settings_service.load(db).font_files or None)


# -- drafts --------------------------------------------------------------------------------------


def _parse(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Validate the editable fields present in ``values``; unknown keys are a programming error."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise KeyError(f"not editable on a document: {sorted(unknown)}")
    out: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    if "kind" in values:
        kind = str(values["kind"] or "").strip()
        if kind not in DOCUMENT_KINDS:
            problems.append(
                FieldProblem("kind", "文种", f"应为{'、'.join(DOCUMENT_KINDS)}之一（收到“{kind}”）")
            )
        out["kind"] = kind
    for key, (label, max_len) in _TEXT_FIELDS.items():
        if key not in values:
            continue
        raw = values[key]
        if raw is not None and not isinstance(raw, str):
            problems.append(FieldProblem(key, label, "应为文字"))
            continue
        text = (raw or "").replace("\r\n", "\n").strip()
        if max_len is not None and len(text) > max_len:
            problems.append(FieldProblem(key, label, f"不能超过{max_len}个字（现有{len(text)}个）"))
        out[key] = text
    for key, label in _DATE_FIELDS.items():
        if key not in values:
            continue
        try:
            out[key] = parse_date(values[key])
        except DateParseError as exc:
            problems.append(
                FieldProblem(key, label, f"日期无法识别（{exc}），应写成 2024-03-05 或 2024年3月5日")
            )
    if "seal" in values:
        out["seal"] = bool(values["seal"])
    if "attachments" in values:
        parsed, bad = _parse_attachments(values["attachments"])
        out["attachments"] = parsed
        problems += bad
    return out, problems


def _parse_attachments(raw: Any) -> tuple[list[dict[str, str]], list[FieldProblem]]:
    items: list[dict[str, str]] = []
    for n, item in enumerate(raw or [], 1):
        if isinstance(item, kinds.DraftAttachment):
            title, body = item.title, item.body
        elif isinstance(item, Mapping):
            title, body = item.get("title", ""), item.get("body", "")
        else:
            return [], [FieldProblem("attachments", "附件", f"第{n}项应含标题和正文")]
        title = str(title or "").strip().rstrip("。")
        body = str(body or "").strip()
        if not title:
            return [], [FieldProblem("attachments", "附件", f"第{n}个附件的标题必须填写")]
        if len(title) > 200:
            return [], [FieldProblem("attachments", "附件", f"第{n}个附件的标题不能超过200个字")]
        items.append({"title": title, "body": body})
    return items, []


def _values_of(draft: kinds.Draft | Mapping[str, Any]) -> dict[str, Any]:
    return draft.values() if isinstance(draft, kinds.Draft) else dict(draft)


def create_draft(db: Database, draft: kinds.Draft | Mapping[str, Any]) -> Document:
    """Store a new draft (no number yet). Missing fields take the settings' defaults for its kind."""
    values = _values_of(draft)
    kind = str(values.get("kind") or NOTICE)
    if kind in DOCUMENT_KINDS:
        base = kinds.blank(kind, defaults(db)).values()
        values = {**base, **values}
    parsed, problems = _parse(values)
    if problems:
        raise ValidationError(problems)
    with db.session() as session:
        doc = Document(status=DRAFT, **parsed)
        doc.year = (doc.doc_date or dates.today()).year
        session.add(doc)
        session.flush()
        return doc


def update_draft(db: Database, doc_id: int, values: Mapping[str, Any]) -> Document:
    """Change a draft; an issued or voided document is fixed (void it and write a new one)."""
    parsed, problems = _parse(values)
    if problems:
        raise ValidationError(problems)
    with db.session() as session:
        doc = _live(session, doc_id)
        if doc.status != DRAFT:
            raise ValidationError.single(
                "status", "状态", f"{doc.number}已{doc.status}，不能再修改；如需更正，请作废后重新起草"
            )
        for key, value in parsed.items():
            setattr(doc, key, value)
        doc.year = (doc.doc_date or dates.today()).year
        session.flush()
        return doc


def new_draft(db: Database, kind: str, *, issuing: bool = False) -> Document:
    """A stored draft of ``kind`` with the defaults and the body outline (the UI's 新建).

    ``issuing``: a 印发…的通知 whose 方案 goes in as the attachment (title and text to fill in).
    """
    if kind not in DOCUMENT_KINDS:
        raise ValidationError.single("kind", "文种", f"应为{'、'.join(DOCUMENT_KINDS)}之一")
    if issuing:
        return create_draft(db, kinds.issuing_notice(defaults(db), "方案名称", "（在此粘贴方案全文）"))
    return create_draft(db, kinds.starter(kind, defaults(db)))


def draft_rectification_notice(
    db: Database,
    unit: str,
    problems: Sequence[str],
    *,
    deadline: dt.date | None = None,
    basis: str = "",
) -> Document:
    """A stored 整改通知书 draft to ``unit`` listing ``problems`` (for the rectification module)."""
    try:
        draft = kinds.rectification_notice(defaults(db), unit, problems, deadline=deadline, basis=basis)
    except ValueError as exc:
        raise ValidationError.single("body", "整改问题", str(exc)) from None
    return create_draft(db, draft)


def delete_draft(db: Database, doc_id: int) -> None:
    """Delete a draft (soft: restorable). An issued document is voided, never deleted."""
    with db.session() as session:
        doc = _live(session, doc_id)
        if doc.status != DRAFT:
            raise ValidationError.single("status", "状态", f"{doc.number}已{doc.status}，不能删除，只能作废")
        doc.deleted_at = dates.now()


def get(db: Database, doc_id: int) -> Document:
    with db.session() as session:
        return _live(session, doc_id)


def _live(session: Session, doc_id: int) -> Document:
    doc = session.get(Document, doc_id)
    if doc is None or doc.deleted_at is not None:
        raise NotFoundError(f"公文（编号 {doc_id}）不存在或已删除")
    return doc


# -- printing ------------------------------------------------------------------------------------


def spec_for(doc: Document, today: dt.date | None = None) -> DocumentSpec:
    """What the document prints: its fields, its number once it has one."""
    items = [a for a in (doc.attachments or []) if a.get("title")]
    printed = tuple(SpecAttachment(a["title"], a.get("body", "")) for a in items if a.get("body", "").strip())
    # Attachments sent separately (no body here) are still named in the 附件说明.
    names = tuple(a["title"] for a in items) if len(printed) != len(items) else ()
    return DocumentSpec(
        kind=doc.kind,
        organ_mark=doc.organ_mark,
        title=doc.title,
        body=doc.body,
        signature=doc.signature,
        date=doc.doc_date or today or dates.today(),
        number_prefix=doc.number_prefix,
        year=doc.year if doc.sequence is not None else None,
        sequence=doc.sequence,
        recipients=doc.recipients,
        attachments=printed,
        attachment_names=names,
        seal=doc.seal,
        note=doc.note,
        cc=doc.cc,
        printing_organ=doc.printing_organ,
        printing_date=doc.printing_date,
    )


def render_values(
    db: Database, values: Mapping[str, Any], out: Path, fonts: FontReport | None = None
) -> RenderResult:
    """Render unsaved editor values (the live preview): no number, nothing stored."""
    parsed, problems = _parse(values)
    if problems:
        raise ValidationError(problems)
    doc = Document(status=DRAFT, sequence=None, **parsed)
    doc.year = (doc.doc_date or dates.today()).year
    return render_pdf(spec_for(doc), out, fonts or fonts_for(db))


def export_pdf(db: Database, doc_id: int, out: Path) -> Path:
    """Write the document's PDF to ``out``: the stored one for an issued document, else a fresh render."""
    doc = get(db, doc_id)
    out = Path(out)
    if doc.pdf_id is not None:
        source = attachments.open_path(db, doc.pdf_id)
        with atomic_file(out) as tmp:  # a full USB stick leaves the old file (or none), never half
            tmp.write_bytes(source.read_bytes())
    else:
        render_pdf(spec_for(doc), out, fonts_for(db))
    return out


def export_docx(db: Database, doc_id: int, out: Path) -> Path:
    """Write the document as a Word file (.docx) on the GB/T 9704 page, for revising in Word/WPS or
    sending to the county. An issued document prints its number; the .docx is never the archive."""
    from ecodesk.documents.word import render_docx  # python-docx is loaded only when asked for

    render_docx(spec_for(get(db, doc_id)), out, fonts_for(db))
    return Path(out)


def stored_pdf(db: Database, doc_id: int) -> Path | None:
    """The issued PDF on disk (None for a draft); a clear error when its file has gone."""
    doc = get(db, doc_id)
    return None if doc.pdf_id is None else attachments.open_path(db, doc.pdf_id)


def issue_problems(doc: Document) -> list[FieldProblem]:
    needed = {
        "title": "标题",
        "body": "正文",
        "organ_mark": "发文机关标志",
        "number_prefix": "发文字号前缀",
        "signature": "发文机关署名",
    }
    problems = [
        FieldProblem(k, label, "印发前必须填写") for k, label in needed.items() if not getattr(doc, k).strip()
    ]
    if doc.doc_date is None:
        problems.append(FieldProblem("doc_date", "成文日期", "印发前必须填写"))
    if doc.kind in (RECTIFICATION, INTERVIEW) and not doc.recipients.strip():
        problems.append(FieldProblem("recipients", "主送机关", f"{doc.kind}必须写明受文单位"))
    return problems


def next_sequence(session: Session, prefix: str, year: int) -> int:
    """One more than the highest sequence ever given for ``prefix`` and ``year`` (voided, deleted included)."""
    query = select(func.max(Document.sequence)).where(Document.number_prefix == prefix, Document.year == year)
    return int(session.scalar(query) or 0) + 1


def next_number(db: Database, doc_id: int) -> str:
    """The 发文字号 the draft would get if issued now, without taking it (the 印发 question shows it).

    Empty when the draft has no 成文日期 yet (the year comes from it). Another window may issue in
    between; the number actually given is the one ``issue`` reports.
    """
    with db.session() as session:
        doc = _live(session, doc_id)
        if doc.doc_date is None:
            return ""
        year = doc.doc_date.year
        return f"{doc.number_prefix}〔{year}〕{next_sequence(session, doc.number_prefix, year)}号"


def issue(db: Database, doc_id: int, fonts: FontReport | None = None) -> Document:
    """Give a draft its number, render and keep its PDF, mark it issued — all or nothing."""
    report = fonts or fonts_for(db)  # registered before the write lock is taken
    for attempt in range(_LOCK_RETRIES):
        try:
            return _issue_once(db, doc_id, report)
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == _LOCK_RETRIES - 1:
                raise EcoDeskError("数据文件正被另一窗口长时间占用，未能印发，请稍后再试。") from exc
            log.info("issue %s: database locked, retrying (%d)", doc_id, attempt + 1)
            time.sleep(0.1)
    raise AssertionError("unreachable")


def _issue_once(db: Database, doc_id: int, report: FontReport) -> Document:
    with db.session(immediate=True) as session:
        return issue_in_session(session, db, _live(session, doc_id), report)


def issue_in_session(session: Session, db: Database, doc: Document, report: FontReport) -> Document:
    """Issue ``doc`` inside the caller's (write-locked) transaction: number, frozen spec, stored PDF.

    The caller commits; if the transaction fails after this, the PDF file written here is removed.
    """
    if doc.status != DRAFT:
        raise ValidationError.single("status", "状态", f"本件已{doc.status}（{doc.number}），不能再次印发")
    problems = issue_problems(doc)
    if problems:
        raise ValidationError(problems)
    assert doc.doc_date is not None
    session.flush()  # a new document needs its id for the attachment
    doc.year = doc.doc_date.year
    doc.sequence = next_sequence(session, doc.number_prefix, doc.year)
    doc.status = ISSUED
    doc.issued_at = dates.now()
    doc.issued_by = db.operator
    _freeze(session, db, doc, report)
    log.info("issued %s (id %s)", doc.number, doc.id)
    return doc


def _freeze(session: Session, db: Database, doc: Document, report: FontReport) -> None:
    """Keep what an issued document prints: its spec and its PDF in the attachment store."""
    spec = spec_for(doc)
    doc.spec = spec.to_json()
    attachment, created = _store_pdf(session, db, spec, doc, report)
    if created is not None:
        _remove_on_rollback(session, created)
    doc.pdf_id = attachment.id
    doc.pdf_sha256 = attachment.sha256
    session.flush()


def _remove_on_rollback(session: Session, path: Path) -> None:
    """A PDF no committed row refers to is deleted when its transaction rolls back."""

    @event.listens_for(session, "after_rollback", once=True)
    def _cleanup(_session: Session) -> None:
        path.unlink(missing_ok=True)


def document_from(draft: kinds.Draft | Mapping[str, Any]) -> Document:
    """A new (not yet added) draft record from validated values; generators add it to their session."""
    parsed, problems = _parse(_values_of(draft))
    if problems:
        raise ValidationError(problems)
    doc = Document(status=DRAFT, **parsed)
    doc.year = (doc.doc_date or dates.today()).year
    return doc


def _store_pdf(
    session: Session, db: Database, spec: DocumentSpec, doc: Document, report: FontReport
) -> tuple[Attachment, Path | None]:
    """Render into the attachment store (content-hash name, as ``services.attachments``) and record it
    in *this* session: the store's own ``add_file`` opens a second connection, which our write lock
    would block. Returns the attachment and the file path if this call created it."""
    folder = attachments_dir(db.path)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".issue-", suffix=".pdf", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        render_pdf(spec, tmp, report)
        data = tmp.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        stored_name = f"{sha}.pdf"
        target = folder / stored_name[:2] / stored_name
        created = None
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
            created = target
    finally:
        tmp.unlink(missing_ok=True)
    name = safe_file_name(f"{doc.number} {doc.title}"[:120] + ".pdf")  # "第1/2期" is one title
    attachment = Attachment(
        sha256=sha,
        original_name=name,
        stored_name=stored_name,
        size=len(data),
        owner_table=Document.__tablename__,
        owner_id=doc.id,
        role=PDF_ROLE,
    )
    session.add(attachment)
    session.flush()
    return attachment, created


def void(db: Database, doc_id: int, reason: str) -> Document:
    """作废 an issued document; it keeps its number (never given again) and its PDF."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError.single("void_reason", "作废原因", "必须填写")
    if len(reason) > 200:
        raise ValidationError.single("void_reason", "作废原因", "不能超过200个字")
    with db.session() as session:
        doc = _live(session, doc_id)
        if doc.status != ISSUED:
            what = "草稿不需作废，可直接删除" if doc.status == DRAFT else "本件已作废"
            raise ValidationError.single("status", "状态", what)
        doc.status = VOID
        doc.void_reason = reason
        doc.voided_at = dates.now()
        doc.voided_by = db.operator
        session.flush()
        return doc


# -- listing -------------------------------------------------------------------------------------


def list_filter(
    year: int | None = None, kind: str | None = None, status: str | None = None, text: str = ""
) -> ListFilter:
    equals: list[tuple[str, Any]] = []
    if year is not None:
        equals.append(("year", year))
    if kind:
        equals.append(("kind", kind))
    return ListFilter(status=status or None, text=text, equals=tuple(equals))


def list_ids(
    db: Database, year: int | None = None, kind: str | None = None, status: str | None = None, text: str = ""
) -> list[int]:
    """Ids of live documents, filtered in SQL, newest first."""
    return records.list_ids(db, DOCUMENTS, list_filter(year, kind, status, text), descending=True)


def list_documents(
    db: Database, year: int | None = None, kind: str | None = None, status: str | None = None
) -> list[Document]:
    ids = list_ids(db, year, kind, status)
    found = records.fetch(db, DOCUMENTS, ids)
    return [found[i] for i in ids if i in found]


def years(db: Database) -> list[int]:
    """The years the register has documents in, newest first."""
    with db.session() as session:
        query = (
            select(distinct(Document.year))
            .where(Document.deleted_at.is_(None))
            .order_by(Document.year.desc())
        )
        return [int(y) for y in session.scalars(query)]


def describe(doc: Document) -> str:
    """One line for lists and messages: "清镇政字〔2024〕3号 关于…的通知（已印发）"."""
    number = doc.number or "（未编号）"
    return f"{number} {doc.title or '（无标题）'}（{doc.status}）"


def summary_lines(doc: Document) -> list[str]:
    lines = [describe(doc), f"文种：{doc.kind}　发文机关：{doc.organ}　成文日期：{format_cn(doc.doc_date)}"]
    if doc.issued_at is not None:
        lines.append(f"印发：{format_iso(doc.issued_at.date())} {doc.issued_by}")
    if doc.status == VOID:
        lines.append(f"作废：{doc.void_reason}（{doc.voided_by}）")
    return lines


# -- import from Word ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedDocument:
    """A notice read from a .docx and registered: the record and what was recognised in the file."""

    document: Document
    notice: WordNotice

    @property
    def issued(self) -> bool:
        return self.document.status == ISSUED


def read_word(path: Path) -> WordNotice:
    """What :func:`import_docx` would register from ``path`` (the dialog shows it first); nothing stored."""
    from ecodesk.documents.word_import import read_docx  # python-docx is loaded only when asked for

    return read_docx(path)


def import_docx(db: Database, path: Path, fonts: FontReport | None = None) -> ImportedDocument:
    """Register a notice typed in Word/WPS: issued under its own 发文字号 (the numbering of that
    prefix and year goes on after it, its PDF rendered and kept as for any issued document), a draft
    when it has none. One transaction: a refused or failed import registers nothing."""
    notice = read_word(path)
    values = _imported_values(db, notice)
    parsed, problems = _parse(values)
    if problems:
        raise ValidationError(problems)
    report = (fonts or fonts_for(db)) if notice.number else None  # registered before the write lock
    with db.session(immediate=True) as session:
        doc = Document(status=DRAFT, **parsed)
        doc.year = notice.year or (doc.doc_date or dates.today()).year
        if notice.number:
            assert report is not None
            _take_number(session, doc, notice)
        session.add(doc)
        session.flush()
        if notice.number:
            assert report is not None
            doc.issued_at = dates.now()
            doc.issued_by = db.operator
            _freeze(session, db, doc, report)
        log.info("imported %s from %s (id %s)", doc.number or "a draft", Path(path).name, doc.id)
        return ImportedDocument(doc, notice)


def _imported_values(db: Database, notice: WordNotice) -> dict[str, Any]:
    """The register's fields for ``notice``; a missing 署名 or 发文机关标志 is taken from the other one,
    else from the settings for its kind."""
    organ = defaults(db).organ(notice.kind)
    mark = notice.organ_mark
    signature = notice.signature or (mark.removesuffix("文件") if mark.endswith("文件") else "")
    signature = signature or organ.name
    return {
        "kind": notice.kind,
        "title": notice.title,
        "organ": signature,
        "organ_mark": mark or (organ.mark if signature == organ.name else f"{signature}文件"),
        "number_prefix": notice.number_prefix or organ.prefix,
        "recipients": notice.recipients,
        "body": notice.body,
        "cc": notice.cc,
        "signature": signature,
        "note": notice.note,
        "printing_organ": notice.printing_organ,
        "doc_date": notice.date,
        "printing_date": notice.printing_date,
        "seal": notice.seal,
        "attachments": [{"title": a.title, "body": a.body} for a in notice.attachments],
    }


def _take_number(session: Session, doc: Document, notice: WordNotice) -> None:
    """Give ``doc`` the number printed on the notice, refusing one the register already has."""
    taken = session.scalar(
        select(Document).where(
            Document.number_prefix == notice.number_prefix,
            Document.year == notice.year,
            Document.sequence == notice.sequence,
        )
    )
    if taken is not None:
        where = "（已删除）" if taken.deleted_at is not None else f"（登记编号 {taken.id}：{taken.title}）"
        raise ValidationError.single(
            "number", "发文字号", f"{notice.number}已在发文登记中{where}，不能重复导入"
        )
    if notice.date is None:
        raise ValidationError.single(
            "doc_date", "成文日期", f"有发文字号{notice.number}，但没有找到成文日期（署名下的年月日），未导入"
        )
    doc.sequence = notice.sequence
    doc.status = ISSUED
    problems = issue_problems(doc)
    if problems:
        raise ValidationError(problems)


# -- JSON for other programs ---------------------------------------------------------------------


def register_json(
    db: Database, year: int | None = None, kind: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """The register as plain objects (``doc list --json``): id, number ("" for drafts), title, kind,
    status, date (ISO), and the rest of what the list shows."""
    return [
        {
            "id": doc.id,
            "number": doc.number,
            "title": doc.title,
            "kind": doc.kind,
            "status": doc.status,
            "date": format_iso(doc.doc_date),
            "organ": doc.organ,
            "recipients": doc.recipients,
            "year": doc.year,
            "issued_at": doc.issued_at.isoformat(timespec="seconds") if doc.issued_at else "",
            "void_reason": doc.void_reason,
        }
        for doc in list_documents(db, year, kind, status)
    ]


def spec_json(db: Database, doc_id: int) -> dict[str, Any]:
    """The document as the JSON ``doc render`` reads: what was printed for an issued one, else its
    current fields."""
    doc = get(db, doc_id)
    if doc.spec is not None:
        return dict(doc.spec)
    return spec_for(doc).to_json()
