"""Document kinds start from the settings' defaults and render as real PDFs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pdfplumber
import pytest

from ecodesk.documents import kinds
from ecodesk.documents.kinds import Defaults
from ecodesk.models.document import CIRCULAR, DOCUMENT_KINDS, NOTICE
from ecodesk.services import settings
from ecodesk.services.settings import DocumentOrgan, Settings

TODAY = dt.date(2024, 3, 5)


@pytest.fixture
def town() -> Defaults:
    return Defaults.from_settings(Settings(**settings.defaults_for_town("清河镇")), TODAY)


def test_notice_defaults_come_from_settings(town: Defaults) -> None:
    draft = kinds.notice(town, "开展秸秆禁烧巡查", "各村要加强巡查。")
    assert draft.title == "关于开展秸秆禁烧巡查的通知"
    assert (draft.organ, draft.organ_mark, draft.number_prefix) == (
        "清河镇人民政府",
        "清河镇人民政府文件",
        "清镇政字",
    )
    assert draft.recipients == "各村、各单位"
    assert draft.signature == "清河镇人民政府" and draft.doc_date == TODAY
    assert draft.printing_organ == "清河镇党政综合办公室" and draft.printing_date == TODAY
    assert kinds.notice(town, "关于开展巡查的通知", "x").title == "关于开展巡查的通知"


def test_settings_recipients_and_missing_organs() -> None:
    bare = Defaults.from_settings(
        Settings(town_name="八义镇", default_recipients="各村（社区）、镇属各单位"), TODAY
    )
    draft = kinds.blank(CIRCULAR, bare)
    assert draft.recipients == "各村（社区）、镇属各单位"
    assert (draft.organ_mark, draft.number_prefix) == ("八义镇人民政府文件", "八镇政字")
    assert draft.printing_organ == "八义镇党政综合办公室"


def test_issuing_notice_carries_the_plan_as_attachment_or_body(town: Defaults) -> None:
    plan_body = "一、工作目标\n\n全面完成禁烧任务。"
    draft = kinds.issuing_notice(town, "《清河镇2024年秸秆禁烧工作方案》", plan_body)
    assert draft.title == "关于印发《清河镇2024年秸秆禁烧工作方案》的通知"
    assert draft.body.startswith("现将《清河镇2024年秸秆禁烧工作方案》印发给你们")
    assert draft.attachments == (kinds.DraftAttachment("清河镇2024年秸秆禁烧工作方案", plan_body),)
    inline = kinds.issuing_notice(town, "清河镇2024年秸秆禁烧工作方案", plan_body, as_attachment=False)
    assert inline.attachments == () and inline.body.endswith("全面完成禁烧任务。")


def test_rectification_notice_lists_the_units_problems(town: Defaults) -> None:
    draft = kinds.rectification_notice(
        town, "东沟村", ["1、河道垃圾。", "", "焚烧秸秆；"], basis="镇环保办巡查"
    )
    assert draft.kind == "整改通知书" and draft.recipients == "东沟村"
    assert draft.title == "关于东沟村生态环境问题限期整改的通知书"
    assert draft.organ == "清河镇环境保护办公室" and draft.number_prefix == "清镇环办"
    paragraphs = draft.body.split("\n\n")
    assert paragraphs[:3] == ["经镇环保办巡查，你单位存在以下生态环境问题：", "1.河道垃圾。", "2.焚烧秸秆。"]
    assert "2024年3月20日前整改到位" in paragraphs[3]  # 15 days by default
    with pytest.raises(ValueError, match="受文单位"):
        kinds.rectification_notice(town, " ", ["问题"])


def test_interview_notice(town: Defaults) -> None:
    draft = kinds.interview_notice(town, "西岭村", "秸秆焚烧火点屡禁不止", when="2024年3月8日上午9:00")
    assert draft.title == "关于约谈西岭村主要负责人的通知书"
    assert "约谈时间：2024年3月8日上午9:00" in draft.body and "约谈地点：镇政府会议室" in draft.body


def test_letter_uses_the_organ_name_and_a_letter_prefix(town: Defaults) -> None:
    draft = kinds.letter(town, "区生态环境局", "商请协助开展养殖场监测", "……")
    assert draft.title == "关于商请协助开展养殖场监测的函"
    assert (draft.organ_mark, draft.number_prefix) == ("清河镇人民政府", "清镇政函")
    assert draft.printing_organ == "" and draft.recipients == "区生态环境局"
    assert kinds.letter_prefix("镇环办") == "镇环办函" and kinds.letter_prefix("清镇政函") == "清镇政函"


def test_other_organ_can_be_chosen(town: Defaults) -> None:
    office = DocumentOrgan("清河镇环境保护办公室", "清河镇环境保护办公室文件", "清镇环办")
    draft = kinds.blank(NOTICE, town, office)
    assert draft.organ_mark == "清河镇环境保护办公室文件" and draft.signature == "清河镇环境保护办公室"


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_every_kind_starter_renders(kind: str, town: Defaults, tmp_path: Path, db) -> None:  # type: ignore[no-untyped-def]
    from ecodesk.services import documents

    settings.save(db, **settings.defaults_for_town("清河镇"))
    doc = documents.create_draft(db, kinds.starter(kind, town))
    out = tmp_path / f"{kind}.pdf"
    documents.export_pdf(db, doc.id, out)
    with pdfplumber.open(out) as pdf:
        text = pdf.pages[0].extract_text()
    assert doc.organ_mark.replace(" ", "") in text.replace(" ", "")


def test_outline_finds_the_four_heading_levels() -> None:
    from ecodesk.documents.headings import outline

    body = "总述。\n\n一、总体要求\n\n（一）工作目标。全面完成。\n\n1.加强巡查\n\n（1）每日一次\n\n2024.3.5检查\n\n十二、其他"
    found = [(h.level, h.number, h.font, h.paragraph) for h in outline(body)]
    assert found == [
        (1, "一、", "黑体", 1),
        (2, "（一）", "楷体", 2),
        (3, "1.", "仿宋", 3),
        (4, "（1）", "仿宋", 4),
        (1, "十二、", "黑体", 6),
    ]
