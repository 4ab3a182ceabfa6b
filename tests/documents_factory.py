"""Published reports built for the tests: the three tables in the official layout (merged
headers, 表三's note, exact labels), with the numbers as a report prints them, as a Word
document (python-docx), a CMS web page (HTML as site editors write it) or a PDF (LibreOffice).

The layout is the spec's (``template_layout``); each box becomes a cell with its row and
column span, as the notice's Word tables merge them. Nothing here reads a document.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from consolidate.spec import load_spec, template_layout
from consolidate.spec.layout import TableLayout


@dataclass(frozen=True)
class Cell:
    text: str
    row: int  # within the table
    col: int
    rows: int = 1
    cols: int = 1


@dataclass(frozen=True)
class Table:
    heading: str  # the paragraph before it ("" for none)
    height: int
    width: int
    cells: tuple[Cell, ...]


def printed(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cells(layout: TableLayout, values: Mapping[str, object], first: int, last: int) -> Table:
    cells = []
    for box in layout.boxes:
        if box.role == "title" or not first <= box.row <= last:
            continue
        text = printed(values.get(box.key)) if box.key else box.text
        cells.append(Cell(text, box.row - first, box.col, box.last_row - box.row + 1, box.last_col - box.col + 1))
    return Table("", last - first + 1, layout.width, tuple(cells))


def report_tables(format_id: str, values: Mapping[str, object], split_t2: bool = True) -> list[Table]:
    """The tables of a report; 表二 as one table per sub-table (as CMSs split it) or whole."""
    out: list[Table] = []
    for layout in template_layout(load_spec(format_id)).values():
        top, bottom = layout.body_top, layout.bottom
        if split_t2 and layout.sheet == "表二":
            starts = [b.row for b in layout.boxes if b.role == "caption"] + [bottom + 1]
            tables = [_cells(layout, values, a, b - 1) for a, b in pairwise(starts)]
        else:
            tables = [_cells(layout, values, top, bottom)]
        out.append(Table(layout.table.title, tables[0].height, tables[0].width, tables[0].cells))
        out.extend(tables[1:])
    return out


def cms_html(title: str, tables: list[Table], *, encoding: str = "utf-8") -> bytes:
    """A CMS page: the title in an <h1>, tables with rowspan/colspan, every cell text in
    <p><span> pieces, &nbsp; padding, a two-word label broken by <br> (商业<br>企业)."""
    parts = [f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>{html.escape(title)}</title>'
             "<style>td{border:1px solid #000}</style><script>var x = '<table>';</script></head><body>",
             f'<div class="article"><h1 style="text-align:center">{html.escape(title)}</h1>',
             "<p>&nbsp;&nbsp;本报告根据《中华人民共和国政府信息公开条例》编制。</p>"]
    for table in tables:
        if table.heading:
            parts.append(f"<p><strong><span>{html.escape(table.heading)}</span></strong></p>")
        parts.append('<table border="1" cellspacing="0" style="width:100%"><tbody>')
        by_row: dict[int, list[Cell]] = {}
        for cell in table.cells:
            by_row.setdefault(cell.row, []).append(cell)
        for r in range(table.height):
            parts.append("<tr>")
            for cell in sorted(by_row.get(r, []), key=lambda c: c.col):
                span = (f' rowspan="{cell.rows}"' if cell.rows > 1 else "") + \
                       (f' colspan="{cell.cols}"' if cell.cols > 1 else "")
                text = html.escape(cell.text)
                if len(cell.text) == 4 and cell.text in ("商业企业", "科研机构", "结果维持", "结果纠正"):
                    text = f"{text[:2]}<br/>{text[2:]}"
                body = f"<p style=\"text-align:center\"><span style=\"font-size:12px\">{text or '&nbsp;'}</span></p>"
                parts.append(f'<td valign="middle"{span}>{body}</td>')
            parts.append("</tr>")
        parts.append("</tbody></table><p>&nbsp;</p>")
    parts.append("<p>五、存在的主要问题及改进情况</p><p>无。</p></div></body></html>")
    return "".join(parts).encode(encoding, "xmlcharrefreplace")


def word(title: str, tables: list[Table], path: Path, *, nested: bool = False) -> Path:
    """A .docx: the title, then each table with its merges (python-docx ``merge``). With
    ``nested``, the tables stand inside the one cell of a layout table, as some offices do."""
    import docx

    document = docx.Document()
    document.add_paragraph(title)
    document.add_paragraph("一、总体情况")
    holder = document
    if nested:
        holder = document.add_table(rows=1, cols=1).cell(0, 0)
    for table in tables:
        if table.heading:
            holder.add_paragraph(table.heading)
        grid = holder.add_table(rows=table.height, cols=table.width)
        grid.style = "Table Grid"  # ruled, as every published table is
        for cell in table.cells:
            target = grid.cell(cell.row, cell.col)
            if cell.rows > 1 or cell.cols > 1:
                target = target.merge(grid.cell(cell.row + cell.rows - 1, cell.col + cell.cols - 1))
            target.text = cell.text
    document.add_paragraph("五、存在的主要问题及改进情况")
    document.save(str(path))
    return path


def seed_values(seed: Mapping[str, object]) -> dict[str, object]:
    """A seed's numbers as its report prints them; the cells the report lost left blank."""
    values = dict(seed["values"])  # type: ignore[call-overload]
    for key in seed.get("reconstructed", {}) or {}:  # type: ignore[attr-defined]
        values[key] = None
    return values


def as_number(raw: object) -> float:
    """A printed value as a number in 万元 ("+373", "28112200元", "8.0056 万元")."""
    if not isinstance(raw, str):
        return float(raw)  # type: ignore[arg-type]
    text = raw.replace(" ", "")
    if text.endswith("万元"):
        return float(text[:-2])
    if text.endswith("元"):
        return float(text[:-1]) / 10000
    return float(text)
