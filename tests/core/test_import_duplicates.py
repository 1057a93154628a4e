"""Importing the same roster twice does not double it (issue 21 point 3).

Each kind declares what makes a record the same (``RecordKind.identity``); the import lists every
row that repeats an existing record or an earlier row of the file, and skips it (the default),
updates that record with the cells the sheet fills (audited), or imports it all the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.db.audit import AuditEntry
from ecodesk.models import Household
from ecodesk.services import records
from ecodesk.services.duplicates import same_text
from ecodesk.services.kinds import KINDS
from ecodesk.services.org import ENTERPRISES, HOUSEHOLDS, PEOPLE, UNITS
from ecodesk.services.record_import import (
    ADD_DUPLICATES,
    SKIP_DUPLICATES,
    UPDATE_DUPLICATES,
    import_xlsx,
)
from tests.core.helpers import add_villages, count, household_rows, write_sheet

HEADER = ["户主姓名", "所属村", "门牌/住址", "联系电话"]
ROSTER = [
    HEADER,
    ["张三", "东沟村", "1号", "13800000001"],
    ["李四", "东沟村", "2号", "13800000002"],
    ["王五", "南庄村", "3号", None],
    ["赵六", "南庄村", "4号", "13800000004"],
]


@pytest.fixture
def villages(db: Database) -> dict[str, int]:
    return add_villages(db)


def roster(tmp_path: Path, rows: list[list[object]], name: str = "花名册.xlsx") -> Path:
    return write_sheet(tmp_path / name, rows)


def audit_rows(db: Database, table: str) -> list[AuditEntry]:
    with db.session() as session:
        query = select(AuditEntry).where(AuditEntry.table_name == table).order_by(AuditEntry.id)
        return list(session.scalars(query))


def test_every_kind_declares_an_identity_of_its_own_fields() -> None:
    """A kind's identity names fields it has (a renamed field cannot leave a dead key behind)."""
    for kind in KINDS.values():
        keys = {f.key for f in kind.fields}
        assert set(kind.identity) <= keys, (kind.name, kind.identity)
    assert HOUSEHOLDS.identity == ("head_name", "village", "address")
    assert PEOPLE.identity == ("name", "phone")
    assert ENTERPRISES.identity == ("name", "credit_code")
    assert UNITS.identity == ("name",)
    assert KINDS["bare_land"].identity == ("name", "village")
    assert KINDS["complaints"].identity == ("case_number",)


