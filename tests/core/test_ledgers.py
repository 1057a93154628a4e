"""挂牌销号 ledgers: kinds declared once over one table, their lifecycle, and a new kind by declaration."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.errors import NotFoundError, ValidationError
from ecodesk.schema import Field, FieldType, RecordKind
from ecodesk.services import kinds, ledgers, records
from ecodesk.services.org import UNITS
from ecodesk.services.record_export import export_fields, export_xlsx
from ecodesk.services.record_import import import_xlsx
from ecodesk.services.records import ListFilter
from tests.core.helpers import write_sheet

NINE = (
    "裸露地块",
    "黑臭水体",
    "散乱污企业",
    "畜禽养殖场",
    "建筑工地扬尘",
    "散煤销售点",
    "燃煤锅炉",
    "吸污车作业报备",
    "巡河记录",
)


@pytest.fixture
def villages(db: Database) -> dict[str, int]:
    ids = {}
    for order, (name, kind) in enumerate((("东沟村", "村"), ("南庄村", "村"), ("环保办", "镇属单位")), 1):
        ids[name] = records.create(db, UNITS, {"name": name, "kind": kind, "sort_order": order}).id
    return ids


@pytest.fixture
def kiln_kind() -> Iterator[RecordKind]:
    """A tenth ledger kind, declared here the way the nine are declared in the service."""
    kind = ledgers.declare(
        "brick_kilns",
        "砖瓦窑",
        (
            Field("kiln_type", "窑型", FieldType.CHOICE, required=True, choices=("轮窑", "隧道窑", "土窑")),
            Field("output", "年产量（万块）", FieldType.INT, min_value=0, aliases=("年产量",)),
            Field("desulfurised", "已安装脱硫设施", FieldType.BOOL, default=False),
        ),
        name_label="窑厂名称",
    )
    kinds.register(kind)
    yield kind
    kinds.unregister("brick_kilns")
    ledgers.forget("brick_kilns")


def test_the_nine_kinds_are_declared_and_registered() -> None:
    assert [k.fixed["kind"] for k in ledgers.LEDGER_KINDS.values()] == list(NINE)
    for kind in ledgers.LEDGER_KINDS.values():
        assert kinds.get_kind(kind.name) is kind
        keys = [f.key for f in kind.fields]
        for shared in ("name", "village", "responsible_unit", "responsible_person", "listed_date"):
            assert shared in keys
        if ledgers.has_lifecycle(kind):  # filings and logs have no 状态 (tests/core/test_ledger_lifecycle.py)
            assert "closed_date" in keys
            assert kind.field("status").choices == ("挂牌", "整治中", "销号")
    six = [f.label for f in ledgers.CONSTRUCTION.fields if f.type is FieldType.BOOL]
    assert six == ["周边围挡", "物料堆放覆盖", "出入车辆清洗", "路面硬化", "湿法作业", "渣土车辆密闭运输"]


def test_kind_fields_live_in_the_json_column_and_list_in_sql(db: Database, villages: dict[str, int]) -> None:
    small = records.create(
        db,
        ledgers.BARE_LAND,
        {
            "name": "东沟村北坡地块",
            "village": "东沟村",
            "area": "800",
            "cover_measure": "防尘网覆盖",
            "listed_date": "2024-03-01",
        },
    )
    big = records.create(
        db,
        ledgers.BARE_LAND,
        {
            "name": "南庄村砖厂地块",
            "village": "南庄村",
            "area": 5200.5,
            "cover_measure": "未覆盖",
            "listed_date": "2024-03-02",
        },
    )
    farm = records.create(
        db,
        ledgers.LIVESTOCK,
        {
            "name": "张建军养猪场",
            "village": "东沟村",
            "species": "生猪",
            "stock": 320,
            "listed_date": "2024-03-03",
        },
    )
    assert small.data == {"area": 800.0, "cover_measure": "防尘网覆盖"}
    assert small.kind == "裸露地块" and farm.kind == "畜禽养殖场" and small.year == 2024
    # Each kind lists only its own entries; sorting and filtering reach into the JSON column.
    assert records.list_ids(db, ledgers.BARE_LAND, sort_key="area", descending=True) == [big.id, small.id]
    assert records.list_ids(db, ledgers.LIVESTOCK) == [farm.id]
    assert records.count(db, ledgers.BARE_LAND) == 2
    uncovered = ListFilter(equals=(("cover_measure", "未覆盖"),))
    assert records.list_ids(db, ledgers.BARE_LAND, uncovered) == [big.id]
    row = records.fetch_rows(db, ledgers.BARE_LAND, [big.id])[big.id]
    labels = [f.label for f in ledgers.BARE_LAND.table_fields]
    assert dict(zip(labels, row, strict=True))["面积（㎡）"] == "5200.5"
    # An entry of another kind is not reachable through this kind.
    with pytest.raises(NotFoundError):
        records.get(db, ledgers.BARE_LAND, farm.id)
    # Clearing a JSON field removes it; choices and numbers are checked as for columns.
    records.update(db, ledgers.BARE_LAND, small.id, {"cover_measure": ""})
    assert records.get(db, ledgers.BARE_LAND, small.id).data == {"area": 800.0}
    with pytest.raises(ValidationError, match="覆盖措施：“盖了”不在可选范围"):
        records.update(db, ledgers.BARE_LAND, small.id, {"cover_measure": "盖了"})
    with pytest.raises(ValidationError, match="存栏量（头/只）：“很多”不是数字"):
        records.create(db, ledgers.LIVESTOCK, {"name": "某场", "stock": "很多", "listed_date": "2024-03-03"})


def test_construction_sites_show_the_six_hundred_percent_score(
    db: Database, villages: dict[str, int]
) -> None:
    site = records.create(
        db,
        ledgers.CONSTRUCTION,
        {
            "name": "安置小区项目",
            "listed_date": "2024-04-01",
            "fence": "是",
            "cover": True,
            "wash": "√",
            "harden": "否",
        },
    )
    score = ledgers.CONSTRUCTION.field("six_score")
    assert records.display_value(score, records.get(db, ledgers.CONSTRUCTION, site.id)) == "3/6"


def _photo(folder: Path, name: str = "整改后.jpg") -> Path:
    path = folder / name
    path.write_bytes(b"\xff\xd8\xff\xe0 photo of " + name.encode())
    return path


def test_the_shared_lifecycle(db: Database, villages: dict[str, int], tmp_path: Path) -> None:
    entry = records.create(
        db, ledgers.BLACK_WATER, {"name": "东沟村坑塘", "village": "东沟村", "listed_date": "2024-03-01"}
    )
    assert entry.status == "挂牌"
    with pytest.raises(ValidationError, match="状态：只能通过“开始整治、销号”改变"):
        records.update(db, ledgers.BLACK_WATER, entry.id, {"status": "销号"})
    with pytest.raises(ValidationError, match="不能早于挂牌日期"):
        ledgers.advance(db, entry.id, "整治中", date(2024, 2, 1))
    started = ledgers.advance(db, entry.id, "整治中", date(2024, 3, 5))
    assert (started.status, started.started_date) == ("整治中", date(2024, 3, 5))
    with pytest.raises(ValidationError, match="黑臭水体“东沟村坑塘”当前为“整治中”，不能改为“挂牌”"):
        ledgers.advance(db, entry.id, "挂牌")
    ledgers.add_file(db, entry.id, _photo(tmp_path), ledgers.PHOTO_AFTER)
    closed = ledgers.advance(
        db, entry.id, "销号", date(2024, 5, 1), verifier="李明", check_note="水体清澈", reason="无"
    )
    assert (closed.status, closed.closed_date) == ("销号", date(2024, 5, 1))
    with pytest.raises(ValidationError, match="已销号的台账不能再改变状态"):
        ledgers.advance(db, entry.id, "整治中")


def test_a_ledger_entry_opens_a_problem_in_one_step(db: Database, villages: dict[str, int]) -> None:
    entry = records.create(
        db,
        ledgers.BLACK_WATER,
        {
            "name": "东沟村坑塘",
            "village": "东沟村",
            "listed_date": "2024-03-01",
            "responsible_unit": "环保办",
            "responsible_person": "李四",
        },
    )
    problem = ledgers.open_problem(db, entry.id, description="水体发黑发臭", found_date=date(2024, 3, 2))
    assert (problem.place, problem.category, problem.ledger_entry_id) == ("东沟村坑塘", "水", entry.id)
    assert problem.responsible_unit is not None and problem.responsible_unit.name == "环保办"
    assert (problem.responsible_person, problem.deadline) == ("李四", date(2024, 3, 17))


def test_a_new_kind_is_only_a_declaration(
    db: Database,
    villages: dict[str, int],
    kiln_kind: RecordKind,
    tmp_path: Path,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The field lists the form and the table are built from.
    form = [f.label for f in kiln_kind.form_fields]
    assert form[:6] == ["窑厂名称", "所在村", "位置", "窑型", "年产量（万块）", "已安装脱硫设施"]
    assert "状态" not in form and "状态" in [f.label for f in kiln_kind.table_fields]
    assert "窑型" in [f.label for f in export_fields(kiln_kind)]
    # Import: headers matched by label and alias, values parsed and checked by the declaration.
    sheet = write_sheet(
        tmp_path / "砖瓦窑.xlsx",
        [
            ["窑厂名称", "村", "窑型", "年产量", "已安装脱硫设施", "挂牌日期"],
            ["东沟村红星砖厂", "东沟村", "轮窑", 3000, "是", "2024-05-06"],
            ["南庄村宏达砖厂", "南庄村", "隧道窑", None, "否", "2024年5月7日"],
        ],
    )
    bad = write_sheet(
        tmp_path / "bad.xlsx", [["窑厂名称", "窑型", "挂牌日期"], ["某窑", "大窑", "2024-05-06"]]
    )
    report = import_xlsx(db, kiln_kind, bad)
    assert [str(e) for e in report.errors] == ["第2行 窑型：“大窑”不在可选范围（轮窑、隧道窑、土窑）内"]
    assert records.count(db, kiln_kind) == 0
    report = import_xlsx(db, kiln_kind, sheet)
    assert report.ok and report.rows_ok == 2
    ids = records.list_ids(db, kiln_kind)
    first = records.get(db, kiln_kind, ids[0])
    assert (first.kind, first.data) == ("砖瓦窑", {"kiln_type": "轮窑", "output": 3000, "desulfurised": True})
    # Export: the kind's own columns with typed cells, read back with openpyxl.
    out = tmp_path / "out.xlsx"
    assert export_xlsx(db, kiln_kind, out) == 2
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    header = [c.value for c in ws[2]]
    row = dict(zip(header, [c.value for c in ws[3]], strict=True))
    assert row["窑厂名称"] == "东沟村红星砖厂" and row["窑型"] == "轮窑" and row["年产量（万块）"] == 3000
    assert row["已安装脱硫设施"] == "是" and row["状态"] == "挂牌"
    # …and the generic command line knows it by name.
    assert main(["--db", str(db_path), "export", "brick_kilns", "--out", str(tmp_path / "cli.xlsx")]) == 0
    assert "已导出 2 条砖瓦窑记录" in capsys.readouterr().out


def test_every_ledger_kind_exports_and_imports_from_the_command_line(
    db: Database, villages: dict[str, int], db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records.create(
        db,
        ledgers.SUCTION_TRUCKS,
        {
            "name": "东沟村化粪池清掏",
            "plate": "晋D·12345",
            "listed_date": "2024-06-01",
            "volume": 6,
        },
    )
    out = tmp_path / "吸污车.xlsx"
    assert main(["--db", str(db_path), "export", "suction_trucks", "--out", str(out)]) == 0
    # The same filing twice is a duplicate (车牌号 + 作业日期 + 吸污地点): imported again only when asked.
    assert main(["--db", str(db_path), "import", "suction_trucks", str(out), "--on-duplicate", "add"]) == 0
    assert "已导入 1 条吸污车作业报备记录" in capsys.readouterr().out
    entries = [
        records.get(db, ledgers.SUCTION_TRUCKS, i) for i in records.list_ids(db, ledgers.SUCTION_TRUCKS)
    ]
    assert [e.data for e in entries] == [{"plate": "晋D·12345", "volume": 6.0}] * 2
    assert [e.listed_date for e in entries] == [date(2024, 6, 1)] * 2


def test_history_names_each_kind_field_that_changed(db: Database, villages: dict[str, int]) -> None:
    import json

    entry = records.create(
        db, ledgers.BARE_LAND, {"name": "北坡地块", "area": 800, "listed_date": "2024-03-01"}
    )
    records.update(db, ledgers.BARE_LAND, entry.id, {"area": 900, "cover_measure": "绿化"})
    entries = records.history(db, ledgers.BARE_LAND, entry.id)
    changes = {(e.field, e.old_value, e.new_value) for e in entries if e.action == "update"}
    assert changes == {("area", "800.0", "900.0"), ("cover_measure", None, "绿化")}
    snapshot = json.loads(next(e.new_value for e in entries if e.action == "insert") or "{}")
    assert snapshot["area"] == 800.0 and snapshot["name"] == "北坡地块" and "data" not in snapshot


def test_closing_needs_its_proof(db: Database, villages: dict[str, int], tmp_path: Path) -> None:
    """销号 without 核查人, 核查情况 or a 整改后 photo is refused, each named; with them it holds."""
    entry = records.create(
        db,
        ledgers.BARE_LAND,
        {"name": "北坡地块", "village": "东沟村", "listed_date": "2024-03-01", "cover_rate": 100},
    )
    with pytest.raises(ValidationError) as refused:
        ledgers.advance(db, entry.id, "销号", date(2024, 3, 1))
    assert {(p.label, p.reason) for p in refused.value.problems} == {
        ("核查人", "销号须填写核查人"),
        ("核查情况", "销号须写明现场核查情况"),
        ("整改后照片", "销号须先添加至少一张整改后照片"),
    }
    assert records.get(db, ledgers.BARE_LAND, entry.id).status == "挂牌"
    ledgers.add_file(db, entry.id, _photo(tmp_path, "整改前.jpg"), ledgers.PHOTO_BEFORE)
    with pytest.raises(ValidationError, match="整改后照片"):
        ledgers.advance(db, entry.id, "销号", verifier="李明", check_note="已全部覆盖")
    ledgers.add_file(db, entry.id, _photo(tmp_path), ledgers.PHOTO_AFTER)
    ledgers.add_file(db, entry.id, _photo(tmp_path, "验收单.pdf"), ledgers.OTHER_FILES)
    closed = ledgers.advance(db, entry.id, "销号", date(2024, 3, 2), verifier="李明", check_note="已全部覆盖")
    assert (closed.status, closed.verifier, closed.check_note) == ("销号", "李明", "已全部覆盖")
    files = ledgers.files(db, entry.id)
    assert [[a.original_name for a in files[role]] for role in ledgers.FILE_ROLES] == [
        ["整改前.jpg"],
        ["整改后.jpg"],
        ["验收单.pdf"],
    ]


@pytest.mark.parametrize(
    ("kind", "values", "shortfall"),
    [
        (ledgers.BARE_LAND, {"cover_rate": 30}, "覆盖率为30%，未达到100%"),
        (ledgers.CONSTRUCTION, {"fence": True, "wet": True}, "六个百分之百仅落实2/6"),
        (ledgers.COAL_BOILERS, {"conversion": "未改造"}, "改造方式为“未改造”"),
        (
            ledgers.LIVESTOCK,
            {"ban_zone": True, "stock": 120, "manure": "沼气池"},
            "位于禁养区，仍存栏120头/只",
        ),
    ],
)
def test_closing_short_of_the_kinds_condition_needs_a_reason(
    db: Database,
    villages: dict[str, int],
    tmp_path: Path,
    kind: RecordKind,
    values: dict[str, object],
    shortfall: str,
) -> None:
    entry = records.create(db, kind, {"name": "某处", "listed_date": "2024-03-01", **values})
    ledgers.add_file(db, entry.id, _photo(tmp_path), ledgers.PHOTO_AFTER)
    assert ledgers.close_warning(db, entry.id).startswith(shortfall)
    with pytest.raises(ValidationError) as refused:
        ledgers.advance(db, entry.id, "销号", verifier="李明", check_note="已整治")
    [problem] = refused.value.problems
    assert problem.label == "未达标原因" and problem.reason.startswith(shortfall)
    closed = ledgers.advance(
        db, entry.id, "销号", verifier="李明", check_note="已整治", reason="县局同意分期整治"
    )
    assert closed.status == "销号"
    assert closed.check_note.startswith("已整治\n（未达标销号：" + shortfall)
    assert closed.check_note.endswith("原因：县局同意分期整治）")


def test_every_kind_declares_a_sensible_close_condition(db: Database, villages: dict[str, int]) -> None:
    met = {
        "bare_land": {"cover_rate": 100},
        "black_water": {"measures": "清淤截污"},
        "scattered_polluters": {"disposal": "关闭淘汰"},
        "livestock_farms": {"manure": "沼气池"},
        "construction_dust": {key: True for key, _label in ledgers.SIX_HUNDRED},
        "coal_shops": {"disposal": "依法取缔"},
        "coal_boilers": {"conversion": "煤改电"},
    }
    for name, kind in ledgers.LEDGER_KINDS.items():
        if name not in met:
            continue  # a log (no 销号), or a kind declared by another test
        entry = records.create(
            db, kind, {"name": f"{kind.label}甲", "listed_date": "2024-03-01", **met[name]}
        )
        assert ledgers.close_warning(db, entry.id) == "", kind.label


def test_a_closed_entry_is_listed_again_with_a_reason(
    db: Database, villages: dict[str, int], tmp_path: Path
) -> None:
    entry = records.create(
        db, ledgers.BARE_LAND, {"name": "北坡地块", "listed_date": "2024-03-01", "cover_rate": 100}
    )
    with pytest.raises(ValidationError, match="未销号，不需重新挂牌"):
        ledgers.reopen(db, entry.id, "复查反弹")
    ledgers.add_file(db, entry.id, _photo(tmp_path), ledgers.PHOTO_AFTER)
    ledgers.advance(db, entry.id, "销号", date(2024, 3, 5), verifier="李明", check_note="已全部覆盖")
    with pytest.raises(ValidationError, match="已销号的台账不能再改变状态，复查发现反弹请用“重新挂牌”"):
        ledgers.advance(db, entry.id, "整治中")
    with pytest.raises(ValidationError, match="重新挂牌原因：必须填写"):
        ledgers.reopen(db, entry.id, "  ")
    with pytest.raises(ValidationError, match="不能早于销号日期"):
        ledgers.reopen(db, entry.id, "复查反弹", date(2024, 3, 4))
    again = ledgers.reopen(db, entry.id, "5月复查防尘网被揭开", date(2024, 5, 10))
    assert (again.status, again.closed_date, again.verifier, again.check_note) == ("挂牌", None, "", "")
    [event] = [
        line for line in records.history_lines(db, ledgers.BARE_LAND, entry.id) if line.action == "reopen"
    ]
    assert event.new == "2024-05-10重新挂牌：5月复查防尘网被揭开"
    lines = records.history_lines(db, ledgers.BARE_LAND, entry.id)
    assert ("核查人", "李明", "") in {(line.label, line.old, line.new) for line in lines}
