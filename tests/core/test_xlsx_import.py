"""Excel import: real rosters written with openpyxl, imported into real SQLite files.

Each test builds the kind of sheet a village office sends (merged title, blank rows, marks on the
headers, numbers for phones, four date styles) or a hostile one, and checks what the clerk would
see: the records in the database, and the row/column/reason of every error.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import event, select

from ecodesk.db import Database
from ecodesk.errors import EcoDeskError
from ecodesk.jobs import Job, JobCancelledError
from ecodesk.models import Household, Person, Unit
from ecodesk.schema import RecordKind
from ecodesk.services import record_import, records
from ecodesk.services.org import ENTERPRISES, HOUSEHOLDS, PEOPLE, UNITS
from ecodesk.services.record_import import RowError, import_xlsx, read_headers
from tests.core.helpers import (
    Inspection,
    add_villages,
    count,
    household_rows,
    inspection_kind,
    write_sheet,
)

# -- helpers ------------------------------------------------------------------------------------


def _patch_sheet(path: Path, change: Any) -> None:
    """Rewrite the first sheet's XML (for files openpyxl cannot make directly, or too slowly)."""
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


@pytest.fixture
def villages(db: Database) -> dict[str, int]:
    return add_villages(db)


@pytest.fixture
def inspections(db: Database) -> RecordKind:
    return inspection_kind(db)


HEADER = ["序号", "户主姓名*", "村\n（社区）", "组", "家庭住址", "手机号", "人口（必填）"]


# -- the header, blank rows and cell values ---------------------------------------------------------