def test_importing_the_same_roster_twice_skips_every_row_the_second_time(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    path = roster(tmp_path, ROSTER)
    first = import_xlsx(db, HOUSEHOLDS, path)
    assert first.committed and first.rows_ok == 4 and not first.duplicates
    assert first.summary_lines()[-1] == "已导入 4 条农户记录。"

    check = import_xlsx(db, HOUSEHOLDS, path, dry_run=True)
    assert check.ok and check.rows_ok == 0 and check.rows_skipped == 4
    assert check.summary_lines()[-1] == "检查通过：0 条可以导入，将跳过重复 4 条（未写入）。"

    second = import_xlsx(db, HOUSEHOLDS, path)
    assert second.committed and second.on_duplicate == SKIP_DUPLICATES
    assert (second.rows_ok, second.rows_skipped, second.rows_updated) == (0, 4, 0)
    assert count(db, Household) == 4
    lines = second.summary_lines()
    assert (
        "发现 4 行可能重复（与已有记录相同 4 行；按户主姓名、所属村、门牌/住址判断），处理方式：跳过重复。"
        in lines
    )
    assert "第2行“张三 · 东沟村 · 1号”与已有的农户“张三 · 东沟村 · 1号”相同，已跳过。" in lines
    assert lines[-1] == "已导入 0 条农户记录，跳过重复 4 条。"
    assert [d.row for d in second.duplicates] == [2, 3, 4, 5]
    assert all(d.record_id is not None for d in second.duplicates)


def test_a_longer_roster_imports_only_its_new_rows(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    import_xlsx(db, HOUSEHOLDS, roster(tmp_path, ROSTER[:3], "旧.xlsx"))
    report = import_xlsx(db, HOUSEHOLDS, roster(tmp_path, ROSTER, "新.xlsx"))
    assert report.committed and (report.rows_ok, report.rows_skipped) == (2, 2)
    assert report.summary_lines()[-1] == "已导入 2 条农户记录，跳过重复 2 条。"
    assert [r[0] for r in household_rows(db)] == ["张三", "李四", "王五", "赵六"]


def test_update_mode_changes_the_phone_and_writes_one_audit_entry(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    import_xlsx(db, HOUSEHOLDS, roster(tmp_path, ROSTER, "旧.xlsx"))
    before = len(audit_rows(db, "households"))
    changed = [HEADER, ["张三", "东沟村", "1号", "13900009999"], ["李四", "东沟村", "2号", None]]
    report = import_xlsx(db, HOUSEHOLDS, roster(tmp_path, changed, "新.xlsx"), on_duplicate=UPDATE_DUPLICATES)
    assert report.committed and (report.rows_ok, report.rows_updated, report.rows_skipped) == (0, 2, 0)
    assert report.summary_lines()[-1] == "已导入 0 条农户记录，更新已有 2 条。"
    assert "第2行“张三 · 东沟村 · 1号”与已有的农户“张三 · 东沟村 · 1号”相同，已更新该记录。" in (
        report.summary_lines()
    )
    phones = {r[0]: r[4] for r in household_rows(db)}
    assert phones["张三"] == "13900009999"
    assert phones["李四"] == "13800000002"  # an empty cell leaves the stored value alone
    new_entries = audit_rows(db, "households")[before:]
    assert [(e.action, e.field, e.old_value, e.new_value) for e in new_entries] == [
        ("update", "phone", "13800000001", "13900009999")
    ]
    assert new_entries[0].operator == "测试员"


def test_add_mode_imports_the_duplicates_again(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    path = roster(tmp_path, ROSTER)
    import_xlsx(db, HOUSEHOLDS, path)
    report = import_xlsx(db, HOUSEHOLDS, path, on_duplicate=ADD_DUPLICATES)
    assert report.committed and (report.rows_ok, report.rows_skipped) == (4, 0)
    assert len(report.duplicates) == 4
    assert (
        report.summary_lines()[-1] == "已导入 4 条农户记录（其中 4 条与已有记录或表内其他行重复，仍然导入）。"
    )
    assert count(db, Household) == 8


def test_a_roster_that_repeats_a_row_of_its_own(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    rows = [*ROSTER, ["张三", "东沟村", "1号", "13800000001"]]
    path = roster(tmp_path, rows)
    report = import_xlsx(db, HOUSEHOLDS, path)
    assert report.committed and (report.rows_ok, report.rows_skipped) == (4, 1)
    assert "第6行“张三 · 东沟村 · 1号”与本表第2行相同，已跳过。" in report.summary_lines()
    assert "（表内重复 1 行；" in report.summary_lines()[-3]
    assert count(db, Household) == 4


def test_update_mode_within_the_file_fills_the_first_rows_record(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    rows = [HEADER, ["张三", "东沟村", "1号", None], ["张三", "东沟村", "1号", "13800000001"]]
    report = import_xlsx(db, HOUSEHOLDS, roster(tmp_path, rows), on_duplicate=UPDATE_DUPLICATES)
    assert report.committed and (report.rows_ok, report.rows_updated) == (1, 1)
    assert [(r[0], r[4]) for r in household_rows(db)] == [("张三", "13800000001")]


def test_names_spaced_or_full_width_are_the_same(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    import_xlsx(db, HOUSEHOLDS, roster(tmp_path, [HEADER, ["张三", "东沟村", "12号", None]], "旧.xlsx"))
    typed = [HEADER, ["张 三", "东沟村", "１２号", "13800000001"], [" 张三　", "东沟村", "1 2 号", None]]
    report = import_xlsx(db, HOUSEHOLDS, roster(tmp_path, typed, "新.xlsx"), on_duplicate=UPDATE_DUPLICATES)
    assert report.committed and report.rows_updated == 2 and report.rows_ok == 0
    # the stored spelling stays; only the phone was new
    assert [(r[0], r[3], r[4]) for r in household_rows(db)] == [("张三", "12号", "13800000001")]
    assert same_text("ＡＢＣ 有限公司") == same_text("abc有限公司")


def test_a_blank_later_key_field_does_not_tell_records_apart(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    """A roster without 门牌 still finds 张三 of 东沟村; 张三 of 南庄村 is another household."""
    import_xlsx(db, HOUSEHOLDS, roster(tmp_path, ROSTER, "旧.xlsx"))
    rows = [["户主姓名", "所属村"], ["张三", "东沟村"], ["张三", "南庄村"]]
    report = import_xlsx(db, HOUSEHOLDS, roster(tmp_path, rows, "新.xlsx"))
    assert (report.rows_ok, report.rows_skipped) == (1, 1)


def test_a_row_like_two_records_is_skipped_in_update_mode(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    rows = [HEADER, ["张三", "东沟村", "1号", None], ["张三", "东沟村", "9号", None]]
    import_xlsx(db, HOUSEHOLDS, roster(tmp_path, rows, "旧.xlsx"))
    again = [["户主姓名", "所属村", "联系电话"], ["张三", "东沟村", "13800000001"]]
    report = import_xlsx(db, HOUSEHOLDS, roster(tmp_path, again, "新.xlsx"), on_duplicate=UPDATE_DUPLICATES)
    assert report.committed and (report.rows_updated, report.rows_skipped) == (0, 1)
    assert "与 2 条已有农户记录相同" in report.summary_lines()[-2]
    assert report.summary_lines()[-2].endswith("无法确定更新哪一条，跳过。")


def test_a_row_like_a_deleted_record_is_imported_and_the_deleted_one_named(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    path = roster(tmp_path, ROSTER[:2])
    import_xlsx(db, HOUSEHOLDS, path)
    records.soft_delete(db, HOUSEHOLDS, records.list_ids(db, HOUSEHOLDS))
    report = import_xlsx(db, HOUSEHOLDS, path)
    assert report.committed and (report.rows_ok, report.rows_skipped) == (1, 0)
    lines = report.summary_lines()
    assert any(line.startswith("有 1 行与已删除的记录相同：已删除的记录不算重复") for line in lines)
    assert "第2行“张三 · 东沟村 · 1号”与已删除的农户“张三 · 东沟村 · 1号”相同，按新记录导入。" in lines
    assert lines[-1] == "已导入 1 条农户记录。"


def test_update_mode_is_all_or_nothing(tmp_path: Path, db: Database, villages: dict[str, int]) -> None:
    """A bad row anywhere: no update is kept, no audit entry written."""
    import_xlsx(db, HOUSEHOLDS, roster(tmp_path, ROSTER, "旧.xlsx"))
    before = len(audit_rows(db, "households"))
    rows = [HEADER, ["张三", "东沟村", "1号", "13900009999"], ["孙七", "东沟村", "5号", "电话打不通"]]
    report = import_xlsx(db, HOUSEHOLDS, roster(tmp_path, rows, "新.xlsx"), on_duplicate=UPDATE_DUPLICATES)
    assert not report.committed and report.errors
    assert household_rows(db)[0][4] == "13800000001"
    assert len(audit_rows(db, "households")) == before


def test_units_twice_are_skipped_not_refused(tmp_path: Path, db: Database) -> None:
    """Before, the second import of a unit list failed on every row (已有名为…的单位)."""
    path = write_sheet(
        tmp_path / "单位.xlsx", [["单位名称", "类别"], ["东沟村", "村"], ["环保办", "镇属单位"]]
    )
    assert import_xlsx(db, UNITS, path).rows_ok == 2
    report = import_xlsx(db, UNITS, path)
    assert report.committed and (report.rows_ok, report.rows_skipped) == (0, 2)


def test_people_match_on_name_and_phone(tmp_path: Path, db: Database) -> None:
    rows = [["姓名", "联系电话"], ["刘一", "138 0000 0001"], ["刘一", "13800000002"]]
    import_xlsx(db, PEOPLE, write_sheet(tmp_path / "人员.xlsx", rows))
    again = [["姓名", "联系电话"], ["刘一", "13800000001"], ["刘一", "13800000003"]]
    report = import_xlsx(db, PEOPLE, write_sheet(tmp_path / "人员2.xlsx", again))
    assert (report.rows_ok, report.rows_skipped) == (1, 1)


def test_an_unknown_choice_is_refused_in_chinese(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    from ecodesk.errors import EcoDeskError

    with pytest.raises(EcoDeskError, match="重复记录的处理方式只能是"):
        import_xlsx(db, HOUSEHOLDS, roster(tmp_path, ROSTER), on_duplicate="merge")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_cli_on_duplicate_and_its_summary_line(
    tmp_path: Path, db_path: Path, db: Database, villages: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(roster(tmp_path, ROSTER))
    base = ["--db", str(db_path), "import", "households", path]
    code, out, _ = run(capsys, *base)
    assert code == 0 and out.strip().splitlines()[-1] == "已导入 4 条农户记录。"

    code, out, _ = run(capsys, *base, "--dry-run")
    assert code == 0 and out.strip().splitlines()[-1] == "检查通过：0 条可以导入，将跳过重复 4 条（未写入）。"

    code, out, _ = run(capsys, *base)  # skip is the default
    assert code == 0 and out.strip().splitlines()[-1] == "已导入 0 条农户记录，跳过重复 4 条。"
    assert "第5行“赵六 · 南庄村 · 4号”与已有的农户“赵六 · 南庄村 · 4号”相同，已跳过。" in out

    code, out, _ = run(capsys, *base, "--on-duplicate", "update")
    assert code == 0 and out.strip().splitlines()[-1] == "已导入 0 条农户记录，更新已有 4 条。"

    code, out, _ = run(capsys, *base, "--on-duplicate", "add")
    assert code == 0 and "已导入 4 条农户记录（其中 4 条" in out.strip().splitlines()[-1]
    assert count(db, Household) == 8

    code, out, err = run(capsys, *base, "--on-duplicate", "merge")
    assert (
        code != 0
        and "--on-duplicate 只能是 skip（跳过重复）、update（更新已有）或 add（仍然导入）" in out + err
    )
    assert count(db, Household) == 8
