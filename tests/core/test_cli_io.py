"""`ecodesk import` and `ecodesk export`: exit codes, the printed summary, never a traceback."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.models import Household, Unit
from tests.core.helpers import add_villages, clerk_roster, count, household_rows, write_sheet


@pytest.fixture
def villages(db: Database) -> dict[str, int]:
    return add_villages(db)


GOOD = [["户主", "村", "电话"], ["张三", "东沟村", 13800001111], ["李四", "南庄村", None]]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_import_prints_the_summary(
    tmp_path: Path, db_path: Path, db: Database, villages: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx = write_sheet(tmp_path / "花名册.xlsx", GOOD, title="农户花名册", blank_rows=1)
    code, out, _err = run(capsys, "--db", str(db_path), "import", "households", str(xlsx))
    assert code == 0
    assert "第 3 行为表头" in out
    assert out.strip().splitlines()[-1] == "已导入 2 条农户记录。"
    assert [r[:2] for r in household_rows(db)] == [("张三", "东沟村"), ("李四", "南庄村")]


def test_import_with_bad_rows_lists_them_and_writes_nothing(
    tmp_path: Path, db_path: Path, db: Database, villages: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx = write_sheet(tmp_path / "bad.xlsx", [*GOOD, [None, "东沟村", None], ["王五", "北山村", None]])
    code, out, _err = run(capsys, "--db", str(db_path), "import", "households", str(xlsx))
    assert code == 1
    lines = out.strip().splitlines()
    assert "第4行 户主：必须填写" in lines and "找不到 1 个村（社区）：北山村（涉及 1 行）。" in lines
    assert lines[-1] == "有 1 处错误，未导入任何记录。请在 Excel 中改正后重新导入。"
    assert count(db, Household) == 0


def test_dry_run_with_column_mapping(
    tmp_path: Path, db_path: Path, db: Database, villages: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx = write_sheet(tmp_path / "map.xlsx", [["名字", "所在村"], ["张三", "东沟村"]])
    argv = ["--db", str(db_path), "import", "households", str(xlsx), "--dry-run"]
    code, out, _err = run(capsys, *argv)
    assert code == 1 and "缺少必填的列：户主姓名、所属村" in out
    code, out, _err = run(capsys, *argv, "--map", "名字=head_name", "--map", "所在村=所属村")
    assert code == 0 and out.strip().splitlines()[-1] == "检查通过：1 条记录都可以导入（未写入）。"
    assert count(db, Household) == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--map", "户主=house_no"], "农户没有“house_no”这一项"),
        (["--map", "户主"], "--map 应写成 列名=字段"),
        (["--map", "门牌=address"], "表头中没有“门牌”列"),
        (["--sheet", "东沟村"], "没有名为“东沟村”的工作表（有：花名册）"),
    ],
)
def test_bad_options_give_one_line(
    tmp_path: Path,
    db_path: Path,
    villages: dict[str, int],
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    xlsx = write_sheet(tmp_path / "ok.xlsx", GOOD)
    code, _out, err = run(capsys, "--db", str(db_path), "import", "households", str(xlsx), *extra)
    assert code == 1
    assert err.startswith("错误：") and message in err and err.strip().count("\n") == 0


def test_bad_files_and_kinds_give_one_line(
    tmp_path: Path, db_path: Path, villages: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    not_excel = tmp_path / "名单.xlsx"
    not_excel.write_text("户主,村\n", encoding="utf-8")
    cases = [
        (["import", "households", str(not_excel)], "“名单.xlsx”不是 Excel 工作簿"),
        (["import", "households", str(tmp_path / "无.xlsx")], "找不到文件"),
        (["import", "spaceships", str(not_excel)], "没有“spaceships”这类记录"),
    ]
    for argv, message in cases:
        code, _out, err = run(capsys, "--db", str(db_path), *argv)
        assert code == 1 and message in err and err.strip().count("\n") == 0, err


def test_export_and_import_back_through_the_cli(
    tmp_path: Path, db_path: Path, db: Database, villages: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx = write_sheet(tmp_path / "花名册.xlsx", [*GOOD, ["=王五", "东沟村", None]])
    assert run(capsys, "--db", str(db_path), "import", "households", str(xlsx))[0] == 0
    units, households = tmp_path / "单位.xlsx", tmp_path / "农户.xlsx"
    for kind, out_file in (("units", units), ("households", households)):
        code, out, _err = run(capsys, "--db", str(db_path), "export", kind, "--out", str(out_file))
        assert code == 0 and f"到 {out_file}" in out

    fresh = tmp_path / "新电脑.db"
    assert run(capsys, "--db", str(fresh), "init")[0] == 0  # a new data file is made by init, not by import
    assert run(capsys, "--db", str(fresh), "import", "units", str(units))[0] == 0
    code, out, _err = run(capsys, "--db", str(fresh), "import", "households", str(households))
    assert code == 0 and "已导入 3 条农户记录。" in out
    with Database.open(fresh) as copy:
        assert sorted(household_rows(copy)) == sorted(household_rows(db))

    only = tmp_path / "东沟村.xlsx"
    code, out, _err = run(
        capsys, "--db", str(db_path), "export", "households", "--village", "东沟村", "--out", str(only)
    )
    assert code == 0 and "已导出 2 条农户记录" in out
    sheet = openpyxl.load_workbook(only).active
    assert sheet is not None
    assert sheet["A2"].value == "筛选：所属村=东沟村"  # the filter, under the title
    assert [r[:2] for r in sheet.iter_rows(min_row=4, values_only=True)] == [
        ("张三", "东沟村"),
        ("=王五", "东沟村"),
    ]


FIRST_DAY = {
    "东沟村": {"一组": ["张建国", "李秀英"], "二组": ["王福生"]},
    "西岭村": {"一组": ["赵德明"]},
    "南坡村": {"三组": ["刘大山", "孙小梅"]},
    "城关社区": {"一组": ["陈桂兰"]},
}


def test_first_day_import_says_how_to_create_the_villages(
    tmp_path: Path, db_path: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx = clerk_roster(tmp_path / "花名册.xlsx", FIRST_DAY)
    code, out, _err = run(capsys, "--db", str(db_path), "import", "households", str(xlsx))
    assert code == 1
    lines = out.strip().splitlines()
    assert "找不到 4 个村（社区）：东沟村、西岭村、南坡村、城关社区（涉及 7 行）。" in lines
    hint = next(line for line in lines if line.startswith("加 --create-units"))
    assert "可新建这些村（社区）并导入" in hint and "名称以“社区”结尾的建为社区，其余建为村" in hint
    assert not any(line.startswith("第") for line in lines)  # not once per row
    assert count(db, Unit) == 0 and count(db, Household) == 0


def test_create_units_creates_the_villages_and_imports_in_one_go(
    tmp_path: Path, db_path: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx = clerk_roster(tmp_path / "花名册.xlsx", FIRST_DAY)
    argv = ["--db", str(db_path), "import", "households", str(xlsx), "--create-units"]
    code, out, _err = run(capsys, *argv, "--dry-run")
    assert code == 0 and out.strip().splitlines()[-1] == "检查通过：7 条记录都可以导入（未写入）。"
    assert count(db, Unit) == 0
    code, out, _err = run(capsys, *argv)
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[-2:] == [
        "已新建 3 个村：东沟村、西岭村、南坡村；1 个社区：城关社区。",
        "已导入 7 条农户记录。",
    ]
    assert "合并单元格：5 个单元格取了所在合并区域的值（B4:B6、C4:C5、B8:B9、C8:C9）。" in lines
    assert [r[:3] for r in household_rows(db)][:3] == [
        ("张建国", "东沟村", "一组"),
        ("李秀英", "东沟村", "一组"),
        ("王福生", "东沟村", "二组"),
    ]


def test_create_units_with_a_category_and_a_bad_one(
    tmp_path: Path, db_path: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx = clerk_roster(tmp_path / "花名册.xlsx", {"城北": {"一组": ["甲"]}})
    base = ["--db", str(db_path), "import", "households", "--create-units", str(xlsx)]  # flag before the file
    code, _out, err = run(capsys, *base, "--unit-kind", "镇属单位")
    assert code == 1 and "--unit-kind 只能写“村”或“社区”" in err and err.strip().count("\n") == 0
    code, _out, err = run(
        capsys, "--db", str(db_path), "import", "households", str(xlsx), "--unit-kind", "村"
    )
    assert code == 1 and "--unit-kind 要与 --create-units 同用" in err
    code, out, _err = run(capsys, *base, "--unit-kind", "社区")
    assert code == 0 and "已新建 1 个社区：城北。" in out


def test_gaps_hidden_rows_and_a_hidden_sheet_through_the_cli(
    tmp_path: Path, db_path: Path, db: Database, villages: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [["户主", "村"], *[[f"甲{i}", "东沟村"] for i in range(10)], *([[None, None]] * 1_200)]
    rows += [[f"乙{i}", "南庄村"] for i in range(10)]
    gap = write_sheet(tmp_path / "空行.xlsx", rows)
    code, out, _err = run(capsys, "--db", str(db_path), "import", "households", str(gap), "--dry-run")
    assert code == 0 and "检查通过：20 条记录都可以导入（未写入）。" in out
    assert "读取数据 20 行，跳过空行 1200 行（最长的一段是第 12–1211 行）。" in out

    hidden = clerk_roster(
        tmp_path / "隐藏.xlsx",
        {"东沟村": {"一组": ["张三", "李四"]}},
        notes="说明",
        hidden_roster=True,
        hide=[5],
    )
    code, out, _err = run(capsys, "--db", str(db_path), "import", "households", str(hidden))
    assert code == 1
    assert (
        "隐藏的工作表“花名册”中也有农户的表头（第 3 行，认出 5 列）。要导入那张表，请加 --sheet 花名册。"
        in out
    )
    code, out, _err = run(
        capsys, "--db", str(db_path), "import", "households", str(hidden), "--sheet", "“花名册”"
    )  # typed with the quotes of the hint's Chinese text: still found
    assert code == 0 and "其中 1 行在 Excel 中是隐藏的（第 5 行），也已导入。" in out
    assert out.strip().splitlines()[-1] == "已导入 2 条农户记录。"