def test_header_below_a_merged_title_and_blank_rows(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    rows = [
        HEADER,
        [1, "张建国", "东沟村", "一组", "东沟村12号", 13800001111.0, 4.0],
        [None, None, None, None, None, None, None],
        [2, " 李秀英 ", "河西社区", "三组", "河西社区3栋", "0371-6512345", 2],
        [3, None, None, None, None, None, None],  # a pre-numbered empty line of the template
        [4, "王　强", "南庄村", None, None, None, None],
    ]
    path = write_sheet(tmp_path / "花名册.xlsx", rows, title="东沟村等农户花名册（2024年）", blank_rows=2)

    report = import_xlsx(db, HOUSEHOLDS, path)

    assert report.ok and report.committed and not report.dry_run
    assert (report.sheet, report.header_row) == ("花名册", 4)
    assert report.mapping == {
        "户主姓名": "head_name",
        "村（社区）": "village",
        "组": "group_name",
        "家庭住址": "address",
        "手机号": "phone",
        "人口": "members",
    }
    assert report.unmapped_headers == ["序号"]
    assert (report.rows_read, report.rows_ok, report.skipped_blank) == (3, 3, 2)
    assert household_rows(db) == [
        ("张建国", "东沟村", "一组", "东沟村12号", "13800001111", 4, ""),
        ("李秀英", "河西社区", "三组", "河西社区3栋", "0371-6512345", 2, ""),
        ("王 强", "南庄村", "", "", "", None, ""),
    ]
    assert report.summary_lines()[-1] == "已导入 3 条农户记录。"


def test_mixed_date_formats(tmp_path: Path, db: Database, inspections: RecordKind) -> None:
    rows = [
        ["地点", "检查日期", "火点数"],
        ["东沟村麦田", datetime(2024, 3, 5, 0, 0), 1],
        ["南庄村路口", date(2024, 3, 6), 0.0],
        ["河西社区", 45358, None],  # an Excel serial in a General cell
        ["北岭", "2024.3.8", None],
        ["西坡", "2024/3/9", None],
        ["东岗", "2024年3月10日", None],
        ["后湾", "2024-03-11", None],
        ["前湾", "20240312", None],
    ]
    report = import_xlsx(db, inspections, write_sheet(tmp_path / "巡查.xlsx", rows))
    assert report.ok, report.summary_lines()
    with db.session() as session:
        got = session.execute(select(Inspection.place, Inspection.visit_date).order_by(Inspection.id)).all()
    assert [d for _p, d in got] == [date(2024, 3, d) for d in range(5, 13)]


def test_bad_dates_are_named_with_their_row_and_column(
    tmp_path: Path, db: Database, inspections: RecordKind
) -> None:
    rows = [["地点", "日期"], ["甲", "2024-02-30"], ["乙", "三月五日"], ["丙", 7]]
    report = import_xlsx(db, inspections, write_sheet(tmp_path / "巡查.xlsx", rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "日期"), (3, "日期"), (4, "日期")]
    assert "2024年2月30日 不存在" in report.errors[0].reason
    assert "不是可识别的日期" in report.errors[1].reason
    assert count(db, Inspection) == 0


# -- all or nothing -----------------------------------------------------------------------------------


def test_bad_rows_import_nothing_and_every_error_is_listed(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    rows = [
        ["户主", "村", "电话", "人口"],
        ["张建国", "东沟村", "13800001111", 3],  # row 2: fine
        [None, "东沟村", None, 2],  # row 3: no name
        ["李四", "北山村", None, "三口"],  # row 4: unknown village and a bad number
        ["王五", "环保办", None, 1],  # row 5: a unit that is not a village
        ["赵六", "北山村", None, None],  # row 6: the same unknown village again
    ]
    report = import_xlsx(db, HOUSEHOLDS, write_sheet(tmp_path / "bad.xlsx", rows))

    assert not report.ok and not report.committed
    assert report.errors == [
        RowError(3, "户主", "必须填写"),
        RowError(4, "村", "找不到村/社区“北山村”"),
        RowError(4, "人口", "“三口”不是数字"),
        RowError(5, "村", "找不到村/社区“环保办”"),
        RowError(6, "村", "找不到村/社区“北山村”"),
    ]
    assert (report.rows_read, report.rows_ok) == (5, 1)
    assert count(db, Household) == 0  # the good row was rolled back too
    lines = report.summary_lines()
    assert "第3行 户主：必须填写" in lines
    assert lines[-1] == "有 5 处错误，未导入任何记录。请在 Excel 中改正后重新导入。"


def test_codec_and_validator_problems_and_error_cells_are_reported(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    rows = [
        ["企业名称", "统一社会信用代码", "联系电话", "所在村"],
        ["甲厂", "91350100M000100Y44", None, "东沟村"],  # wrong check digit (a codec)
        ["乙厂", None, "call me", "东沟村"],  # refused by the kind's validator
        ["丙厂", None, None, "#N/A"],  # an Excel error value
    ]
    report = import_xlsx(db, ENTERPRISES, write_sheet(tmp_path / "bad.xlsx", rows))
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "统一社会信用代码"),
        (3, "联系电话"),
        (4, "所在村"),
    ]
    assert "校验位错误" in report.errors[0].reason
    assert "只能包含数字" in report.errors[1].reason
    assert "错误值 #N/A" in report.errors[2].reason


def test_duplicates_inside_one_file_are_caught(tmp_path: Path, db: Database) -> None:
    rows = [["单位名称", "类别"], ["东沟村", "村"], ["南庄村", "村"], ["东沟村", "村"]]
    report = import_xlsx(db, UNITS, write_sheet(tmp_path / "units.xlsx", rows))
    assert report.errors == [RowError(4, "单位名称", "已有名为“东沟村”的单位")]
    assert count(db, Unit) == 0


def test_dry_run_checks_everything_and_writes_nothing(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    rows = [["户主", "村"], ["张三", "东沟村"], ["李四", "南庄村"]]
    report = import_xlsx(db, HOUSEHOLDS, write_sheet(tmp_path / "ok.xlsx", rows), dry_run=True)
    assert report.ok and report.dry_run and not report.committed
    assert report.rows_ok == 2
    assert report.summary_lines()[-1] == "检查通过：2 条记录都可以导入（未写入）。"
    assert count(db, Household) == 0


# -- column mapping -------------------------------------------------------------------------------


def test_mapping_overrides_and_extends_the_automatic_one(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    rows = [
        ["名字", "村", "电话", "备用电话", "说明"],
        ["张三", "东沟村", "13800001111", "13900002222", "五保户"],
    ]
    path = write_sheet(tmp_path / "map.xlsx", rows)
    mapping = {"名字": "head_name", "备用电话": "联系电话", "说明": "不导入"}

    report = import_xlsx(db, HOUSEHOLDS, path, mapping=mapping)

    assert report.ok, report.summary_lines()
    assert report.mapping == {"名字": "head_name", "村": "village", "备用电话": "phone"}
    assert report.unmapped_headers == ["电话", "说明"]
    assert household_rows(db) == [("张三", "东沟村", "", "", "13900002222", None, "")]


def test_missing_required_column(tmp_path: Path, db: Database, villages: dict[str, int]) -> None:
    rows = [["户主姓名", "组"], ["张三", "一组"]]
    report = import_xlsx(db, HOUSEHOLDS, write_sheet(tmp_path / "novillage.xlsx", rows))
    assert report.missing_required == ["所属村"]
    assert not report.ok and not report.committed
    assert "缺少必填的列：所属村" in "\n".join(report.summary_lines())
    assert count(db, Household) == 0


def test_mapping_errors_are_clear(tmp_path: Path, db: Database, villages: dict[str, int]) -> None:
    path = write_sheet(tmp_path / "map.xlsx", [["户主", "村"], ["张三", "东沟村"]])
    with pytest.raises(EcoDeskError, match=r"农户没有“house_no”这一项。可用的字段：head_name（户主姓名）"):
        import_xlsx(db, HOUSEHOLDS, path, mapping={"户主": "house_no"})
    with pytest.raises(EcoDeskError, match=r"表头中没有“门牌”列"):
        import_xlsx(db, HOUSEHOLDS, path, mapping={"门牌": "address"})
    other = import_xlsx(
        db, HOUSEHOLDS, write_sheet(tmp_path / "other.xlsx", [["某某统计表"], ["甲", "乙"], [1, 2]])
    )
    assert (other.header_row, other.unmapped_headers) == (2, ["甲", "乙"])  # shown, so the clerk can map them
    assert other.missing_required == ["户主姓名", "所属村"] and not other.committed
    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    with pytest.raises(EcoDeskError, match=r"工作表“Sheet”的前 30 行是空的"):
        import_xlsx(db, HOUSEHOLDS, empty)


def test_other_kinds_use_the_same_machinery(tmp_path: Path, db: Database, villages: dict[str, int]) -> None:
    people = [
        ["姓名", "所在单位", "身份/职务", "电话", "在岗"],
        ["郝翔", "东沟村", "网格员、领导小组成员（党委副书记）", 13800001111, "是"],
        ["刘敏", "环保办", "巡查员", None, None],
    ]
    assert import_xlsx(db, PEOPLE, write_sheet(tmp_path / "people.xlsx", people)).ok
    with db.session() as session:
        roles = {p.name: (p.role_text, p.unit.name, p.active) for p in session.scalars(select(Person))}
    assert roles == {
        "郝翔": ("网格员、领导小组成员（党委副书记）", "东沟村", True),
        "刘敏": ("巡查员", "环保办", True),
    }
    firms = [
        ["企业名称", "行业", "标签", "状态", "村"],
        ["鑫源洗煤厂", "洗储煤", "重点企业，散乱污", None, None],
    ]
    report = import_xlsx(db, ENTERPRISES, write_sheet(tmp_path / "firms.xlsx", firms))
    assert report.ok, report.summary_lines()
    firm = records.get(db, ENTERPRISES, records.list_ids(db, ENTERPRISES)[0])
    assert (firm.tags, firm.status, firm.village_id) == (["重点企业", "散乱污"], "正常", None)


def test_each_village_name_is_looked_up_once(tmp_path: Path, db: Database, villages: dict[str, int]) -> None:
    rows = [["户主", "村"]] + [[f"户{i}", ("东沟村", "南庄村", "北山村")[i % 3]] for i in range(600)]
    path = write_sheet(tmp_path / "many.xlsx", rows)
    unit_queries: list[str] = []

    def spy(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM units" in statement:
            unit_queries.append(statement)

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        report = import_xlsx(db, HOUSEHOLDS, path, dry_run=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
    assert len(report.errors) == 200  # every 北山村 row is reported…
    assert len(unit_queries) == 3  # …but each name was looked up once


# -- values that must stay text ----------------------------------------------------------------------


def _store_formula_result(path: Path, cell: str, result: str) -> None:
    """Give a formula cell the cached result Excel would have saved with it."""

    def change(xml: str) -> str:
        # openpyxl writes the empty result as <v/> or, with lxml installed, <v></v>: accept both
        # and any attributes, so the test does not depend on which XML writer made the file.
        pattern = rf'<c r="{cell}"([^>]*)><f>(.*?)</f>(?:<v\s*/>|<v>[^<]*</v>)?</c>'

        def with_result(match: re.Match[str]) -> str:
            attrs = re.sub(r'\s*t="[^"]*"', "", match.group(1))
            return f'<c r="{cell}"{attrs} t="str"><f>{match.group(2)}</f><v>{result}</v></c>'

        xml, found = re.subn(pattern, with_result, xml)
        assert found == 1
        return xml

    _patch_sheet(path, change)


def test_formula_like_text_is_stored_as_plain_text(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    rows = [
        ["户主", "村", "组", "住址", "备注"],
        ["=SUM(A1)", "东沟村", "-1", "+86 街道", "@所有人"],
    ]
    path = write_sheet(tmp_path / "text.xlsx", rows, text_cells=True)
    assert import_xlsx(db, HOUSEHOLDS, path).ok
    assert household_rows(db) == [("=SUM(A1)", "东沟村", "-1", "+86 街道", "", None, "@所有人")]


def test_formula_cells_give_their_saved_result_or_their_text(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    rows = [["户主", "村", "住址"], ["张三", "东沟村", '=A2&"家"'], ["李四", "=B2", '=HYPERLINK("x")']]
    path = write_sheet(tmp_path / "formulas.xlsx", rows)
    _store_formula_result(path, "C2", "张三家")
    _store_formula_result(path, "B3", "东沟村")
    assert import_xlsx(db, HOUSEHOLDS, path).ok
    assert [r[:4] for r in household_rows(db)] == [
        ("张三", "东沟村", "", "张三家"),  # Excel's saved result, as the clerk saw it
        ("李四", "东沟村", "", '=HYPERLINK("x")'),  # never calculated: kept as text, not run
    ]


# -- big and hostile files ----------------------------------------------------------------------------


def test_a_hundred_thousand_blank_rows_finish_quickly(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    path = write_sheet(tmp_path / "blank_tail.xlsx", [["户主", "村"], ["张三", "东沟村"], ["李四", "南庄村"]])
    # Empty and blank-text cells, as Excel saves a formatted range that was cleared; the sheet's
    # <dimension> still says A1:B3, as generated files often lie.
    blank = "".join(
        f'<row r="{n}"><c r="A{n}"/><c r="B{n}" t="inlineStr"><is><t xml:space="preserve">  </t></is></c></row>'
        for n in range(4, 100_004)
    )
    _patch_sheet(path, lambda xml: xml.replace("</sheetData>", blank + "</sheetData>"))

    report = import_xlsx(db, HOUSEHOLDS, path)  # how fast: bench/cases/xlsx.py, never a timed assert
    assert report.ok and report.rows_ok == 2 and report.skipped_blank == 0


def test_a_far_away_cell_does_not_make_a_million_rows(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["户主", "村"])
    ws.append(["张三", "东沟村"])
    ws.cell(row=1_000_000, column=2, value="x")
    path = tmp_path / "far.xlsx"
    wb.save(path)
    report = import_xlsx(db, HOUSEHOLDS, path)
    assert report.rows_ok == 1


def test_too_many_rows_is_refused(
    tmp_path: Path, db: Database, villages: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(record_import, "MAX_DATA_ROWS", 5)
    path = write_sheet(tmp_path / "big.xlsx", [["户主", "村"]] + [[f"户{i}", "东沟村"] for i in range(6)])
    with pytest.raises(EcoDeskError, match="表中数据超过 5 行.*请把表格拆成几个文件"):
        import_xlsx(db, HOUSEHOLDS, path)
    assert count(db, Household) == 0


def _broken_files(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    text = tmp_path / "名单.xlsx"
    text.write_text("户主,村\n张三,东沟村\n", encoding="utf-8")
    yield text, "不是 Excel 工作簿"
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    yield empty, "空文件"
    good = write_sheet(tmp_path / "good.xlsx", [["户主", "村"], ["张三", "东沟村"]])
    cut = tmp_path / "半截.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    yield cut, "已损坏或不完整"
    other_zip = tmp_path / "压缩包.xlsx"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("readme.txt", "hello")
    yield other_zip, "不是 Excel 工作簿"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    locked = tmp_path / "加密.xlsx"
    locked.write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + bytes(512))
    yield locked, "设置了打开密码"
    old = tmp_path / "旧表.xls"
    old.write_bytes(ole + "Workbook".encode("utf-16-le") + bytes(512))
    yield old, "旧版 Excel（.xls）"
    bad_xml = tmp_path / "坏表.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad_xml, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            out.writestr(name, data[: len(data) // 2] if name == "xl/worksheets/sheet1.xml" else data)
    yield bad_xml, "已损坏"
    yield tmp_path / "没有这个文件.xlsx", "找不到文件"


def test_files_that_are_not_workbooks_give_a_clear_message(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    for path, message in _broken_files(tmp_path):
        with pytest.raises(EcoDeskError) as exc:
            import_xlsx(db, HOUSEHOLDS, path)
        assert message in str(exc.value), (path.name, str(exc.value))
        assert path.name in str(exc.value)
    assert count(db, Household) == 0


def test_merged_cells_in_the_data_do_not_crash(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in (["户主", "村", "组"], ["张三", "东沟村", "一组"], ["李四", None, "一组"]):
        ws.append(row)
    ws.merge_cells("B2:B3")  # one village for two households, as clerks lay it out
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    report = import_xlsx(db, HOUSEHOLDS, path)
    assert report.errors == [RowError(3, "村", "必须填写")]


# -- progress and cancel -------------------------------------------------------------------------------


def test_cancel_from_the_progress_callback_writes_nothing(
    tmp_path: Path, db: Database, villages: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(record_import, "FLUSH_EVERY", 50)  # rows reach the database before the cancel
    path = write_sheet(
        tmp_path / "roster.xlsx", [["户主", "村"]] + [[f"户{i}", "东沟村"] for i in range(700)]
    )
    seen: list[tuple[int, int]] = []
    job = Job()

    def progress(done: int, total: int, _message: str) -> None:
        seen.append((done, total))
        if done >= 400:
            job.cancel()

    job.progress = progress
    with pytest.raises(JobCancelledError):
        import_xlsx(db, HOUSEHOLDS, path, job=job)
    assert seen[:3] == [(0, 700), (200, 700), (400, 700)]
    assert count(db, Household) == 0


# -- reading headers for the mapping dialog --------------------------------------------------------------


def test_read_headers_finds_the_sheet_and_the_header_row(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    notes = wb.active
    assert notes is not None
    notes.title = "填表说明"
    notes.append(["请按村填写，不要改动表头。"])
    roster = wb.create_sheet("东沟村")
    roster.append(["东沟村农户花名册"])
    roster.append([])
    roster.append(["序号", " 户主 姓名 ", "村（社区）", None, "备用列*"])
    path = tmp_path / "两个表.xlsx"
    wb.save(path)
    assert read_headers(path) == ("东沟村", 3, ["序号", "户主姓名", "村（社区）", "", "备用列"])
    assert read_headers(path, kind=HOUSEHOLDS)[:2] == ("东沟村", 3)
    assert read_headers(path, "填表说明") == ("填表说明", 1, ["请按村填写，不要改动表头。"])
    with pytest.raises(EcoDeskError, match="没有名为“花名册”的工作表（有：填表说明、东沟村）"):
        read_headers(path, "花名册")
