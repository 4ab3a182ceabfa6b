"""Where every label and cell of a table stands on a sheet, derived from the spec.

The template writer, the summary writer and the reader all place or look for things
through these functions, so an address is never typed anywhere. Rows and columns are
0-based here; ``a1`` turns them into Excel's "D12".

A table is laid out as the official one: a title row, a spare row, then its blocks
stacked. A block is an optional caption row across the table, a header of as many
rows as its column tree is deep (the corner cell over the row labels), then one row
per leaf row. A group label spans its leaves; a leaf label spans down (columns) or
right (rows) to the innermost level. A block with fewer data columns than the table
stretches its last column to the table's width.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from .labels import normalise
from .model import Block, Common, FormatSpec, Node, Table

if TYPE_CHECKING:
    from .derived import LayoutName

Role = Literal["title", "caption", "corner", "col_header", "col_group", "row_label", "row_group", "cell"]

SUMMARY_SHEET = "汇总"


# The column letters are xlsxwriter's (``xlsxwriter.utility``), imported where first needed:
# importing it loads all of xlsxwriter (~70 ms), which reading a valid file never needs.


def col_letter(col: int) -> str:
    """0 -> "A", 27 -> "AB"."""
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(col)


def a1(row: int, col: int) -> str:
    """(11, 3) -> "D12"."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    return xl_rowcol_to_cell(row, col)


_A1 = re.compile(r"\$?[A-Z]{1,3}\$?[0-9]+")


def position(address: str | None) -> tuple[int, int]:
    """"D12" (or "$D$12") -> (11, 3), 0-based; no address -> (-1, -1)."""
    match = _A1.match(address or "")
    if match is None:  # no address, or a place that is not a cell ("第 105 行" in a document)
        return (-1, -1)
    from xlsxwriter.utility import xl_cell_to_rowcol

    return xl_cell_to_rowcol(match.group(0))


@dataclass(frozen=True)
class Box:
    """A cell or a merged range; ``text`` and ``aliases`` are what stands in its top-left cell."""

    role: Role
    row: int
    col: int
    last_row: int
    last_col: int
    text: str = ""
    aliases: tuple[str, ...] = ()
    key: str | None = None  # statistical cells only
    forms: tuple[str, ...] = ()  # the text and the aliases, normalised (how a retyped label is matched)

    @property
    def merged(self) -> bool:
        return (self.row, self.col) != (self.last_row, self.last_col)

    @property
    def address(self) -> str:
        return a1(self.row, self.col)

    @property
    def range(self) -> str:
        return f"{a1(self.row, self.col)}:{a1(self.last_row, self.last_col)}" if self.merged else self.address


@dataclass(frozen=True)
class TableLayout:
    table: Table
    sheet: str
    top: int  # the title row
    label_cols: int
    data_cols: int
    bottom: int  # the last row of the table
    boxes: tuple[Box, ...]
    cells: Mapping[str, Box] = field(default_factory=dict)  # cell key -> its box (filled from ``boxes``)

    @property
    def width(self) -> int:
        return self.label_cols + self.data_cols

    @property
    def body_top(self) -> int:
        return self.top + 2

    def labels(self) -> tuple[Box, ...]:
        """Every box that carries official text (what a reader verifies)."""
        return tuple(b for b in self.boxes if b.role != "cell" and b.text)


def label_columns(table: Table) -> int:
    if not any(n.label for b in table.blocks for n in b.leaf_rows):
        return 0
    return max(max(n.depth() for n in b.rows) for b in table.blocks)


def _place_columns(nodes: tuple[Node, ...], top: int, depth: int, level: int,
                   positions: dict[str, tuple[int, int]], out: list[Box]) -> None:
    for node in nodes:
        if node.is_leaf:
            assert node.id is not None
            first, last = positions[node.id]
            out.append(Box("col_header", top + level, first, top + depth - 1, last, node.label, node.aliases))
        else:
            _place_columns(node.children, top, depth, level + 1, positions, out)
            leaves = node.leaves()
            first, last = positions[leaves[0].id or ""][0], positions[leaves[-1].id or ""][1]
            out.append(Box("col_group", top + level, first, top + level, last, node.label, node.aliases))


