"""When two records are the same one: each kind's identity key, compared as a clerk compares by eye.

A kind declares what makes a record the same (``RecordKind.identity``: 农户 by 户主姓名 + 所属村 +
门牌/住址, 人员 by 姓名 + 联系电话, …). A roster typed by hand has "张 三" beside "张三", "１２号"
beside "12号", "ABC" beside "abc", so values are compared after :func:`same_text` (Unicode NFKC —
full-width letters and digits become half-width —, no whitespace or hyphens, latin case folded).
The first identity field must be filled for a record to be compared at all; a later field left
blank on either side does not tell two records apart (a roster without 门牌 still finds 张三 of
东沟村). References (所属村) compare by the record they point to.

:class:`IdentityIndex` holds the keys of a kind's existing records (live and deleted, told apart)
and of the rows an import has already taken, so that the import can name, for every row, the
records it repeats.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecodesk.schema import Field, FieldType, RecordKind
from ecodesk.services import records

_IGNORED = re.compile(r"[\s\-_]+")
_PARSED_TYPES = frozenset({FieldType.DATE, FieldType.CUSTOM, FieldType.INT, FieldType.FLOAT})

Key = tuple[str, ...]


def same_text(value: Any) -> str:
    """A value as identity keys compare it: "张 三" and "张三", "１２号" and "12号" are alike."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return (
            value.isoformat(sep=" ", timespec="minutes")
            if value.time() != time(0)
            else value.date().isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, float):
        return records.number_text(value)
    text = unicodedata.normalize("NFKC", str(value))
    return _IGNORED.sub("", text).casefold()


def same(a: Key, b: Key) -> bool:
    """Whether two keys name the same record: equal where both are filled (the first always is)."""
    return all(x == y or not x or not y for x, y in zip(a, b, strict=True))


def identity_fields(kind: RecordKind) -> tuple[Field, ...]:
    return tuple(kind.field(key) for key in kind.identity)


def key_of_values(session: Session, kind: RecordKind, raw: Mapping[str, Any]) -> Key:
    """The key of a row about to be imported: ``raw`` as the import holds it (cell text, numbers,
    ids of references). Dates, times and codes go through the field's own parsing, so "2026/3/5"
    matches a stored 2026-03-05; a value that does not parse compares as its text."""
    key = []
    for f in identity_fields(kind):
        value = raw.get(f.key)
        if value is not None and f.type in _PARSED_TYPES and not isinstance(value, int | float | date):
            try:
                value = records.parse_field(session, f, value)
            except ValueError:
                pass
        key.append(same_text(value))
    return tuple(key)


@dataclass
class Known:
    """A record (or an imported row) an identity key leads to."""

    key: Key
    shown: tuple[Any, ...]  # the values as stored (ids for references), for describing it
    record_id: int | None = None  # an existing record
    deleted: bool = False
    row: int | None = None  # a row of the file being imported
    obj: Any = None  # the record that row made (pending in the import's session)


class IdentityIndex:
    """The identity keys of a kind's records, by their first field, for finding duplicates fast."""

    def __init__(self, session: Session, kind: RecordKind) -> None:
        self.session = session
        self.kind = kind
        self.fields = identity_fields(kind)
        self.by_first: dict[str, list[Known]] = {}
        self._names: dict[str, dict[int, str]] = {}  # REF field key -> id -> name, read when needed
        if self.fields:
            self._load()

    def __bool__(self) -> bool:
        return bool(self.fields)

    def _load(self) -> None:
        model = self.kind.model
        columns = [self._column(f) for f in self.fields]
        query = select(model.id, model.deleted_at, *(c for c, _read in columns))
        for name, value in self.kind.fixed.items():
            query = query.where(getattr(model, name) == value)
        for row in self.session.execute(query):
            shown = tuple(read(value) for (_c, read), value in zip(columns, row[2:], strict=True))
            self.add(Known(tuple(same_text(v) for v in shown), shown, row[0], row[1] is not None))

    def _column(self, f: Field) -> tuple[Any, Callable[[Any], Any]]:
        """The column holding a field's stored value, and how to read the field from it."""
        model = self.kind.model
        if f.stored_in is not None:
            return getattr(model, f.stored_in), lambda data: (data or {}).get(f.key)
        if f.type is FieldType.REF:
            assert f.ref is not None
            return getattr(model, f.ref.id_attr), lambda value: value
        return getattr(model, f.key), lambda value: value

    def add(self, known: Known) -> None:
        if known.key and known.key[0]:
            self.by_first.setdefault(known.key[0], []).append(known)

    def matches(self, key: Key) -> list[Known]:
        """Every record and earlier row with the same identity as ``key`` (none when its first
        field is blank)."""
        if not key or not key[0]:
            return []
        return [k for k in self.by_first.get(key[0], ()) if same(k.key, key)]

    def describe(self, shown: Sequence[Any]) -> str:
        """``张三 · 东沟村 · 5号``: identity values (:attr:`Known.shown`) as the clerk knows them."""
        parts = [self._shown(f, value) for f, value in zip(self.fields, shown, strict=True)]
        return " · ".join(p for p in parts if p)

    def _shown(self, f: Field, value: Any) -> str:
        if value is None or value == "":
            return ""
        if f.type is FieldType.REF and isinstance(value, int):
            assert f.ref is not None
            if f.key not in self._names:
                self._names[f.key] = dict(records.ref_choices(self.session, f.ref))
            return self._names[f.key].get(value, f"编号 {value}")
        if isinstance(value, date | time | datetime | float | bool):
            return same_text(value)
        return str(value).strip()


def row_shown(kind: RecordKind, raw: Mapping[str, Any]) -> tuple[Any, ...]:
    """A row's identity values as typed (references as their ids), for :meth:`IdentityIndex.describe`."""
    return tuple(raw.get(key) for key in kind.identity)


def labels(kind: RecordKind, keys: Sequence[str] | None = None) -> str:
    """``户主姓名、所属村、门牌/住址``: what a kind's duplicates are judged by."""
    return "、".join(kind.field(key).label for key in (kind.identity if keys is None else keys))
