"""The letter wordings shipped with EcoDesk (``resources/letters/*.json``), one per kind.

The body is kept as a list of paragraphs so the files read like the paper; it is joined with blank
lines, the paragraph separator the template editor and the layout use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from ecodesk.errors import EcoDeskError
from ecodesk.letters.placeholders import unknown_in
from ecodesk.models.letter import LETTER_KINDS, SIGNER_TYPES
from ecodesk.paths import resources_dir


@dataclass(frozen=True)
class DefaultTemplate:
    kind: str
    title: str
    body: str
    party_a: str
    party_b: str
    signer_type: str
    signer_filter: tuple[str, ...]


@cache
def default_templates() -> dict[str, DefaultTemplate]:
    """Kind → shipped wording; a broken file is a packaging error and says which file."""
    folder = resources_dir() / "letters"
    found: dict[str, DefaultTemplate] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            body = data["body"]
            tpl = DefaultTemplate(
                kind=str(data["kind"]),
                title=str(data["title"]),
                body="\n\n".join(body) if isinstance(body, list) else str(body),
                party_a=str(data["party_a"]),
                party_b=str(data["party_b"]),
                signer_type=str(data["signer_type"]),
                signer_filter=tuple(data.get("signer_filter", ())),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise EcoDeskError(f"内置承诺书模板文件 {path.name} 已损坏：{exc}") from exc
        bad = unknown_in(tpl.title + tpl.body + tpl.party_a + tpl.party_b)
        if tpl.signer_type not in SIGNER_TYPES or bad:
            raise EcoDeskError(f"内置承诺书模板文件 {path.name} 有误：签订对象或占位符 {bad} 不正确")
        found[tpl.kind] = tpl
    missing = [k for k in LETTER_KINDS if k not in found]
    if missing:
        raise EcoDeskError(f"缺少内置承诺书模板：{'、'.join(missing)}（应在 {folder}）")
    return found
