"""Renaming the town: every text still written with the old name, and updating them in one go.

The town's name is typed once in 设置, but it was copied into many texts when they were made: the
发文机关 and their red 发文机关标志, the 印发机关, the 默认主送, the 承诺书 wordings, the 考核 title,
drafts of 公文. Changing the name alone left a new 通报 saying 清河镇 under a 柳园镇 table, so after a
rename :func:`places_naming` lists each of those texts with what it says now and what it would say,
and :func:`apply_naming` changes the ones the clerk ticked in one transaction, audited.

What was already printed keeps its words: an issued (numbered) or voided 公文, a finalised 考核, and
the wording of a 承诺书 already signed on paper (listed, but not ticked: reprinting it would differ
from the signed page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecodesk.db.audit import AuditEntry
from ecodesk.db.database import Database
from ecodesk.documents.kinds import letter_prefix
from ecodesk.models import Setting
from ecodesk.models.appraisal import AppraisalScheme
from ecodesk.models.document import DRAFT, Document
from ecodesk.models.letter import STATUS_SIGNED, Commitment, LetterTemplate
from ecodesk.services import settings as settings_service

EXCERPT_AROUND = 14  # characters shown either side of the first old name in a long text


@dataclass(frozen=True)
class Place:
    """One text that still names the old town: where it is, what it says, what it would say."""

    key: str  # stable: "settings/organs/0/mark", "letter_templates/12/party_b", "documents/7/organ"
    where: str  # 设置 › 发文机关第1行 › 发文机关标志
    before: str
    after: str
    ticked: bool = True  # offered ticked; False where changing would differ from what was signed
    note: str = ""

    def excerpt(self) -> tuple[str, str]:
        """(before, after) short enough for one line: the whole text, or the part around the change."""
        return excerpt(self.before, self.after)


def excerpt(before: str, after: str, limit: int = 60) -> tuple[str, str]:
    """Long texts (a 承诺书 body) shortened to the words around their first difference."""
    flat_before, flat_after = " ".join(before.split()), " ".join(after.split())
    if len(flat_before) <= limit and len(flat_after) <= limit:
        return flat_before, flat_after
    start = next(
        (i for i, (a, b) in enumerate(zip(flat_before, flat_after, strict=False)) if a != b),
        0,
    )
    lo = max(start - EXCERPT_AROUND, 0)

    def cut(text: str) -> str:
        part = text[lo : start + EXCERPT_AROUND * 2]
        return ("…" if lo else "") + part + ("…" if start + EXCERPT_AROUND * 2 < len(text) else "")

    return cut(flat_before), cut(flat_after)


# A found place and how to change it in the session it was found in.
_Found = tuple[Place, Callable[[], None]]

_ORGAN_FIELDS = (("name", "发文机关名称"), ("mark", "发文机关标志"))
_TEMPLATE_FIELDS = (("title", "标题"), ("body", "正文"), ("party_a", "左侧落款"), ("party_b", "右侧落款"))
_DOCUMENT_FIELDS = (
    ("organ", "发文机关"),
    ("organ_mark", "发文机关标志"),
    ("signature", "发文机关署名"),
    ("printing_organ", "印发机关"),
    ("title", "标题"),
    ("recipients", "主送"),
    ("cc", "抄送"),
    ("body", "正文"),
)


def prefix_map(old: str, new: str) -> dict[str, str]:
    """The 发文字号 prefixes the program derived from the old name (清镇政字, 清镇环办 and their 函
    forms) → the same derived from the new one. A prefix the clerk chose herself is not touched."""
    olds = [o["prefix"] for o in settings_service.defaults_for_town(old)["organs"]]
    news = [o["prefix"] for o in settings_service.defaults_for_town(new)["organs"]]
    mapping: dict[str, str] = {}
    for before, after in zip(olds, news, strict=True):
        if before != after:
            mapping[before] = after
            mapping[letter_prefix(before)] = letter_prefix(after)
    return mapping


def places_naming(db: Database, old: str, new: str | None = None) -> list[Place]:
    """Every text still naming ``old``, with the text it would have naming ``new`` (by default the
    town's name now in 设置). Empty when there is nothing to change."""
    with db.session() as session:
        return [place for place, _ in _find(session, old, new)[0]]


def previous_town_name(db: Database) -> str:
    """The name the town had before its latest rename (from the audit log), or "" if never renamed:
    the texts still naming it can be updated later, not only right after the rename."""
    with db.session() as session:
        old = session.scalar(
            select(AuditEntry.old_value)
            .where(AuditEntry.table_name == Setting.__tablename__, AuditEntry.field == "town_name")
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
    return str(old or "")


def apply_naming(
    db: Database, old: str, new: str | None = None, keys: Iterable[str] | None = None
) -> list[Place]:
    """Change the places named by ``keys`` (by default the ones offered ticked) from ``old`` to
    ``new`` in one transaction; records' changes are in their 修改记录, settings' in the audit log.
    Texts are found again inside the transaction, so an edit made meanwhile is not overwritten."""
    with db.session(immediate=True) as session:
        return _apply(*_find(session, old, new), keys)


def rename_town(db: Database, new: str, keys: Iterable[str] | None = None) -> tuple[str, list[Place]]:
    """Rename the town and update its texts (``keys``, or the ones offered ticked) in one transaction,
    for the command line. Returns the old name and the places changed."""
    new = settings_service.checked_town_name(new)
    with db.session(immediate=True) as session:
        stored = session.get(Setting, "town_name")
        old = str(stored.value) if stored is not None and stored.value else ""
        if old == new:
            return old, []
        settings_service.store(session, town_name=new)
        return old, _apply(*_find(session, old, new), keys) if old else []


def _apply(found: list[_Found], finish: Callable[[], None], keys: Iterable[str] | None) -> list[Place]:
    wanted = None if keys is None else set(keys)
    applied: list[Place] = []
    for place, change in found:
        if place.key in wanted if wanted is not None else place.ticked:
            change()
            applied.append(place)
    finish()
    return applied


def _find(session: Session, old: str, new: str | None) -> tuple[list[_Found], Callable[[], None]]:
    """The places, and what writes the settings changed by the places applied (one audit row per
    setting, however many of its cells were ticked)."""
    old = old.strip()
    if new is None:
        stored = session.get(Setting, "town_name")
        new = str(stored.value) if stored is not None and stored.value else ""
    new = new.strip()
    pending: dict[str, Any] = {}

    def finish() -> None:
        if pending:
            settings_service.store(session, **pending)

    if not old or not new or old == new:
        return [], finish
    prefixes = prefix_map(old, new)
    found = [
        *_in_settings(session, old, new, prefixes, pending),
        *_in_letter_templates(session, old, new),
        *_in_appraisal(session, old, new),
        *_in_drafts(session, old, new, prefixes),
    ]
    return found, finish


def _in_settings(
    session: Session, old: str, new: str, prefixes: dict[str, str], pending: dict[str, Any]
) -> list[_Found]:
    """The 发文机关 rows, 印发机关 and 默认主送. A change edits the value pending for its setting
    (stored once at the end), so ticking two cells of one row changes both."""
    found: list[_Found] = []

    def value(key: str) -> Any:
        if key in pending:
            return pending[key]
        row = session.get(Setting, key)
        return row.value if row is not None else None

    def setter(key: str, change: Callable[[Any], Any]) -> Callable[[], None]:
        def run() -> None:
            pending[key] = change(value(key))

        return run

    for i, organ in enumerate(value("organs") or []):
        row = f"设置 › 发文机关第{i + 1}行"
        for name, label in _ORGAN_FIELDS:
            text = str(organ.get(name, ""))
            if old in text:
                found.append(
                    (
                        Place(
                            f"settings/organs/{i}/{name}", f"{row} › {label}", text, text.replace(old, new)
                        ),
                        setter("organs", _organ_edit(i, name, old, new)),
                    )
                )
        prefix = str(organ.get("prefix", ""))
        if prefix in prefixes:
            found.append(
                (
                    Place(f"settings/organs/{i}/prefix", f"{row} › 发文字号前缀", prefix, prefixes[prefix]),
                    setter("organs", _organ_edit(i, "prefix", prefix, prefixes[prefix])),
                )
            )
    for key, label in (("printing_organ", "印发机关"), ("default_recipients", "默认主送")):
        text = str(value(key) or "")
        if old in text:
            found.append(
                (
                    Place(f"settings/{key}", f"设置 › {label}", text, text.replace(old, new)),
                    setter(key, lambda current: str(current or "").replace(old, new)),
                )
            )
    return found


def _organ_edit(index: int, name: str, old: str, new: str) -> Callable[[Any], Any]:
    def edit(organs: Any) -> list[dict[str, str]]:
        copied = [dict(o) for o in organs or []]
        if index < len(copied):
            text = str(copied[index].get(name, ""))
            copied[index][name] = new if name == "prefix" and text == old else text.replace(old, new)
        return copied

    return edit


def _record_setter(obj: Any, name: str, old: str, new: str) -> Callable[[], None]:
    def run() -> None:
        setattr(obj, name, str(getattr(obj, name) or "").replace(old, new))

    return run


def _in_letter_templates(session: Session, old: str, new: str) -> list[_Found]:
    signed: dict[int, int] = {
        int(template_id): int(n)
        for template_id, n in session.execute(
            select(Commitment.template_id, func.count())
            .where(Commitment.status == STATUS_SIGNED, Commitment.deleted_at.is_(None))
            .group_by(Commitment.template_id)
        )
    }
    templates = session.scalars(
        select(LetterTemplate)
        .where(LetterTemplate.deleted_at.is_(None))
        .order_by(LetterTemplate.year.desc(), LetterTemplate.id)
    ).all()
    found: list[_Found] = []
    for tpl in templates:
        count = int(signed.get(tpl.id, 0))
        note = f"已签 {count} 份：重印时会与已签的纸质件不同，默认不改" if count else ""
        for name, label in _TEMPLATE_FIELDS:
            text = str(getattr(tpl, name) or "")
            if old in text:
                place = Place(
                    f"letter_templates/{tpl.id}/{name}",
                    f"承诺书模板 › {tpl.year}年{tpl.kind} › {label}",
                    text,
                    text.replace(old, new),
                    ticked=not count,
                    note=note,
                )
                found.append((place, _record_setter(tpl, name, old, new)))
    return found


def _in_appraisal(session: Session, old: str, new: str) -> list[_Found]:
    """考核方案 titles; a finalised year keeps the title it was printed and reported under."""
    schemes = session.scalars(
        select(AppraisalScheme)
        .where(AppraisalScheme.deleted_at.is_(None), AppraisalScheme.finalised_at.is_(None))
        .order_by(AppraisalScheme.year.desc())
    ).all()
    return [
        (
            Place(
                f"appraisal_schemes/{s.id}/title",
                f"考核 › {s.year}年度考核名称",
                s.title,
                s.title.replace(old, new),
            ),
            _record_setter(s, "title", old, new),
        )
        for s in schemes
        if old in (s.title or "")
    ]


def _in_drafts(session: Session, old: str, new: str, prefixes: dict[str, str]) -> list[_Found]:
    """公文 drafts (no number yet); issued and voided documents keep what they printed."""
    drafts = session.scalars(
        select(Document)
        .where(Document.deleted_at.is_(None), Document.status == DRAFT, Document.sequence.is_(None))
        .order_by(Document.id)
    ).all()
    found: list[_Found] = []
    for doc in drafts:
        where = f"公文草稿《{_short(doc.title)}》"
        for name, label in _DOCUMENT_FIELDS:
            text = str(getattr(doc, name) or "")
            if old in text:
                place = Place(
                    f"documents/{doc.id}/{name}", f"{where} › {label}", text, text.replace(old, new)
                )
                found.append((place, _record_setter(doc, name, old, new)))
        if doc.number_prefix in prefixes:
            after = prefixes[doc.number_prefix]
            place = Place(
                f"documents/{doc.id}/number_prefix", f"{where} › 发文字号前缀", doc.number_prefix, after
            )
            found.append((place, _set(doc, "number_prefix", after)))
    return found


def _set(obj: Any, name: str, value: str) -> Callable[[], None]:
    def run() -> None:
        setattr(obj, name, value)

    return run


def _short(title: str, limit: int = 18) -> str:
    title = title.strip() or "（无标题）"
    return title if len(title) <= limit else title[:limit] + "…"
