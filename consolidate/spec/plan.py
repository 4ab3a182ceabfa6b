"""The reading plan of a table: its layout split into blocks, each with its labels and cells.

Made once per layout when the spec is built (``derived.py``) and carried on the spec: the
reader places a table block by block (a block can be shifted on its own in a retyped table)
and reads each block's cells through ``BlockPlan.reads``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .layout import Box, TableLayout

# A statistical cell to read: key, row, col, last row, last col (of its box), its A1 address.
CellRead = tuple[str, int, int, int, int, str]


@dataclass(frozen=True)
class BlockPlan:
    index: int
    labels: tuple[Box, ...]  # every box with official text, the title with block 0
    cells: tuple[Box, ...]
    reads: tuple[CellRead, ...]


@dataclass(frozen=True)
class TablePlan:
    layout: TableLayout
    blocks: tuple[BlockPlan, ...]

    @property
    def table_id(self) -> str:
        return self.layout.table.id


def plan_of(layout: TableLayout) -> TablePlan:
    """The layout split into blocks."""
    block_of_row = {r.id: i for i, block in enumerate(layout.table.blocks) for r in block.leaf_rows}
    last_rows = [-1] * len(layout.table.blocks)
    for box in layout.boxes:
        if box.key:
            i = block_of_row[box.key.split(".")[1]]
            last_rows[i] = max(last_rows[i], box.row)
    labels: list[list[Box]] = [[] for _ in last_rows]
    cells: list[list[Box]] = [[] for _ in last_rows]
    for box in layout.boxes:
        index = next((i for i, last in enumerate(last_rows) if box.row <= last), len(last_rows) - 1)
        if box.key:
            cells[index].append(box)
        elif box.text:
            labels[index].append(box)
    return TablePlan(layout, tuple(
        BlockPlan(i, tuple(labels[i]), tuple(cells[i]),
                  tuple((b.key or "", b.row, b.col, b.last_row, b.last_col, b.address) for b in cells[i]))
        for i in range(len(last_rows))))
