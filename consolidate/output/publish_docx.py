"""The three tables as a Word document (python-docx), ready to paste into the annual report.

A4 portrait, each table under its section heading, real merged cells (so Word, WPS and
LibreOffice all show the official header), single borders ("Table Grid"), 宋体 for the
Chinese text (the East Asian font of the Normal style), numbers centred.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.run import Run

from .published import PublishedTable

FONT = "宋体"
TEXT_WIDTH_CM = 16.0  # A4 less 2.5 cm margins
LABEL_SHARE = 0.45  # of the width, for the row labels when a table has them
GROUP_LABEL_CM = 1.6  # a column of group labels (三、本年度办理结果 / （三）不予公开)


def _font(run: Run, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold


def _chinese_font(doc: DocumentObject) -> None:
    """宋体 for the Normal style, Latin and East Asian text alike (every paragraph inherits it)."""
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _widths(table: PublishedTable) -> list[float]:
    data = table.width - table.label_cols
    if not table.label_cols:
        return [TEXT_WIDTH_CM / table.width] * table.width
    labels = TEXT_WIDTH_CM * LABEL_SHARE  # the outer (group) label columns narrow, the innermost the rest
    outer = [GROUP_LABEL_CM] * (table.label_cols - 1)
    return [*outer, labels - sum(outer)] + [TEXT_WIDTH_CM * (1 - LABEL_SHARE) / max(data, 1)] * data


def tables_docx(tables: list[PublishedTable], heading: str = "") -> bytes:
    doc = Document()
    _chinese_font(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    if heading:
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(para.add_run(heading), 14, bold=True)
    for table in tables:
        para = doc.add_paragraph()
        _font(para.add_run(table.title), 12, bold=True)
        grid = doc.add_table(rows=len(table.rows), cols=table.width)
        grid.style = "Table Grid"
        grid.autofit = False
        widths = _widths(table)
        for c, column in enumerate(grid.columns):  # the table grid (what LibreOffice and WPS follow)
            column.width = Cm(widths[c])
        for row in grid.rows:  # and each cell (what Word follows)
            for c, cell in enumerate(row.cells):
                cell.width = Cm(widths[c])
        size = 10.5 if table.width <= 5 else 9
        for r, (pieces, starts) in enumerate(zip(table.rows, table.starts, strict=True)):
            for piece, c in zip(pieces, starts, strict=True):
                cell = grid.cell(r, c)
                if piece.rowspan > 1 or piece.colspan > 1:
                    cell = cell.merge(grid.cell(r + piece.rowspan - 1, c + piece.colspan - 1))
                cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
                para = cell.paragraphs[0]
                if piece.is_number or piece.is_header:
                    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _font(para.add_run(piece.text), size, bold=piece.is_header and piece.role != "corner")
        doc.add_paragraph()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
