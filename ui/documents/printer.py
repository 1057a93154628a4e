"""Printing a document's PDF on the office printer through QPrinter.

Each page is rasterised by QtPdf at 300 dpi (1200 dpi costs ~3 s a page, 300 dpi ~0.2 s and is
sharper than any office laser prints text at), painted on white — ``QPdfDocument.render`` returns a
transparent image — and drawn at full page size with no extra margins: the PDF already carries the
GB/T 9704 margins, so the printer must not add its own.

The QPrinter is an attribute of a long-lived object, as in ``ui.common.printing.ListPrinter``: Qt's print
dialogs crash when their printer is garbage-collected under them (SPEC §9).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRect, QSize, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from ecodesk.errors import EcoDeskError

PRINT_DPI = 300


class DocumentPrinter:
    """Owns the printer for as long as a dialog may use it."""

    def __init__(self) -> None:
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.printer.setResolution(PRINT_DPI)
        layout = QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)
        )
        self.printer.setPageLayout(layout)
        self.printer.setFullPage(True)

    def ask(self, parent: QWidget | None, title: str, pages: int) -> bool:
        """The system print dialog (printer, copies, page range); False when cancelled."""
        dialog = QPrintDialog(self.printer, parent)
        dialog.setWindowTitle(f"打印 — {title}")
        dialog.setMinMax(1, max(pages, 1))
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        return accepted

    def print_file(self, pdf_path: Path) -> int:
        """Print the PDF's pages (the range chosen in the dialog, else all); returns pages printed."""
        return print_pdf(pdf_path, self.printer)


def print_pdf(pdf_path: Path, printer: QPrinter, dpi: int = PRINT_DPI) -> int:
    document = QPdfDocument()
    document.load(str(pdf_path))
    if document.status() != QPdfDocument.Status.Ready:
        raise EcoDeskError(f"无法读取 PDF：{pdf_path}")
    count = document.pageCount()
    first, last = 1, count
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = max(1, printer.fromPage()), min(count, printer.toPage() or count)
    painter = QPainter()
    if not painter.begin(printer):
        raise EcoDeskError("无法开始打印：打印机不可用或输出文件无法写入。")
    printed = 0
    try:
        for number in range(first, last + 1):
            if printed:
                printer.newPage()
            image = page_image(document, number - 1, dpi)
            target = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
            painter.drawImage(QRect(0, 0, target.width(), target.height()), image)
            printed += 1
    finally:
        painter.end()
        document.close()
    return printed


def page_image(document: QPdfDocument, index: int, dpi: int) -> QImage:
    """One page at ``dpi`` on a white background."""
    points = document.pagePointSize(index)
    size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    rendered = document.render(index, size, QPdfDocumentRenderOptions())
    page = QImage(size, QImage.Format.Format_RGB32)
    page.fill(Qt.GlobalColor.white)
    painter = QPainter(page)
    painter.drawImage(0, 0, rendered)
    painter.end()
    return page
