"""The record service: create, update, delete and list any declared kind of record.

A kind is declared once (:class:`ecodesk.schema.RecordKind`). From it come the
validation in the service (this module), the table columns and sorting (``list_ids`` /
``fetch_rows``), the edit form (``ui.records.form``), and the Excel import and export
(``ecodesk.exports``). Adding a kind is adding a declaration, not a screen.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, Select, and_, bindparam, func, inspect, or_, select
from sqlalchemy.orm import Session, aliased, defaultload, joinedload, lazyload

from ecodesk import dates
from ecodesk.dates import DateParseError, format_iso, parse_date
from ecodesk.db.audit import AuditEntry, to_text
from ecodesk.db.base import Base
from ecodesk.db.database import Database
from ecodesk.errors import FieldProblem, NotFoundError, ValidationError
from ecodesk.models import sort_keys
from ecodesk.schema import Field, FieldType, RecordKind, RefSpec
from ecodesk.services.validation import normalise_text

# -- parsing ------------------------------------------------------------------------------------


def ref_lookup(session: Session, spec: RefSpec, text: str) -> list[int]:
    label_col = getattr(spec.model, spec.label_attr)
    query = select(spec.model.id).where(label_col == text, spec.model.deleted_at.is_(None))
    if spec.where is not None:
        query = query.where(spec.where())
    return list(session.scalars(query))


def ref_choices(session: Session, spec: RefSpec) -> list[tuple[int, str]]:
    """(id, name) of every record a REF field may point to, in display order."""
    label_col = getattr(spec.model, spec.label_attr)
    order = getattr(spec.model, spec.sort_attr) if spec.sort_attr else label_col
    query = (
        select(spec.model.id, label_col).where(spec.model.deleted_at.is_(None)).order_by(order, spec.model.id)
    )
    if spec.where is not None:
        query = query.where(spec.where())
    return [(row[0], row[1]) for row in session.execute(query)]


def parse_field(session: Session, f: Field, raw: Any) -> Any:
    """Turn what a form or a cell holds into the stored value; ``ValueError`` says why not."""
    if f.type is FieldType.CUSTOM:
        assert f.codec is not None
        # A form may hand over what it picked (a list of ids); text from a cell is normalised.
        return f.codec.parse(session, raw if isinstance(raw, list | tuple) else normalise_text(raw))
    if f.type is FieldType.DATE:
        try:
            return parse_date(raw)
        except DateParseError as exc:
            raise ValueError(str(exc)) from None
    if f.type is FieldType.REF:
        assert f.ref is not None
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw  # already an id (from a form's combo box)
        text = normalise_text(raw)
        if not text:
            return None
        if f.ref.in_village is not None:
            return text  # one of a village's own records: found by parse_values once the village is known
        ids = ref_lookup(session, f.ref, text)
        if not ids:
            raise ValueError(f"找不到{f.ref.target_label or ''}“{text}”")
        if len(ids) > 1:
            raise ValueError(f"“{text}”有{len(ids)}个同名记录，无法确定是哪一个")
        return ids[0]
    if f.type is FieldType.BOOL:
        if isinstance(raw, bool):
            return raw
        text = normalise_text(raw)
        if text in ("", "None"):
            return None
        if text in ("是", "1", "Y", "y", "true", "True", "TRUE", "启用", "有效", "√"):
            return True
        if text in ("否", "0", "N", "n", "false", "False", "FALSE", "停用", "无效", "×"):
            return False
        raise ValueError(f"“{text}”应填“是”或“否”")
    if f.type is FieldType.MULTI:
        items = raw if isinstance(raw, list | tuple) else _split_list(normalise_text(raw))
        unknown = [i for i in items if f.choices and i not in f.choices]
        if unknown:
            raise ValueError(f"“{'、'.join(unknown)}”不在可选范围（{'、'.join(f.choices)}）内")
        return list(dict.fromkeys(items))
    if f.type in (FieldType.INT, FieldType.FLOAT):
        return _parse_number(f, raw)
    text = (
        (str(raw).strip() if raw is not None else "") if f.type is FieldType.LONGTEXT else normalise_text(raw)
    )
    if f.type is FieldType.CHOICE and text and f.choices and text not in f.choices:
        raise ValueError(f"“{text}”不在可选范围（{'、'.join(f.choices)}）内")
    if f.max_len is not None and len(text) > f.max_len:
        raise ValueError(f"不能超过{f.max_len}个字（现有{len(text)}个）")
    return text


def _split_list(text: str) -> list[str]:
    for sep in (",", "，", ";", "；", "/", " "):
        text = text.replace(sep, "、")
    return [part for part in (p.strip() for p in text.split("、")) if part]


# Larger than any count, area or amount the office keeps; beyond SQLite's 64-bit integers long before.
MAX_NUMBER = 1e15


def _parse_number(f: Field, raw: Any) -> int | float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError("应为数字")
    text = normalise_text(raw).replace(",", "").replace("，", "")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"“{text}”不是数字") from None
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:  # "nan", "inf", "1e400", 10**20
        raise ValueError(f"“{text}”不是有效的数字")
    if f.type is FieldType.INT:
        if not number.is_integer():
            raise ValueError(f"“{text}”应为整数")
        number = int(number)
    if f.min_value is not None and number < f.min_value:
        raise ValueError(f"不能小于{f.min_value:g}")
    if f.max_value is not None and number > f.max_value:
        raise ValueError(f"不能大于{f.max_value:g}")
    return number


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def parse_values(
    session: Session, kind: RecordKind, raw: Mapping[str, Any], existing: Any | None = None
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Parse the fields present in ``raw``; for a new record, check every required field."""
    values: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for f in kind.fields:
        if f.key not in raw:
            if existing is None and f.required and _is_blank(f.default):
                problems.append(FieldProblem(f.key, f.label, "必须填写"))
            continue
        if existing is not None and f.mask is not None and raw[f.key] == display_value(f, existing):
            continue  # the masked text came back untouched: keep what is stored
        try:
            value = parse_field(session, f, raw[f.key])
        except ValueError as exc:
            problems.append(FieldProblem(f.key, f.label, str(exc)))
            continue
        if f.required and _is_blank(value):
            problems.append(FieldProblem(f.key, f.label, "必须填写"))
            continue
        values[f.key] = value
    problems += _resolve_in_village(session, kind, values, existing, problems)
    if not problems:
        for validator in kind.validators:
            problems += validator(session, values, existing)
    return values, problems


