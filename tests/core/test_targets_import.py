"""目标指标 import and command line: the monitoring station's monthly sheet as it is sent (merged
titles, units in the headers or in a 单位 row, months written every way, 合计 and 平均 at the bottom),
all or nothing on bad input, re-importing a month, and ``ecodesk targets …`` (status --json's shape,
the Chinese table, the lock)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.errors import EcoDeskError
from ecodesk.services import targets as t

TITLE = "XX县环境空气自动监测站2026年空气质量监测月报"
HEADER = ["月份", "PM₂.₅（μg/m³）", "PM10(ug/m3)", "优良天数\n（天）", "有效监测天数（天）"]
MONTHS = [
    ["1月", 58.4, 96.0, 12, 31],
    ["2026年2月", 49.0, 81.5, 15, 28],
    ["2026-03", 41.2, 77.0, 22, 30],
    [datetime(2026, 4, 1), 33.5, 62.0, 27, 30],
    [5, 28.0, 55.5, 29, 31],
    ["6月", 22.1, 47.0, 30, 30],
]


def station_sheet(
    path: Path,
    months: Sequence[Sequence[Any]] = MONTHS,
    header: Sequence[str] = HEADER,
    unit_row: bool = False,
) -> Path:
    """A sheet as the station sends it: a merged title, a line of who and when, the header, the months,
    a blank line, then 合计 and 平均 rows with formulas."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "月报"
    ws.append([TITLE])
    ws.merge_cells("A1:E1")
    ws.append(["报送单位：XX县生态环境监测站", None, None, "报送日期：2026年7月3日"])
    ws.merge_cells("A2:C2")
    ws.append(list(header))
    if unit_row:
        ws.append(["单位", "μg/m³", "μg/m³", "天", "天"])
    first = ws.max_row + 1
    for month in months:
        ws.append(list(month))
    last = ws.max_row
    ws.append([])
    ws.append(["合计", None, None, f"=SUM(D{first}:D{last})", f"=SUM(E{first}:E{last})"])
    ws.append(["平均", f"=AVERAGE(B{first}:B{last})", f"=AVERAGE(C{first}:C{last})", None, None])
    wb.save(path)
    return path


def air(db: Database, year: int = 2026) -> list[tuple[Any, ...]]:
    return [(m.month, m.pm25, m.pm10, m.good_days, m.valid_days) for m in t.air_months(db, year)]


def test_a_station_sheet_is_read_as_sent(db: Database, tmp_path: Path) -> None:
    result = t.import_monthly(db, station_sheet(tmp_path / "月报.xlsx"))
    assert result.year == 2026 and result.added == (1, 2, 3, 4, 5, 6) and result.replaced == ()
    assert result.skipped == ("第10行（空行）", "第11行（合计）", "第12行（平均）")
    assert "新增6个月" in result.message and "跳过3行" in result.message
    assert air(db) == [tuple([m, *row[1:]]) for m, row in zip(range(1, 7), MONTHS, strict=True)]
    # 优良天数比例 = (12+15+22+27+29+30) ÷ (31+28+30+30+31+30) = 135 ÷ 180 = 75.0%
    table = t.year_table(db, 2026, today=datetime(2026, 7, 10).date())
    good = next(r for r in table.rows if r.indicator.name == "优良天数比例")
    assert good.actual_text == "75.0"


def test_a_unit_row_and_other_header_names_are_understood(db: Database, tmp_path: Path) -> None:
    header = ["月份", "细颗粒物", "可吸入颗粒物", "优良天数", "有效天数"]
    path = station_sheet(tmp_path / "月报.xlsx", MONTHS[:2], header, unit_row=True)
    result = t.import_monthly(db, path)
    assert result.added == (1, 2) and "第4行（单位）" in result.skipped
    assert air(db)[1] == (2, 49.0, 81.5, 15, 28)


def test_months_without_a_year_take_the_given_year(db: Database, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["月份", "PM2.5", "优良天数", "有效监测天数"])  # no title, no year anywhere, no PM10
    ws.append(["1月", 40, 20, 31])
    wb.save(tmp_path / "无年份.xlsx")
    with pytest.raises(EcoDeskError, match="--year"):
        t.import_monthly(db, tmp_path / "无年份.xlsx")
    assert t.import_monthly(db, tmp_path / "无年份.xlsx", 2025).year == 2025
    assert air(db, 2025) == [(1, 40.0, None, 20, 31)]


