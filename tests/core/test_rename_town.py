"""Renaming the town (issue 21.4): every text still naming the old town is found and can be updated in
one audited transaction; what was printed (issued 公文, signed 承诺书, a finalised 考核) keeps its words;
a new 通报 then prints the new name in its red header, signature and 印发机关."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import select

from ecodesk import dates
from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.db.audit import AuditEntry
from ecodesk.models import Document, Household
from ecodesk.models.letter import STATUS_SIGNED, Commitment, LetterTemplate
from ecodesk.services import appraisal, letters, records, rename, reports, settings
from ecodesk.services import documents as docs
from ecodesk.services.org import HOUSEHOLDS
from ecodesk.services.patrols import PATROLS
from tests.core.helpers import build_town

YEAR = 2026
DAY = date(2026, 12, 4)


@pytest.fixture
def town_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """清河镇 with its default organs, an issued and a draft 公文, two edited 承诺书 wordings (one of
    them already signed by a household), and this year's 考核 scheme."""
    monkeypatch.setattr(dates, "today", lambda: DAY)
    settings.save(db, **settings.defaults_for_town("清河镇"), operators=["测试员"])
    build_town(db)
    records.create(db, HOUSEHOLDS, {"head_name": "张建国", "village": "东沟村"})
    issued = docs.create_draft(
        db, {"kind": "通知", "title": "关于秸秆禁烧的通知", "body": "各村要加强巡查。"}
    )
    docs.issue(db, issued.id)
    docs.create_draft(db, {"kind": "通报", "title": "关于清河镇巡查情况的通报", "body": "现通报如下。"})
    for tpl in letters.list_templates(db, YEAR):
        if tpl.kind in ("禁烧承诺书", "门前三包责任书"):
            letters.save_template(
                db,
                tpl.id,
                {
                    "title": tpl.title,
                    "body": tpl.body,
                    "party_a": tpl.party_a,
                    "party_b": "清河镇人民政府（盖章）",
                },
            )
    _signed_letter(db, "禁烧承诺书")
    appraisal.ensure_scheme(db, YEAR)
    return db


def _signed_letter(db: Database, kind: str) -> None:
    """One household's letter of ``kind``, signed on paper (stored as 批量打印 and 标记已签 leave it)."""
    with db.session() as session:
        tpl = session.scalars(
            select(LetterTemplate).where(LetterTemplate.year == YEAR, LetterTemplate.kind == kind)
        ).one()
        household = session.scalars(select(Household.id)).first()
        session.add(
            Commitment(
                template_id=tpl.id,
                kind=kind,
                year=YEAR,
                household_id=household,
                status=STATUS_SIGNED,
                signed_date=DAY,
            )
        )


def _renamed(db: Database) -> None:
    settings.save(db, town_name="柳园镇")


def test_places_name_every_text_with_the_old_name(town_db: Database) -> None:
    _renamed(town_db)
    found = {p.where: (p.before, p.after, p.ticked) for p in rename.places_naming(town_db, "清河镇")}
    assert found["设置 › 发文机关第1行 › 发文机关名称"] == ("清河镇人民政府", "柳园镇人民政府", True)
    assert found["设置 › 发文机关第1行 › 发文机关标志"] == ("清河镇人民政府文件", "柳园镇人民政府文件", True)
    assert found["设置 › 发文机关第1行 › 发文字号前缀"] == ("清镇政字", "柳镇政字", True)
    assert found["设置 › 发文机关第2行 › 发文机关标志"][1] == "柳园镇环境保护办公室文件"
    assert found["设置 › 印发机关"] == ("清河镇党政综合办公室", "柳园镇党政综合办公室", True)
    assert found["考核 › 2026年度考核名称"][1] == "柳园镇2026年度各村（社区）生态环境保护工作考核"
    # the signed 禁烧承诺书 is offered unticked; the unsigned 门前三包责任书 ticked
    assert found["承诺书模板 › 2026年禁烧承诺书 › 右侧落款"] == (
        "清河镇人民政府（盖章）",
        "柳园镇人民政府（盖章）",
        False,
    )
    assert found["承诺书模板 › 2026年门前三包责任书 › 右侧落款"][2] is True
    draft_places = {w for w in found if w.startswith("公文草稿")}
    assert "公文草稿《关于清河镇巡查情况的通报》 › 发文机关署名" in draft_places
    assert "公文草稿《关于清河镇巡查情况的通报》 › 标题" in draft_places
    assert not any("秸秆禁烧的通知" in w for w in found)  # the issued 公文 is not offered
    assert rename.places_naming(town_db, "柳园镇") == []  # nothing names the current town's old self


