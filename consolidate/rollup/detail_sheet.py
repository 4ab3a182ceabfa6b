"""分单位明细: one row per unit (roster order), one column per statistical cell.

A three-row header names each column by its table, its row and its column (labels from
the spec; runs of the same table or row are merged). Only counted submissions show
numbers, so the total row (formulas, with their values cached) equals the 汇总 sheet.
A hidden row above the header holds each column's id (the spec's cell keys), so next
year's roll-up can read the units' figures back for 同比 (``previous.py``).
The header row carries an autofilter; headers and the unit name stay in view.
"""

from __future__ import annotations

from operator import itemgetter

from xlsxwriter.worksheet import Worksheet

from ..spec import Cell, FormatSpec, a1
from ..xlsx.styles import text_width
from . import texts
from .bulk import PendingCells
from .data import RollupData
from .formats import SummaryFormats

KEY_ROW = 2  # hidden: the column ids
HEADER_TOP = 3  # title, note, the key row, then the three header rows
FIXED_IDS = ("no", "unit_name", "unit_code", "unit_type", "status", "units")
FIXED_WIDTHS = (6.0, 30.0, 21.0, 10.0, 16.0, 9.0)
DATA_WIDTH = 11.0


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
        ws.write_string(top, col, text, fmt.header_wrap)
    cells = spec.cells
    titles = [spec.table(c.table).title for c in cells]
    rows = [f"{c.table}\x00{row_text(c)}" for c in cells]
    for level, values in ((0, titles), (1, rows)):
        for first, last, value in _runs(values):
            shown = value.split("\x00", 1)[-1]
            if first == last:
                ws.write_string(top + level, first_col + first, shown, fmt.header_wrap)
            else:
                ws.merge_range(top + level, first_col + first, top + level, first_col + last, shown, fmt.header_wrap)
    for i, c in enumerate(cells):
        ws.write_string(top + 2, first_col + i, c.column_label, fmt.header_wrap)
    deepest = max((row_text(c).count("\n") + 1 for c in cells), default=1)
    ws.set_row(top, 30)
    ws.set_row(top + 1, 15 * deepest + 6)
    longest = max((text_width(c.column_label) for c in cells), default=0.0)
    ws.set_row(top + 2, 15 * min(4, max(1, int(longest / (DATA_WIDTH - 1)) + 1)) + 6)


def write_detail_sheet(ws: Worksheet, data: RollupData, fmt: SummaryFormats) -> PendingCells:
    """Write the sheet; the numbers of all counted rows but the first are returned, to be
    added by ``bulk.fill`` once the workbook is closed (see ``bulk.py``: 15x faster)."""
    spec = data.spec
    first_col = len(texts.DETAIL_COLS)
    ws.write_string(0, 0, f"{texts.SHEET_DETAIL}（{data.district_name}{data.year}年度）"
                    if data.district_name else texts.SHEET_DETAIL, fmt.title)
    ws.write_string(1, 0, texts.DETAIL_NOTE, fmt.subtitle)
    _header(ws, spec, fmt, first_col)
    for col, ident in enumerate((*FIXED_IDS, *spec.keys)):
        ws.write_string(KEY_ROW, col, ident)
    ws.set_row(KEY_ROW, None, None, {"hidden": True})
    for col, width in enumerate(FIXED_WIDTHS):
        ws.set_column(col, col, width)
    ws.set_column(first_col, first_col + len(spec.cells) - 1, DATA_WIDTH)

    top = HEADER_TOP + 3
    rows = data.selection.units
    formats = [fmt.number[c.kind] for c in spec.cells]
    pending = PendingCells(ws.index, first_col, formats)
    keys = spec.keys
    getter = itemgetter(*keys)
    styled = False
    for i, unit in enumerate(rows):
        r = top + i
        ws.write_number(r, 0, i + 1, fmt.integer)
        ws.write_string(r, 1, unit.name, fmt.text)
        ws.write_string(r, 2, unit.code, fmt.text)
        ws.write_string(r, 3, unit.type, fmt.text)
        ws.write_string(r, 4, unit.label, fmt.fate[unit.fate])
        values = unit.file.values if unit.counted and unit.file is not None else None
        if values is None:
            ws.write_blank(r, 5, None, fmt.integer)
            continue
        ws.write_number(r, 5, unit.units, fmt.integer)
        try:
            numbers = list(getter(values))
        except KeyError:
            numbers = [values.get(k, 0.0) for k in keys]
        if styled:
            pending.add(r, numbers)
        else:  # the first counted row through xlsxwriter: it gives each number format its style index
            for j, value in enumerate(numbers):
                ws.write_number(r, first_col + j, value, formats[j])
            styled = True

    total_row = top + len(rows)
    ws.merge_range(total_row, 0, total_row, 4, "", fmt.total_label)
    ws.write_string(total_row, 0, texts.DETAIL_TOTAL, fmt.total_label)
    _total(ws, total_row, 5, top, data.units, fmt.total["count"], bool(rows))
    for j, c in enumerate(spec.cells):
        _total(ws, total_row, first_col + j, top, data.totals[c.key], fmt.total[c.kind], bool(rows))

    header_row = HEADER_TOP + 2
    ws.autofilter(header_row, 0, max(header_row + 1, total_row - 1), first_col + len(spec.cells) - 1)
    ws.freeze_panes(header_row + 1, 2)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(HEADER_TOP, header_row)
    ws.repeat_columns(0, 1)
    return pending


def _total(ws: Worksheet, row: int, col: int, top: int, value: float, cell_format: object, any_rows: bool) -> None:
    if any_rows:
        ws.write_formula(row, col, f"=SUM({a1(top, col)}:{a1(row - 1, col)})", cell_format, value)
    else:
        ws.write_number(row, col, value, cell_format)