def _place_rows(nodes: tuple[Node, ...], row: int, level: int, label_cols: int, table_id: str,
                columns: dict[str, tuple[int, int]], out: list[Box]) -> int:
    for node in nodes:
        start = row
        if node.is_leaf:
            if label_cols:
                out.append(Box("row_label", row, level, row, label_cols - 1, node.label, node.aliases))
            for col_id, (first, last) in columns.items():
                out.append(Box("cell", row, first, row, last, key=f"{table_id}.{node.id}.{col_id}"))
            row += 1
        else:
            row = _place_rows(node.children, row, level + 1, label_cols, table_id, columns, out)
            out.append(Box("row_group", start, level, row - 1, level, node.label, node.aliases))
    return row


def _place_block(block: Block, table_id: str, row: int, label_cols: int, data_cols: int, out: list[Box]) -> int:
    width = label_cols + data_cols
    if block.caption:
        out.append(Box("caption", row, 0, row, width - 1, block.caption))
        row += 1
    depth = max(n.depth() for n in block.columns)
    if label_cols:
        out.append(Box("corner", row, 0, row + depth - 1, label_cols - 1, block.corner or ""))
    leaves = block.leaf_columns
    positions = {leaf.id or "": (label_cols + i, label_cols + i) for i, leaf in enumerate(leaves)}
    last_id = leaves[-1].id or ""
    positions[last_id] = (positions[last_id][0], width - 1)  # the last column fills the table's width
    _place_columns(block.columns, row, depth, 0, positions, out)
    return _place_rows(block.rows, row + depth, 0, label_cols, table_id, positions, out)


def layout_table(table: Table, sheet: str, top: int) -> TableLayout:
    label_cols = label_columns(table)
    data_cols = max(len(b.leaf_columns) for b in table.blocks)
    boxes: list[Box] = [Box("title", top, 0, top, label_cols + data_cols - 1, table.title)]
    row = top + 2
    for block in table.blocks:
        row = _place_block(block, table.id, row, label_cols, data_cols, boxes)
    boxes = [replace(b, forms=tuple(dict.fromkeys(normalise(t) for t in (b.text, *b.aliases)))) if b.text else b
             for b in boxes]
    return TableLayout(table, sheet, top, label_cols, data_cols, row - 1, tuple(boxes),
                       {b.key: b for b in boxes if b.key is not None})


def template_layout(spec: FormatSpec) -> Mapping[str, TableLayout]:
    """The template's layout: each table on its own sheet, its title in row 1 (made with the spec)."""
    return spec.derived.layouts["template"]


def summary_layout(spec: FormatSpec) -> Mapping[str, TableLayout]:
    """The summary's layout: all tables on the 汇总 sheet, stacked (made with the spec)."""
    return spec.derived.layouts["summary"]


def build_template_layout(spec: FormatSpec) -> dict[str, TableLayout]:
    return {t.id: layout_table(t, t.sheet, 0) for t in spec.tables}


def build_summary_layout(
    spec: FormatSpec, sheet: str = SUMMARY_SHEET, start: int = 3, gap: int = 2
) -> dict[str, TableLayout]:
    """All tables on one sheet, stacked from row ``start``."""
    out: dict[str, TableLayout] = {}
    top = start
    for t in spec.tables:
        out[t.id] = layout_table(t, sheet, top)
        top = out[t.id].bottom + 1 + gap
    return out


IDENTITY_FIRST_ROW = 2  # 填报信息: title in row 1, then one field a row from row 3


def identity_cells(common: Common) -> dict[str, tuple[int, int]]:
    """填报信息: field id -> (row, col) of its value; the label stands one column to the left."""
    return {f.id: (IDENTITY_FIRST_ROW + i, 1) for i, f in enumerate(common.fields)}


def meta_cells(common: Common) -> dict[str, tuple[int, int]]:
    """_meta: key -> (row, col) of its value; the key itself stands in column A."""
    return {k: (i, 1) for i, k in enumerate(common.meta_keys)}


def cell_addresses(spec: FormatSpec, layout: LayoutName = "template") -> dict[str, tuple[str, str]]:
    """Spec cell key -> (sheet, "D12") in the template's or the summary's layout (made with the spec)."""
    return spec.derived.addresses[layout]
