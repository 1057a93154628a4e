"""网格长, a household's or enterprise's 网格, and 组 as records of their village (issue 21 point 5):
revision 0011 on a file with typed 组 names, the 网格长 through the form service, Excel and the
工作台 contacts, a grid of another village refused, 三组/3组/第三组 counted as one 组, and 承诺书
printed by 组 and unsigned only (the PDF read back)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from alembic import command
from pypdf import PdfReader
from sqlalchemy import create_engine, select, text

from ecodesk import dates
from ecodesk.cli import main
from ecodesk.db import Database, migrate
from ecodesk.errors import EcoDeskError, ValidationError
from ecodesk.models.org import VillageGroup
from ecodesk.services import dashboard, letter_print, letters, org, records, settings
from ecodesk.services.org import ENTERPRISES, GRIDS, HOUSEHOLDS, PEOPLE, UNITS
from ecodesk.services.record_export import export_xlsx
from ecodesk.services.record_import import import_xlsx
from tests.core.helpers import Town, build_town, write_sheet

YEAR = 2026
BAN = "禁烧承诺书"


def _problems(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.label: p.reason for p in exc.value.problems}


def _groups(db: Database) -> list[tuple[str, str, int]]:
    """(village, 组, households) of every 组, in village and 组 order."""
    with db.session() as session:
        groups = session.scalars(
            select(VillageGroup).order_by(VillageGroup.village_id, VillageGroup.sort_order)
        )
        return [
            (
                g.village.name,
                g.name,
                records.count(db, HOUSEHOLDS, records.ListFilter(equals=(("group", g.id),))),
            )
            for g in groups
        ]


# -- revision 0011 ----------------------------------------------------------------------------------


def _file_at_0010(path: Path) -> None:
    """A data file as revision 0010 left it: 组 typed into each household, three ways for one group."""
    engine = create_engine(f"sqlite:///{path}")
    stamp = "'2024-01-01', '2024-01-01', '', '', ''"
    with engine.begin() as conn:
        migrate.upgrade(conn, "0010")
        for vid, name in ((1, "东沟村"), (2, "西岭村")):
            conn.execute(
                text(
                    "INSERT INTO units (id, name, kind, sort_order, active, leader, phone, created_at,"
                    f" updated_at, created_by, updated_by, remark) VALUES ({vid}, '{name}', '村', {vid}, 1,"
                    f" '', '', {stamp})"
                )
            )
        for head, village, group in (
            ("张一", 1, "三组"),
            ("张二", 1, "3组"),
            ("张三", 1, "第三组"),
            ("张四", 1, "三组"),
            ("李一", 1, "十一组"),
            ("李二", 1, ""),
            ("王一", 2, "三组"),
        ):
            conn.execute(
                text(
                    "INSERT INTO households (head_name, village_id, group_name, address, phone, created_at,"
                    f" updated_at, created_by, updated_by, remark) VALUES (:h, :v, :g, '', '', {stamp})"
                ),
                {"h": head, "v": village, "g": group},
            )
    engine.dispose()


def test_revision_0011_makes_groups_of_the_typed_names_and_links_households(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _file_at_0010(path)
    with Database.open(path, "甲", lock=True) as db:
        assert db.schema_revision() == migrate.head_revision()
        # 三组, 3组 and 第三组 are one 组, named as most households wrote it; each village has its own.
        assert _groups(db) == [("东沟村", "三组", 4), ("东沟村", "十一组", 1), ("西岭村", "三组", 1)]
        # An edit logged before the revision still reads as the clerk wrote it.
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, operator, action, table_name, record_id, field, old_value,"
                    " new_value) VALUES ('2024-02-01', '甲', 'update', 'households', 2, 'group_name', '三组', '3组')"
                )
            )
        line = records.history_lines(db, HOUSEHOLDS, 2)[0]
        assert (line.label, line.old, line.new) == ("组", "三组", "3组")
        blank = records.get(db, HOUSEHOLDS, 6)
        assert blank.head_name == "李二" and blank.group is None
        assert records.get(db, HOUSEHOLDS, 2).group.name == "三组"  # was “3组”

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0010")
        names = conn.execute(text("SELECT head_name, group_name FROM households ORDER BY id")).all()
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
    engine.dispose()
    assert "village_groups" not in tables
    assert [tuple(r) for r in names] == [
        ("张一", "三组"),
        ("张二", "三组"),
        ("张三", "三组"),
        ("张四", "三组"),
        ("李一", "十一组"),
        ("李二", ""),
        ("王一", "三组"),
    ]


# -- 网格长 -------------------------------------------------------------------------------------------


@pytest.fixture
def town(db: Database) -> Town:
    return build_town(db)


def test_grid_leader_is_a_registered_person_shown_and_listed(db: Database, town: Town) -> None:
    grid = records.update(db, GRIDS, town.east_grid, {"leader": "刘镇长"})
    assert grid.leader.name == "刘镇长"
    assert records.fetch_rows(db, GRIDS, [town.east_grid])[town.east_grid][:4] == (
        "东沟村第一网格",
        "东沟村",
        "刘镇长",
        "张三、李四",
    )
    assert records.list_ids(db, GRIDS, records.ListFilter(text="刘镇长")) == [town.east_grid]
    with pytest.raises(ValidationError) as exc:
        records.update(db, GRIDS, town.west_grid, {"leader": "没登记"})
    assert _problems(exc) == {"网格长": "找不到人员“没登记”"}


def test_grid_leader_survives_export_and_import(db: Database, town: Town, tmp_path: Path) -> None:
    records.update(db, GRIDS, town.east_grid, {"leader": "刘镇长"})
    path = tmp_path / "网格.xlsx"
    export_xlsx(db, GRIDS, path)
    with Database.open(tmp_path / "fresh.db", operator="测试员", create=True) as fresh:
        build_town_without_grids(fresh)
        report = import_xlsx(fresh, GRIDS, path)
        assert report.ok and report.committed, report.summary_lines()
        grids = records.fetch(fresh, GRIDS, records.list_ids(fresh, GRIDS, sort_key="id"))
        assert [
            (g.name, g.leader.name if g.leader else "", [p.name for p in g.members]) for g in grids.values()
        ] == [
            ("东沟村第一网格", "刘镇长", ["张三", "李四"]),
            ("西岭村第一网格", "", ["王五"]),
        ]


def build_town_without_grids(db: Database) -> None:
    for order, (name, kind) in enumerate((("东沟村", "村"), ("西岭村", "村")), start=1):
        records.create(db, UNITS, {"name": name, "kind": kind, "sort_order": order})
    for name, unit in (("张三", "东沟村"), ("李四", "东沟村"), ("王五", "西岭村"), ("刘镇长", "")):
        records.create(db, PEOPLE, {"name": name, "unit": unit})


def test_unregistered_names_are_the_ones_a_form_offers_to_add(db: Database, town: Town) -> None:
    assert org.split_names("张三、新人甲，李四,新人乙") == ["张三", "新人甲", "李四", "新人乙"]
    assert org.unregistered(db, ["张三", "新人甲", "新人甲", " ", "新人乙"]) == ["新人甲", "新人乙"]


def test_silent_villages_list_their_grid_leaders_to_phone(db: Database, town: Town) -> None:
    records.update(db, PEOPLE, town.leader, {"phone": "13900001111"})
    records.update(db, GRIDS, town.east_grid, {"leader": town.leader})
    contacts = {c.village: c for c in dashboard.load(db, date(2026, 12, 4)).silent_contacts}
    assert contacts["东沟村"].grid_leaders == (("刘镇长", "13900001111"),)
    assert contacts["西岭村"].grid_leaders == ()


# -- a household's and an enterprise's 网格 ----------------------------------------------------------


def test_a_household_belongs_to_a_grid_of_its_own_village(db: Database, town: Town) -> None:
    home = records.create(
        db, HOUSEHOLDS, {"head_name": "孙一", "village": "东沟村", "grid": "东沟村第一网格"}
    )
    assert home.grid.name == "东沟村第一网格"
    assert records.fetch_rows(db, HOUSEHOLDS, [home.id])[home.id][3] == "东沟村第一网格"

    with pytest.raises(ValidationError) as exc:
        records.create(db, HOUSEHOLDS, {"head_name": "孙二", "village": "东沟村", "grid": town.west_grid})
    assert _problems(exc) == {"网格": "“西岭村第一网格”是西岭村的网格，不是东沟村的，请选东沟村的网格"}
    with pytest.raises(ValidationError) as exc:
        records.create(db, HOUSEHOLDS, {"head_name": "孙二", "village": "东沟村", "grid": "西岭村第一网格"})
    assert _problems(exc) == {"网格": "“西岭村第一网格”是西岭村的网格，不是东沟村的"}
    # Moving the household to 西岭村 without choosing a 西岭村 grid is refused too.
    with pytest.raises(ValidationError) as exc:
        records.update(db, HOUSEHOLDS, home.id, {"village": "西岭村"})
    assert "是东沟村的网格，不是西岭村的" in _problems(exc)["网格"]


def test_an_enterprise_belongs_to_a_grid_of_its_village(db: Database, town: Town) -> None:
    plant = records.create(
        db, ENTERPRISES, {"name": "恒昌砖厂", "village": "西岭村", "grid": "西岭村第一网格"}
    )
    assert plant.grid_id == town.west_grid
    with pytest.raises(ValidationError) as exc:
        records.create(db, ENTERPRISES, {"name": "东方家具", "village": "西岭村", "grid": town.east_grid})
    assert "是东沟村的网格，不是西岭村的" in _problems(exc)["网格"]
    with pytest.raises(ValidationError) as exc:
        records.create(db, ENTERPRISES, {"name": "无村企业", "grid": "西岭村第一网格"})
    assert _problems(exc) == {"网格": "要先选定村/社区，才能确定是哪个网格"}


def test_grids_and_groups_import_by_name_within_each_village(
    db: Database, town: Town, tmp_path: Path
) -> None:
    rows = [
        ["户主姓名", "村", "组", "网格"],
        ["周一", "东沟村", "三组", "东沟村第一网格"],
        ["周二", "东沟村", "3组", ""],
        ["周三", "西岭村", "第三组", "西岭村第一网格"],
        ["周四", "东沟村", "五组", ""],
    ]
    path = write_sheet(tmp_path / "花名册.xlsx", rows)
    check = import_xlsx(db, HOUSEHOLDS, path, dry_run=True)
    assert check.ok and not check.committed
    assert "导入时将新建 3 个组：东沟村三组、西岭村第三组、东沟村五组。" in check.summary_lines()
    assert _groups(db) == []

    report = import_xlsx(db, HOUSEHOLDS, path)
    assert report.ok and report.committed
    assert "已新建 3 个组：东沟村三组、西岭村第三组、东沟村五组。" in report.summary_lines()
    assert _groups(db) == [("东沟村", "三组", 2), ("东沟村", "五组", 1), ("西岭村", "第三组", 1)]

    again = import_xlsx(
        db, HOUSEHOLDS, write_sheet(tmp_path / "二.xlsx", [rows[0], ["吴一", "东沟村", "第3组", ""]])
    )
    assert again.committed and again.new_groups == []  # 第3组 is 东沟村's 三组
    wrong = write_sheet(tmp_path / "错.xlsx", [rows[0], ["郑一", "东沟村", "一组", "西岭村第一网格"]])
    refused = import_xlsx(db, HOUSEHOLDS, wrong)
    assert not refused.committed and not any("新建" in line for line in refused.summary_lines())
    assert [(e.column, e.reason) for e in refused.errors] == [
        ("网格", "“西岭村第一网格”是西岭村的网格，不是东沟村的")
    ]
    assert [name for _v, name, _n in _groups(db)] == [
        "三组",
        "五组",
        "第三组",
    ]  # no 一组: nothing was written


# -- 组 ----------------------------------------------------------------------------------------------


def test_spellings_of_one_group_are_one_group_and_counted_once(db: Database, town: Town) -> None:
    for head, group in (("甲", "三组"), ("乙", "3组"), ("丙", "第三组"), ("丁", "第3组"), ("戊", "十组")):
        records.create(db, HOUSEHOLDS, {"head_name": head, "village": "东沟村", "group": group})
    assert _groups(db) == [("东沟村", "三组", 4), ("东沟村", "十组", 1)]
    assert org.village_group(db, town.east, "3组") == "三组"
    assert org.village_group(db, town.west, "3组") is None
    letters.generate(db, YEAR, [BAN])
    counts = letters.group_counts(db, YEAR, BAN, town.east)
    assert [(c.group, c.pending) for c in counts] == [("三组", 4), ("十组", 1)]
    # 新增组 in the form asks for a name the village may already have: it is that group.
    three = _group_id(db, town.east, "三组")
    assert org.new_group(db, town.east, "第三组") == three
    assert org.village_records(db, org.GROUP_REF, town.east) == [
        (three, "三组"),
        (_group_id(db, town.east, "十组"), "十组"),
    ]
    with pytest.raises(ValidationError, match="组名不能为空"):
        org.new_group(db, town.east, "  ")


def _group_id(db: Database, village: int, name: str) -> int:
    with db.session() as session:
        found = org.find_group(session, village, name)
        assert found is not None
        return int(found.id)


def test_a_group_of_another_village_is_refused(db: Database, town: Town) -> None:
    records.create(db, HOUSEHOLDS, {"head_name": "甲", "village": "西岭村", "group": "一组"})
    west_one = _group_id(db, town.west, "一组")
    with pytest.raises(ValidationError) as exc:
        records.create(db, HOUSEHOLDS, {"head_name": "乙", "village": "东沟村", "group": west_one})
    assert _problems(exc) == {"组": "“一组”是西岭村的组，不是东沟村的，请选东沟村的组"}


# -- 承诺书 by 组, unsigned only ----------------------------------------------------------------------


@pytest.fixture
def letter_town(db: Database, town: Town) -> Town:
    settings.save(db, town_name="清河镇")
    for head, group in (
        ("甲一", "一组"),
        ("甲二", "一组"),
        ("丙一", "三组"),
        ("丙二", "3组"),
        ("丙三", "第三组"),
    ):
        records.create(db, HOUSEHOLDS, {"head_name": head, "village": "东沟村", "group": group})
    records.create(db, HOUSEHOLDS, {"head_name": "西三", "village": "西岭村", "group": "三组"})
    letters.generate(db, YEAR, [BAN])
    return town


def _footers(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [
            next(line for line in (p.extract_text() or "").splitlines() if "编号" in line) for p in pdf.pages
        ]


def test_letters_print_by_group_and_only_the_unsigned(
    db: Database, letter_town: Town, tmp_path: Path
) -> None:
    out = tmp_path / "三组.pdf"
    result = letter_print.print_batch(db, YEAR, BAN, out, village_id=letter_town.east, groups=["三组"])
    assert result.pages == 3 and len(PdfReader(out).pages) == 3
    footers = _footers(out)
    assert all("东沟村三组" in f for f in footers)
    assert sorted(f.split()[-1] for f in footers) == ["丙一", "丙三", "丙二"]

    rows = letters.list_rows(db, YEAR, BAN, letter_town.east, groups=["三组"])
    letters.mark_signed(db, [r.id for r in rows if r.name == "丙二"])
    pending = letter_print.print_batch(
        db, YEAR, BAN, out, village_id=letter_town.east, groups=["三组"], only_pending=True
    )
    assert pending.pages == 2
    assert sorted(f.split()[-1] for f in _footers(out)) == ["丙一", "丙三"]

    letters.mark_signed(db, [r.id for r in rows])
    with pytest.raises(
        EcoDeskError, match="该村三组2026年度没有需要打印的禁烧承诺书（没有签订对象，或都已签订或作废）"
    ):
        letter_print.print_batch(
            db, YEAR, BAN, out, village_id=letter_town.east, groups=["三组"], only_pending=True
        )


def test_cli_prints_a_group_written_any_way(db: Database, letter_town: Town, tmp_path: Path) -> None:
    path = str(db.path)
    db.close()
    out = tmp_path / "cli.pdf"
    argv = ["--db", path, "-q", "letters", "print", "--kind", BAN, "--year", str(YEAR), "--out", str(out)]
    assert main([*argv, "--village", "东沟村", "--group", "第3组", "--pending"]) == 0
    assert len(PdfReader(out).pages) == 3
    assert main([*argv, "--group", "三组"]) == 1  # a 组 needs its village
    assert main([*argv, "--village", "西岭村", "--group", "一组"]) == 1  # 西岭村 has no 一组


def test_demo_grids_have_leaders_and_households_their_grid_and_group(db: Database, monkeypatch) -> None:
    from ecodesk import demo

    monkeypatch.setattr(dates, "today", lambda: date(2026, 12, 4))
    demo.generate(db, scale="small", seed=7)
    grids = records.fetch(db, GRIDS, records.list_ids(db, GRIDS))
    assert grids and all(g.leader is not None for g in grids.values())
    homes = records.fetch(db, HOUSEHOLDS, records.list_ids(db, HOUSEHOLDS)[:200])
    assert all(h.group is not None and h.group.village_id == h.village_id for h in homes.values())
    assert all(h.grid is not None and h.grid.village_id == h.village_id for h in homes.values())
