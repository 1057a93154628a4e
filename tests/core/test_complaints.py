"""信访举报: the complainant is masked in lists, exports and PDFs; revealing is deliberate and audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.errors import ValidationError
from ecodesk.services import complaints, records
from ecodesk.services.complaints import COMPLAINTS
from ecodesk.services.org import UNITS
from ecodesk.services.record_export import export_xlsx

NAME, PHONE = "欧阳建国", "13912345678"


@pytest.fixture
def complaint_id(db: Database) -> int:
    records.create(db, UNITS, {"name": "东沟村", "kind": "村"})
    made = records.create(
        db,
        COMPLAINTS,
        {
            "received_date": "2024-07-01",
            "channel": "12369",
            "case_number": "20240701001",
            "complainant_name": NAME,
            "complainant_phone": PHONE,
            "content": "东沟村砖厂夜间粉尘污染严重",
            "village": "东沟村",
            "category": "大气",
            "deadline": "2024-07-16",
        },
    )
    return int(made.id)


def _xlsx_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(
        str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    )


def _pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_masks() -> None:
    assert complaints.mask_name("张三") == "张*"
    assert complaints.mask_name("欧阳建国") == "欧***"
    assert complaints.mask_phone("13912345678") == "139****5678"
    assert complaints.mask_phone("5551234") == "555****1234"
    assert complaints.mask_phone("1234") == "**34"
    assert complaints.mask_name("") == complaints.mask_phone("") == ""


def test_lists_show_the_mask_and_searching_does_not_find_the_complainant(
    db: Database, complaint_id: int
) -> None:
    row = records.fetch_rows(db, COMPLAINTS, [complaint_id])[complaint_id]
    assert "欧***" in row and "139****5678" in row
    assert NAME not in row and PHONE not in row
    assert records.list_ids(db, COMPLAINTS, records.ListFilter(text="欧阳")) == []
    assert records.list_ids(db, COMPLAINTS, records.ListFilter(text="粉尘")) == [complaint_id]


def test_the_form_keeps_the_stored_value_when_the_mask_comes_back(db: Database, complaint_id: int) -> None:
    obj = records.get(db, COMPLAINTS, complaint_id)
    shown = {f.key: records.form_value(f, obj) for f in COMPLAINTS.form_fields}
    assert shown["complainant_name"] == "欧***" and shown["complainant_phone"] == "139****5678"
    records.update(db, COMPLAINTS, complaint_id, {**shown, "handler": "王干事"})
    assert complaints.reveal(db, complaint_id) == complaints.Complainant(NAME, PHONE)
    records.update(db, COMPLAINTS, complaint_id, {"complainant_phone": "13800001111"})  # typed anew: stored
    assert complaints.reveal(db, complaint_id).phone == "13800001111"


def test_excel_and_pdf_never_carry_the_complainant_unless_revealed(
    db: Database, complaint_id: int, tmp_path: Path
) -> None:
    from ecodesk.documents.fonts import resolve_fonts
    from ecodesk.services.record_export import export_kind_pdf

    masked_xlsx = tmp_path / "masked.xlsx"
    export_xlsx(db, COMPLAINTS, masked_xlsx)
    text = _xlsx_text(masked_xlsx)
    assert "欧***" in text and "139****5678" in text
    assert NAME not in text and PHONE not in text
    masked_pdf = tmp_path / "masked.pdf"
    rows, pages = export_kind_pdf(db, COMPLAINTS, masked_pdf, resolve_fonts())
    assert (rows, pages) == (1, 1)
    text = _pdf_text(masked_pdf)
    assert "139****5678" in text and "粉尘污染" in text
    assert NAME not in text and PHONE not in text and "欧阳" not in text
    assert not [e for e in records.history(db, COMPLAINTS, complaint_id) if e.action == "reveal"]

    revealed = tmp_path / "revealed.xlsx"
    assert complaints.export_xlsx(db, revealed, reveal=True, reason="核实举报奖励") == 1
    text = _xlsx_text(revealed)
    assert NAME in text and PHONE in text
    events = [e for e in records.history(db, COMPLAINTS, complaint_id) if e.action == "reveal"]
    assert [(e.operator, e.field, e.new_value) for e in events] == [("测试员", "complainant", "核实举报奖励")]


def test_cli_export_and_print_are_masked(
    db: Database, complaint_id: int, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx, pdf = tmp_path / "c.xlsx", tmp_path / "c.pdf"
    assert main(["--db", str(db_path), "export", "complaints", "--out", str(xlsx)]) == 0
    assert main(["--db", str(db_path), "print", "complaints", "--out", str(pdf)]) == 0
    capsys.readouterr()
    for text in (_xlsx_text(xlsx), _pdf_text(pdf)):
        assert NAME not in text and PHONE not in text


def test_reveal_is_audited_every_time(db: Database, complaint_id: int) -> None:
    assert complaints.reveal(db, complaint_id, "发放举报奖励") == complaints.Complainant(NAME, PHONE)
    complaints.reveal(db, complaint_id)
    assert complaints.reveal_count(db, complaint_id) == 2
    events = [e for e in records.history(db, COMPLAINTS, complaint_id) if e.action == "reveal"]
    assert [e.new_value for e in events] == ["查看举报人信息", "发放举报奖励"]  # newest first
    assert {e.operator for e in events} == {"测试员"}


def test_reply_reward_and_deadline_checks(db: Database, complaint_id: int) -> None:
    with pytest.raises(ValidationError) as exc:
        records.update(db, COMPLAINTS, complaint_id, {"status": "已办结"})
    assert {p.label for p in exc.value.problems} == {"答复日期", "答复内容"}
    with pytest.raises(ValidationError, match="办理时限：不能早于受理日期（2024-07-01）"):
        records.update(db, COMPLAINTS, complaint_id, {"deadline": "2024-06-01"})
    with pytest.raises(ValidationError, match="奖励金额（元）：填写了奖励发放日期，必须填写金额"):
        records.update(db, COMPLAINTS, complaint_id, {"reward_paid_date": "2024-07-20"})
    done = records.update(
        db,
        COMPLAINTS,
        complaint_id,
        {
            "status": "已办结",
            "reply": "已责令停产整改",
            "reply_date": "2024-07-10",
            "satisfaction": "满意",
            "reward_amount": "100",
            "reward_paid_date": "2024-07-20",
        },
    )
    assert (done.reward_amount, done.satisfaction) == (100.0, "满意")
    assert complaints.deadline_state(date(2024, 7, 16), "办理中", date(2024, 7, 17)).value == "已超期"
    assert (
        complaints.deadline_state(date(2024, 7, 16), "已办结", date(2024, 7, 30), date(2024, 7, 10)).value
        == "按期整改"
    )


def test_a_complaint_opens_a_problem_in_one_step(db: Database, complaint_id: int) -> None:
    from ecodesk.services import rectification

    problem = complaints.open_problem(db, complaint_id, place="砖厂")
    assert (problem.source, problem.complaint_id, problem.category) == ("信访举报", complaint_id, "大气")
    assert problem.description == "东沟村砖厂夜间粉尘污染严重"
    assert problem.deadline == date(2024, 7, 16)
    journal = " ".join(n.text for n in rectification.notes(db, problem.id))
    assert "12369" in journal and NAME not in journal and PHONE not in journal


def test_history_shows_the_complainant_masked(db: Database, complaint_id: int) -> None:
    records.update(db, COMPLAINTS, complaint_id, {"complainant_phone": "13800001111"})
    entries = records.history(db, COMPLAINTS, complaint_id)
    text = " ".join(f"{e.field} {e.old_value} {e.new_value}" for e in entries)
    assert "139****5678" in text and "138****1111" in text and "欧***" in text
    assert NAME not in text and PHONE not in text and "13800001111" not in text