def _resolve_in_village(
    session: Session,
    kind: RecordKind,
    values: dict[str, Any],
    existing: Any | None,
    found_so_far: Sequence[FieldProblem],
) -> list[FieldProblem]:
    """References to a village's own records (a household's 组 and 网格) checked against the record's
    village: a name is looked up there, an id must be that village's. A record moved to another
    village has its kept 组/网格 checked too."""
    scoped = [f for f in kind.fields if f.ref is not None and f.ref.in_village is not None]
    if not scoped or not kind.village_key or any(p.field == kind.village_key for p in found_so_far):
        return []  # no village to look in: its own problem says why
    village_ref = kind.field(kind.village_key).ref
    assert village_ref is not None
    moved = kind.village_key in values
    village = values.get(kind.village_key) if moved else getattr(existing, village_ref.id_attr, None)
    problems: list[FieldProblem] = []
    for f in scoped:
        assert f.ref is not None and f.ref.in_village is not None
        value = values.get(f.key)
        if f.key not in values and existing is not None and moved:
            value = getattr(existing, f.ref.id_attr)  # kept, but the record changed village
        if value is None:
            continue
        try:
            if not isinstance(village, int):
                raise ValueError(f"要先选定{village_ref.target_label or '所属村'}，才能确定是哪个{f.label}")
            found = f.ref.in_village(session, village, value)
        except ValueError as exc:
            problems.append(FieldProblem(f.key, f.label, str(exc)))
            values.pop(f.key, None)
            continue
        if f.key in values:
            values[f.key] = found
    return problems


def _apply(session: Session, kind: RecordKind, obj: Any, values: Mapping[str, Any]) -> None:
    for key, value in values.items():
        f = kind.field(key)
        if f.stored_in is not None:
            _store_json(obj, f, value)
        elif f.type is FieldType.CUSTOM:
            assert f.codec is not None
            f.codec.apply(session, obj, value)
        elif f.type is FieldType.REF:
            assert f.ref is not None
            setattr(obj, f.ref.id_attr, value)
        elif value is None and f.type in (FieldType.TEXT, FieldType.LONGTEXT, FieldType.CHOICE):
            setattr(obj, key, "")
        elif value is None and f.type is FieldType.MULTI:
            setattr(obj, key, [])
        elif value is None and f.type is FieldType.BOOL:
            setattr(obj, key, bool(f.default))
        else:
            setattr(obj, key, value)


def _store_json(obj: Any, f: Field, value: Any) -> None:
    """Set one key of a JSON dict column; a new dict so the ORM sees the change."""
    assert f.stored_in is not None
    data = dict(getattr(obj, f.stored_in) or {})
    if _is_blank(value):
        data.pop(f.key, None)
    else:
        data[f.key] = value.isoformat() if isinstance(value, date) else value
    setattr(obj, f.stored_in, data)


