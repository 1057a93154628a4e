"""Sorting the long lists through indexes (issue 19): the same pinyin order in the list, the Excel
export and the printed list; keys kept on every write path and filled in for an existing file; a sort
by 村/网格/组 reading each target's rows instead of sorting the table, in the order SQL would give.

Order only: how fast is for ``python -m bench --only lists`` to say, never a test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pdfplumber
import pytest
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.orm import aliased

from ecodesk.db import Database, migrate
from ecodesk.documents.fonts import resolve_fonts
from ecodesk.models import Household
from ecodesk.models.patrol import Patrol
from ecodesk.models.sort_keys import SORT_KEY_CHARS, fill_sort_keys, sort_key
from ecodesk.schema import FieldType
from ecodesk.services import records
from ecodesk.services.org import GRIDS, HOUSEHOLDS, UNITS
from ecodesk.services.patrols import PATROLS
from ecodesk.services.record_export import export_kind_pdf, export_xlsx
from ecodesk.services.records import ListFilter
from tests.core.helpers import build_town

# By pinyin, as Excel/WPS 按拼音排序 gives them: a(阿) bai(白) li(李) wang(王) zhang(张) zhao(赵).
PINYIN_ORDER = ["阿强", "白云", "李娜", "王芳", "张伟", "赵敏"]
TYPED_ORDER = ["张伟", "李娜", "赵敏", "王芳", "白云", "阿强"]  # as the clerk typed them in


def _households(db: Database, names: list[str], village: str = "东沟村", **more: Any) -> dict[str, int]:
    return {
        name: int(records.create(db, HOUSEHOLDS, {"head_name": name, "village": village, **more}).id)
        for name in names
    }


def _names(db: Database, ids: list[int]) -> list[str]:
    rows = records.fetch(db, HOUSEHOLDS, ids)
    return [rows[i].head_name for i in ids]


def test_household_names_sort_by_pinyin_in_the_list_the_excel_export_and_the_print(
    db: Database, tmp_path: Path
) -> None:
    build_town(db)
    _households(db, TYPED_ORDER)

    listed = _names(db, records.list_ids(db, HOUSEHOLDS, sort_key="head_name"))
    assert listed == PINYIN_ORDER  # 李 before 王 before 张: by pinyin, not by code point (张 < 李 < 王)
    assert (
        _names(db, records.list_ids(db, HOUSEHOLDS, sort_key="head_name", descending=True))
        == (PINYIN_ORDER[::-1])
    )

    book = tmp_path / "农户.xlsx"
    export_xlsx(db, HOUSEHOLDS, book, sort_key="head_name", descending=True)
    sheet = openpyxl.load_workbook(book).active
    header_row = next(r for r in sheet.iter_rows(values_only=True) if "户主姓名" in r)
    column = header_row.index("户主姓名")
    values = [r[column] for r in sheet.iter_rows(values_only=True)]
    assert values[values.index("户主姓名") + 1 :] == PINYIN_ORDER[::-1]

    paper = tmp_path / "农户.pdf"
    export_kind_pdf(db, HOUSEHOLDS, paper, resolve_fonts(), sort_key="head_name")
    with pdfplumber.open(paper) as pdf:
        table = pdf.pages[0].extract_tables()[0]
    printed = ["".join((row[1] or "").split()) for row in table[1:]]
    assert printed == PINYIN_ORDER


def test_a_renamed_household_moves_to_its_new_place_and_the_key_stays_out_of_its_history(
    db: Database,
) -> None:
    build_town(db)
    ids = _households(db, TYPED_ORDER)
    records.update(db, HOUSEHOLDS, ids["赵敏"], {"head_name": "艾敏"})  # ai: right after 阿

    listed = _names(db, records.list_ids(db, HOUSEHOLDS, sort_key="head_name"))
    assert listed == ["阿强", "艾敏", "白云", "李娜", "王芳", "张伟"]
    lines = records.history_lines(db, HOUSEHOLDS, ids["赵敏"])
    assert [(line.label, line.old, line.new) for line in lines if line.label] == [
        ("户主姓名", "赵敏", "艾敏")
    ]
    assert all("key" not in label for line in lines for label, _value in line.fields)


def test_every_write_path_keeps_the_keys(db: Database) -> None:
    """ORM insert and update (forms, imports), a Core insert (the demo's bulk rows), and rows written
    behind SQLAlchemy's back put right by fill_sort_keys."""
    town = build_town(db)
    orm = _households(db, ["张伟"], address="东沟村3号")
    with db.session() as session:
        session.execute(
            insert(Household),
            [{"head_name": "李娜", "village_id": town.east, "address": "东沟村1号", "phone": "139"}],
        )
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO households (head_name, village_id, address, phone, created_at, updated_at,"
            " created_by, updated_by, remark) VALUES ('王芳', ?, '东沟村2号', '', '2026-01-01',"
            " '2026-01-01', '', '', '')",
            (town.east,),
        )
        fill_sort_keys(conn, Household)
    records.update(db, HOUSEHOLDS, orm["张伟"], {"address": "东沟村0号"})

    with db.engine.connect() as conn:
        stored = conn.execute(select(Household.head_name, Household.head_name_key, Household.address_key))
        for name, name_key, address_key in stored:
            assert name_key == sort_key(name)
            assert address_key is not None
    by_address = _names(db, records.list_ids(db, HOUSEHOLDS, sort_key="address"))
    assert by_address == ["张伟", "李娜", "王芳"]  # 东沟村0号, 1号, 2号


def test_a_key_holds_the_first_characters_only() -> None:
    long_text = "秸秆" * SORT_KEY_CHARS
    assert sort_key(long_text) == sort_key(long_text[:SORT_KEY_CHARS])
    assert sort_key(None) == sort_key("") == b""
    assert sort_key("李") < sort_key("王") < sort_key("张")


def _plan(db: Database, sql: str) -> str:
    with db.engine.connect() as conn:
        return " | ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        (HOUSEHOLDS, "head_name"),
        (HOUSEHOLDS, "address"),
        (HOUSEHOLDS, "phone"),
        (HOUSEHOLDS, "members"),
        (PATROLS, "kind"),
        (PATROLS, "place"),
        (PATROLS, "findings"),
        (PATROLS, "measures"),
        (PATROLS, "fire_count"),
    ],
)
def test_a_sort_of_a_long_list_reads_an_index_and_never_sorts_the_table(
    db: Database, kind: Any, key: str
) -> None:
    query, columns = records._sort_columns(kind, key, select(kind.model.id))
    query = records.filtered_query(kind, ListFilter(), query)
    query = query.order_by(*(c.desc() for c in [*columns, kind.model.id]))
    plan = _plan(db, str(query.compile(db.engine, compile_kwargs={"literal_binds": True})))
    assert "COVERING INDEX" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize("kind", [HOUSEHOLDS, PATROLS])
