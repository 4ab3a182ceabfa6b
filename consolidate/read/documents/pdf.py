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
            carry: list[str | None] = []  # the last row's cells of the table the previous page ended with
            for number, page in enumerate(pdf.pages, start=1):
                chars += len(page.chars)
                if chars > MAX_CHARS:
                    raise Unreadable("FILE-TOO-LARGE", Msg(CHARACTERS, {"chars": chars}))
                found = page.find_tables()
                if found:
                    ruled: list[DocRow | Paragraph] = []
                    tables, carry = _page(page, found, number, tables, ruled, carry)
                    read.append(ruled)
                else:
                    read.append(page_segments(page))
                    carry = []
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


def _page(page: Any, found: list[Any], number: int, tables: int, out: list[DocRow | Paragraph],
          carry: list[str | None]) -> tuple[int, list[str | None]]:
    """A page with ruled tables: each table's rows, the text around them as paragraphs; the
    next table number, and the cells the page's last table ends with (a cell merged down that a
    page break cut goes on in the next page's first table)."""
    boxes = [t.bbox for t in found]

    def outside(obj: dict[str, Any]) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    placed: list[tuple[float, int, list[DocRow | Paragraph]]] = []
    for line in page.filter(outside).extract_text_lines():
        if line["text"].strip():
            placed.append((line["top"], 0, [Paragraph(line["text"].strip())]))
    last: list[str | None] = []
    for k, table in enumerate(sorted(found, key=lambda t: t.bbox[1])):
        rows: list[DocRow | Paragraph] = []
        texts = table.extract()
        boxes = [row.cells for row in table.rows]
        before = carry if k == 0 else []
        known = [list(row) for row in texts]  # what each cell holds, for the rows under it
        if before and known:  # the first row may be the empty rest of cells the page break cut
            known[0] = [v if v or c >= len(before) or v is None else before[c] for c, v in enumerate(known[0])]
        for r, raw in enumerate(texts):
            above = [_above(known, boxes, r, c, before) if v is None else None for c, v in enumerate(raw)]
            cells = _cells(raw, above)
            if cells:
                rows.append(DocRow(tuple(cells), on_page(number, table_row_place(tables + 1, r + 1)), tables))
        placed.append((table.bbox[1], 1, rows))
        tables += 1
        width = max((len(row) for row in boxes), default=0)
        last = [_above(texts, boxes, len(texts), c, []) for c in range(width)]
    for _, _, items in sorted(placed, key=lambda p: (p[0], p[1])):
        out.extend(items)
    return tables, last


def _cells(raw: list[str | None], above: list[str | None]) -> list[DocCell]:
    """A row's cells: a cell merged over columns is one cell with its span; one merged down from
    the row above (``above``: its text) an empty continuation that knows that text (a number
    merged over three rows stands for each of them, ``grid._merged_number``)."""
    cells: list[DocCell] = []
    for value, over in zip(raw, above, strict=True):
        if value is not None:
            cells.append(DocCell(" ".join(value.split())))
        elif over is not None:
            cells.append(DocCell("", 1, continued=True, above=" ".join(over.split())))
        elif cells:
            last = cells[-1]
            cells[-1] = DocCell(last.text, last.span + 1, last.continued, last.above)
        else:
            cells.append(DocCell("", 1, continued=True))
    return cells


def _above(texts: list[list[str | None]], boxes: list[list[Any]], r: int, c: int, carry: list[str | None]) -> str | None:
    """The text of the cell above that reaches down over row ``r`` at column ``c`` (a cell merged
    down; one the page break cut: ``carry``, the previous page's last cells), None when the
    empty place is the rest of a cell merged from the left."""
    tops = [b[1] for b in boxes[r] if b is not None] if r < len(boxes) else []
    for k in range(r - 1, -1, -1):
        box = boxes[k][c] if c < len(boxes[k]) else None
        if box is not None:
            return texts[k][c] if not tops or box[3] > min(tops) + 1 else None
    if r >= len(boxes) or not carry or c >= len(carry) or _covered_from_left(boxes, r, c):
        return None
    return carry[c]


def _covered_from_left(boxes: list[list[Any]], r: int, c: int) -> bool:
    """Is column ``c`` of row ``r`` under a cell of that row that starts to its left (a colspan)?"""
    x0 = next((row[c][0] for row in boxes if c < len(row) and row[c] is not None), None)
    return x0 is None or any(b is not None and b[2] > x0 + 1 for b in boxes[r][:c])
