"""Write one statistical table onto a worksheet, exactly where its layout puts it.

Shared by the template (``mode="input"``) and the roll-up summary (``mode="output"``).
Everything written comes from the layout (labels, merged ranges, cell places) and the
spec (cell kinds, totals); nothing is typed here.

``write_table(ws, layout, styles, *, values=None, mode, spec=None, widths=None)``

- ``mode="input"`` (a template): data cells are unlocked, light yellow, pre-filled with
  0 (or ``values[key]``), with data validation (whole >= 0; signed whole for kind
  ``signed``; decimal >= 0 for ``amount``) and a Chinese input and error message.
  Totals (cells with ``sums``) are ``=SUM(...)`` formulas over the parts of their first
  ``sums`` entry, grey and locked, written WITH their cached value so that a reader of
  cached values sees the right number. A value given for a total replaces its formula
  by that constant, and a string value is written as text (this is how a factory makes
  the faulty submissions a clerk really sends: an overwritten total, text in a cell).
- ``mode="output"`` (the summary): every data cell is a locked number; totals are
  plain numbers too (``values[key]`` when given, else computed from their parts).

Amount cells show at least two decimals. A column's ``unit_note`` (v2019 采购总金额:
“单位：万元”) is written just right of the table on the column's first data row.
The function sets the widths of the table's columns (``widths``: from
:func:`column_widths` of every table on the sheet, or of this one when None) and the
heights of its rows (wrapped labels), and returns a :class:`TableArea` telling where
things went: the column free for a check area, each key's address, each key's value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..i18n import _
from ..spec import FORMATS, Box, Cell, FormatSpec, TableLayout, a1, load_spec
from . import texts
from .styles import Styles, text_width

Mode = Literal["input", "output"]
CellValue = float | int | str

# widths in Excel column units, heights in points
# The template's tables print landscape one page wide with text at 9 points or more: 表三 and
# 表四 need their number columns at 8 and the leaf labels wrapping beyond about 15 characters.
DATA_MIN, DATA_MAX = 8.0, 16.0
AMOUNT_MIN = 11.0  # 万元 with up to four decimals: “12,345.6789” must not show as ####
LEAF_CAP = 32.0  # a leaf row label wraps beyond this (about 15 Chinese characters)
GROUP_MIN = 9.0  # a tall row-group column: at least about 4 characters
LINE_HEIGHT, ROW_PAD, ROW_MIN, TITLE_HEIGHT = 14.5, 6.0, 20.0, 30.0


@dataclass(frozen=True)
class Sizes:
    """How roomy a table is laid out (widths in column units, heights in points)."""

    data_min: float = DATA_MIN
    data_max: float = DATA_MAX
    leaf_cap: float = LEAF_CAP
    group_min: float = GROUP_MIN
    line_height: float = LINE_HEIGHT
    row_pad: float = ROW_PAD
    row_min: float = ROW_MIN
    header_lines: int = 2  # a column header may wrap into this many lines
    group_rows_per_line: int = 3  # a row group's label gets a line per this many of its rows


ROOMY = Sizes()  # the template: room to type in
_LABEL_ROLES = ("corner", "row_label", "row_group")


@dataclass(frozen=True)
class TableArea:
    """Where :func:`write_table` put a table."""

    layout: TableLayout
    side_col: int  # the first column right of the table (and its unit notes) free for a check area
    last_col: int  # the last column the table uses (its unit notes included)
    addresses: dict[str, str]  # cell key -> "D12" (top-left of the cell's box)
    values: dict[str, CellValue]  # cell key -> the value written, or a total's computed value

    def address(self, key: str) -> str:
        return self.addresses[key]


def spec_of(layout: TableLayout) -> FormatSpec:
    """The spec whose table ``layout`` lays out (the same table object, or an equal one)."""
    for fid in FORMATS:
        spec = load_spec(fid)
        if any(t is layout.table for t in spec.tables):
            return spec
    for fid in FORMATS:
        spec = load_spec(fid)
        if any(t == layout.table for t in spec.tables):
            return spec
    raise ValueError(f"no loaded format has the table {layout.table.id} of this layout: pass spec=")


# --- numbers -----------------------------------------------------------------------


def _number(value: CellValue) -> float:
    """How SUM sees a cell: text counts 0."""
    return 0.0 if isinstance(value, str) else float(value)


def _tidy(value: float) -> float | int:
    value = round(value, 9)
    return int(value) if value.is_integer() else value


def computed_values(spec: FormatSpec, table_id: str, values: Mapping[str, CellValue] | None = None) -> dict[str, CellValue]:
    """Every cell of a table: the given value, 0 for a missing input, a total's sum (the spec's
    program of totals, parts first)."""
    values = values or {}
    out: dict[str, CellValue] = {}
    for cell in spec.cells:
        if cell.table == table_id:
            given = values.get(cell.key)
            out[cell.key] = 0 if given is None else given
    for key, parts in spec.program.totals:
        if key in out and values.get(key) is None:
            out[key] = _tidy(sum(_number(out[p]) for p in parts))
    return out


# --- formulas ----------------------------------------------------------------------


def compact_ranges(boxes: Iterable[Box]) -> list[str]:
    """The top-left cells of ``boxes`` as few A1 ranges as possible: runs along a row,
    then runs of rows with the same columns ("D8:D28", "B5:D6", "B9")."""
    by_row: dict[int, list[int]] = {}
    for b in boxes:
        by_row.setdefault(b.row, []).append(b.col)
    row_runs: dict[int, list[tuple[int, int]]] = {}
    for row, cols in by_row.items():
        runs: list[tuple[int, int]] = []
        for col in sorted(set(cols)):
            if runs and runs[-1][1] == col - 1:
                runs[-1] = (runs[-1][0], col)
            else:
                runs.append((col, col))
        row_runs[row] = runs
    # rectangles: (first_row, last_row, first_col, last_col), merging consecutive rows
    rects: list[list[int]] = []
    open_rects: dict[tuple[int, int], list[int]] = {}
    for row in sorted(row_runs):
        still_open: dict[tuple[int, int], list[int]] = {}
        for run in row_runs[row]:
            rect = open_rects.get(run)
            if rect is not None and rect[1] == row - 1:
                rect[1] = row
            else:
                rect = [row, row, run[0], run[1]]
                rects.append(rect)
            still_open[run] = rect
        open_rects = still_open
    rects.sort(key=lambda r: (r[2], r[0]))
    return [a1(r[0], r[2]) if (r[0], r[2]) == (r[1], r[3]) else f"{a1(r[0], r[2])}:{a1(r[1], r[3])}" for r in rects]


def boxes_by_key(layout: TableLayout) -> Mapping[str, Box]:
    """Cell key -> its box (``layout.cells``, made with the spec)."""
    return layout.cells


def sum_expression(layout: TableLayout, keys: Iterable[str]) -> str:
    """``SUM(D8:D28)`` over the cells of ``keys`` (SUM, so a text cell counts 0 as in Excel)."""
    boxes = boxes_by_key(layout)
    return f"SUM({','.join(compact_ranges(boxes[k] for k in keys))})"


def total_formula(layout: TableLayout, cell: Cell) -> str:
    """A total's formula: the sum of the parts of its first ``sums`` entry."""
    return "=" + sum_expression(layout, cell.sum_of)


