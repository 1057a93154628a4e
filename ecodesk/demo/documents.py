"""Demo documents: this year's register of a township environmental office.

Eight documents of every kind — an 印发 notice with its 方案 as the attachment, a circular, two
rectification notices, an interview notice, a letter, a voided notice and a draft — issued in the
demo's own transaction (numbers, frozen specs and stored PDFs as a real issue makes them). The set
is the same at every scale: a register holds dozens a year, not thousands, and each PDF costs a render.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.db.database import Database
from ecodesk.demo.org import DemoTown, ScaleSpec
from ecodesk.documents import kinds
from ecodesk.models.document import VOID, Document
from ecodesk.models.setting import Settings
from ecodesk.services import documents
from ecodesk.services import settings as settings_service

DOCUMENT_ROWS = 8

Progress = Callable[[int, str], None]


def expected_rows(_spec: ScaleSpec) -> int:
    return DOCUMENT_ROWS


def _plan(town: str, year: int) -> str:
    return "\n\n".join(
        [
            f"为深入打好污染防治攻坚战，持续改善全镇生态环境质量，结合我镇实际，制定{year}年秸秆禁烧工作方案如下。",
            "一、工作目标",
            f"全镇范围内实现秸秆露天焚烧“零火点”，秸秆综合利用率达到92%以上，确保{town}空气质量持续改善。",
            "二、工作措施",
            "（一）压实属地责任。各村是禁烧工作的责任主体，村党支部书记为第一责任人，实行包片到人、网格到户。",
            "（二）强化巡查值守。禁烧期间各村每日巡查不少于两次，重点时段实行昼夜值守，发现火点立即处置并报告。",
            "（三）推进综合利用。积极推广秸秆还田、离田收储，引导群众变废为宝。",
            "三、工作要求",
            "1.加强组织领导。各村要成立禁烧工作专班，明确专人负责信息报送。",
            "2.严格责任追究。对出现火点的村，视情节予以通报、约谈，并纳入年度考核。",
        ]
    )


def build(
    session: Session,
    db: Database,
    town: DemoTown,
    _spec: ScaleSpec,
    rng: random.Random,
    operator: str,
    progress: Progress,
) -> list[tuple[str, int, str]]:
    """Add the demo documents to ``session`` (the demo's write-locked transaction)."""
    current = settings_service.load(db)
    base = current if current.organs else Settings(**settings_service.defaults_for_town(town.name))
    today = dates.today()
    year = today.year
    days = sorted(rng.sample(range(max(today.timetuple().tm_yday - 1, 10)), 7))
    days_of_year = [dt.date(year, 1, 1) + dt.timedelta(days=d) for d in days]
    defaults = kinds.Defaults.from_settings(base, days_of_year[0])
    villages = [v.name for v in town.villages] or ["东沟村", "西岭村"]
    a, b = rng.sample(villages, 2) if len(villages) > 1 else (villages[0], villages[0])

    drafts: list[tuple[kinds.Draft, bool]] = [
        (
            kinds.issuing_notice(defaults, f"{town.name}{year}年秸秆禁烧工作方案", _plan(town.name, year)),
            True,
        ),
        (
            kinds.circular(
                defaults,
                "近期生态环境问题整改情况",
                "现将近期全镇生态环境问题整改情况通报如下。\n\n一、基本情况\n\n"
                f"近期共发现问题{rng.randint(30, 60)}个，已整改到位的占九成以上。\n\n二、存在问题\n\n"
                f"（一）个别村整改不及时。{a}河道垃圾问题逾期未整改。\n\n（二）部分台账记录不规范。\n\n"
                "三、下一步要求\n\n各村要对照问题清单逐项整改，镇环保办每月通报一次整改进展。",
            ),
            True,
        ),
        (kinds.rectification_notice(defaults, a, ["河道内有生活垃圾堆放", "村内有露天焚烧秸秆痕迹"]), True),
        (
            kinds.rectification_notice(defaults, b, ["养殖场粪污未经处理直排沟渠"], basis="群众举报核查"),
            False,
        ),
        (kinds.interview_notice(defaults, a, "秸秆焚烧火点屡禁不止", when="另行通知"), True),
        (
            kinds.letter(
                defaults,
                "区生态环境局",
                "商请协助开展养殖场污染物监测",
                "为做好我镇畜禽养殖污染防治工作，现商请贵局派员协助开展规模养殖场污染物监测。\n\n盼复。",
            ),
            True,
        ),
        (kinds.notice(defaults, "开展秋季秸秆禁烧专项巡查", "各村要加强巡查，发现火点立即处置。"), True),
        (
            kinds.notice(
                defaults,
                "做好冬季大气污染防治工作",
                "为做好今冬明春大气污染防治工作，现就有关事项通知如下：\n\n一、加强散煤管控\n\n"
                "各村要摸清燃煤取暖底数，严禁销售、使用劣质散煤。\n\n二、严控露天焚烧\n\n"
                "（一）落实网格巡查。网格员每日巡查不少于一次。\n\n（二）及时处置火点。",
            ),
            False,
        ),
    ]
    report = documents.fonts_for(db)
    made: list[Document] = []
    for n, (draft, issue) in enumerate(drafts):
        day = days_of_year[min(n, len(days_of_year) - 1)]
        draft = replace(draft, doc_date=day, printing_date=day if draft.printing_date else None)
        doc = documents.document_from(draft)
        doc.created_by = doc.updated_by = operator
        session.add(doc)
        if issue:
            documents.issue_in_session(session, db, doc, report)
        made.append(doc)
        progress(1, "正在生成公文…")
    voided = made[6]  # issued, then found to repeat another notice
    voided.status, voided.void_reason, voided.voided_at, voided.voided_by = (
        VOID,
        "与专项行动通知重复",
        dates.now(),
        operator,
    )
    return [("公文", len(made), "件")]
