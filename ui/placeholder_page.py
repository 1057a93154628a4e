"""A module that is not built yet: what it will hold, in the clerk's words, and no fake data."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget


@dataclass(frozen=True)
class ModulePlan:
    title: str
    summary: str
    items: tuple[str, ...]


PLANS: dict[str, ModulePlan] = {
    "dashboard": ModulePlan(
        "工作台",
        "每天打开程序先看这里：今天要办的、已经逾期的，一目了然。",
        (
            "今日巡查情况，以及今天尚未上报的村",
            "已逾期和三天内到期的整改问题",
            "本月火点数",
            "承诺书签订率",
            "本周到期的专项行动报送材料",
            "简明统计图",
        ),
    ),
    "patrols": ModulePlan(
        "巡查日志",
        "登记每一次巡查，生成每日督查日报（日督查、日通报、日报告）。",
        (
            "巡查日期、时段、巡查人员、村/网格、巡查类型（禁烧、巡河、扬尘、护林防火、企业检查、夜查等）",
            "路线或地点、发现问题、火点数、处置措施、现场照片",
            "发现的问题一键转为整改问题",
            "按日期生成日报，列出未上报的村",
        ),
    ),
    "problems": ModulePlan(
        "问题整改",
        "问题动态清单：从发现到销号的全过程。",
        (
            "问题来源、发现日期、所在村、地点、类别（大气、水、土壤、固废、噪声、生态）",
            "责任单位、责任人、整改措施、整改时限",
            "状态：待整改 → 整改中 → 已整改待核查 → 已销号（可退回）",
            "整改前后照片与进展记录，逾期自动标红",
            "生成整改情况通报",
        ),
    ),
    "ledgers": ModulePlan(
        "台账",
        "各类专项台账，统一按“登记挂牌 → 整治中 → 销号”管理。",
        (
            "裸露地块、黑臭水体、散乱污企业、畜禽养殖场、建筑工地扬尘",
            "散煤销售点、燃煤锅炉、吸污车作业报备、巡河记录",
            "每类台账均可导入、导出 Excel 和打印",
        ),
    ),
    "complaints": ModulePlan(
        "信访举报",
        "受理、办理、答复信访举报，举报人信息默认隐藏。",
        (
            "受理日期、渠道（12345、12369、来信、来访、电话、上级转办）",
            "举报内容、所在村、类别、办理人、办理时限",
            "答复内容、答复日期、满意度、举报奖励",
            "可一键转为整改问题",
        ),
    ),
    "letters": ModulePlan(
        "承诺书",
        "承诺书、责任书的模板、签订登记和批量打印。",
        (
            "禁烧承诺书、环境保护目标责任书、门前三包责任书等模板，可修改",
            "按农户、单位、企业登记签订情况和扫描件",
            "各村签订率统计",
            "按村或全镇批量打印，每户一页",
        ),
    ),
    "campaigns": ModulePlan(
        "专项行动",
        "专项行动的方案、阶段和各村报送材料。",
        (
            "行动名称、时间、阶段安排、领导小组名单",
            "各村应报材料（工作计划、问题清单、工作总结等）及截止日期",
            "报送情况：按时、逾期、未报",
        ),
    ),
    "appraisal": ModulePlan(
        "考核",
        "年度对村考核：按记录自动计分，人工调整须写明理由。",
        (
            "考核方案：分类、项目、分值、计分规则、加分项",
            "按火点、逾期问题、迟报漏报等自动扣分，并列出扣分依据",
            "排名、折算分值，定稿后锁定",
            "导出年终考核表（Excel）",
        ),
    ),
    "documents": ModulePlan(
        "公文",
        "发文登记和公文制作，按 GB/T 9704-2012 格式生成 PDF。",
        (
            "通知、通报、整改通知书、约谈通知书、督办单、函",
            "发文字号按机关和年度自动编排，不重号",
            "主送、抄送、印发机关、印发日期",
            "预览、打印、另存为 PDF",
        ),
    ),
}


class PlaceholderPage(QWidget):
    """Says plainly that the module is coming and what it will do."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        plan = PLANS[key]
        self.setObjectName(f"placeholder_{key}")

        title = QLabel(plan.title)
        title.setObjectName("placeholder_title")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)

        summary = QLabel(plan.summary)
        summary.setWordWrap(True)

        items = QLabel(
            "<p style='margin-bottom:4px'>本模块将包括：</p><ul style='margin-top:0'>"
            + "".join(f"<li style='margin:3px 0'>{html.escape(item)}</li>" for item in plan.items)
            + "</ul>"
        )
        items.setTextFormat(Qt.TextFormat.RichText)
        items.setWordWrap(True)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)

        status = QLabel("本模块正在建设中")
        status.setObjectName("placeholder_status")
        status.setStyleSheet("color:#8a6d00; background:#fff8e1; border:1px solid #ffe082; padding:8px 12px;")

        holder = QWidget()
        holder.setMaximumWidth(720)
        column = QVBoxLayout(holder)
        column.setSpacing(12)
        column.addWidget(title)
        column.addWidget(summary)
        column.addWidget(line)
        column.addWidget(items)
        column.addWidget(status, 0, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(40, 32, 40, 24)
        layout.addWidget(holder, 3)
        layout.addStretch(1)
