"""Placeholders in letter wording: ``{户主}`` and friends, filled by plain text substitution.

Filling is substitution, never formatting or markup: a name typed as ``张<三>&李`` comes out exactly
so, and braces that are not a placeholder (``{`` alone) stay as typed. An unknown placeholder
(``{户名}``) is an error naming it, reported when the template is saved and again when it is filled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ecodesk.errors import FieldProblem, ValidationError

# Name → what it is filled with, for the template editor's help text.
PLACEHOLDERS: dict[str, str] = {
    "户主": "户主姓名；企业填负责人，单位填负责人",
    "村": "所在村（社区）",
    "组": "所在村民小组",
    "年度": "承诺书年度，如 2026",
    "单位": "签订单位：单位或企业名称；农户填所在村民委员会",
    "日期": "落款日期（批量打印时选定），如 2026年3月1日",
    "镇": "本镇名称",
    "地址": "住址或经营地址",
}

DATE_PLACEHOLDER = "日期"  # the 落款日期 chosen on 批量打印

# A placeholder is a short run without spaces or braces between braces: {户主}, {单位名称}.
_PATTERN = re.compile(r"\{([^{}\s]{1,12})\}")


def names_in(text: str) -> list[str]:
    """Placeholder names used in ``text``, in order of first use."""
    return list(dict.fromkeys(m.group(1) for m in _PATTERN.finditer(text)))


def unknown_in(text: str) -> list[str]:
    return [n for n in names_in(text) if n not in PLACEHOLDERS]


def known_list() -> str:
    return "、".join("{" + n + "}" for n in PLACEHOLDERS)


def check_texts(texts: Mapping[str, tuple[str, str]]) -> list[FieldProblem]:
    """Problems for each field (key → (label, text)) that uses an unknown placeholder."""
    problems = []
    for key, (label, text) in texts.items():
        unknown = unknown_in(text)
        if unknown:
            names = "、".join("{" + n + "}" for n in unknown)
            problems.append(FieldProblem(key, label, f"有未知的占位符 {names}（可用：{known_list()}）"))
    return problems


def fill(text: str, values: Mapping[str, str], *, label: str = "正文") -> str:
    """``text`` with each placeholder replaced by its value; unknown ones raise ValidationError."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            if name in PLACEHOLDERS:
                return ""
            raise ValidationError.single(
                "placeholder", label, f"有未知的占位符 {{{name}}}（可用：{known_list()}）"
            )
        return values[name]

    return _PATTERN.sub(replace, text)


def fill_all(texts: Iterable[str], values: Mapping[str, str]) -> list[str]:
    return [fill(t, values) for t in texts]
