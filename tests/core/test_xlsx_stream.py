"""The streaming xlsx writer: what openpyxl reads back is exactly what was written."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from ecodesk.db import Database
from ecodesk.exports.xlsx_stream import column_letter, write_titled_table
from ecodesk.services import records
from ecodesk.services.org import HOUSEHOLDS, UNITS
from ecodesk.services.record_export import export_xlsx
from ecodesk.services.record_import import import_xlsx


def write(path: Path, rows: list[list[object]], headers: tuple[str, ...] = ("甲", "乙", "丙")) -> int:
    return write_titled_table(path, "表", "标题", list(headers), [10.0] * len(headers), rows)


def read_rows(path: Path) -> list[tuple[object, ...]]:
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    return list(ws.iter_rows(min_row=3, values_only=True))


def test_column_letters() -> None:
    assert [column_letter(i) for i in (1, 26, 27, 52, 53, 702, 703)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_values_keep_their_types(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    rows: list[list[object]] = [
        ["文字", 12, 3.5],
        [date(2024, 3, 5), datetime(2024, 3, 5, 14, 30), time(8, 15)],
        [True, Decimal("2.25"), 10**15],
        [None, "", float("nan")],
    ]
    assert write(path, rows) == 4
    got = read_rows(path)
    assert got[0] == ("文字", 12, 3.5)
    assert got[1] == (datetime(2024, 3, 5), datetime(2024, 3, 5, 14, 30), time(8, 15))
    assert got[2] == ("是", 2.25, 10**15)
    assert got[3] == (None, None, "nan")


def test_awkward_text_comes_back_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    awkward = ["  前后空格  ", "多行\n备注", "<b>&amp;</b>", "_x0041_ 不是 A", "控制\x07字符", "𠀀生僻字😀"]
    write(path, [[text] for text in awkward], headers=("备注",))
    got = [row[0] for row in read_rows(path)]
    # A literal "_x0041_" is stored escaped, as Excel does (openpyxl shows the escape; the importer
    # and Excel decode it).
    assert got == [
        "  前后空格  ",
        "多行\n备注",
        "<b>&amp;</b>",
        "_x005F_x0041_ 不是 A",
        "控制字符",
        "𠀀生僻字😀",
    ]


def test_formula_text_is_never_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write(path, [["=1+1", "@SUM(A1)", "#N/A"]])
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    assert [(c.value, c.data_type) for c in ws[3]] == [("=1+1", "s"), ("@SUM(A1)", "s"), ("#N/A", "s")]
    with zipfile.ZipFile(path) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()


def test_a_cancel_leaves_no_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write(path, [["旧文件"]], headers=("甲",))

    def cancel(written: int) -> None:
        raise KeyboardInterrupt  # any exception from the progress callback stops the export

    with pytest.raises(KeyboardInterrupt):
        write_titled_table(
            path, "表", "标题", ["甲"], [10.0], ([str(i)] for i in range(1000)), progress=cancel
        )
    assert read_rows(path) == [("旧文件",)]
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]


def test_empty_table_is_still_a_valid_workbook(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    assert write(path, []) == 0
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    assert ws["A1"].value == "标题" and [c.value for c in ws[2]] == ["甲", "乙", "丙"]


def test_escaped_text_survives_export_and_import(tmp_path: Path, db: Database) -> None:
    odd = "_x0041_户"
    records.create(db, UNITS, {"name": "东沟村", "kind": "村"})
    records.create(db, HOUSEHOLDS, {"head_name": odd, "village": "东沟村"})
    export_xlsx(db, UNITS, tmp_path / "units.xlsx")
    export_xlsx(db, HOUSEHOLDS, tmp_path / "households.xlsx")
    with Database.open(tmp_path / "new.db", create=True) as fresh:
        assert import_xlsx(fresh, UNITS, tmp_path / "units.xlsx").committed
        assert import_xlsx(fresh, HOUSEHOLDS, tmp_path / "households.xlsx").committed
        names = [
            h.head_name
            for h in records.fetch(fresh, HOUSEHOLDS, records.list_ids(fresh, HOUSEHOLDS)).values()
        ]
    assert names == [odd]
