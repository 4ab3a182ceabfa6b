"""A report as a PDF with a text layer, through pdfplumber.

The page count is read first (pypdfium2, which pdfplumber itself uses for images): a PDF of
more than ``MAX_PAGES`` pages is refused before any page is parsed. Each page's tables are
found by their ruling lines (``find_tables``): a cell merged over columns or rows is ``None``
in pdfplumber's rows, kept here as the span of the cell before it, or as an empty cell at
the start of a row. The text outside the tables gives paragraphs, in their place by their
height on the page. A page without ruled tables gives its text lines, read as flowing text
(numbers at the end of a line: ``text._flowing``). No character on any page: a scan.
"""

from __future__ import annotations

import io
from typing import Any

from ...i18n import Msg
from ..archive import CHARACTERS, PAGES, PDF_DAMAGED, Unreadable
from .model import DocCell, DocRow, Document, Paragraph, on_page, table_row_place

MAX_PAGES = 60  # a report is 5-15 pages
MAX_CHARS = 400_000  # characters of text on all the pages read


def page_count(data: bytes) -> int:
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise Unreadable("FILE-PDF", Msg(PDF_DAMAGED)) from exc
    try:
        return len(pdf)
    finally:
        pdf.close()


def parse_pdf(data: bytes) -> Document:
    pages = page_count(data)
    if pages > MAX_PAGES:
        raise Unreadable("FILE-TOO-LARGE", Msg(PAGES, {"pages": pages}))
    import pdfplumber

    doc = Document("pdf")
    chars = 0
    tables = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                chars += len(page.chars)
                if chars > MAX_CHARS:
                    raise Unreadable("FILE-TOO-LARGE", Msg(CHARACTERS, {"chars": chars}))
                tables = _page(page, number, tables, doc)
    except Unreadable:
        raise
    except Exception as exc:  # pdfminer's own errors for a damaged file
        raise Unreadable("FILE-PDF", Msg(PDF_DAMAGED)) from exc
    if chars == 0:
        raise Unreadable("FILE-SCANNED", Msg(PAGES, {"pages": pages}))
    return doc


def _page(page: Any, number: int, tables: int, doc: Document) -> int:
    found = page.find_tables()
    if not found:
        from .text import flowing_lines

        for item in flowing_lines(_lines(page)):
            doc.items.append(item if isinstance(item, Paragraph) else
                             DocRow(item.cells, on_page(number, item.where), tables))
        return tables + 1
    boxes = [t.bbox for t in found]

    def outside(obj: dict[str, Any]) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    placed: list[tuple[float, int, list[DocRow | Paragraph]]] = []
    for line in page.filter(outside).extract_text_lines():
        if line["text"].strip():
            placed.append((line["top"], 0, [Paragraph(line["text"].strip())]))
    for table in found:
        rows: list[DocRow | Paragraph] = []
        for r, raw in enumerate(table.extract()):
            cells = _cells(raw)
            if cells:
                rows.append(DocRow(tuple(cells), on_page(number, table_row_place(tables + 1, r + 1)), tables))
        placed.append((table.bbox[1], 1, rows))
        tables += 1
    for _, _, items in sorted(placed, key=lambda p: (p[0], p[1])):
        doc.items.extend(items)
    return tables


def _cells(raw: list[str | None]) -> list[DocCell]:
    cells: list[DocCell] = []
    for value in raw:
        if value is None:
            if cells:
                last = cells[-1]
                cells[-1] = DocCell(last.text, last.span + 1, last.continued)
            else:
                cells.append(DocCell("", 1, continued=True))
        else:
            cells.append(DocCell(" ".join(value.split())))
    return cells


def _lines(page: Any) -> list[str]:
    return [line["text"] for line in page.extract_text_lines()]
