"""分单位明细: one row per unit (roster order), one column per statistical cell.

A three-row header names each column by its table, its row and its column (labels from
the spec; runs of the same table or row are merged). Only counted submissions show
numbers, so the total row (formulas, with their values cached) equals the 汇总 sheet.
A hidden row above the header holds each column's id (the spec's cell keys), so next
year's roll-up can read the units' figures back for 同比 (``previous.py``).
The header row carries an autofilter; headers and the unit name stay in view.

Printed landscape at a fixed scale (text 9.4 pt on paper), each table's columns a group of
pages of their own: a page break stands before every table and, inside a table, between
whole header groups (a row of 表三 with its seven columns is never cut), and every page
repeats the header rows and the 序号/单位名称 columns. The sheet's title prints in the page
header (the print area starts at the header rows), so a county's units and their total fit
one page's height: 26 units print as one page per column group.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from ..compact import row_numbers
from ..i18n import _
from ..spec import Cell, FormatSpec, a1
from ..spec.model import CellKind
from . import texts
from .bulk import PendingCells
from .data import RollupData
from .formats import LINE_POINTS, UNIT_POINTS, SummaryFormats, fit_row, header_text, lines_needed, page_footer

KEY_ROW = 2  # hidden: the column ids
HEADER_TOP = 3  # title, note, the key row, then the three header rows
FIXED_IDS = ("no", "unit_name", "unit_code", "unit_type", "status", "units")
FIXED_WIDTHS = (5.0, 23.0, 20.0, 10.0, 16.5, 7.0)  # 报送情况 holds “重复（被替代）” on one line
DATA_WIDTH: dict[CellKind, float] = {"count": 6.5, "signed": 6.5, "amount": 11.0}  # numbers without separators
LABEL_LINES = 3  # a column label wraps to at most this many lines: its column is widened to fit
PRINT_SCALE = 85  # percent: 11-point text prints at 9.35 points
SIDE_MARGIN = 0.25  # inches
# Landscape A4 (841.9 points) less the side margins; what fits at that scale, less 3 % to spare
PAGE_UNITS = (841.9 - 2 * 72 * SIDE_MARGIN) / (PRINT_SCALE / 100) / UNIT_POINTS * 0.97


def column_width(cell: Cell) -> float:
    """A number column's width: its kind's, or wider when its label would wrap to more than
    ``LABEL_LINES`` lines (表二's “本年处理决定数量”), which would make the header row, repeated on
    every page, taller for all of them."""
    width = DATA_WIDTH[cell.kind]
    while lines_needed(cell.column_label, width) > LABEL_LINES:
        width += 0.5
    return width


def row_text(cell: Cell) -> str:
    """The second header row: the row's labels, outermost first (表四 has none: its column groups)."""
    if cell.row_labels:
        return "\n".join(cell.row_labels)
    return "\n".join(cell.column_labels[:-1])


def _runs(values: list[str]) -> list[tuple[int, int, str]]:
    """Runs of equal neighbours: (first index, last index, value)."""
    runs: list[tuple[int, int, str]] = []
    for i, v in enumerate(values):
        if runs and runs[-1][2] == v:
            runs[-1] = (runs[-1][0], i, v)
        else:
            runs.append((i, i, v))
    return runs


def _header(ws: Worksheet, spec: FormatSpec, fmt: SummaryFormats, first_col: int) -> None:
    top = HEADER_TOP
    for col, text in enumerate(texts.DETAIL_COLS):
        ws.merge_range(top, col, top + 2, col, "", fmt.header_wrap)
        ws.write_string(top, col, _(text), fmt.header_wrap)
    cells = spec.cells
    widths = [column_width(c) for c in cells]
    # merged labels stop at page breaks, so every printed page shows its table's whole title
    starts = [b - first_col for b in page_groups(spec, first_col)]
    page = [sum(1 for b in starts if b <= i) for i in range(len(cells))]
    titles = [f"{page[i]}\x00{spec.table(c.table).title}" for i, c in enumerate(cells)]
    rows = [f"{page[i]}\x00{c.table}\x00{row_text(c)}" for i, c in enumerate(cells)]
    lines = [1, 1, 1]
    for level, values in ((0, titles), (1, rows)):
        for first, last, value in _runs(values):
            shown = value.split("\x00")[-1]
            lines[level] = max(lines[level], lines_needed(shown, sum(widths[first:last + 1])))
            if first == last:
                ws.write_string(top + level, first_col + first, shown, fmt.header_wrap)
            else:
                ws.merge_range(top + level, first_col + first, top + level, first_col + last, shown, fmt.header_wrap)
    for i, c in enumerate(cells):
        ws.write_string(top + 2, first_col + i, c.column_label, fmt.header_wrap)
        lines[2] = max(lines[2], lines_needed(c.column_label, widths[i]))
    for level in range(3):
        ws.set_row(top + level, LINE_POINTS * min(lines[level], 8) + 6)


def page_groups(spec: FormatSpec, first_col: int) -> list[int]:
    """The columns before which a printed page starts: every table's first column (the first
    page holds the units' identity and 报送情况 alone), and inside a table the start of a
    header group (a row's columns) that would not fit."""
    cells = spec.cells
    repeated = sum(FIXED_WIDTHS[:2])
    room = PAGE_UNITS - repeated
    breaks: list[int] = []
    used = 0.0
    groups = _runs([f"{c.table}\x00{row_text(c)}" for c in cells])
    previous_table = None
    for first, last, _value in groups:
        table = cells[first].table
        width = sum(column_width(c) for c in cells[first:last + 1])
        if table != previous_table or used + width > room:
            breaks.append(first_col + first)
            used = 0.0
        while width > room:  # a group wider than a page: cut it at the page's edge
            fit, taken = first, 0.0
            while fit <= last and taken + column_width(cells[fit]) <= room - used:
                taken += column_width(cells[fit])
                fit += 1
            breaks.append(first_col + fit)
            width -= taken
            first, used = fit, 0.0
        used += width
        previous_table = table
    return breaks


def write_detail_sheet(ws: Worksheet, data: RollupData, fmt: SummaryFormats) -> PendingCells:
    """Write the sheet; the numbers of all counted rows but the first are returned, to be
    added by ``bulk.fill`` once the workbook is closed (see ``bulk.py``: 15x faster)."""
    spec = data.spec
    first_col = len(texts.DETAIL_COLS)
    title = _(texts.DETAIL_TITLE).format(sheet=_(texts.SHEET_DETAIL), name=data.district_name, year=data.year)
    ws.write_string(0, 0, title, fmt.title)
    ws.write_string(1, 0, _(texts.DETAIL_NOTE), fmt.subtitle)
    _header(ws, spec, fmt, first_col)
    for col, ident in enumerate((*FIXED_IDS, *spec.keys)):
        ws.write_string(KEY_ROW, col, ident)
    ws.set_row(KEY_ROW, None, None, {"hidden": True})
    for col, width in enumerate(FIXED_WIDTHS):
        ws.set_column(col, col, width)
    for j, c in enumerate(spec.cells):
        ws.set_column(first_col + j, first_col + j, column_width(c))

    top = HEADER_TOP + 3
    rows = data.selection.units
    formats = [fmt.bare[c.kind] for c in spec.cells]
    pending = PendingCells(ws.index, first_col, formats)
    keys = spec.keys
    styled = False
    for i, unit in enumerate(rows):
        r = top + i
        ws.write_number(r, 0, i + 1, fmt.integer)
        ws.write_string(r, 1, unit.name, fmt.wrap)
        ws.write_string(r, 2, unit.code, fmt.text)
        ws.write_string(r, 3, unit.type, fmt.wrap)
        ws.write_string(r, 4, _(unit.label), fmt.fate_wrap[unit.fate])
        fit_row(ws, r, ((unit.name, FIXED_WIDTHS[1]), (_(unit.label), FIXED_WIDTHS[4]), (unit.type, FIXED_WIDTHS[3])))
        values = unit.file.values if unit.counted and unit.file is not None else None
        if values is None:
            ws.write_blank(r, 5, None, fmt.integer)
            continue
        ws.write_number(r, 5, unit.units, fmt.integer)
        numbers = row_numbers(values, keys, 0.0)  # a compact file's own array: 10,000 rows of floats not copied
        if styled:
            pending.add(r, numbers)
        else:  # the first counted row through xlsxwriter: it gives each number format its style index
            for j, value in enumerate(numbers):
                ws.write_number(r, first_col + j, value, formats[j])
            styled = True

    total_row = top + len(rows)
    ws.merge_range(total_row, 0, total_row, 4, "", fmt.total_label)
    ws.write_string(total_row, 0, _(texts.DETAIL_TOTAL), fmt.total_label)
    _total(ws, total_row, 5, top, data.units, fmt.total["count"], bool(rows))
    for j, c in enumerate(spec.cells):
        _total(ws, total_row, first_col + j, top, data.totals[c.key], fmt.bare_total[c.kind], bool(rows))

    header_row = HEADER_TOP + 2
    ws.autofilter(header_row, 0, max(header_row + 1, total_row - 1), first_col + len(spec.cells) - 1)
    ws.freeze_panes(header_row + 1, 2)
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_print_scale(PRINT_SCALE)
    ws.set_margins(left=SIDE_MARGIN, right=SIDE_MARGIN, top=0.5, bottom=0.5)
    ws.set_header(f"&C&B&12{header_text(title)}", {"margin": 0.2})  # the title on every page
    ws.set_footer(page_footer(), {"margin": 0.2})
    ws.print_area(HEADER_TOP, 0, total_row, first_col + len(spec.cells) - 1)
    ws.repeat_rows(HEADER_TOP, header_row)
    ws.repeat_columns(0, 1)
    ws.set_v_pagebreaks(page_groups(spec, first_col))
    return pending


def _total(ws: Worksheet, row: int, col: int, top: int, value: float, cell_format: object, any_rows: bool) -> None:
    if any_rows:
        ws.write_formula(row, col, f"=SUM({a1(top, col)}:{a1(row - 1, col)})", cell_format, value)
    else:
        ws.write_number(row, col, value, cell_format)
