"""The document kinds the office writes, each with its sensible first draft.

Defaults come from the data file's settings: the town, the 发文机关 (name, red mark, number prefix),
主送 ("各村、各单位") and the 印发机关. A :class:`Draft` is plain data; the register service stores it
(``services.documents.create_draft``). Other modules build drafts here too — the rectification
module calls :func:`rectification_notice` with a unit and its problem lines.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ecodesk import dates
from ecodesk.dates import format_cn
from ecodesk.models.document import CIRCULAR, DOCUMENT_KINDS, INTERVIEW, LETTER, NOTICE, RECTIFICATION
from ecodesk.models.setting import DocumentOrgan, Settings

KIND_HELP: dict[str, str] = {
    NOTICE: "要求下级办理或知晓事项，或印发方案（印发…的通知）",
    CIRCULAR: "表扬、批评或传达情况，如整改情况通报",
    RECTIFICATION: "发给一个单位，列出其存在的问题和整改要求",
    INTERVIEW: "通知一个单位的负责人按时到场约谈",
    LETTER: "不相隶属单位之间商洽工作、询问答复（信函格式）",
}


@dataclass(frozen=True)
class DraftAttachment:
    """An attachment: printed on its own pages when it has a body, else only named in 附件说明."""

    title: str
    body: str = ""


@dataclass(frozen=True)
class Draft:
    """The editable content of one document, as the register stores it."""

    kind: str
    title: str
    organ: str
    organ_mark: str
    number_prefix: str
    recipients: str
    body: str
    signature: str
    doc_date: dt.date
    attachments: tuple[DraftAttachment, ...] = ()
    cc: str = ""
    seal: bool = True
    note: str = ""
    printing_organ: str = ""
    printing_date: dt.date | None = None

    def values(self) -> dict[str, Any]:
        """Field values for the register (attachments as a JSON-ready list)."""
        data = asdict(self)
        data["attachments"] = [asdict(a) for a in self.attachments]
        return data


@dataclass(frozen=True)
class Defaults:
    """What every draft starts from, taken from the settings."""

    town: str
    organs: tuple[DocumentOrgan, ...]
    recipients: str
    printing_organ: str
    today: dt.date = field(default_factory=lambda: dates.today())

    @classmethod
    def from_settings(cls, settings: Settings, today: dt.date | None = None) -> Defaults:
        town = settings.town_name or "本镇"
        organs = tuple(settings.organ_list()) or (
            DocumentOrgan(f"{town}人民政府", f"{town}人民政府文件", f"{town[:1]}镇政字"),
        )
        return cls(
            town=town,
            organs=organs,
            recipients=settings.default_recipients or "各村、各单位",
            printing_organ=settings.printing_organ or f"{town}党政综合办公室",
            today=today or dates.today(),
        )

    def organ(self, kind: str) -> DocumentOrgan:
        """The government issues notices and letters; the environmental office (when set up) the
        rectification and interview notices it handles day to day."""
        if kind in (RECTIFICATION, INTERVIEW):
            for organ in self.organs:
                if "环" in organ.name:
                    return organ
        return self.organs[0]

    def organ_named(self, name: str) -> DocumentOrgan | None:
        return next((o for o in self.organs if o.name == name), None)


def letter_prefix(prefix: str) -> str:
    """函 are numbered apart from 文件: 清镇政字 → 清镇政函 (the usual convention)."""
    if not prefix or prefix.endswith("函"):
        return prefix
    return (prefix[:-1] if prefix.endswith("字") else prefix) + "函"


def blank(kind: str, defaults: Defaults, organ: DocumentOrgan | None = None) -> Draft:
    """A draft of ``kind`` with the organ, 主送, 署名, dates and 印发机关 filled in."""
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    organ = organ or defaults.organ(kind)
    letter = kind == LETTER
    return Draft(
        kind=kind,
        title="",
        organ=organ.name,
        # A letter's head is the organ's name itself (信函格式), not its "…文件" mark.
        organ_mark=organ.name if letter else organ.mark,
        number_prefix=letter_prefix(organ.prefix) if letter else organ.prefix,
        recipients="" if kind in (RECTIFICATION, INTERVIEW, LETTER) else defaults.recipients,
        body="",
        signature=organ.name,
        doc_date=defaults.today,
        seal=True,
        printing_organ="" if letter else defaults.printing_organ,
        printing_date=None if letter else defaults.today,
    )


def notice(defaults: Defaults, title: str, body: str) -> Draft:
    """通知: the title gets "关于…的通知" when the clerk wrote only the subject."""
    return replace(blank(NOTICE, defaults), title=_titled(title, "关于", "的通知"), body=body)


def issuing_notice(
    defaults: Defaults, plan_title: str, plan_body: str, *, as_attachment: bool = True
) -> Draft:
    """印发…的通知 carrying a 方案: "关于印发《方案》的通知".

    The 方案 goes on its own pages as the attachment (the usual layout), or — ``as_attachment=False``
    — follows the two-line covering text in the body.
    """
    plan = plan_title.strip().strip("《》")
    draft = blank(NOTICE, defaults)
    cover = f"现将《{plan}》印发给你们，请结合实际，认真抓好贯彻落实。"
    if as_attachment:
        return replace(
            draft,
            title=f"关于印发《{plan}》的通知",
            body=cover,
            attachments=(DraftAttachment(plan, plan_body.strip()),),
        )
    return replace(draft, title=f"关于印发《{plan}》的通知", body=f"{cover}\n\n{plan_body.strip()}")


def circular(defaults: Defaults, subject: str, body: str) -> Draft:
    """通报, e.g. "关于第一季度生态环境问题整改情况的通报"."""
    return replace(blank(CIRCULAR, defaults), title=_titled(subject, "关于", "的通报"), body=body)


_NUMBERED = re.compile(r"^\s*(?:\d+[.．、]|（\d+）|\(\d+\))\s*")


def rectification_notice(
    defaults: Defaults,
    unit: str,
    problems: Sequence[str],
    *,
    deadline: dt.date | None = None,
    basis: str = "",
) -> Draft:
    """整改通知书 to one unit listing its problems (one line each), with the deadline and the ask.

    ``basis`` says how the problems were found ("镇生态环境办公室巡查"); numbering the clerk typed
    in front of a problem line is replaced by ours.
    """
    unit = unit.strip()
    if not unit:
        raise ValueError("整改通知书必须有受文单位")
    items = [_NUMBERED.sub("", p).strip().rstrip("。；;") for p in problems]
    items = [p for p in items if p]
    if not items:
        raise ValueError("整改通知书至少要列出一个问题")
    found_by = basis.strip() or "近期巡查检查"
    due = deadline or defaults.today + dt.timedelta(days=15)
    lines = [f"经{found_by}，你单位存在以下生态环境问题：", *(f"{n}.{p}。" for n, p in enumerate(items, 1))]
    lines.append(
        f"请你单位高度重视，逐项制定整改措施，明确责任人和完成时限，于{format_cn(due)}前整改到位，"
        "并将整改情况（附整改前后照片）书面报镇生态环境保护办公室。逾期未整改或整改不到位的，"
        "将按照有关规定予以通报并追究责任。"
    )
    return replace(
        blank(RECTIFICATION, defaults),
        title=f"关于{unit}生态环境问题限期整改的通知书",
        recipients=unit,
        body="\n\n".join(lines),
    )


def interview_notice(
    defaults: Defaults,
    unit: str,
    reason: str,
    *,
    when: str = "",
    where: str = "",
    attendee: str = "主要负责人",
) -> Draft:
    """约谈通知书: who is called in, why, when and where."""
    unit = unit.strip()
    if not unit:
        raise ValueError("约谈通知书必须有受文单位")
    body = [
        f"因{reason.strip().rstrip('。') or '你单位生态环境问题整改不力'}，根据生态环境保护有关规定，"
        f"决定对你单位{attendee}进行约谈。",
        f"约谈时间：{when.strip() or '另行通知'}",
        f"约谈地点：{where.strip() or '镇政府会议室'}",
        "请准时参加，并准备书面整改情况汇报材料。无特殊情况不得请假或委托他人参加。",
    ]
    return replace(
        blank(INTERVIEW, defaults),
        title=f"关于约谈{unit}{attendee}的通知书",
        recipients=unit,
        body="\n\n".join(body),
    )


def letter(defaults: Defaults, recipient: str, subject: str, body: str) -> Draft:
    """函 in the 信函格式 to a unit outside the town's line (a bureau, a company)."""
    return replace(
        blank(LETTER, defaults),
        title=_titled(subject, "关于", "的函"),
        recipients=recipient.strip(),
        body=body,
    )


def starter(kind: str, defaults: Defaults) -> Draft:
    """What 新建 shows for ``kind``: the defaults and a body outline the clerk writes over."""
    if kind == NOTICE:
        return notice(defaults, "", "为……，根据……，现就有关事项通知如下：\n\n一、\n\n二、\n\n三、")
    if kind == CIRCULAR:
        return circular(
            defaults, "", "现将……情况通报如下：\n\n一、基本情况\n\n二、存在问题\n\n三、下一步工作要求"
        )
    if kind == RECTIFICATION:
        return replace(blank(kind, defaults), title="整改通知书", body="经检查，你单位存在以下问题：\n\n1.")
    if kind == INTERVIEW:
        return replace(blank(kind, defaults), title="约谈通知书", body="约谈时间：\n\n约谈地点：")
    return replace(blank(kind, defaults), body="……\n\n特此函告。")


def _titled(subject: str, head: str, tail: str) -> str:
    subject = subject.strip()
    if not subject:
        return ""
    if not subject.startswith(head):
        subject = head + subject
    if not subject.endswith(tail[1:]):  # "…通知" already written
        subject += tail
    return subject
