"""openpyxl's loading of merged cells, the same result at a fraction of the cost.

Loading a workbook, openpyxl rebuilds every merged range (``Worksheet._clean_merge_range``
→ ``MergedCellRange.format``): each cell on the range's edges gets the top-left cell's
border side added (``cell.border += Border(top=side)``) and every cell of the range a copy
of its protection (``cell.protection = copy(protection)``); before that, making the range
(``MergedCellRange._get_borders``) adds the bottom-right cell's sides to the top-left's. Each of those assignments
builds a style object and looks it up in the workbook's style list by hashing it, field by
field: on our template (50 merged ranges a workbook) that was 45 % of making an annotated
copy (measured with cProfile on the synthetic rounds of ``benchmarks/``, 2026-12-07).

:func:`clean_merge_range` does the same assignments in the same order, but computes each
distinct (border before, side, top-left border) combination once per workbook, through
openpyxl's own code, and gives the other cells the style index it found: the style lists,
every cell's style and therefore the saved bytes are the same (checked by the tests and by
the demo round's outputs). Installed on openpyxl's ``Worksheet`` and ``WorksheetReader`` by :func:`install` for the
versions it was checked against (3.1.x); with any other version openpyxl's own runs.
"""

from __future__ import annotations

import copy
from typing import Any

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.styles.borders import Border
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet._reader import WorksheetReader
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

SIDES = ("top", "left", "right", "bottom")  # MergedCellRange.format's order
CHECKED_VERSIONS = ("3.1.",)

_original = Worksheet._clean_merge_range
_original_bind = WorksheetReader.bind_merged_cells


def _cell(ws: Worksheet, coord: tuple[int, int]) -> Any:
    cell = ws._cells.get(coord)
    if cell is None:
        row, col = coord
        cell = MergedCell(ws, row=row, column=col)
        ws._cells[(cell.row, cell.column)] = cell
    return cell


def _style(cell: Any) -> StyleArray:
    if not cell._style:  # as openpyxl's StyleDescriptor does
        cell._style = StyleArray()
    return cell._style  # type: ignore[no-any-return]


def _memo(ws: Worksheet) -> dict[tuple[Any, ...], int]:
    """Border sums already computed for this workbook: (what, border ids...) -> the sum's id."""
    return ws.parent.__dict__.setdefault("_consolidate_merge_memo", {})  # type: ignore[no-any-return]


class FastMergedCellRange(MergedCellRange):
    """A ``MergedCellRange`` whose ``_get_borders`` (run when it is made) adds the bottom-right
    cell's right and bottom sides to the top-left cell's border once per combination."""

    def _get_borders(self) -> None:
        ws = self.ws
        self.start_cell = ws._cells.get((self.min_row, self.min_col))
        if self.start_cell is None:
            self.start_cell = ws.cell(row=self.min_row, column=self.min_col)
        end_cell = ws._cells.get((self.max_row, self.max_col))
        if end_cell is None:
            return
        memo = _memo(ws)
        key = ("corner", _style(self.start_cell).borderId, _style(end_cell).borderId)
        known = memo.get(key)
        if known is not None:
            self.start_cell._style.borderId = known
            return
        self.start_cell.border += Border(right=end_cell.border.right, bottom=end_cell.border.bottom)
        memo[key] = self.start_cell._style.borderId


def bind_merged_cells(reader: WorksheetReader) -> None:
    """``WorksheetReader.bind_merged_cells`` with the ranges above."""
    if not reader.parser.merged_cells:
        return
    ranges = []
    for cr in reader.parser.merged_cells.mergeCell:
        mcr = FastMergedCellRange(reader.ws, cr.ref)
        reader.ws._clean_merge_range(mcr)
        ranges.append(mcr)
    reader.ws.merged_cells = MultiCellRange(ranges)


def clean_merge_range(ws: Worksheet, mcr: MergedCellRange) -> None:
    """``Worksheet._clean_merge_range`` (and ``MergedCellRange.format``), memoised per workbook."""
    cells = mcr.cells
    next(cells)  # the top-left cell stays
    for row, col in cells:
        ws._cells[row, col] = MergedCell(ws, row, col)
    memo = _memo(ws)
    start = mcr.start_cell
    for name in SIDES:  # format() reads the top-left's border afresh for each side, then adds that side
        start_id = _style(start).borderId
        side = getattr(start.border, name)
        if side and side.style is None:
            continue  # no border style: nothing to do
        border: Border | None = None
        for coord in getattr(mcr, name):
            cell = _cell(ws, coord)
            key = (name, _style(cell).borderId, start_id)
            known = memo.get(key)
            if known is not None:
                cell._style.borderId = known
                continue
            if border is None:
                border = Border(**{name: side})
            cell.border += border  # openpyxl's own way, once per combination
            memo[key] = cell._style.borderId
    protection = copy.copy(start.protection)  # format(): protected is always true (a StyleProxy)
    protection_id: int | None = None
    for coord in mcr.cells:
        cell = _cell(ws, coord)
        if protection_id is None:
            cell.protection = protection
            protection_id = cell._style.protectionId
        else:
            _style(cell).protectionId = protection_id


def _fast(self: Worksheet, mcr: MergedCellRange) -> None:
    clean_merge_range(self, mcr)


def install() -> bool:
    """Use :func:`clean_merge_range` for openpyxl's worksheets (the versions it was checked on)."""
    if not openpyxl.__version__.startswith(CHECKED_VERSIONS):
        return False
    Worksheet._clean_merge_range = _fast  # type: ignore[method-assign]
    WorksheetReader.bind_merged_cells = bind_merged_cells  # type: ignore[method-assign]
    return True


def uninstall() -> None:
    Worksheet._clean_merge_range = _original  # type: ignore[method-assign]
    WorksheetReader.bind_merged_cells = _original_bind  # type: ignore[method-assign]
