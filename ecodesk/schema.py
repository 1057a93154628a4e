"""How a kind of record is declared: its fields, their types, labels, rules and choices.

A :class:`RecordKind` is the single declaration behind a kind of record (农户, 巡查记录, each 台账).
From it come the validation and the lists (``ecodesk.services.records``), the edit form and the
table columns (``ui.records``), and the Excel import and export. Adding a kind is adding a
declaration, not a screen: see docs/ARCHITECTURE.md.

This module is plain data and sits below the services, so renderers and models may name a field
without importing the record service.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from ecodesk.errors import FieldProblem


class FieldType(enum.StrEnum):
    TEXT = "text"
    LONGTEXT = "longtext"  # multi-line, shown in a text box
    INT = "int"
    FLOAT = "float"
    DATE = "date"
    BOOL = "bool"
    CHOICE = "choice"  # one of ``choices``
    MULTI = "multi"  # several of ``choices``, kept as a JSON list, written 甲、乙
    REF = "ref"  # another record, chosen by its name
    CUSTOM = "custom"  # parsed and applied by a :class:`Codec`


@dataclass(frozen=True)
class RefSpec:
    """How a REF field finds its target: ``model.label_attr == text`` among live rows."""

    model: type[Any]
    id_attr: str  # the foreign-key column on the referring model, e.g. ``village_id``
    label_attr: str = "name"
    where: Callable[[], ColumnElement[bool]] | None = None
    sort_attr: str | None = None  # how the column sorts (units: their sort order)
    target_label: str = ""  # Chinese name of the target, for messages ("村/社区")
    # A target that belongs to a village (its 组, its 网格): (session, the referring record's village id,
    # a name or an id) -> the id within that village; ValueError says why not (another village's, none
    # of that name). Set, a name is looked up once the record's village is known, never town-wide.
    in_village: Callable[[Session, int, int | str], int] | None = None


@dataclass(frozen=True)
class Codec:
    """Custom fields (roles with 职务, grid members): text (or a form's list of picks) in, value out,
    applied to the object."""

    display: Callable[[Any], str]
    parse: Callable[[Session, Any], Any]  # text from a cell, or a list from a form; ValueError says why
    apply: Callable[[Session, Any, Any], None]  # (session, obj, parsed value)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: FieldType = FieldType.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    max_len: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    aliases: tuple[str, ...] = ()  # other column headers that mean this field in imports
    width: int = 12  # in characters, for table columns and xlsx
    ref: RefSpec | None = None
    codec: Codec | None = None
    default: Any = None
    in_table: bool = True
    in_form: bool = True
    help: str = ""
    # Kept under ``key`` in this JSON dict column instead of a column of its own (kind-specific
    # fields of records that share one table, e.g. the ledger kinds).
    stored_in: str | None = None
    # Confidential text: shown, exported and printed through this mask; the form shows the mask too
    # and sending the mask back unchanged keeps the stored value.
    mask: Callable[[str], str] | None = None

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


Validator = Callable[[Session, dict[str, Any], Any | None], list[FieldProblem]]


@dataclass(frozen=True)
class RecordKind:
    name: str  # English key, used by the CLI: ``households``
    label: str  # Chinese: 农户
    model: type[Any]
    fields: tuple[Field, ...]
    search_keys: tuple[str, ...] = ()  # fields searched by the filter bar's free text
    village_key: str | None = None  # REF field filtered by the village selector
    status_key: str | None = None
    date_key: str | None = None
    default_sort: str = "id"
    validators: tuple[Validator, ...] = ()
    title_key: str = "name"  # the field that names a record in messages and history
    extra: Mapping[str, Any] = field(default_factory=dict)
    # Column values every record of this kind has (set on create, required when listing and
    # loading): several kinds can share one table, e.g. ``{"kind": "裸露地块"}``.
    fixed: Mapping[str, Any] = field(default_factory=dict)
    # Named SQL conditions a list can be narrowed by (``ListFilter.named``), e.g. 已超期.
    filters: Mapping[str, Callable[[], ColumnElement[bool]]] = field(default_factory=dict)
    # What makes two records of this kind the same (their identity key), for finding duplicates on
    # import: field keys compared as normalised text (spaces, full-width forms and latin case
    # ignored). The first field must be filled for a record to be compared; a later one left blank
    # on either side does not tell two records apart. Empty: records of this kind are never
    # duplicates of each other (logs, where two alike rows are two events).
    identity: tuple[str, ...] = ()

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(f"{self.name} has no field {key!r}")

    @property
    def table_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.in_table)

    @property
    def form_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.in_form)
