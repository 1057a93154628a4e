"""``ecodesk doc …``: render a JSON description, and keep the register (发文登记) from the command line.

``new``, ``issue``, ``void`` and ``import`` write to the register and take the file lock; ``list``,
``show`` and ``pdf`` only read and stay usable while the GUI has the file open; ``render`` does not open the data file.
The rectification circular and notice (``doc circular|notice rectification``) live in
:mod:`ecodesk.cli.rectification`, registered on the subparsers :func:`add_parser` returns.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecodesk.cli.common import CliError, add_command, open_db
from ecodesk.models.document import DOCUMENT_KINDS, DOCUMENT_STATUSES

if TYPE_CHECKING:
    from ecodesk.cli.common import Subparsers


def _read_json(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise CliError(f"{path} 不是有效的 JSON（第{exc.lineno}行第{exc.colno}列）") from exc
    except UnicodeDecodeError as exc:
        raise CliError(f"{path} 不是 UTF-8 编码的文本") from exc
    if not isinstance(data, dict):
        raise CliError(f"{path} 应为一个 JSON 对象")
    return data


_FORMATS = (".pdf", ".docx")


def _out_format(out: str) -> str:
    """The format the --out file's suffix asks for: .pdf or .docx."""
    suffix = Path(out).suffix.lower()
    if suffix not in _FORMATS:
        raise CliError(f"--out 的文件名应以 .pdf 或 .docx 结尾（收到“{out}”）")
    return suffix