def field_value(f: Field, obj: Any) -> Any:
    """The stored (typed, unmasked) value of a non-REF field, wherever it is kept."""
    if f.stored_in is None:
        return getattr(obj, f.key)
    value = (getattr(obj, f.stored_in) or {}).get(f.key)
    if value is not None and f.type is FieldType.DATE and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def new_record(session: Session, kind: RecordKind, raw: Mapping[str, Any]) -> Any:
    """Validate and add one record to ``session`` (not committed): the import path uses this."""
    values, problems = parse_values(session, kind, raw)
    if problems:
        raise ValidationError(problems)
    obj = kind.model()
    for key, value in kind.fixed.items():
        setattr(obj, key, value)
    defaults = {f.key: f.default for f in kind.fields if f.default is not None and f.key not in values}
    _apply(session, kind, obj, {**defaults, **values})
    session.add(obj)
    return obj


def update_record(session: Session, kind: RecordKind, obj: Any, raw: Mapping[str, Any]) -> None:
    """Validate ``raw`` as an edit of ``obj`` and apply it in ``session`` (not committed): the
    import's 更新已有 uses this; only the fields in ``raw`` change."""
    values, problems = parse_values(session, kind, raw, existing=obj)
    if problems:
        raise ValidationError(problems)
    _apply(session, kind, obj, values)


# -- the service calls ----------------------------------------------------------------------------


def create(db: Database, kind: RecordKind, raw: Mapping[str, Any]) -> Any:
    with db.session() as session:
        obj = new_record(session, kind, raw)
        session.flush()
        return _load(session, kind, obj.id)


def update(db: Database, kind: RecordKind, record_id: int, raw: Mapping[str, Any]) -> Any:
    with db.session() as session:
        update_record(session, kind, _get_live(session, kind, record_id), raw)
        session.flush()
        return _load(session, kind, record_id)


def get(db: Database, kind: RecordKind, record_id: int) -> Any:
    with db.session() as session:
        return _load(session, kind, record_id)


def soft_delete(db: Database, kind: RecordKind, ids: Iterable[int]) -> int:
    """Mark records deleted (kept, and restorable from their history). Returns how many."""
    now = dates.now()
    with db.session() as session:
        objs = session.scalars(select(kind.model).where(kind.model.id.in_(list(ids)))).all()
        for obj in objs:
            if obj.deleted_at is None:
                obj.deleted_at = now
        return len(objs)


def restore(db: Database, kind: RecordKind, ids: Iterable[int]) -> int:
    with db.session() as session:
        objs = session.scalars(select(kind.model).where(kind.model.id.in_(list(ids)))).all()
        for obj in objs:
            obj.deleted_at = None
        return len(objs)


def history(db: Database, kind: RecordKind, record_id: int) -> list[AuditEntry]:
    """Every logged change of one record, newest first, as the clerk may read it.

    A change of a JSON column is shown as one entry per field that changed, under the field's key;
    masked fields stay masked here too (the log itself keeps the real values).
    """
    with db.session() as session:
        query = (
            select(AuditEntry)
            .where(AuditEntry.table_name == kind.model.__tablename__, AuditEntry.record_id == record_id)
            .order_by(AuditEntry.id.desc())
        )
        entries = list(session.scalars(query))
    json_columns = {f.stored_in for f in kind.fields if f.stored_in}
    masks = {f.key: f.mask for f in kind.fields if f.mask is not None}
    if not json_columns and not masks:
        return entries
    return [shown for entry in entries for shown in _readable(entry, json_columns, masks)]


