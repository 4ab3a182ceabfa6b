"""A report as a PDF with a text layer, through pdfplumber.

The page count is read first (pypdfium2, which pdfplumber itself uses for images): a PDF of
more than ``MAX_PAGES`` pages is refused before any page is parsed. Each page's tables are
found by their ruling lines (``find_tables``): a cell merged over columns or rows is ``None``
in pdfplumber's rows, kept here as the span of the cell before it, or as an empty cell at
the start of a row. The text outside the tables gives paragraphs, in their place by their
height on the page. A page without ruled tables is read from where its words stand
(``pdf_text``: column-aligned numbers under the tables' headings, the narrative and the page
numbers left out), which needs to know, page to page, whether the tables' part has begun.
No character on any page: a scan.
"""

from __future__ import annotations

import io
from typing import Any

from ...i18n import Msg
from ..archive import CHARACTERS, PAGES, PDF_DAMAGED, Unreadable
from .model import DocCell, DocRow, Document, Paragraph, on_page, table_row_place
from .pdf_text import Region, Seg, drop_running_lines, has_headings, page_items, page_segments

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
    # each page: its ruled tables' rows and the text around them, or (no ruled table) its words
    read: list[list[DocRow | Paragraph] | list[Seg]] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            tables = 0
            for number, page in enumerate(pdf.pages, start=1):
                chars += len(page.chars)
                if chars > MAX_CHARS:
                    raise Unreadable("FILE-TOO-LARGE", Msg(CHARACTERS, {"chars": chars}))
                found = page.find_tables()
                if found:
                    ruled: list[DocRow | Paragraph] = []
                    tables = _page(page, found, number, tables, ruled)
                    read.append(ruled)
                else:
                    read.append(page_segments(page))
    except Unreadable:
        raise
    except Exception as exc:  # pdfminer's own errors for a damaged file
        raise Unreadable("FILE-PDF", Msg(PDF_DAMAGED)) from exc
    if chars == 0:
        raise Unreadable("FILE-SCANNED", Msg(PAGES, {"pages": pages}))
    unruled = drop_running_lines([[i for i in content if isinstance(i, Seg)] for content in read])
    read = [words if any(isinstance(i, Seg) for i in content) else content
            for content, words in zip(read, unruled, strict=True)]
    region = Region(whole=not has_headings([_text(item) for content in read for item in content]))
    for number, content in enumerate(read, start=1):
        words = [item for item in content if isinstance(item, Seg)]
        if words:
            items, tables = page_items(words, number, tables, region)
            doc.items.extend(items)
            continue
        for item in content:
            if not isinstance(item, Seg):
                region.see(_text(item))
                doc.items.append(item)
    return doc


def _text(item: DocRow | Paragraph | Seg) -> str:
    return "".join(c.text for c in item.cells) if isinstance(item, DocRow) else item.text


def _page(page: Any, found: list[Any], number: int, tables: int, out: list[DocRow | Paragraph]) -> int:
    """A page with ruled tables: each table's rows, the text around them as paragraphs."""
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
        out.extend(items)
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