def test_importing_a_month_again_replaces_it_and_says_so(db: Database, tmp_path: Path) -> None:
    t.import_monthly(db, station_sheet(tmp_path / "一季度.xlsx", MONTHS[:3]))
    corrected = [["3月", 40.0, 75.0, 23, 31], ["4月", 33.5, 62.0, 27, 30]]
    result = t.import_monthly(db, station_sheet(tmp_path / "更正.xlsx", corrected))
    assert result.added == (4,) and result.replaced == (3,)
    assert "替换已有的1个月（3月）" in result.message
    assert air(db)[2] == (3, 40.0, 75.0, 23, 31)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [["1月", 58.4, 96.0, 12, 31], ["1月", 50.0, 90.0, 15, 31]],
            "第6行 月份：1月重复（第5行已有1月），请删去一行后再导入",
        ),
        ([["1月", "暂缺", 96.0, 12, 31]], "第5行 PM2.5：不是数字（“暂缺”）"),
        ([["1月", 58.4, 96.0, "十二", 31]], "第5行 优良天数：不是数字（“十二”）"),
        ([["13月", 58.4, 96.0, 12, 31]], "第5行 月份：月份应在1到12之间（“13月”）"),
        ([["2月", 40.0, 80.0, 29, 29]], "第5行 有效监测天数：不能多于当月天数（2月共28天，收到29）"),
        ([["2月", 40.0, 80.0, 25, 20]], "第5行 优良天数：不能多于有效监测天数（优良25天，有效20天）"),
        ([["2月", -4.0, 80.0, 5, 20]], "第5行 PM2.5：不能为负数"),
        ([["2025年2月", 40.0, 80.0, 5, 20]], "第5行 月份：2025年2月与导入年度2026年不符"),
    ],
)
def test_bad_input_saves_nothing(db: Database, tmp_path: Path, rows: list[list[Any]], message: str) -> None:
    t.set_air_month(db, t.AirMonth(2026, 1, 30.0, 50.0, 28, 31))  # already there before the import
    before = air(db)
    good = [["3月", 41.2, 77.0, 22, 30]]  # row 4, a good month first: it must not be saved either
    with pytest.raises(EcoDeskError) as caught:
        t.import_monthly(db, station_sheet(tmp_path / "坏.xlsx", good + rows), 2026)
    assert str(caught.value) == message
    assert air(db) == before


