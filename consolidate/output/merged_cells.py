"""openpyxl's loading of merged cells, the same result at a fraction of the cost.

Loading a workbook, openpyxl rebuilds every merged range (``Worksheet._clean_merge_range``
→ ``MergedCellRange.format``): each cell on the range's edges gets the top-left cell's
border side added (``cell.border += Border(top=side)``) and every cell of the range a copy
of its protection (``cell.protection = copy(protection)``). Each of those assignments
builds a style object and looks it up in the workbook's style list by hashing it, field by
field: on our template (50 merged ranges a workbook) that was 45 % of making an annotated
copy (measured with cProfile on the synthetic rounds of ``benchmarks/``, 2026-12-07).

:func:`clean_merge_range` does the same assignments in the same order, but computes each
distinct (border before, side, top-left border) combination once per workbook, through
openpyxl's own code, and gives the other cells the style index it found: the style lists,
every cell's style and therefore the saved bytes are the same (checked by the tests and by
the demo round's outputs). Installed on openpyxl's ``Worksheet`` by :func:`install` for the
versions it was checked against (3.1.x); with any other version openpyxl's own runs.
"""

from __future__ import annotations

import copy
from typing import Any

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.styles.borders import Border
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

SIDES = ("top", "left", "right", "bottom")  # MergedCellRange.format's order
CHECKED_VERSIONS = ("3.1.",)

_original = Worksheet._clean_merge_range


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


def clean_merge_range(ws: Worksheet, mcr: MergedCellRange) -> None:
    """``Worksheet._clean_merge_range`` (and ``MergedCellRange.format``), memoised per workbook."""
    cells = mcr.cells
    next(cells)  # the top-left cell stays
    for row, col in cells:
        ws._cells[row, col] = MergedCell(ws, row, col)
    memo: dict[tuple[int, str, int], int] = ws.parent.__dict__.setdefault("_consolidate_merge_memo", {})
    start = mcr.start_cell
    for name in SIDES:  # format() reads the top-left's border afresh for each side, then adds that side
        start_id = _style(start).borderId
        side = getattr(start.border, name)
        if side and side.style is None:
            continue  # no border style: nothing to do
        border: Border | None = None
        for coord in getattr(mcr, name):
            cell = _cell(ws, coord)
            key = (_style(cell).borderId, name, start_id)
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
    return True


def uninstall() -> None:
    Worksheet._clean_merge_range = _original  # type: ignore[method-assign]
