"""A report as a Word document (.docx), through python-docx.

The package is first opened under the workbook reader's zip limits (``archive.checked_zip``:
sizes, ratio, count, encryption; a DTD in any part refused), then python-docx reads
the body in order: paragraphs, and tables row by row. A cell spanning columns (``gridSpan``)
is one cell with its span; python-docx gives a cell merged down (``vMerge``) again in every
row it covers, which the locator takes as it is (a label found in any row of its box). A
table inside a cell gives its own rows after its parent's.
"""

from __future__ import annotations

import io
from typing import Any

from ...i18n import Msg
from ..archive import DOCX_DAMAGED, TABLE_ROWS, Unreadable, check_prologs, checked_zip
from .model import DocCell, DocRow, Document, Paragraph, table_row_place

DOCUMENT_PART = "word/document.xml"
MAX_TABLE_ROWS = 20_000


def parse_docx(data: bytes) -> Document:
    package = checked_zip(data)
    check_prologs(package)  # no part may declare a DTD, whether python-docx reads it or not
    body = package.part(DOCUMENT_PART)  # bounded, CRC-checked, no DTD: before python-docx parses it
    rows = body.count(b"<w:tr>") + body.count(b"<w:tr ")
    if rows > MAX_TABLE_ROWS:  # counted before python-docx builds them: a report has about a hundred
        raise Unreadable("FILE-TOO-LARGE", Msg(TABLE_ROWS, {"rows": rows}))
    import docx
    from docx.table import Table

    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zip, XML and key errors of its own for a broken file
        raise Unreadable("FILE-DOCX", Msg(DOCX_DAMAGED)) from exc
    doc = Document("docx")
    counter = [0]
    for block in word.iter_inner_content():
        if isinstance(block, Table):
            _table(block, counter, doc)
        elif block.text.strip():
            doc.items.append(Paragraph(block.text.strip()))
    return doc


def _table(table: Any, counter: list[int], doc: Document) -> None:
    number = counter[0]
    counter[0] += 1
    nested: list[Any] = []
    for r, row in enumerate(table.rows):
        cells: list[DocCell] = []
        if row.grid_cols_before:
            cells.append(DocCell("", row.grid_cols_before))
        previous = None
        for cell in row.cells:
            if cell is previous:  # python-docx gives a cell spanning columns once per column
                last = cells[-1]
                cells[-1] = DocCell(last.text, last.span + 1)
                continue
            previous = cell
            cells.append(DocCell(" ".join(cell.text.split()), 1))
            nested.extend(cell.tables)
        if cells:
            doc.items.append(DocRow(tuple(cells), table_row_place(number + 1, r + 1), number))
    for inner in nested:
        _table(inner, counter, doc)
