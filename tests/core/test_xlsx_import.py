"""Excel import: real rosters written with openpyxl, imported into real SQLite files.

Each test builds the kind of sheet a village office sends (merged title, blank rows, marks on the
headers, numbers for phones, four date styles, 村 and 组 merged down their rows, a gap of blank rows,
rows hidden by a filter, the data on a hidden sheet, villages not registered yet) or a hostile one,
and checks what the clerk would see: the records in the database, the summary, and the
row/column/reason of every error.
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
from ecodesk.db.audit import AuditEntry
from ecodesk.errors import EcoDeskError
from ecodesk.exports.xlsx_read import Book, CellRange
from ecodesk.jobs import Job, JobCancelledError
from ecodesk.models import Household, Person, Unit
from ecodesk.models.ledger import LedgerEntry
from ecodesk.schema import RecordKind
from ecodesk.services import record_import, records
from ecodesk.services.ledgers import BARE_LAND
from ecodesk.services.org import ENTERPRISES, HOUSEHOLDS, PEOPLE, UNITS
from ecodesk.services.record_import import BY_NAME, RowError, import_xlsx, preview_xlsx, read_headers
from tests.core.helpers import (
    Inspection,
    add_villages,
    clerk_roster,
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
        "组": "group",
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
    rows = [["地点", "日期"], ["甲", "2024-02-30"], ["乙", "三月五日"], ["丙", 7], ["丁", "2026-03-05T25:00"]]
    report = import_xlsx(db, inspections, write_sheet(tmp_path / "巡查.xlsx", rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "日期"), (3, "日期"), (4, "日期"), (5, "日期")]
    assert "2024年2月30日 不存在" in report.errors[0].reason
    assert "不是可识别的日期" in report.errors[1].reason
    assert str(report.errors[3]) == "第5行 日期：“2026-03-05T25:00”中的时间 25:00 不存在"
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
        RowError(4, "人口", "“三口”不是数字"),
        RowError(5, "村", "找不到村/社区“环保办”（“环保办”是镇属单位，不是村或社区）"),
    ]
    # An unknown village is named once, not on every row (it may be the first day: see below).
    assert [(v.name, v.first_row, v.rows) for v in report.new_villages] == [("北山村", 4, 2)]
    assert (report.rows_read, report.rows_ok) == (5, 2)
    assert count(db, Household) == 0  # the good rows were rolled back too
    assert count(db, Unit) == 4  # and the village tried for 北山村 with them
    lines = report.summary_lines()
    assert "第3行 户主：必须填写" in lines
    assert "找不到 1 个村（社区）：北山村；因有错误，没有新建。" not in lines
    assert "找不到 1 个村（社区）：北山村（涉及 2 行）。" in lines
    assert lines[-1] == "有 3 处错误，未导入任何记录。请在 Excel 中改正后重新导入。"


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
    """A repeated row is skipped and listed by default (issue 21); imported anyway, it is refused."""
    rows = [["单位名称", "类别"], ["东沟村", "村"], ["南庄村", "村"], ["东沟村", "村"]]
    path = write_sheet(tmp_path / "units.xlsx", rows)
    report = import_xlsx(db, UNITS, path, on_duplicate="add")
    assert report.errors == [RowError(4, "单位名称", "已有名为“东沟村”的单位")]
    assert count(db, Unit) == 0
    report = import_xlsx(db, UNITS, path)
    assert report.committed and (report.rows_ok, report.rows_skipped) == (2, 1)
    assert "第4行“东沟村”与本表第2行相同，已跳过。" in report.summary_lines()
    assert count(db, Unit) == 2


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
    assert report.errors == []  # the 200 北山村 rows are not 200 errors…
    assert [(v.name, v.rows) for v in report.new_villages] == [("北山村", 200)]  # …but one missing village
    # Each name was looked up once; 北山村, not found, costs three more: is it another kind of unit,
    # and, tried as a new village (rolled back), the next list position and the unique-name check.
    assert len(unit_queries) == 6


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
    # The stray cell is data (nothing the clerk typed is silently dropped): reported, not imported.
    assert (report.rows_read, report.skipped_blank) == (2, 999_997)
    assert report.errors == [RowError(1_000_000, "户主", "必须填写")]
    assert "跳过空行 999997 行（最长的一段是第 3–999999 行）" in "\n".join(report.summary_lines())
    assert count(db, Household) == 0


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


# -- merged cells, blank gaps, hidden rows and sheets (rosters as clerks lay them out) ---------------

THREE_VILLAGES = {
    "东沟村": {"一组": ["张建国", "李秀英", "王福生"], "二组": ["赵德明", "陈桂兰"]},
    "南庄村": {"三组": ["刘大山", "孙小梅"]},
    "河西社区": {"一组": ["周建华"]},
}


def test_a_village_merged_down_its_households_belongs_to_every_row(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    path = clerk_roster(tmp_path / "花名册.xlsx", THREE_VILLAGES)

    report = import_xlsx(db, HOUSEHOLDS, path)

    assert report.ok and report.committed, report.summary_lines()
    assert report.header_row == 3 and report.rows_read == 8
    assert [r[:3] for r in household_rows(db)] == [
        ("张建国", "东沟村", "一组"),
        ("李秀英", "东沟村", "一组"),
        ("王福生", "东沟村", "一组"),
        ("赵德明", "东沟村", "二组"),
        ("陈桂兰", "东沟村", "二组"),
        ("刘大山", "南庄村", "三组"),
        ("孙小梅", "南庄村", "三组"),
        ("周建华", "河西社区", "一组"),
    ]
    # 村: B4:B8 gives 4 cells, B9:B10 one; 组: C4:C6 two, C7:C8 one, C9:C10 one.
    assert report.merged_cells == 9
    assert report.merged_ranges == ["B4:B8", "C4:C6", "C7:C8", "B9:B10", "C9:C10"]
    assert report.warnings == []
    assert (
        "合并单元格：9 个单元格取了所在合并区域的值（B4:B8、C4:C6、C7:C8、B9:B10、C9:C10）。"
        in report.summary_lines()
    )


def test_a_merged_optional_column_is_not_blank_after_its_first_row(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    """责任单位 is optional: before, the rows under its merge imported blank without a word."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["裸露地块台账（2026年）"])
    ws.merge_cells("A1:E1")
    ws.append(["地块名称", "所在村", "责任单位", "面积（㎡）", "挂牌日期"])
    ws.append(["东沟村砖厂旧址", "东沟村", "环保办", 1200, "2026-03-01"])
    ws.append(["东沟村河滩", None, None, 300, "2026-03-02"])
    ws.append(["南庄村工地", "南庄村", None, 800, "2026-03-03"])
    ws.merge_cells("B3:B4")
    ws.merge_cells("C3:C5")
    path = tmp_path / "裸露地块.xlsx"
    wb.save(path)

    report = import_xlsx(db, BARE_LAND, path)

    assert report.ok and report.committed, report.summary_lines()
    assert report.merged_cells == 3
    with db.session() as session:
        got = session.execute(
            select(LedgerEntry.name, Unit.name)
            .join(Unit, Unit.id == LedgerEntry.responsible_unit_id)
            .order_by(LedgerEntry.id)
        ).all()
    assert [tuple(r) for r in got] == [
        ("东沟村砖厂旧址", "环保办"),
        ("东沟村河滩", "环保办"),
        ("南庄村工地", "环保办"),
    ]