def test_a_text_search_reads_the_table_in_order_not_row_by_row_through_an_index(
    db: Database, kind: Any
) -> None:
    """A search scans every row: straight through the table (or the patrols' date order), never
    through a sort index, which SQLite would otherwise pick for any query over live rows."""
    query, columns = records._sort_columns(kind, kind.default_sort, select(kind.model.id))
    query = records.filtered_query(kind, ListFilter(text="武"), query).order_by(*columns, kind.model.id)
    plan = _plan(db, str(query.compile(db.engine, compile_kwargs={"literal_binds": True})))
    table = kind.model.__tablename__
    scan = next(step for step in plan.split(" | ") if step.startswith(f"SCAN {table}"))
    assert scan in (f"SCAN {table}", f"SCAN {table} USING INDEX ix_patrols_live_date"), plan


def _sql_order(db: Database, kind: Any, key: str, flt: ListFilter, descending: bool) -> list[int]:
    """The order ORDER BY gives: the target's key, the target, the record (the definition)."""
    f = kind.field(key)
    model, ref = kind.model, f.ref
    target = aliased(ref.model)
    order = getattr(target, ref.sort_attr) if ref.sort_attr else records._text_order(target, ref.label_attr)
    query = records.filtered_query(kind, flt, select(model.id)).outerjoin(
        target, getattr(model, ref.id_attr) == target.id
    )
    columns = [order, target.id, model.id]
    query = query.order_by(*(c.desc() if descending else c for c in columns))
    with db.engine.connect() as conn:
        return list(conn.scalars(query))


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("key", ["village", "grid", "group"])
def test_a_sort_by_a_referenced_name_walks_the_targets_in_the_order_sql_gives(
    db: Database, key: str, descending: bool
) -> None:
    town = build_town(db)
    records.create(db, GRIDS, {"name": "东沟村安家网格", "village": "东沟村"})  # an: before 第一
    _households(db, ["张伟", "李娜"], village="西岭村", grid="西岭村第一网格", group="二组")
    _households(db, ["王芳", "白云"], village="东沟村", grid="东沟村安家网格", group="十组")
    _households(db, ["赵敏"], village="东沟村", grid="东沟村第一网格", group="二组")
    _households(db, ["阿强", "艾敏"], village="城关社区")  # no grid, no 组: first (last descending)
    gone = _households(db, ["钱多"], village="东沟村", grid="东沟村第一网格")
    records.soft_delete(db, HOUSEHOLDS, [gone["钱多"]])
    field = HOUSEHOLDS.field(key)
    assert field.type is FieldType.REF and records._walks_targets(HOUSEHOLDS, field)

    for flt in (
        ListFilter(),
        ListFilter(text="李"),
        ListFilter(village_id=town.east),
        ListFilter(include_deleted=True),
    ):
        walked = records.list_ids(db, HOUSEHOLDS, flt, key, descending)
        assert walked == _sql_order(db, HOUSEHOLDS, key, flt, descending), (flt, _names(db, walked))
    grids = _names(db, records.list_ids(db, HOUSEHOLDS, sort_key="grid"))
    assert grids == ["阿强", "艾敏", "王芳", "白云", "赵敏", "张伟", "李娜"]  # 安家 < 第一; 东沟 < 西岭