def test_a_sheet_without_the_columns_is_refused_naming_them(db: Database, tmp_path: Path) -> None:
    path = station_sheet(tmp_path / "缺列.xlsx", MONTHS[:1], ["月份", "PM2.5", "PM10", "备注", "其他"])
    with pytest.raises(EcoDeskError, match="缺少列：优良天数、有效监测天数"):
        t.import_monthly(db, path)
    (tmp_path / "不是表.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(EcoDeskError, match="不是 Excel 工作簿"):
        t.import_monthly(db, tmp_path / "不是表.xlsx")


# -- the command line ---------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], path: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(path), "-q", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_cli_import_then_status_json(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, db_path, "targets", "import", str(station_sheet(tmp_path / "月报.xlsx")))
    assert code == 0 and "已导入2026年" in out and "新增6个月" in out
    code, out, _err = run(capsys, db_path, "targets", "status", "--year", "2026", "--json")
    assert code == 0
    rows = json.loads(out)
    assert isinstance(rows, list) and len(rows) == 9
    for item in rows:
        assert {"name", "unit", "direction", "target", "actual", "met", "status", "months_covered"} <= set(
            item
        )
        assert isinstance(item["met"], bool) and item["direction"] in ("≤", "≥", "=")
    pm25 = next(r for r in rows if r["name"] == "PM2.5年均浓度")
    # (58.4×31 + 49×28 + 41.2×30 + 33.5×30 + 28×31 + 22.1×30) ÷ 180
    # = (1810.4 + 1372 + 1236 + 1005 + 868 + 663) ÷ 180 = 6954.4 ÷ 180 = 38.63… → 38.6
    assert pm25["actual"] == 38.6 and pm25["target"] == 34 and pm25["unit"] == "μg/m³"
    assert pm25["months_covered"] == 6 and pm25["met"] is False


def test_cli_status_table_set_value_and_export(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, db_path, "targets", "set", "PM2.5年均浓度", "--year", "2027", "--target", "32")[0] == 0
    code, out, _err = run(
        capsys, db_path, "targets", "value", "秸秆综合利用率", "--month", "2026-09", "--value", "88"
    )
    assert code == 0 and "2026年9月" in out
    code, out, _err = run(capsys, db_path, "targets", "status", "--year", "2027")
    assert code == 0 and "PM2.5年均浓度" in out and "≤32μg/m³" in out and "状态" in out
    code, out, _err = run(capsys, db_path, "targets", "list", "--year", "2026")
    assert "≤34μg/m³" in out and "有效监测天数加权" in out
    code, _out, err = run(
        capsys, db_path, "targets", "value", "PM2.5年均浓度", "--month", "2026-09", "--value", "30"
    )
    assert code == 1 and "监测站月报" in err
    code, _out, err = run(
        capsys, db_path, "targets", "set", "不存在的指标", "--year", "2026", "--target", "1"
    )
    assert code == 1 and "没有名为“不存在的指标”的目标指标" in err
    out_file = tmp_path / "目标.xlsx"
    assert run(capsys, db_path, "targets", "export", "--year", "2026", "--out", str(out_file))[0] == 0
    ws = openpyxl.load_workbook(out_file).active
    assert ws is not None and ws["B7"].value == "秸秆综合利用率" and ws["L7"].value == 88


def test_cli_import_of_a_bad_sheet_names_the_cell_and_changes_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = station_sheet(tmp_path / "坏.xlsx", [["1月", 58.4, 96.0, 12, 31], ["2月", "暂缺", 81.5, 15, 28]])
    before = _dump(db_path)
    code, _out, err = run(capsys, db_path, "targets", "import", str(path))
    assert code == 1 and err.strip() == "错误：第5行 PM2.5：不是数字（“暂缺”）"
    assert _dump(db_path) == before


def test_cli_writing_commands_wait_for_the_window_reading_ones_do_not(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = station_sheet(tmp_path / "月报.xlsx")
    before = _dump(db_path)
    with Database.open(db_path, operator="窗口", lock=True):
        for argv in (
            ("targets", "import", str(sheet)),
            ("targets", "set", "PM2.5年均浓度", "--year", "2026", "--target", "30"),
            ("targets", "value", "秸秆综合利用率", "--month", "2026-09", "--value", "88"),
        ):
            code, _out, err = run(capsys, db_path, *argv)
            assert code == 1 and "已被另一个 EcoDesk 窗口打开" in err
        assert run(capsys, db_path, "targets", "status", "--json")[0] == 0
    assert _dump(db_path) == before


def _dump(path: Path) -> str:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return "\n".join(
            line for line in conn.iterdump() if "target_" in line or "air_quality" in line or "audit" in line
        )


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("PM₂.₅（μg/m³）", t.PM25),
        ("PM2.5(ug/m3)", t.PM25),
        ("细颗粒物（PM2.5）", t.PM25),
        ("可吸入颗粒物（PM10）", t.PM10),
        ("PM10浓度\n（μg/m³）", t.PM10),
        ("优良天数（天）", t.GOOD),
        ("优良天数比例（%）", None),  # the station's own rate: computed from the days instead
        ("有效天数", t.VALID),
        ("监测天数", t.VALID),
        ("月 份", t.MONTH),
        ("备注", None),
    ],
)
def test_headers_are_recognised_by_name(header: str, key: str | None) -> None:
    assert t.header_key(header) == key


def test_cli_air_enters_replaces_and_clears_one_month(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = ("targets", "air", "--month", "2026-02", "--pm25", "40", "--pm10", "66", "--good", "20", "--valid")
    code, out, _err = run(capsys, db_path, *line, "28")
    assert code == 0 and out.strip() == "已录入2026年2月的空气质量数据"
    code, _out, err = run(capsys, db_path, *line, "29")
    assert code == 1 and "有效监测天数：不能多于当月天数（2月共28天，收到29）" in err
    assert run(capsys, db_path, *line, "27")[1].strip() == "已替换2026年2月的空气质量数据"
    with Database.open(db_path, "甲") as db:
        assert air(db) == [(2, 40.0, 66.0, 20, 27)]
    assert run(capsys, db_path, "targets", "air", "--month", "2026-02", "--clear")[0] == 0
    with Database.open(db_path, "甲") as db:
        assert air(db) == []
