"""Settings that belong to the data (town name, document prefixes…) live in the data file.

One row per key (a JSON value); :class:`Settings` is their typed view, read and saved by
``ecodesk.services.settings``, and passed as plain data to the renderers (document drafts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from ecodesk.db.base import Base


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


@dataclass
class DocumentOrgan:
    """A 发文机关: its name, the red 发文机关标志 and its 发文字号 prefix."""

    name: str  # 八义镇人民政府
    mark: str  # 八义镇人民政府文件
    prefix: str  # 八镇政字


@dataclass
class Settings:
    town_name: str = ""
    operators: list[str] = field(default_factory=list)
    organs: list[dict[str, str]] = field(default_factory=list)  # DocumentOrgan as dicts
    printing_organ: str = ""  # 印发机关: 永安镇党政综合办公室
    default_recipients: str = "各村、各单位"
    backup_dir: str = ""  # empty: ``<data>_backups`` beside the data file
    backup_keep: int = 20
    font_files: dict[str, str] = field(default_factory=dict)  # style → TrueType path chosen by the clerk
    demo_offered: bool = False

    def organ_list(self) -> list[DocumentOrgan]:
        return [DocumentOrgan(**o) for o in self.organs]