def _loads(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _readable(
    entry: AuditEntry, json_columns: set[str], masks: Mapping[str, Callable[[str], str]]
) -> list[AuditEntry]:
    def masked(key: str | None, text: str | None) -> str | None:
        mask = masks.get(key or "")
        return mask(text) if mask is not None and text else text

    def copy(field_name: str | None, old: str | None, new: str | None) -> AuditEntry:
        return AuditEntry(
            at=entry.at,
            operator=entry.operator,
            action=entry.action,
            table_name=entry.table_name,
            record_id=entry.record_id,
            field=field_name,
            old_value=old,
            new_value=new,
        )

    if entry.action == "insert" and entry.new_value:
        snapshot = _loads(entry.new_value)
        for column in json_columns:
            snapshot.update(_loads(snapshot.pop(column, None)))
        for key in masks:
            if snapshot.get(key):
                snapshot[key] = masks[key](str(snapshot[key]))
        return [copy(None, None, json.dumps(snapshot, ensure_ascii=False, default=str))]
    if entry.action == "update" and entry.field in json_columns:
        old, new = _loads(entry.old_value), _loads(entry.new_value)
        return [
            copy(key, to_text(old.get(key)), to_text(new.get(key)))
            for key in sorted(set(old) | set(new), key=lambda k: (k not in new, k))
            if old.get(key) != new.get(key)
        ]
    if entry.field in masks:
        return [copy(entry.field, masked(entry.field, entry.old_value), masked(entry.field, entry.new_value))]
    return [entry]


# Columns some tables keep without a declared field (links written by the services): how the
# history names them, and which record (model, label attribute) their number points to.
_LINK_COLUMNS: dict[str, tuple[str, str, str]] = {
    "problem_id": ("整改问题", "problems", "place"),
    "ledger_entry_id": ("关联台账", "ledger_entries", "name"),
    "complaint_id": ("关联信访举报", "complaints", "case_number"),
    "patrol_id": ("关联巡查记录", "patrols", "place"),
}
# Columns a revision replaced, as their old history entries still name them (0011: 组 became a record).
_RETIRED_COLUMNS = {"group_name": "组"}
# Bookkeeping a clerk never set: left out of a creation's list.
_NOT_SHOWN = frozenset(
    {"id", "deleted_at", "year", "kind", "created_at", "updated_at", "created_by", "updated_by"}
)


_STAMPED = frozenset({"delete", "restore", "purge"})  # actions whose logged value is only a time


@dataclass(frozen=True)
class HistoryLine:
    """One row of a record's 修改记录 as the clerk reads it: labels, names and values as the forms
    show them (``old``/``new`` are whole; the screen shortens them)."""

    at: datetime
    operator: str
    action: str  # insert / update / delete / restore / reveal / purge
    label: str  # the field's label ("" for a whole-record action)
    old: str
    new: str
    # For a creation: every field set, as (label, value), in the form's order.
    fields: tuple[tuple[str, str], ...] = ()


def number_text(value: float) -> str:
    """500.0 → 500, 2.5 → 2.5, 1234567.0 → 1234567 (no spurious .0, no exponent)."""
    if float(value).is_integer() and abs(value) < MAX_NUMBER:
        return str(int(value))
    return f"{value:.12g}"


def history_lines(db: Database, kind: RecordKind, record_id: int) -> list[HistoryLine]:
    """:func:`history` as the 修改记录 pane shows it, newest first.

    Fields are named by their labels (a reference by its field's label), values are written as the
    forms write them: the referenced record's name, numbers without a trailing .0, dates as the app
    shows them, 是/否, lists joined by 、; a creation lists every field it set.
    """
    entries = history(db, kind, record_id)
    by_column: dict[str, Field] = {(f.ref.id_attr if f.ref else f.key): f for f in kind.fields}
    order = {column: i for i, column in enumerate(by_column)}
    wanted: dict[str, set[int]] = {}

    def note_ref(column: str, value: Any) -> None:
        f = by_column.get(column)
        if (f is not None and f.type is FieldType.REF) or (f is None and column in _LINK_COLUMNS):
            number = _as_id(value)
            if number is not None:
                wanted.setdefault(column, set()).add(number)

    snapshots: dict[int, dict[str, Any]] = {}
    for i, entry in enumerate(entries):
        if entry.action == "insert":
            snapshot = {k: v for k, v in _loads(entry.new_value).items() if k not in _NOT_SHOWN}
            snapshots[i] = snapshot
            for column, value in snapshot.items():
                note_ref(column, value)
        elif entry.field:
            note_ref(entry.field, entry.old_value)
            note_ref(entry.field, entry.new_value)
    names = _ref_names(db, kind, by_column, wanted)

    def label(column: str) -> str:
        f = by_column.get(column)
        if f is not None:
            return f.label
        if column in _LINK_COLUMNS:
            return _LINK_COLUMNS[column][0]
        return _RETIRED_COLUMNS.get(column, column)

    def shown(column: str, value: Any) -> str:
        f = by_column.get(column)
        if (f is not None and f.type is FieldType.REF) or (f is None and column in _LINK_COLUMNS):
            number = _as_id(value)
            if number is None:
                return ""
            return names.get(column, {}).get(number, f"编号{number}")
        return _format_value(f, value)

    lines: list[HistoryLine] = []
    for i, entry in enumerate(entries):
        at, operator, action = entry.at, entry.operator or "", entry.action
        if entry.action == "insert":
            snapshot = snapshots[i]
            fields = tuple(
                (label(column), text)
                for column in sorted(snapshot, key=lambda c: (order.get(c, len(order)), c))
                if (text := shown(column, snapshot[column]))
            )
            lines.append(HistoryLine(at, operator, action, label="", old="", new="", fields=fields))
        elif entry.action == "update" and entry.field:
            lines.append(
                HistoryLine(
                    at,
                    operator,
                    action,
                    label=label(entry.field),
                    old=shown(entry.field, entry.old_value),
                    new=shown(entry.field, entry.new_value),
                )
            )
        else:
            # A deliberate act (revealing a name, 重新挂牌 …) carries its detail; a delete only a stamp.
            detail = entry.new_value if entry.action not in _STAMPED and entry.new_value else ""
            lines.append(
                HistoryLine(
                    at, operator, action, label=label(entry.field) if entry.field else "", old="", new=detail
                )
            )
    return lines


def _as_id(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


def _ref_names(
    db: Database, kind: RecordKind, by_column: Mapping[str, Field], wanted: Mapping[str, set[int]]
) -> dict[str, dict[int, str]]:
    """The names of the records the history's references point to (deleted ones too)."""
    tables = {mapper.class_.__tablename__: mapper.class_ for mapper in Base.registry.mappers}
    names: dict[str, dict[int, str]] = {}
    with db.session() as session:
        for column, ids in wanted.items():
            f = by_column.get(column)
            model: type[Any] | None
            if f is not None and f.ref is not None:
                model, attr = f.ref.model, f.ref.label_attr
            else:
                table, attr = _LINK_COLUMNS[column][1:]
                model = tables.get(table)
            if model is None or not hasattr(model, attr):
                continue
            rows = session.execute(select(model.id, getattr(model, attr)).where(model.id.in_(sorted(ids))))
            names[column] = {row[0]: str(row[1] or f"编号{row[0]}") for row in rows}
    return names


def _format_value(f: Field | None, value: Any) -> str:
    """A logged value (text from the log, or a typed value from a JSON column) as a form shows it."""
    if value is None or value == "" or value == []:
        return ""
    kind = f.type if f is not None else None
    if kind is FieldType.BOOL or isinstance(value, bool):
        return "是" if value in (True, "是", "true", "True", "1", 1) else "否"
    if kind in (FieldType.INT, FieldType.FLOAT) or (
        kind is None and isinstance(value, int | float) and not isinstance(value, bool)
    ):
        try:
            return number_text(float(value))
        except (TypeError, ValueError):
            return str(value)
    if kind is FieldType.DATE:
        if isinstance(value, date):
            return format_iso(value)
        try:
            return format_iso(date.fromisoformat(str(value)[:10]))
        except ValueError:
            return str(value)
    if kind is FieldType.MULTI or isinstance(value, list):
        items = value
        if isinstance(value, str):
            try:
                items = json.loads(value)
            except ValueError:
                return value
        return "、".join(str(i) for i in items) if isinstance(items, list) else str(value)
    return str(value)


def _get_live(session: Session, kind: RecordKind, record_id: int) -> Any:
    obj = session.get(kind.model, record_id)
    if obj is None or obj.deleted_at is not None or not _in_kind(kind, obj):
        raise NotFoundError(f"{kind.label}记录（编号 {record_id}）不存在或已删除")
    return obj


def get_in(session: Session, kind: RecordKind, record_id: int) -> Any:
    """``get`` inside the caller's session (a service doing more in the same transaction)."""
    return _load(session, kind, record_id)


def _in_kind(kind: RecordKind, obj: Any) -> bool:
    return all(getattr(obj, key) == value for key, value in kind.fixed.items())


def _load(session: Session, kind: RecordKind, record_id: int) -> Any:
    obj = session.get(kind.model, record_id, populate_existing=True)
    if obj is None or not _in_kind(kind, obj):
        raise NotFoundError(f"{kind.label}记录（编号 {record_id}）不存在")
    _touch_custom(kind, obj)
    return obj


def _touch_custom(kind: RecordKind, obj: Any) -> None:
    # Load what custom displays need while the session is open; objects outlive it.
    for f in kind.fields:
        if f.codec is not None:
            f.codec.display(obj)


# -- display -----------------------------------------------------------------------------------


def display_value(f: Field, obj: Any) -> str:
    """The text a table cell, an export or a message shows for one field of one record."""
    if f.type is FieldType.CUSTOM:
        assert f.codec is not None
        return f.codec.display(obj)
    if f.type is FieldType.REF:
        assert f.ref is not None
        target = getattr(obj, f.key)
        return "" if target is None else str(getattr(target, f.ref.label_attr))
    value = field_value(f, obj)
    if value is None:
        return ""
    if f.mask is not None:
        return f.mask(str(value)) if value else ""
    if f.type is FieldType.DATE:
        return format_iso(value)
    if f.type is FieldType.BOOL:
        return "是" if value else "否"
    if f.type is FieldType.MULTI:
        return "、".join(value)
    if f.type is FieldType.FLOAT:
        return f"{value:g}"
    return str(value)


def cell_value(f: Field, obj: Any) -> Any:
    """The typed value an xlsx cell gets (dates as dates, numbers as numbers, the rest text)."""
    if f.type in (FieldType.DATE, FieldType.INT, FieldType.FLOAT):
        return field_value(f, obj)
    return display_value(f, obj)


def form_value(f: Field, obj: Any) -> Any:
    """The value a form widget starts with: ids for REF, lists for MULTI, text for CUSTOM."""
    if f.type is FieldType.REF:
        assert f.ref is not None
        return getattr(obj, f.ref.id_attr)
    if f.type is FieldType.CUSTOM or f.mask is not None:
        return display_value(f, obj)
    return field_value(f, obj)


# -- listing: ids sorted and filtered in SQL, rows fetched on demand --------------------------------


@dataclass(frozen=True)
class ListFilter:
    village_id: int | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""
    include_deleted: bool = False
    only_deleted: bool = False
    equals: tuple[tuple[str, Any], ...] = ()  # extra (field key, value) equality filters
    named: tuple[str, ...] = ()  # keys of ``RecordKind.filters``, all applied


def _sort_columns(kind: RecordKind, key: str, query: Select[Any]) -> tuple[Select[Any], list[Any]]:
    """The query joined to what it sorts by, and the ORDER BY columns before the id tiebreak."""
    f = kind.field(key) if key != "id" else None
    if f is None or f.type is FieldType.CUSTOM:
        return query, []
    if f.type is FieldType.REF:
        assert f.ref is not None
        target = aliased(f.ref.model)
        query = query.outerjoin(target, getattr(kind.model, f.ref.id_attr) == target.id)
        return query, [_target_order(f.ref, target), target.id]  # one target's rows together
    if f.type in _TEXT_TYPES:  # names sort by pinyin, as in Excel (ecodesk.db.database.zh_sort_key)
        return query, [
            _text_order(kind.model, f.key) if f.stored_in is None else func.zh_key(column_of(kind, f))
        ]
    return query, [column_of(kind, f)]


def _text_order(model: Any, column: str) -> Any:
    """A text column in pinyin order: its maintained key where the table keeps one (an index walk),
    else the key computed per row."""
    key = sort_keys.key_of(model, column)
    return key if key is not None else func.zh_key(getattr(model, column))


def _target_order(ref: RefSpec, target: Any) -> Any:
    """How the records a REF field points to are ordered (units by their sort order, the rest by name)."""
    if ref.sort_attr:
        return getattr(target, ref.sort_attr)
    return _text_order(target, ref.label_attr)


def _walks_targets(kind: RecordKind, f: Field) -> bool:
    """Whether a sort by ``f`` reads each target's rows from an index on (reference, deleted_at) —
    the long lists declare one (``models.sort_keys.ref_index``) — instead of sorting the table."""
    assert f.ref is not None
    wanted = [f.ref.id_attr, "deleted_at"]
    return any([c.name for c in index.columns] == wanted for index in kind.model.__table__.indexes)


def _ids_by_target(
    conn: Connection, kind: RecordKind, f: Field, flt: ListFilter, descending: bool
) -> list[int]:
    """Ids sorted by a referenced name without sorting the table: the few targets (villages, grids,
    组) in their order, then each one's matching rows in id order from the (reference, deleted_at)
    index. The same order as ORDER BY the target's key and id, targets of one name kept together;
    rows without a target come first, as SQL puts NULL first (last when descending)."""
    assert f.ref is not None
    model, target = kind.model, f.ref.model
    column = getattr(model, f.ref.id_attr)
    targets = [
        row[0] for row in conn.execute(select(target.id).order_by(_target_order(f.ref, target), target.id))
    ]
    if descending:
        targets.reverse()
    base = _filtered(kind, flt, select(model.id)).order_by(model.id.desc() if descending else model.id)
    unset = _raw_ids(conn, base.where(column.is_(None)))
    per_target = base.where(column == bindparam("target"))
    ids = [] if descending else unset
    for target_id in targets:
        ids += _raw_ids(conn, per_target, {"target": target_id})
    return ids + unset if descending else ids


_TEXT_TYPES = frozenset({FieldType.TEXT, FieldType.LONGTEXT, FieldType.CHOICE, FieldType.MULTI})


def column_of(kind: RecordKind, f: Field) -> ColumnElement[Any]:
    """The SQL expression holding a non-REF field: its column, or its key inside a JSON column."""
    if f.stored_in is not None:
        return func.json_extract(getattr(kind.model, f.stored_in), f"$.{f.key}")
    column: ColumnElement[Any] = getattr(kind.model, f.key)
    return column


def _filtered(kind: RecordKind, flt: ListFilter, query: Select[Any]) -> Select[Any]:
    model = kind.model
    for key, value in kind.fixed.items():
        query = query.where(getattr(model, key) == value)
    for name in flt.named:
        try:
            query = query.where(kind.filters[name]())
        except KeyError:
            raise KeyError(f"{kind.label}没有“{name}”这个筛选条件") from None
    if flt.only_deleted:
        query = query.where(model.deleted_at.is_not(None))
    elif not flt.include_deleted:
        query = query.where(model.deleted_at.is_(None))
    if flt.village_id is not None and kind.village_key:
        ref = kind.field(kind.village_key).ref
        assert ref is not None
        query = query.where(getattr(model, ref.id_attr) == flt.village_id)
    if flt.status and kind.status_key:
        query = query.where(getattr(model, kind.status_key) == flt.status)
    if kind.date_key:
        column = getattr(model, kind.date_key)
        if flt.date_from:
            query = query.where(column >= flt.date_from)
        if flt.date_to:
            query = query.where(column <= flt.date_to)
    for key, value in flt.equals:
        f = kind.field(key)
        column = getattr(model, f.ref.id_attr) if f.ref else column_of(kind, f)
        query = query.where(column == value)
    text = flt.text.strip()
    if text and kind.search_keys:
        pattern = f"%{text.replace('%', '').replace('_', '')}%"
        names: list[ColumnElement[bool]] = []
        texts: list[ColumnElement[bool]] = []
        for key in kind.search_keys:
            f = kind.field(key)
            if f.type is FieldType.REF:
                assert f.ref is not None
                target = f.ref.model
                sub = select(target.id).where(getattr(target, f.ref.label_attr).like(pattern))
                names.append(getattr(model, f.ref.id_attr).in_(sub))
            else:
                texts.append(column_of(kind, f).like(pattern))
        # A referenced name first: one look-up among the few matching villages per row, and a row it
        # matches skips the LIKE scans of its text columns (a search of 160,000 patrols: 20–70 % less).
        query = query.where(or_(*names, *texts))
    return query


def filtered_query(kind: RecordKind, flt: ListFilter, query: Select[Any]) -> Select[Any]:
    """``query`` narrowed to the records ``flt`` selects (services counting or summing a list)."""
    return _filtered(kind, flt, query)


def list_ids(
    db: Database,
    kind: RecordKind,
    flt: ListFilter = ListFilter(),
    sort_key: str | None = None,
    descending: bool = False,
) -> list[int]:
    """Ids of the matching records in display order: the table model holds only these.

    Every sort of the long lists reads an index in order (SPEC §8: ≤ 100 ms at 200,000 rows): a text
    column through its maintained pinyin key, a reference through its targets
    (:func:`_ids_by_target`), a date or number through its own index; the print and the Excel
    export take their order from here too.
    """
    key = sort_key or kind.default_sort
    f = kind.field(key) if key != "id" else None
    with db.engine.connect() as conn:
        # A text search reads every row anyway: in table order, then its matches sorted, is cheaper
        # than village by village through the index (200,000 households: 60 against 120 ms).
        if f is not None and f.type is FieldType.REF and not flt.text.strip() and _walks_targets(kind, f):
            return _ids_by_target(conn, kind, f, flt, descending)
        query, columns = _sort_columns(kind, key, select(kind.model.id))
        query = _filtered(kind, flt, query)
        columns.append(kind.model.id)
        return _raw_ids(conn, query.order_by(*(c.desc() if descending else c.asc() for c in columns)))


def _raw_ids(conn: Connection, query: Select[Any], params: Mapping[str, Any] | None = None) -> list[int]:
    """Read a one-column id query straight from the DB-API cursor.

    SQLAlchemy still binds the parameters (dates in its storage format); only its per-row result
    processing is skipped, which at 200,000 rows costs as much as SQLite's own sort.
    """
    result = conn.execute(query, params)
    try:
        return [row[0] for row in result.cursor.fetchall()]
    finally:
        result.close()


def count(db: Database, kind: RecordKind, flt: ListFilter = ListFilter()) -> int:
    query = _filtered(kind, flt, select(func.count()).select_from(kind.model))
    with db.engine.connect() as conn:
        return int(conn.scalar(query) or 0)


def fetch(db: Database, kind: RecordKind, ids: Sequence[int]) -> dict[int, Any]:
    """Load records by id (for a block of table rows or an export chunk)."""
    if not ids:
        return {}
    with db.session() as session:
        objs = session.scalars(select(kind.model).where(kind.model.id.in_(list(ids)))).unique().all()
        for obj in objs:
            _touch_custom(kind, obj)
        return {obj.id: obj for obj in objs}


def records_of(label: str) -> str:
    """“农户记录”, but “巡查记录” (not “巡查记录记录”): what a count of records is called."""
    return label if label.endswith("记录") else f"{label}记录"


def fetch_plain(db: Database, kind: RecordKind, ids: Sequence[int]) -> dict[int, Any] | None:
    """Like :func:`fetch`, for reading only, without the ORM: None when the kind has custom fields.

    Exports read every record once; building ORM objects (identity map, relationship loads) costs
    ten times the query. Here one SELECT brings the columns and each reference's label, and each
    record is a plain namespace that :func:`display_value` and :func:`cell_value` read like the
    object itself (masks, JSON-kept fields and dates behave the same).
    """
    if any(f.type is FieldType.CUSTOM for f in kind.fields):
        return None
    if not ids:
        return {}
    model = kind.model
    names = ["id"] + sorted({f.stored_in or f.key for f in kind.fields if f.type is not FieldType.REF})
    columns: list[Any] = [getattr(model, n) for n in names]
    query = select(*columns)
    refs: list[Field] = []
    for f in kind.fields:
        if f.type is FieldType.REF:
            assert f.ref is not None
            target = aliased(f.ref.model)
            query = query.outerjoin(target, getattr(model, f.ref.id_attr) == target.id)
            query = query.add_columns(getattr(target, f.ref.label_attr))
            refs.append(f)
    query = query.where(model.id.in_(list(ids)))
    found: dict[int, Any] = {}
    with db.engine.connect() as conn:
        for row in conn.execute(query):
            record = SimpleNamespace(**dict(zip(names, row[: len(names)], strict=True)))
            for f, label in zip(refs, row[len(names) :], strict=True):
                assert f.ref is not None
                setattr(
                    record, f.key, None if label is None else SimpleNamespace(**{f.ref.label_attr: label})
                )
            found[record.id] = record
    return found


class ListRow(NamedTuple):
    """One row of a list: the table columns' display texts, and whether the record is deleted."""

    texts: tuple[str, ...]
    deleted: bool


def list_rows(db: Database, kind: RecordKind, ids: Sequence[int]) -> dict[int, ListRow]:
    """The rows a list shows, for a block of ids (what the table model asks for as the clerk scrolls).

    Loads the records with what their columns show and no more (:func:`fetch` loads everything, for
    forms and exports): a referenced record (the 网格 of a patrol) comes without its own relations
    (the grid's members and 网格长), and a kind whose columns are all plain fields and references
    leaves its child lists unread (a 专项行动's phases, roster and deliverables).
    """
    if not ids:
        return {}
    model, fields = kind.model, kind.table_fields
    with db.session() as session:
        query = select(model).where(model.id.in_(list(ids))).options(*_lean_loading(kind))
        objs = session.scalars(query).unique().all()
        return {
            obj.id: ListRow(tuple(display_value(f, obj) for f in fields), obj.deleted_at is not None)
            for obj in objs
        }


def _lean_loading(kind: RecordKind) -> list[Any]:
    """Loader options for :func:`list_rows`: each shown reference joined, nothing beyond it. When a
    custom column's display may read the record's other relations (a patrol's crew and their
    names), those and their records load as declared, and nothing deeper (the patrollers' roles)."""
    model, fields = kind.model, kind.table_fields
    refs = [getattr(model, f.key) for f in fields if f.type is FieldType.REF]
    if not any(f.type is FieldType.CUSTOM for f in fields):
        return [lazyload("*"), *(joinedload(ref).lazyload("*") for ref in refs)]
    shown = {f.key for f in fields if f.type is FieldType.REF}
    others = [r for r in inspect(model).relationships if r.key not in shown]
    return [defaultload(ref).lazyload("*") for ref in refs] + [
        defaultload(getattr(model, r.key)).defaultload(getattr(r.mapper.class_, s.key)).lazyload("*")
        for r in others
        for s in r.mapper.relationships
    ]


def fetch_rows(db: Database, kind: RecordKind, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Display texts of the table columns for each id."""
    return {rid: row.texts for rid, row in list_rows(db, kind, ids).items()}


def unique_among_live(
    session: Session, model: type[Any], column: str, value: Any, existing: Any | None
) -> bool:
    """Whether no other live record has ``column == value``."""
    query = (
        select(func.count())
        .select_from(model)
        .where(and_(getattr(model, column) == value, model.deleted_at.is_(None)))
    )
    if existing is not None:
        query = query.where(model.id != existing.id)
    return not session.scalar(query)
