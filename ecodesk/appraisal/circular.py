"""The appraisal results 通报: a first draft written from the sheet, which the clerk edits and issues.

Its shape is the office's: why (reference 000: 考核结果按比例纳入年终对村考核分值), how the appraisal
was done, the results (the best and the last three), where points were lost, and what is required next;
the full ranking goes in the attachment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ecodesk.appraisal.sheet import EvidenceLine, Sheet, VillageRow
from ecodesk.cn_numbers import cn_numeral
from ecodesk.documents import kinds


def _names(rows: Sequence[VillageRow]) -> str:
    return "、".join(f"{r.village}（{r.total:g}分）" for r in rows)


def _losses(data: Sheet) -> list[tuple[str, float, int]]:
    """(item, points lost over all villages, villages losing points), most lost first."""
    out = []
    for item in data.items:
        if item.bonus:
            continue
        lost = [item.max_score - r.cells[item.id].final for r in data.rows if item.id in r.cells]
        total = round(sum(x for x in lost if x > 0), 2)
        if total > 0:
            out.append((item.name, total, sum(1 for x in lost if x > 0)))
    return sorted(out, key=lambda t: -t[1])


def results_circular(defaults: kinds.Defaults, data: Sheet, evidence: Sequence[EvidenceLine]) -> kinds.Draft:
    town, year = defaults.town, data.year
    ranked = data.by_rank()
    n = len(ranked)
    totals = [r.total for r in ranked]
    average = round(sum(totals) / n, 2) if n else 0.0
    bonus = f"（另设加分项目{data.bonus_max:g}分）" if data.bonus_max else ""
    top = [r for r in ranked if r.rank <= 3]
    bottom = [r for r in ranked if r.rank > max(3, n - 3)] if n > 6 else []
    counted = sum(1 for e in evidence if e.points < 0)

    paragraphs = [
        f"为深入打好污染防治攻坚战，压实各村（社区）生态环境保护属地责任，根据《{town}{year}年污染防治工作实施方案》"
        "“由环保工作领导小组对各村（居）全年环境保护工作进行考核，考核结果按比例纳入年终对村考核分值”的要求，"
        f"镇环境保护工作领导小组对各村（社区）{year}年度生态环境保护工作进行了考核。现将考核结果通报如下。",
        "一、考核基本情况",
        "本次考核采取日常巡查记录、问题整改台账、信访举报办理、专项行动材料报送与实地检查相结合的方式进行，"
        f"满分{data.full_marks:g}分{bonus}，共依据{counted}条记录计算扣分。全镇{n}个村（社区）平均得分{average:g}分，"
        f"最高{max(totals, default=0):g}分，最低{min(totals, default=0):g}分。",
        "二、考核结果",
        f"（一）成绩较好的村（社区）。{_names(top)}得分位列全镇前列，予以通报表扬。",
    ]
    if bottom:
        paragraphs.append(f"（二）成绩靠后的村（社区）。{_names(bottom)}得分排名靠后，予以通报批评。")
    paragraphs.append("各村（社区）得分及排名见附件。")
    paragraphs.append("三、存在问题")
    losses = _losses(data)[:3]
    if losses:
        for k, (item, lost, villages) in enumerate(losses):
            paragraphs.append(
                f"（{cn_numeral(k + 1)}）{item}失分较多。全镇共有{villages}个村（社区）在该项失分，合计失分{lost:g}分。"
            )
    else:
        paragraphs.append("各村（社区）各项工作均达到考核要求。")
    paragraphs += [
        "四、工作要求",
        "（一）对照问题抓整改。各村（社区）要对照考核扣分情况，逐项分析原因，明确责任人和完成时限，举一反三抓好整改。",
        f"（二）严格兑现考核结果。本次考核结果按{data.weight:g}%纳入各村（社区）年终考核分值。",
        "（三）压实工作责任。排名靠后的村（社区）主要负责人要向镇党委、政府作出书面说明；"
        "对因工作不力造成严重影响的，由镇纪委依规约谈、问责。",
    ]
    ranking = "\n\n".join(
        f"{r.rank}. {r.village}：{r.total:.2f}分，折算分{r.converted:.2f}分" for r in ranked
    )
    draft = kinds.circular(
        defaults, f"{year}年度各村（社区）生态环境保护工作考核结果", "\n\n".join(paragraphs)
    )
    return replace(
        draft,
        attachments=(
            kinds.DraftAttachment(f"{year}年度各村（社区）生态环境保护工作考核得分及排名", ranking),
        ),
    )
