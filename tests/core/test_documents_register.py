"""The document register: drafts, numbering on issue, voiding, listing — on real SQLite files."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from sqlalchemy import func, select

from ecodesk.db import Database
from ecodesk.documents.spec import DocumentSpec
from ecodesk.errors import ValidationError
from ecodesk.models import Attachment, Document
from ecodesk.paths import attachments_dir
from ecodesk.services import documents as docs
from ecodesk.services import settings


@pytest.fixture
def town_db(db: Database) -> Database:
    settings.save(db, **settings.defaults_for_town("清河镇"))
    return db


def draft(db: Database, title: str = "关于开展秸秆禁烧巡查的通知", **extra: Any) -> Document:
    values = {"kind": "通知", "title": title, "body": "一、工作要求\n\n各村要加强巡查，发现火点立即处置。"}
    values.update(extra)
    return docs.create_draft(db, values)


def test_draft_takes_defaults_and_has_no_number(town_db: Database) -> None:
    doc = draft(town_db)
    assert doc.status == "草稿" and doc.sequence is None and doc.number == ""
    assert doc.organ == "清河镇人民政府" and doc.organ_mark == "清河镇人民政府文件"
    assert doc.number_prefix == "清镇政字" and doc.recipients == "各村、各单位"
    assert doc.printing_organ == "清河镇党政综合办公室" and doc.signature == "清河镇人民政府"
    assert doc.pdf_id is None
    assert docs.list_ids(town_db, status="草稿") == [doc.id]


def test_issue_numbers_per_prefix_and_year(town_db: Database) -> None:
    numbers = []
    for prefix, day in (
        ("清镇政字", "2024-03-05"),
        ("清镇政字", "2024-05-01"),
        ("清镇环办", "2024-05-02"),
        ("清镇政字", "2025-01-03"),
        ("清镇环办", "2024-06-01"),
    ):
        doc = draft(town_db, number_prefix=prefix, doc_date=day)
        numbers.append(docs.issue(town_db, doc.id).number)
    assert numbers == [
        "清镇政字〔2024〕1号",
        "清镇政字〔2024〕2号",
        "清镇环办〔2024〕1号",
        "清镇政字〔2025〕1号",
        "清镇环办〔2024〕2号",
    ]


def test_voided_number_is_never_given_again(town_db: Database) -> None:
    first = docs.issue(town_db, draft(town_db, doc_date="2024-03-05").id)
    second = docs.issue(town_db, draft(town_db, doc_date="2024-03-06").id)
    voided = docs.void(town_db, second.id, "主送单位写错")
    assert voided.status == "作废" and voided.number == "清镇政字〔2024〕2号"
    assert voided.void_reason == "主送单位写错" and voided.voided_by == "测试员"
    third = docs.issue(town_db, draft(town_db, doc_date="2024-04-01").id)
    assert (first.sequence, third.sequence) == (1, 3)
    # The voided document keeps its number and PDF.
    assert docs.get(town_db, second.id).pdf_id is not None


def test_deleted_draft_and_voided_documents_do_not_free_numbers(town_db: Database) -> None:
    spare = draft(town_db, doc_date="2024-01-02")
    docs.delete_draft(town_db, spare.id)
    issued = docs.issue(town_db, draft(town_db, doc_date="2024-01-03").id)
    docs.void(town_db, issued.id, "重复发文")
    again = docs.issue(town_db, draft(town_db, doc_date="2024-01-04").id)
    assert again.sequence == 2
    with pytest.raises(ValidationError, match="只能作废"):
        docs.delete_draft(town_db, again.id)


def test_issued_document_is_fixed(town_db: Database) -> None:
    doc = docs.issue(town_db, draft(town_db).id)
    with pytest.raises(ValidationError, match="不能再修改"):
        docs.update_draft(town_db, doc.id, {"title": "改标题"})
    with pytest.raises(ValidationError, match="不能再次印发"):
        docs.issue(town_db, doc.id)
    with pytest.raises(ValidationError, match="作废原因：必须填写"):
        docs.void(town_db, doc.id, "  ")
    with pytest.raises(ValidationError, match="草稿不需作废"):
        docs.void(town_db, draft(town_db).id, "不要了")


def test_issue_stores_the_pdf_with_its_hash_and_the_frozen_spec(town_db: Database) -> None:
    doc = docs.issue(town_db, draft(town_db, doc_date="2024-03-05", cc="区生态环境局").id)
    path = docs.stored_pdf(town_db, doc.id)
    assert path is not None and path.parent.parent == attachments_dir(town_db.path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == doc.pdf_sha256
    with town_db.session() as s:
        att = s.get(Attachment, doc.pdf_id)
        assert att is not None
        assert (att.owner_table, att.owner_id, att.role) == ("documents", doc.id, "公文PDF")
        assert att.original_name.startswith("清镇政字〔2024〕1号")
    with pdfplumber.open(path) as pdf:
        first = pdf.pages[0].extract_text()
    assert "清镇政字〔2024〕1号" in first and "关于开展秸秆禁烧巡查的通知" in first
    assert doc.spec is not None
    assert DocumentSpec.from_json(doc.spec).number == doc.number
    out = docs.export_pdf(town_db, doc.id, town_db.path.parent / "out" / "copy.pdf")
    assert out.read_bytes() == path.read_bytes()


def test_issue_refuses_an_incomplete_draft_and_changes_nothing(town_db: Database) -> None:
    doc = docs.create_draft(town_db, {"kind": "整改通知书", "title": "", "body": ""})
    with pytest.raises(ValidationError) as info:
        docs.issue(town_db, doc.id)
    labels = {p.label for p in info.value.problems}
    assert {"标题", "正文", "主送机关"} <= labels
    again = docs.get(town_db, doc.id)
    assert again.status == "草稿" and again.sequence is None


def test_failed_render_rolls_back_the_number(town_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = draft(town_db)

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError("磁盘已满")

    monkeypatch.setattr(docs, "render_pdf", broken)
    with pytest.raises(OSError):
        docs.issue(town_db, doc.id)
    again = docs.get(town_db, doc.id)
    assert again.status == "草稿" and again.sequence is None and again.pdf_id is None
    with town_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
    store = attachments_dir(town_db.path)
    assert not store.exists() or not [p for p in store.rglob("*") if p.is_file()]
    monkeypatch.undo()
    assert docs.issue(town_db, doc.id).sequence == 1


def test_failure_after_the_pdf_was_stored_removes_the_file(
    town_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = draft(town_db)

    class FailingLog:
        def info(self, *_args: Any) -> None:  # runs after the PDF is stored, before the commit
            raise RuntimeError("断电")

    monkeypatch.setattr(docs, "log", FailingLog())
    with pytest.raises(RuntimeError):
        docs.issue(town_db, doc.id)
    assert docs.get(town_db, doc.id).sequence is None
    store = attachments_dir(town_db.path)
    assert not [p for p in store.rglob("*") if p.is_file()]


def test_bad_fields_are_named_in_chinese(town_db: Database) -> None:
    with pytest.raises(ValidationError) as info:
        docs.create_draft(
            town_db,
            {"kind": "请示", "title": "题" * 201, "doc_date": "2024-13-45", "attachments": [{"title": ""}]},
        )
    labels = {p.label for p in info.value.problems}
    assert labels == {"文种", "标题", "成文日期", "附件"}


def test_list_filters_by_year_kind_and_status_in_sql(town_db: Database) -> None:
    a = draft(town_db, doc_date="2024-03-01")
    b = docs.create_draft(
        town_db, {"kind": "通报", "title": "关于整改情况的通报", "body": "正文", "doc_date": "2024-05-01"}
    )
    c = draft(town_db, doc_date="2025-02-01")
    docs.issue(town_db, b.id)
    assert docs.years(town_db) == [2025, 2024]
    assert docs.list_ids(town_db, year=2024) == [b.id, a.id]
    assert docs.list_ids(town_db, kind="通报") == [b.id]
    assert docs.list_ids(town_db, status="已印发") == [b.id]
    assert docs.list_ids(town_db, year=2025, kind="通知", status="草稿") == [c.id]
    assert docs.list_ids(town_db, text="整改") == [b.id]
    assert [d.id for d in docs.list_documents(town_db, year=2024, status="草稿")] == [a.id]


def test_rectification_notice_for_the_rectification_module(town_db: Database) -> None:
    doc = docs.draft_rectification_notice(
        town_db, "东沟村", ["1.河道内有生活垃圾", "（2）养殖场粪污直排"], deadline=dt.date(2024, 6, 30)
    )
    assert doc.kind == "整改通知书" and doc.recipients == "东沟村"
    assert doc.organ == "清河镇环境保护办公室" and doc.number_prefix == "清镇环办"
    assert "1.河道内有生活垃圾。\n\n2.养殖场粪污直排。" in doc.body
    assert "2024年6月30日前整改到位" in doc.body
    issued = docs.issue(town_db, doc.id)
    assert issued.number.startswith("清镇环办〔")
    with pytest.raises(ValidationError, match="至少要列出一个问题"):
        docs.draft_rectification_notice(town_db, "东沟村", ["  "])


# -- concurrency: several real processes issuing against one file --------------------------------


def _issue_worker(db_path: str, ids: list[int], start: Any, out: Any) -> None:
    with Database.open(Path(db_path), operator="并发") as database:
        fonts = docs.fonts_for(database)
        start.wait(30)
        for doc_id in ids:
            try:
                out.put((doc_id, docs.issue(database, doc_id, fonts).number))
            except ValidationError as exc:  # someone else issued it first
                out.put((doc_id, f"refused: {exc}"))


def test_concurrent_issues_from_several_processes_never_share_a_number(town_db: Database) -> None:
    drafts = [draft(town_db, f"关于第{n}批巡查的通知", doc_date="2024-09-01").id for n in range(12)]
    shared = draft(town_db, "关于同一件的通知", doc_date="2024-09-01").id
    path = str(town_db.path)
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    workers = [
        ctx.Process(target=_issue_worker, args=(path, [shared, *drafts[k::4]], start, out)) for k in range(4)
    ]
    for w in workers:
        w.start()
    start.set()
    results = [out.get(timeout=120) for _ in range(4 + len(drafts))]
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    issued = [(i, n) for i, n in results if not n.startswith("refused")]
    refused = [(i, n) for i, n in results if n.startswith("refused")]
    assert len(issued) == 13 and len(refused) == 3
    assert all(i == shared for i, _ in refused)
    numbers = [n for _, n in issued]
    assert len(set(numbers)) == 13
    assert sorted(numbers) == sorted(f"清镇政字〔2024〕{k}号" for k in range(1, 14))
    with town_db.session() as s:
        rows = s.execute(select(Document.sequence).where(Document.status == "已印发")).scalars().all()
    assert sorted(rows) == list(range(1, 14))


def test_demo_register_has_issued_documents_with_their_pdfs(db: Database) -> None:
    from ecodesk import demo

    demo.generate(db, "small", seed=7)
    found = docs.list_documents(db)
    assert len(found) == 8
    assert {d.kind for d in found} == {"通知", "通报", "整改通知书", "约谈通知书", "函"}
    assert {d.status for d in found} == {"草稿", "已印发", "作废"}
    for doc in found:
        if doc.status == "草稿":
            assert doc.sequence is None and doc.pdf_id is None
            continue
        path = docs.stored_pdf(db, doc.id)
        assert path is not None and hashlib.sha256(path.read_bytes()).hexdigest() == doc.pdf_sha256
    numbers = [d.number for d in found if d.number]
    assert len(numbers) == len(set(numbers)) == 6
    # the register goes on from the demo's numbers
    follow = docs.issue(db, docs.create_draft(db, {"title": "后续通知", "body": "正文"}).id)
    assert follow.sequence == 1 + max(
        d.sequence or 0 for d in found if d.number_prefix == follow.number_prefix
    )
