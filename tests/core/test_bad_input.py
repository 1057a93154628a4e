"""Hostile input through every declared field of every registered kind.

Whatever the clerk pastes — markup, emoji, characters outside GB2312, 100,000 characters, impossible
dates, "nan", 1e400 — a field either keeps it exactly (text) or refuses it with a ValidationError
naming that field and the reason. Nothing else escapes: no OverflowError from SQLite, no NaN stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ecodesk.db import Database
from ecodesk.errors import ValidationError
from ecodesk.schema import FieldType, RecordKind
from ecodesk.services import records
from ecodesk.services.kinds import KINDS

HOSTILE_TEXT = [
    '<b>粗体</b> & <script>alert("x")</script>',
    '=HYPERLINK("http://x","点我")',
    "😀🌾🔥 表情",
    "王䶮 李喆 𠀀𪚥 生僻字",
    "制表\t换行\n回车\r结束",
    "长" * 100_000,
    "\u200b零宽\ufeff字符",
]
HOSTILE_DATES = ["2024-02-30", "2023年2月29日", "0000-00-00", "99999999", "明天", "2024.13.01", "-5"]
HOSTILE_NUMBERS = ["nan", "inf", "-inf", "1e400", "1e20", "三", "12abc", "0x1F", "--3"]

KIND_CASES = [pytest.param(kind, id=name) for name, kind in sorted(KINDS.items())]


def _parse(db: Database, kind: RecordKind, key: str, value: Any) -> tuple[Any, list[Any]]:
    """Parse one field as a new record would; the problems about that field (others are missing)."""
    with db.session() as session:
        values, problems = records.parse_values(session, kind, {key: value})
    mine = [p for p in problems if p.field == key]
    for p in mine:
        assert p.reason and p.label, p
    return values.get(key), mine


def _fields(kind: RecordKind, *types: FieldType) -> list[str]:
    return [f.key for f in kind.fields if f.type in types and f.mask is None]


@pytest.mark.parametrize("kind", KIND_CASES)
def test_hostile_text_is_kept_or_refused_by_name(db: Database, kind: RecordKind) -> None:
    for key in _fields(kind, FieldType.TEXT, FieldType.LONGTEXT):
        for text in HOSTILE_TEXT:
            stored, problems = _parse(db, kind, key, text)
            if problems:
                assert len(problems) == 1, problems
            else:
                assert stored is None or isinstance(stored, str)
                if isinstance(stored, str):
                    assert "<b>" not in text or "<b>" in stored  # markup is text, kept as typed


@pytest.mark.parametrize("kind", KIND_CASES)
def test_impossible_dates_are_refused_by_name(db: Database, kind: RecordKind) -> None:
    for key in _fields(kind, FieldType.DATE):
        for text in HOSTILE_DATES:
            _stored, problems = _parse(db, kind, key, text)
            assert len(problems) == 1, (key, text)


@pytest.mark.parametrize("kind", KIND_CASES)
def test_impossible_numbers_are_refused_by_name(db: Database, kind: RecordKind) -> None:
    for key in _fields(kind, FieldType.INT, FieldType.FLOAT):
        for text in HOSTILE_NUMBERS:
            _stored, problems = _parse(db, kind, key, text)
            assert len(problems) == 1, (key, text)


def test_a_household_with_hostile_text_round_trips(db: Database) -> None:
    from ecodesk.services.org import HOUSEHOLDS, UNITS

    records.create(db, UNITS, {"name": "东沟村", "kind": "村"})
    name = "王䶮😀<&>"
    remark = "备注\n" + "很长" * 900
    created = records.create(db, HOUSEHOLDS, {"head_name": name, "village": "东沟村", "remark": remark})
    again = records.get(db, HOUSEHOLDS, created.id)
    assert (again.head_name, again.remark) == (name, remark)


def test_members_out_of_range_names_the_field(db: Database) -> None:
    from ecodesk.services.org import HOUSEHOLDS, UNITS

    records.create(db, UNITS, {"name": "东沟村", "kind": "村"})
    with pytest.raises(ValidationError) as caught:
        records.create(db, HOUSEHOLDS, {"head_name": "张三", "village": "东沟村", "members": "1e20"})
    assert [(p.label, p.reason) for p in caught.value.problems] == [("人口", "“1e20”不是有效的数字")]


def test_a_50_mb_workbook_with_a_small_roster_imports(tmp_path: Path, db: Database) -> None:
    """Photos pasted into a roster make the file huge; the rows are what count."""
    import os
    import zipfile

    from openpyxl import Workbook

    from ecodesk.services.org import HOUSEHOLDS, UNITS
    from ecodesk.services.record_import import import_xlsx

    records.create(db, UNITS, {"name": "东沟村", "kind": "村"})
    path = tmp_path / "带照片的花名册.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["户主姓名", "所属村"])
    ws.append(["张三", "东沟村"])
    ws.append(["李四", "东沟村"])
    wb.save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as z:  # 50 MB of "photo" inside the package
        z.writestr("xl/media/image1.png", os.urandom(50 * 1024 * 1024))
    assert path.stat().st_size > 50 * 1024 * 1024
    report = import_xlsx(db, HOUSEHOLDS, path)
    assert report.committed and report.rows_ok == 2
