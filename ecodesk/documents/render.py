"""Rendering a :class:`~ecodesk.documents.spec.DocumentSpec` to a file, and what the clerk should know.

Kept apart from the spec so the spec (plain data, read from JSON) does not import the layout: the
layout imports the spec, and the renderers sit on top of both.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

from ecodesk.documents.fonts import STYLES, FontReport, resolve_fonts
from ecodesk.documents.glyphs import describe_missing, fallback_aliases, missing
from ecodesk.documents.layout import render_to_file
from ecodesk.documents.spec import DocumentSpec
from ecodesk.files import atomic_file


@dataclass(frozen=True)
class RenderResult:
    """Pages written and which font printed each style (substitutes included)."""

    pages: int
    font_report: FontReport
    missing_chars: tuple[str, ...] = ()  # characters no font on this machine can print

    @property
    def warnings(self) -> list[str]:
        """What the clerk should read before printing: font substitutes gone wrong, blank characters."""
        lines = list(self.font_report.warnings)
        if self.missing_chars:
            lines.append(describe_missing(self.missing_chars))
        return lines


def render_pdf(
    spec: DocumentSpec,
    out_path: str | os.PathLike[str],
    fonts: Mapping[str, str | os.PathLike[str]] | FontReport | None = None,
) -> RenderResult:
    """Lay out ``spec`` per GB/T 9704 and write it to ``out_path`` atomically.

    The PDF is written to a temporary file in the same folder and moved into place, so a failure
    never leaves half a file (or destroys the previous one).
    """
    report = fonts if isinstance(fonts, FontReport) else resolve_fonts(fonts)
    with atomic_file(out_path) as tmp:
        pages = render_to_file(spec, tmp, report)
    return RenderResult(pages, report, tuple(unprintable(spec, report)))


def unprintable(spec: DocumentSpec, report: FontReport) -> list[str]:
    """Characters of the document that neither its fonts nor any fallback font can print."""
    texts = [json.dumps(spec.to_json(), ensure_ascii=False)]
    fonts = list(dict.fromkeys(report.alias(s) for s in STYLES))
    chain = fonts[1:] + fallback_aliases()
    return missing(texts, fonts[0], chain)