def test_the_patrol_list_by_grid_puts_patrols_without_a_grid_first(db: Database) -> None:
    build_town(db)
    for village, grid, place in (
        ("西岭村", "西岭村第一网格", "西岭"),
        ("东沟村", "", "东沟无网格"),
        ("东沟村", "东沟村第一网格", "东沟"),
    ):
        records.create(
            db,
            PATROLS,
            {"date": "2026-11-02", "village": village, "grid": grid, "kind": "禁烧巡查", "place": place},
        )
    ids = records.list_ids(db, PATROLS, sort_key="grid")
    place_of = {p.id: p.place for p in records.fetch(db, PATROLS, ids).values()}
    assert [place_of[i] for i in ids] == ["东沟无网格", "东沟", "西岭"]
    assert records.list_ids(db, PATROLS, sort_key="grid", descending=True) == ids[::-1]


# -- revision 0013 ----------------------------------------------------------------------------------

_STAMP = "'2024-01-01', '2024-01-01', '', '', ''"


def _file_at_0012(path: Path) -> None:
    """A data file as revision 0012 left it: households, a grid and patrols, no sort keys."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        migrate.upgrade(conn, "0012")
        conn.execute(
            text(
                "INSERT INTO units (id, name, kind, sort_order, active, leader, phone, created_at, updated_at,"
                f" created_by, updated_by, remark) VALUES (1, '东沟村', '村', 1, 1, '', '', {_STAMP})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO grids (id, name, village_id, created_at, updated_at, created_by, updated_by,"
                f" remark) VALUES (1, '东沟村第一网格', 1, {_STAMP})"
            )
        )
        for name in TYPED_ORDER:
            conn.execute(
                text(
                    "INSERT INTO households (head_name, village_id, grid_id, address, phone, created_at,"
                    f" updated_at, created_by, updated_by, remark) VALUES (:n, 1, 1, '', '', {_STAMP})"
                ),
                {"n": name},
            )
        for place in ("赵庄", "阿家湾", "李家沟"):
            conn.execute(
                text(
                    "INSERT INTO patrols (date, start_time, end_time, village_id, kind, place, findings,"
                    " fire_count, measures, created_at, updated_at, created_by, updated_by, remark)"
                    f" VALUES ('2024-03-01', '', '', 1, '禁烧巡查', :p, '', 0, '', {_STAMP})"
                ),
                {"p": place},
            )
    engine.dispose()


def test_revision_0013_fills_the_keys_of_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _file_at_0012(path)
    with Database.open(path, "甲", lock=True) as db:
        assert db.schema_revision() == migrate.head_revision()
        assert _names(db, records.list_ids(db, HOUSEHOLDS, sort_key="head_name")) == PINYIN_ORDER
        patrols = records.fetch(db, PATROLS, records.list_ids(db, PATROLS, sort_key="place"))
        ordered = [patrols[i].place for i in records.list_ids(db, PATROLS, sort_key="place")]
        assert ordered == ["阿家湾", "李家沟", "赵庄"]
        with db.engine.connect() as conn:
            assert conn.scalar(select(Patrol.kind_key).limit(1)) == sort_key("禁烧巡查")
            assert conn.scalar(text("SELECT name_key FROM grids")) == sort_key("东沟村第一网格")
        # Written after the upgrade, a record takes its place among the old ones.
        _households(db, ["艾敏"], village="东沟村")
        assert _names(db, records.list_ids(db, HOUSEHOLDS, sort_key="head_name"))[:3] == [
            "阿强",
            "艾敏",
            "白云",
        ]


def test_the_demo_town_has_every_key(db: Database) -> None:
    """The demo writes its patrols straight through the driver, then fills their keys."""
    from ecodesk.demo import generate

    generate(db, "small", seed=7)
    with db.engine.connect() as conn:
        for table, column in (
            ("patrols", "place_key"),
            ("households", "head_name_key"),
            ("grids", "name_key"),
        ):
            rows, missing = conn.execute(text(f"SELECT count(*), sum({column} IS NULL) FROM {table}")).one()
            assert rows > 0 and not missing, table
    assert records.list_ids(db, UNITS)  # the town is there


def test_revision_0013_goes_down_and_up_again_without_the_programs_sql_functions(tmp_path: Path) -> None:
    """The revision brings its own frozen key function: a bare engine (no ``zh_key``) upgrades too."""
    from alembic import command

    path = tmp_path / "old.db"
    _file_at_0012(path)
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        command.upgrade(migrate.alembic_config(conn), "0013")
        command.downgrade(migrate.alembic_config(conn), "0012")
        columns = [row[1] for row in conn.exec_driver_sql("PRAGMA table_info(households)")]
        assert not [c for c in columns if c.endswith("_key")]
        command.upgrade(migrate.alembic_config(conn), "0013")
        conn.commit()
        keys = [row[0] for row in conn.exec_driver_sql("SELECT head_name_key FROM households ORDER BY id")]
    engine.dispose()
    assert keys == [sort_key(name) for name in TYPED_ORDER]
