"""整改情况通报: problems sorted into the three groups by the stated rules, printed as a 通报; the 整改通知书;
the rectification list as xlsx and PDF; the demo's problems."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.errors import ValidationError
from ecodesk.services import records
from ecodesk.services import rectification as rect
from ecodesk.services import rectification_circular as rc
from ecodesk.services.org import UNITS
from ecodesk.services.rectification_circular import GOOD, SLOW, UNDONE, CircularRules, ProblemFacts, classify

END = date(2024, 10, 31)


def _text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join((page.extract_text() or "").replace("\n", "") for page in pdf.pages)


@pytest.mark.parametrize(
    ("facts", "rules", "expected"),
    [
        (ProblemFacts("已销号", date(2024, 10, 10), date(2024, 10, 9)), CircularRules(), GOOD),
        (ProblemFacts("已整改待核查", date(2024, 10, 10), date(2024, 10, 12)), CircularRules(), SLOW),
        (
            ProblemFacts("已整改待核查", date(2024, 10, 10), date(2024, 10, 12)),
            CircularRules(good_grace_days=2),
            GOOD,
        ),
        (ProblemFacts("整改中", date(2024, 10, 20), None), CircularRules(), SLOW),  # 11 days over
        (ProblemFacts("整改中", date(2024, 10, 20), None), CircularRules(undone_after_days=10), UNDONE),
        (ProblemFacts("待整改", date(2024, 10, 30), None), CircularRules(), UNDONE),
        (ProblemFacts("待整改", date(2024, 11, 5), None), CircularRules(), None),  # not yet due: not listed
        (ProblemFacts("整改中", date(2024, 11, 5), None), CircularRules(include_not_due=True), SLOW),
        # Rectified only after the period: judged as 整改中 at its end (6 days over, then 21 days over).
        (ProblemFacts("已销号", date(2024, 10, 25), date(2024, 11, 2)), CircularRules(), SLOW),
        (ProblemFacts("已销号", date(2024, 10, 10), date(2024, 11, 2)), CircularRules(), UNDONE),
    ],
)
def test_the_rules(facts: ProblemFacts, rules: CircularRules, expected: str | None) -> None:
    assert classify(facts, rules, END) == expected


def test_rules_are_stated_stored_and_checked(db: Database) -> None:
    rules = CircularRules(good_grace_days=3, undone_after_days=20)
    text = "\n".join(rules.describe())
    assert "整改较好：在整改时限后3天内完成整改" in text and "超期超过20天" in text
    assert rc.load_rules(db) == CircularRules()
    rc.save_rules(db, rules)
    assert rc.load_rules(db) == rules
    with pytest.raises(ValidationError, match="超期多少天视为未整改：应为0到365之间的整数"):
        rc.save_rules(db, CircularRules(undone_after_days=-1))
    with pytest.raises(ValidationError, match="整改较好的宽限天数：应为整数"):
        rc.rules_from_mapping({"good_grace_days": "三"})


@pytest.fixture
def period(db: Database) -> dict[str, int]:
    """Four problems of October 2024, one per outcome, with different responsible units."""
    for order, (name, kind) in enumerate(
        (
            ("东沟村", "村"),
            ("南庄村", "村"),
            ("西岭村", "村"),
            ("住建办", "镇属单位"),
            ("水利站", "镇属单位"),
        ),
        1,
    ):
        records.create(db, UNITS, {"name": name, "kind": kind, "sort_order": order})

    def make(place: str, village: str, unit: str, deadline: str, desc: str) -> int:
        return rect.create_problem(
            db,
            {
                "found_date": "2024-10-02",
                "village": village,
                "place": place,
                "description": desc,
                "responsible_unit": unit,
                "deadline": deadline,
            },
        ).id

    good = make("搅拌站", "东沟村", "住建办", "2024-10-15", "物料露天堆放")
    rect.start(db, good, date(2024, 10, 3))
    rect.add_note(db, good, "建设了物料存储车间，厂区内洒水频率符合要求", date(2024, 10, 12))
    rect.mark_rectified(db, good, date(2024, 10, 12))
    rect.close(db, good, "王核查", date(2024, 10, 14))
    slow = make("小区对面工地", "南庄村", "住建办", "2024-10-20", "裸露地面未覆盖")
    rect.start(db, slow, date(2024, 10, 3))
    rect.add_note(db, slow, "部分裸露地面已覆盖防尘网", date(2024, 10, 18))
    undone = make("码头", "西岭村", "水利站", "2024-10-10", "未覆盖防尘网，地面未硬化")
    not_due = make("河道", "西岭村", "水利站", "2024-11-30", "漂浮物")
    return {"good": good, "slow": slow, "undone": undone, "not_due": not_due}


def test_the_circular_groups_units_as_the_rules_say(db: Database, period: dict[str, int]) -> None:
    circular = rc.build_circular(db, date(2024, 10, 1), END)
    assert {g: [line.problem_id for line in lines] for g, lines in circular.lines.items()} == {
        GOOD: [period["good"]],
        SLOW: [period["slow"]],
        UNDONE: [period["undone"]],
    }
    assert (circular.not_due, circular.rectified, circular.closed) == (1, 1, 1)
    assert circular.units(GOOD) == ["住建办"] and circular.units(UNDONE) == ["水利站"]
    good, slow, undone = (circular.lines[g][0].text for g in (GOOD, SLOW, UNDONE))
    assert (
        good == "东沟村搅拌站建设了物料存储车间，厂区内洒水频率符合要求，整改情况较好（责任单位：住建办）。"
    )
    assert (
        slow
        == "南庄村小区对面工地裸露地面未覆盖，部分裸露地面已覆盖防尘网，但尚未整改到位（责任单位：住建办）。"
    )
    assert (
        undone == "西岭村码头未覆盖防尘网，地面未硬化，至今未整改，已超过整改时限21天（责任单位：水利站）。"
    )
    # Tighter rules move the slow one to 未整改 (11 days over, more than 10).
    strict = rc.build_circular(db, date(2024, 10, 1), END, CircularRules(undone_after_days=10))
    assert sorted(line.problem_id for line in strict.lines[UNDONE]) == sorted(
        [period["slow"], period["undone"]]
    )
    assert strict.lines[SLOW] == []
    # A problem rectified before the period is not in it.
    later = rc.build_circular(db, date(2024, 11, 1), date(2024, 11, 30))
    assert period["good"] not in [line.problem_id for lines in later.lines.values() for line in lines]


def test_the_circular_reads_like_a_tongbao(db: Database, period: dict[str, int], tmp_path: Path) -> None:
    circular = rc.build_circular(db, date(2024, 10, 1), END)
    assert rc.circular_subject(circular) == "关于2024年10月生态环境问题整改情况的通报"
    body = rc.circular_body(circular)
    order = [
        "现将有关情况通报如下：",
        "一、整改情况",
        "（一）整改较好的单位",
        "（二）已整改但进度较慢的单位",
        "（三）未整改的单位",
        "二、下一步工作要求",
        "确保在2024年11月15日前整改到位",
    ]
    positions = [body.index(part) for part in order]
    assert positions == sorted(positions)
    out = tmp_path / "通报.pdf"
    result = rc.render_circular(db, date(2024, 10, 1), END, out, today=date(2024, 11, 3))
    assert result.pages >= 1
    text = _text(out)
    for part in (
        "关于2024年10月生态环境问题整改情况",
        "（一）整改较好的单位",
        "（责任单位：住建办）",
        "（三）未整改的单位",
        "（责任单位：水利站）",
        "确保在2024年11月15日前整改到位",
        "2024年11月3日",
    ):
        assert part in text, part


def test_period_names() -> None:
    assert rc.period_name(date(2024, 7, 1), date(2024, 9, 30)) == "2024年第三季度"
    assert rc.period_name(date(2024, 1, 1), date(2024, 12, 31)) == "2024年"
    assert rc.period_name(date(2024, 3, 5), date(2024, 4, 2)) == "2024年3月5日至4月2日"


def test_the_rectification_notice_lists_the_units_open_problems(db: Database, period: dict[str, int]) -> None:
    unit_id = records.list_ids(db, UNITS, records.ListFilter(text="水利站"))[0]
    lines = rc.notice_lines(db, unit_id, today=END)
    assert lines == [
        "西岭村码头未覆盖防尘网，地面未硬化（整改时限2024年10月10日，已超期）",
        "西岭村河道漂浮物（整改时限2024年11月30日）",
    ]
    spec = rc.notice_spec(db, unit_id, today=END)
    assert (spec.kind, spec.recipients) == ("整改通知书", "水利站")
    assert "于2024年11月30日前整改到位" in spec.body  # the latest deadline already given, not earlier


def test_cli_circular_notice_list_pdf_and_xlsx(
    db: Database, period: dict[str, int], db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    circ, notice = tmp_path / "circ.pdf", tmp_path / "notice.pdf"
    assert (
        main(
            [
                "--db",
                str(db_path),
                "doc",
                "circular",
                "rectification",
                "--from",
                "2024-10-01",
                "--to",
                "2024-10-31",
                "--out",
                str(circ),
                "--draft",
            ]
        )
        == 0
    )
    assert "已存入发文登记" in capsys.readouterr().out
    assert "（二）已整改但进度较慢的单位" in _text(circ)
    assert (
        main(
            ["--db", str(db_path), "doc", "notice", "rectification", "--unit", "水利站", "--out", str(notice)]
        )
        == 0
    )
    assert "西岭村码头" in _text(notice)
    assert (
        main(
            [
                "--db",
                str(db_path),
                "doc",
                "notice",
                "rectification",
                "--unit",
                "无此单位",
                "--out",
                str(notice),
            ]
        )
        == 1
    )
    assert "找不到单位“无此单位”" in capsys.readouterr().err
    listing, sheet = tmp_path / "list.pdf", tmp_path / "list.xlsx"
    assert main(["--db", str(db_path), "print", "problems", "--out", str(listing)]) == 0
    text = _text(listing)
    assert "问题整改清单" in text and "西岭村" in text and "已超期" in text
    assert main(["--db", str(db_path), "export", "problems", "--out", str(sheet)]) == 0
    ws = openpyxl.load_workbook(sheet).active
    assert ws is not None and ws.max_row == 2 + 4
    assert (
        main(
            [
                "--db",
                str(db_path),
                "doc",
                "circular",
                "rectification",
                "--from",
                "2024-10-31",
                "--to",
                "2024-10-01",
                "--out",
                str(circ),
            ]
        )
        == 1
    )
    assert "截止日期：不能早于开始日期" in capsys.readouterr().err


def test_demo_problems_have_believable_proportions(db: Database) -> None:
    from ecodesk import demo

    summary = demo.generate(db, scale="small", seed=7)
    assert ("问题", 40, "个") in summary.more
    counts = rect.status_counts(db)
    total = sum(counts[s] for s in ("待整改", "整改中", "已整改待核查", "已销号"))
    assert total == 40
    assert counts["已销号"] > total * 0.5  # most closed
    for kind in ("bare_land", "black_water", "river_patrols"):
        from ecodesk.services.ledgers import LEDGER_KINDS

        assert records.count(db, LEDGER_KINDS[kind]) > 0
    # Every stored row passes the declaration's own checks (dates in order, status consistent).
    for pid in records.list_ids(db, rect.PROBLEMS):
        p = rect.get_problem(db, pid)
        assert p.deadline is None or p.deadline >= p.found_date
        if p.status == "已销号":
            assert (
                p.rectified_date is not None
                and p.closed_date is not None
                and p.closed_date >= p.rectified_date
            )