def test_a_horizontal_merge_across_data_cells_is_a_warning(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["户主", "村", "组", "电话", "人口"])
    ws.append(["张三", "东沟村", "一组", "13800001111", 3])
    ws.append(["李四", "东沟村", "二组（电话、人口见上户）", None, None])
    ws.merge_cells("C3:E3")
    ws.append(["备注：以上 2 户"])
    ws.merge_cells("A4:E4")  # a footer typed across the table: data, so reported
    path = tmp_path / "横向.xlsx"
    wb.save(path)

    report = import_xlsx(db, HOUSEHOLDS, path, dry_run=True)

    assert report.warnings == [
        "C3:E3 横向合并，只取了 C3 的值（电话、人口 按空白处理）。",
        "A4:E4 横向合并，只取了 A4 的值（村、组、电话、人口 按空白处理）。",
    ]
    assert report.errors == [RowError(4, "村", "必须填写")]
    lines = report.summary_lines()
    assert lines.index(report.warnings[0]) < lines.index("第4行 村：必须填写")


def test_a_gap_of_blank_rows_does_not_end_the_table(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    first = [[f"甲{i}", "东沟村"] for i in range(10)]
    second = [[f"乙{i}", "南庄村"] for i in range(10)]
    rows = [["户主", "村"], *first, *([[None, None]] * 1_200), *second]
    path = write_sheet(tmp_path / "中间有空行.xlsx", rows)

    check = import_xlsx(db, HOUSEHOLDS, path, dry_run=True)
    assert check.summary_lines()[-1] == "检查通过：20 条记录都可以导入（未写入）。"
    report = import_xlsx(db, HOUSEHOLDS, path)

    assert report.committed and (report.rows_read, report.rows_ok, report.skipped_blank) == (20, 20, 1_200)
    assert "读取数据 20 行，跳过空行 1200 行（最长的一段是第 12–1211 行）。" in report.summary_lines()
    assert len(household_rows(db)) == 20


def test_hidden_rows_are_imported_and_counted(tmp_path: Path, db: Database, villages: dict[str, int]) -> None:
    path = clerk_roster(tmp_path / "筛选过.xlsx", THREE_VILLAGES, hide=[5, 6, 10])

    report = import_xlsx(db, HOUSEHOLDS, path)

    assert report.committed and report.rows_ok == 8
    assert (report.hidden_rows, report.hidden_row_numbers) == (3, [5, 6, 10])
    assert "其中 3 行在 Excel 中是隐藏的（第 5、6、10 行），也已导入。" in report.summary_lines()


def test_data_on_a_hidden_sheet_is_named_and_can_be_chosen(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    path = clerk_roster(tmp_path / "隐藏.xlsx", THREE_VILLAGES, notes="填表说明", hidden_roster=True)

    report = import_xlsx(db, HOUSEHOLDS, path)

    assert report.sheet == "填表说明" and not report.committed
    assert report.missing_required == ["户主姓名", "所属村"]
    assert [(i.name, i.header_row, i.score) for i in report.hidden_sheets] == [("花名册", 3, 5)]
    lines = report.summary_lines(sheet_hint="要导入那张表，请加 --sheet {sheet}。")
    assert (
        "隐藏的工作表“花名册”中也有农户的表头（第 3 行，认出 5 列）。要导入那张表，请加 --sheet 花名册。"
        in lines
    )

    chosen = import_xlsx(db, HOUSEHOLDS, path, sheet="花名册")
    assert chosen.committed and chosen.rows_ok == 8 and chosen.sheet_hidden
    assert chosen.summary_lines()[0] == "导入农户：工作表“花名册”（隐藏的工作表），第 3 行为表头。"

    preview = preview_xlsx(path, HOUSEHOLDS)
    assert [(i.shown_name, i.score) for i in preview.sheets] == [("填表说明", 0), ("花名册（隐藏）", 5)]
    assert preview.sheet == "填表说明" and [i.name for i in preview.hidden_hints] == ["花名册"]


def test_a_hidden_lookup_sheet_is_not_mentioned(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    """A hidden sheet of village names (for a drop-down) names fewer fields than the roster: no note."""
    path = clerk_roster(tmp_path / "下拉.xlsx", THREE_VILLAGES)
    wb = openpyxl.load_workbook(path)
    lookup = wb.create_sheet("村名")
    lookup.append(["村"])
    lookup.append(["东沟村"])
    lookup.sheet_state = "hidden"
    wb.save(path)
    report = import_xlsx(db, HOUSEHOLDS, path)
    assert report.committed and report.sheet == "花名册" and report.hidden_sheets == []


# -- the first day: villages that do not exist yet -----------------------------------------------------

FIRST_DAY = {
    "东沟村": {"一组": ["张建国", "李秀英"]},
    "西岭村": {"二组": ["赵德明"]},
    "南坡村": {"一组": ["刘大山", "孙小梅", "周建华"]},
    "城关社区": {"三组": ["陈桂兰"]},
}


def test_missing_villages_are_listed_once(tmp_path: Path, db: Database) -> None:
    path = clerk_roster(tmp_path / "花名册.xlsx", FIRST_DAY)

    report = import_xlsx(db, HOUSEHOLDS, path)

    assert not report.ok and not report.committed and report.needs_villages
    assert report.errors == []  # not 7 errors, one per row
    assert [(v.name, v.category, v.first_row, v.rows) for v in report.new_villages] == [
        ("东沟村", "村", 4, 2),
        ("西岭村", "村", 6, 1),
        ("南坡村", "村", 7, 3),
        ("城关社区", "社区", 10, 1),
    ]
    lines = report.summary_lines(create_hint="加 --create-units 可新建这些村（社区）并导入。")
    assert lines[-3:] == [
        "找不到 4 个村（社区）：东沟村、西岭村、南坡村、城关社区（涉及 7 行）。",
        "加 --create-units 可新建这些村（社区）并导入。",
        "这些村（社区）有了之后，7 条记录都可以导入；现在未导入任何记录。",
    ]
    assert count(db, Unit) == 0 and count(db, Household) == 0


def test_missing_villages_are_created_with_the_rows_in_one_transaction(tmp_path: Path, db: Database) -> None:
    path = clerk_roster(tmp_path / "花名册.xlsx", FIRST_DAY)

    check = import_xlsx(db, HOUSEHOLDS, path, dry_run=True, create_villages=BY_NAME)
    assert check.ok and not check.committed and count(db, Unit) == 0
    assert check.summary_lines()[-2:] == [
        "导入时将新建 3 个村：东沟村、西岭村、南坡村；1 个社区：城关社区。",
        "检查通过：7 条记录都可以导入（未写入）。",
    ]
    report = import_xlsx(db, HOUSEHOLDS, path, create_villages=BY_NAME)

    assert report.ok and report.committed
    assert report.summary_lines()[-2:] == [
        "已新建 3 个村：东沟村、西岭村、南坡村；1 个社区：城关社区。",
        "已导入 7 条农户记录。",
    ]
    with db.session() as session:
        units = session.execute(select(Unit.name, Unit.kind, Unit.sort_order).order_by(Unit.id)).all()
        audited = session.scalars(
            select(AuditEntry.record_id).where(
                AuditEntry.table_name == "units", AuditEntry.action == "insert"
            )
        ).all()
    assert [tuple(u) for u in units] == [
        ("东沟村", "村", 1),
        ("西岭村", "村", 2),
        ("南坡村", "村", 3),
        ("城关社区", "社区", 4),
    ]
    assert len(set(audited)) == 4  # each new village is in the history like any record
    assert [r[:2] for r in household_rows(db)][-1] == ("陈桂兰", "城关社区")


def test_the_clerk_can_choose_the_category_of_new_villages(tmp_path: Path, db: Database) -> None:
    add_villages(db)  # 东沟村, 南庄村 (sort order 1, 2), 河西社区 (3), 环保办
    path = clerk_roster(tmp_path / "花名册.xlsx", {"东沟村": {"一组": ["甲"]}, "新村社区": {"一组": ["乙"]}})
    report = import_xlsx(db, HOUSEHOLDS, path, create_villages="村")
    assert report.committed and [(v.name, v.category) for v in report.new_villages] == [("新村社区", "村")]
    with db.session() as session:
        assert session.execute(select(Unit.kind, Unit.sort_order).where(Unit.name == "新村社区")).one() == (
            "村",
            4,
        )
    with pytest.raises(EcoDeskError, match="新建村（社区）的类别只能是按名称、村、社区"):
        import_xlsx(db, HOUSEHOLDS, path, create_villages="镇属单位")


def test_a_failed_import_keeps_none_of_the_new_villages(tmp_path: Path, db: Database) -> None:
    path = clerk_roster(tmp_path / "花名册.xlsx", FIRST_DAY)
    wb = openpyxl.load_workbook(path)
    ws = wb["花名册"]
    ws["F6"] = "三口"  # one bad 人口
    wb.save(path)

    report = import_xlsx(db, HOUSEHOLDS, path, create_villages=BY_NAME)

    assert not report.committed and report.errors == [RowError(6, "人口", "“三口”不是数字")]
    assert (
        "找不到 4 个村（社区）：东沟村、西岭村、南坡村、城关社区；因有错误，没有新建。"
        in report.summary_lines()
    )
    assert count(db, Unit) == 0 and count(db, Household) == 0
    with db.session() as session:
        assert session.scalar(select(AuditEntry.id).where(AuditEntry.table_name == "units")) is None


def test_a_name_that_cannot_be_a_village_is_an_error_on_its_row(tmp_path: Path, db: Database) -> None:
    long_name = "村" * 61
    path = write_sheet(tmp_path / "长.xlsx", [["户主", "村"], ["张三", long_name]])
    report = import_xlsx(db, HOUSEHOLDS, path, create_villages=BY_NAME)
    assert report.new_villages == [] and not report.committed
    assert report.errors == [
        RowError(2, "村", f"找不到村/社区“{long_name}”，也不能以此为名新建：不能超过60个字（现有61个）")
    ]
    assert (
        str(report.errors[0])
        == f"第2行 村：找不到村/社区“{'村' * 40}…”，也不能以此为名新建：不能超过60个字（现有61个）"
    )


# -- names in messages -------------------------------------------------------------------------------


def test_a_huge_header_is_cut_in_messages(tmp_path: Path, db: Database, villages: dict[str, int]) -> None:
    huge = "备注说明" * 5_000  # 20,000 characters
    path = write_sheet(tmp_path / "长表头.xlsx", [["户主", "村", huge], ["张三", "东沟村", "x"]])
    report = import_xlsx(db, HOUSEHOLDS, path, dry_run=True)
    assert report.unmapped_headers == [huge]
    lines = report.summary_lines()
    assert f"不导入的列：{huge[:40]}…" in lines
    assert max(len(line) for line in lines) < 200
    with pytest.raises(EcoDeskError) as caught:
        import_xlsx(db, HOUSEHOLDS, path, mapping={huge: "不存在的字段"})
    assert len(str(caught.value)) < 400 and "…" in str(caught.value)
    bad = write_sheet(tmp_path / "长值.xlsx", [["户主", "村", "人口"], ["张三", "东沟村", "多" * 20_000]])
    error = import_xlsx(db, HOUSEHOLDS, bad).errors[0]
    assert str(error) == f"第2行 人口：“{'多' * 40}…”不是数字"


# -- the layout scan (merges, hidden rows, last value) ---------------------------------------------------


def test_the_layout_scan_reads_merges_hidden_rows_and_where_values_end(tmp_path: Path) -> None:
    path = clerk_roster(tmp_path / "花名册.xlsx", THREE_VILLAGES, hide=[5])
    wb = openpyxl.load_workbook(path)
    ws = wb["花名册"]
    for row in range(12, 2_000):  # borders on empty rows below the table, as Excel saves them
        ws.cell(row=row, column=1).border = openpyxl.styles.Border(left=openpyxl.styles.Side(style="thin"))
    wb.save(path)
    with Book(path) as book:
        layout = book.layout(book.worksheets[0])
    assert layout.last_row == 11 and layout.hidden_rows == frozenset({5})  # 8 households from row 4
    assert CellRange.parse("B4:B8") in layout.merges
    assert {r.ref for r in layout.merges} == {"A1:F1", "A2:F2", "B4:B8", "C4:C6", "C7:C8", "B9:B10", "C9:C10"}


def test_a_sheet_the_scan_does_not_understand_is_read_to_the_end(
    tmp_path: Path, db: Database, villages: dict[str, int]
) -> None:
    """Rows without numbers (some generators write them so): the scan says "unknown", all is read."""
    path = write_sheet(tmp_path / "无行号.xlsx", [["户主", "村"], ["张三", "东沟村"], ["李四", "南庄村"]])
    _patch_sheet(path, lambda xml: re.sub(r'<row r="\d+"', "<row", xml))
    with Book(path) as book:
        assert book.layout(book.worksheets[0]).last_row is None
    assert import_xlsx(db, HOUSEHOLDS, path).rows_ok == 2