def cmd_render(args: argparse.Namespace) -> int:
    from ecodesk.documents.render import render_pdf
    from ecodesk.documents.spec import DocumentSpec

    suffix = _out_format(args.out)
    spec = DocumentSpec.from_json(_read_json(args.spec))
    if suffix == ".docx":
        from ecodesk.documents.word import render_docx

        pages = render_docx(spec, Path(args.out))
        print(f"已生成 {args.out}（Word 文件，按 PDF 排版约 {pages} 页）")
        return 0
    result = render_pdf(spec, Path(args.out))
    for line in result.warnings:
        print(line, file=sys.stderr)
    print(f"已生成 {args.out}（{result.pages} 页）")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from ecodesk.services import documents

    suffix = _out_format(args.out)
    with open_db(args, lock=False) as db:
        export = documents.export_docx if suffix == ".docx" else documents.export_pdf
        out = export(db, args.id, Path(args.out))
    print(f"已生成 {out}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from ecodesk import dates
    from ecodesk.services import documents

    with open_db(args, lock=False) as db:
        if args.json:
            rows = documents.register_json(db, year=args.year, kind=args.kind, status=args.status)
            print(json.dumps(rows, ensure_ascii=False, indent=1))
            return 0
        found = documents.list_documents(db, year=args.year, kind=args.kind, status=args.status)
    for doc in found:
        number = doc.number or "（未编号）"
        print(
            f"{doc.id}\t{number}\t{doc.kind}\t{doc.status}\t{dates.format_iso(doc.doc_date)}\t{doc.title or '（无标题）'}"
        )
    print(f"共 {len(found)} 件", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from ecodesk.services import documents

    with open_db(args, lock=False) as db:
        if args.json:
            print(json.dumps(documents.spec_json(db, args.id), ensure_ascii=False, indent=1))
            return 0
        doc = documents.get(db, args.id)
        lines = documents.summary_lines(doc)
    print("\n".join(lines))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ecodesk.services import documents

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"找不到文件 {args.file}")
    with open_db(args) as db:
        imported = documents.import_docx(db, path)
    notice, doc = imported.notice, imported.document
    for label, value in notice.recognised():
        print(f"{label}：{value}")
    for text in notice.unplaced:
        print(f"未能识别、已放入正文：{text}")
    if imported.issued:
        print(
            f"已登记为已印发公文（编号 {doc.id}）：{doc.number} {doc.title}；本字号以后从 {(doc.sequence or 0) + 1} 号续编"
        )
    else:
        print(f"没有发文字号，已登记为草稿（编号 {doc.id}）：{doc.title}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from ecodesk.documents import kinds
    from ecodesk.services import documents

    with open_db(args) as db:
        if args.file:
            values = _read_json(args.file)
            values.setdefault("kind", args.kind)
            doc = documents.create_draft(db, values)
        else:
            doc = documents.create_draft(db, kinds.starter(args.kind, documents.defaults(db)))
    print(f"已起草 {doc.kind}（编号 {doc.id}）：{doc.title or '（无标题）'}")
    return 0


def cmd_issue(args: argparse.Namespace) -> int:
    from ecodesk.services import documents

    with open_db(args) as db:
        doc = documents.issue(db, args.id)
    print(f"已印发：{doc.number} {doc.title}")
    return 0


def cmd_void(args: argparse.Namespace) -> int:
    from ecodesk.services import documents

    with open_db(args) as db:
        doc = documents.void(db, args.id, args.reason)
    print(f"已作废：{doc.number}（原因：{doc.void_reason}）。该文号不再使用。")
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    from ecodesk.services import documents

    with open_db(args, lock=False) as db:
        out = documents.export_pdf(db, args.id, Path(args.out))
    print(f"已生成 {out}")
    return 0


def add_parser(sub: Subparsers) -> Subparsers:
    """Register ``doc`` and its subcommands; returns its subparsers, for the commands of other groups."""
    p = sub.add_parser(
        "doc", help="公文（GB/T 9704 格式）与发文登记", description="公文（GB/T 9704 格式）与发文登记"
    )
    doc_sub = p.add_subparsers(dest="doc_command", required=True, metavar="DOC_COMMAND")

    q = add_command(doc_sub, "render", cmd_render, "把公文 JSON 排版成 PDF 或 Word（按 --out 的扩展名）")
    q.add_argument("spec", metavar="SPEC.json")
    q.add_argument("--out", required=True, metavar="FILE.pdf|FILE.docx")
    q = add_command(doc_sub, "list", cmd_list, "列出发文登记（编号、文号、文种、状态、成文日期、标题）")
    q.add_argument("--year", type=int)
    q.add_argument("--kind", choices=DOCUMENT_KINDS)
    q.add_argument("--status", choices=DOCUMENT_STATUSES)
    q.add_argument(
        "--json", action="store_true", help="以 JSON 数组输出（id、number、title、kind、status、date……）"
    )
    q = add_command(doc_sub, "show", cmd_show, "显示一件公文；--json 输出与 doc render 相同格式的公文 JSON")
    q.add_argument("id", type=int)
    q.add_argument("--json", action="store_true")
    q = add_command(
        doc_sub, "import", cmd_import, "导入 Word 公文（.docx）：有发文字号的登记为已印发，否则为草稿"
    )
    q.add_argument("file", metavar="FILE.docx")
    q = add_command(doc_sub, "new", cmd_new, "起草一件公文（按设置填好默认值）")
    q.add_argument("--kind", choices=DOCUMENT_KINDS, default="通知")
    q.add_argument("file", nargs="?", metavar="FIELDS.json", help="字段：title、body、recipients、doc_date……")
    q = add_command(doc_sub, "issue", cmd_issue, "印发草稿：编发文字号、生成并保存 PDF")
    q.add_argument("id", type=int)
    q = add_command(doc_sub, "void", cmd_void, "作废已印发的公文（文号保留、不再使用）")
    q.add_argument("id", type=int)
    q.add_argument("--reason", required=True)
    q = add_command(doc_sub, "pdf", cmd_pdf, "导出一件公文的 PDF（已印发的为存档 PDF）")
    q.add_argument("id", type=int)
    q.add_argument("--out", required=True, metavar="FILE.pdf")
    q = add_command(doc_sub, "export", cmd_export, "导出一件公文为 Word（.docx）或 PDF（按 --out 的扩展名）")
    q.add_argument("id", type=int)
    q.add_argument("--out", required=True, metavar="FILE.docx|FILE.pdf")
    return doc_sub