# --- sizes -------------------------------------------------------------------------


def column_widths(layouts: Iterable[TableLayout], sizes: Sizes = ROOMY) -> dict[int, float]:
    """Column widths that show the labels of every table laid out on one sheet (``sizes``:
    the template's by default; the summary, printed one table a page, is tighter)."""
    data_min, data_max, leaf_cap, group_min = sizes.data_min, sizes.data_max, sizes.leaf_cap, sizes.group_min
    widths: dict[int, float] = {}
    for layout in layouts:
        cell_cols = {c for b in layout.boxes if b.role == "cell" for c in range(b.col, b.last_col + 1)}
        spec = spec_of(layout)
        amount_cols = {b.col for b in layout.boxes if b.key is not None and spec.cell(b.key).kind == "amount"}
        for col in range(layout.label_cols, layout.width):
            need = max(data_min, AMOUNT_MIN) if col in amount_cols else data_min
            for b in layout.boxes:
                if b.role == "col_header" and b.col == b.last_col == col:
                    need = max(need, text_width(b.text) / sizes.header_lines + 1.5)
            if col not in cell_cols:
                continue
            widths[col] = max(widths.get(col, 0.0), min(need, data_max))
        for col in range(layout.label_cols):
            need = 0.0
            for b in layout.boxes:
                if b.role not in _LABEL_ROLES or b.last_col != col or not b.text:
                    continue
                text = text_width(b.text) + 1.5
                if b.role == "row_group" and b.col == b.last_col:
                    rows = b.last_row - b.row + 1
                    lines = max(1, rows // sizes.group_rows_per_line)
                    box_need = max(group_min, min(text, text / lines + 1.5))
                elif b.role == "corner":
                    box_need = 0.0  # the corner wraps into the space the rows need
                else:
                    box_need = min(text, leaf_cap)
                before = sum(widths.get(c, 0.0) for c in range(b.col, col))
                need = max(need, box_need - before)
            widths[col] = max(widths.get(col, 0.0), need, group_min)
    return widths


def _lines(text: str, width: float, bold: bool = False) -> int:
    usable = max(width - 1.0, 1.0)
    return max(1, math.ceil(text_width(text) * (1.08 if bold else 1.0) / usable))


def row_heights(layout: TableLayout, widths: Mapping[int, float], sizes: Sizes = ROOMY) -> dict[int, float]:
    """Row heights (points) that show every wrapped label of the table."""
    heights: dict[int, float] = {row: sizes.row_min for row in range(layout.body_top, layout.bottom + 1)}
    heights[layout.top] = TITLE_HEIGHT
    tall: list[tuple[Box, float]] = []
    for b in layout.boxes:
        if b.role in ("cell", "title") or not b.text:
            continue
        width = sum(widths.get(c, DATA_MIN) for c in range(b.col, b.last_col + 1))
        bold = b.role in ("caption", "corner", "col_header", "col_group")
        need = _lines(b.text, width, bold=bold) * sizes.line_height + sizes.row_pad
        if b.row == b.last_row:
            heights[b.row] = max(heights[b.row], need)
        else:
            tall.append((b, need))
    for b, need in tall:
        rows = range(b.row, b.last_row + 1)
        have = sum(heights[r] for r in rows)
        if have < need:
            extra = (need - have) / len(rows)
            for r in rows:
                heights[r] += extra
    return {r: round(h, 1) for r, h in heights.items()}


# --- writing -----------------------------------------------------------------------


def _put(ws: Worksheet, box: Box, value: CellValue | None, fmt: Format, formula: str | None = None) -> None:
    """Write one box: merge it when it spans several cells, then write its top-left cell."""
    if box.merged:
        ws.merge_range(box.row, box.col, box.last_row, box.last_col, "", fmt)
    if formula is not None:
        ws.write_formula(box.row, box.col, formula, fmt, value)
    elif isinstance(value, str):
        ws.write_string(box.row, box.col, value, fmt)
    elif value is not None:
        ws.write_number(box.row, box.col, value, fmt)
    elif not box.merged:
        ws.write_blank(box.row, box.col, None, fmt)


def _validation(cell: Cell) -> dict[str, object]:
    kind = cell.kind
    rule: dict[str, object]
    if kind == "signed":
        rule = {"validate": "integer", "criteria": "between", "minimum": -999_999_999, "maximum": 999_999_999}
    elif kind == "amount":
        rule = {"validate": "decimal", "criteria": ">=", "value": 0}
    else:
        rule = {"validate": "integer", "criteria": ">=", "value": 0}
    title = (cell.column_text or _(texts.INPUT_TITLE_DEFAULT))[:32]
    message = "\n".join(p for p in (cell.row_label, _(texts.INPUT_HINT[kind])) if p)[:255]
    return {
        **rule,
        "input_title": title,
        "input_message": message,
        "error_title": _(texts.ERROR_TITLE),
        "error_message": _(texts.ERROR_MESSAGE[kind])[:255],
        "error_type": "stop",
    }


def label_format(box: Box, styles: Styles) -> Format:
    if box.role == "title":
        return styles.title
    if box.role == "caption":
        return styles.caption
    if box.role == "row_label":
        return styles.row_label
    if box.role == "row_group":
        return styles.row_group
    return styles.header  # corner, col_header, col_group


def write_table(
    ws: Worksheet,
    layout: TableLayout,
    styles: Styles,
    *,
    values: Mapping[str, CellValue] | None = None,
    mode: Mode,
    spec: FormatSpec | None = None,
    widths: Mapping[int, float] | None = None,
    sizes: Sizes = ROOMY,
) -> TableArea:
    """Write the table of ``layout`` on ``ws``; see the module docstring for the modes.

    ``values``: cell key -> number (a missing input is 0). ``spec``: the format the
    layout was made from (found among the loaded formats when None). ``widths``: the
    sheet's column widths when several tables share it (see :func:`column_widths`).
    """
    spec = spec or spec_of(layout)
    values = values or {}
    widths = dict(widths) if widths is not None else column_widths([layout], sizes)
    for col in range(layout.width):
        if col in widths:
            ws.set_column(col, col, widths[col])
    for row, height in row_heights(layout, widths, sizes).items():
        ws.set_row(row, height)

    for box in layout.boxes:
        if box.role != "cell":
            _put(ws, box, box.text, label_format(box, styles))

    written = computed_values(spec, layout.table.id, values)
    addresses: dict[str, str] = {}
    notes: dict[int, str] = {}
    for box in layout.boxes:
        if box.key is None:
            continue
        cell = spec.cell(box.key)
        addresses[box.key] = box.address
        value = written[box.key]
        if cell.unit_note and box.row not in notes:
            notes[box.row] = cell.unit_note
        if mode == "output":
            fmt = styles.total[cell.kind] if cell.is_total else styles.output[cell.kind]
            _put(ws, box, _number(value), fmt)
        elif cell.is_total and box.key not in values:
            _put(ws, box, _number(value), styles.total[cell.kind], formula=total_formula(layout, cell))
        elif cell.is_total:  # a constant where the formula was: how an overwritten total looks
            _put(ws, box, value, styles.total[cell.kind])
        else:
            _put(ws, box, value, styles.text_input if isinstance(value, str) else styles.input[cell.kind])
            ws.data_validation(box.row, box.col, box.last_row, box.last_col, _validation(cell))
    side = layout.width
    for row, note in sorted(notes.items()):
        ws.write_string(row, side, note, styles.note)
    if notes:
        ws.set_column(side, side, max(text_width(n) for n in notes.values()) + 2)
    return TableArea(layout=layout, side_col=side + 1, last_col=side if notes else side - 1,
                     addresses=addresses, values=written)