def test_update_is_one_audited_transaction_and_issued_documents_keep_their_words(town_db: Database) -> None:
    _renamed(town_db)
    applied = rename.apply_naming(town_db, "清河镇")  # the places offered ticked
    assert applied and all(p.ticked for p in applied)
    current = settings.load(town_db)
    assert [o.name for o in current.organ_list()] == ["柳园镇人民政府", "柳园镇环境保护办公室"]
    assert [o.prefix for o in current.organ_list()] == ["柳镇政字", "柳镇环办"]
    assert current.printing_organ == "柳园镇党政综合办公室"
    with town_db.session() as session:
        issued = session.scalars(select(Document).where(Document.sequence.is_not(None))).one()
        draft = session.scalars(select(Document).where(Document.sequence.is_(None))).one()
        assert (issued.organ, issued.organ_mark, issued.signature, issued.number_prefix) == (
            "清河镇人民政府",
            "清河镇人民政府文件",
            "清河镇人民政府",
            "清镇政字",
        )
        assert draft.title == "关于柳园镇巡查情况的通报" and draft.printing_organ == "柳园镇党政综合办公室"
        party_b = dict(session.execute(select(LetterTemplate.kind, LetterTemplate.party_b)).tuples().all())
        assert party_b["禁烧承诺书"] == "清河镇人民政府（盖章）"  # signed on paper: kept
        assert party_b["门前三包责任书"] == "柳园镇人民政府（盖章）"
        log = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    settings_rows = [(e.field, e.operator) for e in log if e.table_name == "settings"]
    assert ("town_name", "测试员") in settings_rows and ("organs", "测试员") in settings_rows
    assert settings_rows.count(("organs", "测试员")) == 1  # one row for the setting, however many cells
    changed = {
        (e.table_name, e.field)
        for e in log
        if e.action == "update" and e.new_value and "柳园镇" in e.new_value
    }
    assert {
        ("documents", "signature"),
        ("letter_templates", "party_b"),
        ("appraisal_schemes", "title"),
    } <= changed


def test_a_failure_halfway_changes_nothing(town_db: Database, db_path: Path) -> None:
    _renamed(town_db)
    with sqlite3.connect(db_path) as conn:  # the draft 公文 refuses any change, as a full disk would
        conn.execute(
            "CREATE TRIGGER refuse BEFORE UPDATE ON documents BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    with pytest.raises(Exception, match="refused"):
        rename.apply_naming(town_db, "清河镇")
    current = settings.load(town_db)
    assert current.printing_organ == "清河镇党政综合办公室"
    assert current.organ_list()[0].mark == "清河镇人民政府文件"
    assert len(rename.places_naming(town_db, "清河镇")) > 10  # all still there to update


def test_only_the_chosen_places_change(town_db: Database) -> None:
    _renamed(town_db)
    rename.apply_naming(town_db, "清河镇", keys=["settings/printing_organ"])
    current = settings.load(town_db)
    assert current.printing_organ == "柳园镇党政综合办公室"
    assert current.organ_list()[0].name == "清河镇人民政府"


def test_a_new_circular_prints_the_new_name_in_header_and_signature(
    town_db: Database, tmp_path: Path
) -> None:
    records.create(
        town_db, PATROLS, {"date": DAY, "village": "东沟村", "kind": "禁烧巡查", "patrollers": "张三"}
    )
    _renamed(town_db)
    rename.apply_naming(town_db, "清河镇")
    out = reports.write_daily(town_db, DAY, tmp_path / "通报.pdf")
    with pdfplumber.open(out) as pdf:
        first = (pdf.pages[0].extract_text() or "").replace("\n", "")
        text = "".join((page.extract_text() or "") for page in pdf.pages).replace("\n", "")
    head = first.split("2026年12月4日，全镇")[0]  # title and issuer (the red 文件 header, or a 信息's line)
    assert "柳园镇环境保护办公室" in head
    assert "柳园镇环境保护办公室" in text.split("四、工作要求")[1]  # the signature after the body
    assert "清河镇" not in text


def test_cli_init_town_on_a_named_file_renames_and_updates(town_db: Database, capsys) -> None:
    path = town_db.path
    town_db.close()
    assert main(["--db", str(path), "init", "--town", "柳园镇"]) == 0
    out = capsys.readouterr().out
    assert "清河镇 → 柳园镇" in out and "柳园镇党政综合办公室" in out
    assert "禁烧承诺书" in out and "未改" in out  # the signed wording is named as left alone
    reopened = Database.open(path)
    try:
        current = settings.load(reopened)
        assert current.town_name == "柳园镇" and current.printing_organ == "柳园镇党政综合办公室"
        assert len(current.organs) == 2  # the organs were updated, not replaced by defaults
    finally:
        reopened.close()
