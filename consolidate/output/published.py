"""The three tables as the annual report prints them, derived from the spec's layout.

``published_tables(spec, values)`` lays each table out exactly as the template does
(``spec.layout.template_layout``: the same merged headers, the 表三 note in its corner, the
labels of the spec) and fills its cells with the numbers of a checked file. The writers
(``publish_html``, ``publish_docx``) only draw these grids: nothing here or there types a
label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..findings import fmt_number
from ..spec import FormatSpec
from ..spec.layout import Role, TableLayout, template_layout


@dataclass(frozen=True)
class Piece:
    """One cell of a drawn table (the top-left of a merged range): its text and span."""

    text: str
    role: Role
    rowspan: int = 1
    colspan: int = 1

    @property
    def is_number(self) -> bool:
        return self.role == "cell"

    @property
    def is_header(self) -> bool:
        return self.role in ("corner", "col_header", "col_group", "caption")


@dataclass(frozen=True)
class PublishedTable:
    """A table's title (the section heading it stands under) and its rows of pieces."""

    id: str
    title: str
    width: int
    label_cols: int  # the columns of row labels, left of the numbers
    rows: tuple[tuple[Piece, ...], ...]  # each row: the pieces that start in it, left to right
    starts: tuple[tuple[int, ...], ...]  # each piece's column, row by row


def number_text(value: float | None) -> str:
    """A number as the report prints it: 12, 2811.22; a missing one stays blank."""
    if value is None or value != value:
        return ""
    return fmt_number(float(value))


def published_tables(spec: FormatSpec, values: Mapping[str, float | None]) -> list[PublishedTable]:
    # an amount whose official header states no unit (v2019 采购总金额) carries it in its cell,
    # as reports write it (“1090.98万元”), so no reader has to guess
    units = {c.key: c.unit_note.rsplit("：", 1)[-1] for c in spec.cells if c.unit_note}
    return [_table(lay, values, units) for lay in template_layout(spec).values()]


def _table(lay: TableLayout, values: Mapping[str, float | None], units: Mapping[str, str]) -> PublishedTable:
    body_top = lay.top + 2  # the title row, then a spare row
    height = lay.bottom - body_top + 1
    starts: dict[tuple[int, int], Piece] = {}
    covered: set[tuple[int, int]] = set()
    for box in lay.boxes:
        if box.role == "title":
            continue
        text = box.text
        if box.key:
            text = number_text(values.get(box.key))
            text += units.get(box.key, "") if text else ""
        starts[(box.row, box.col)] = Piece(text, box.role, box.last_row - box.row + 1, box.last_col - box.col + 1)
        covered.update((r, c) for r in range(box.row, box.last_row + 1) for c in range(box.col, box.last_col + 1))
    rows: list[tuple[Piece, ...]] = []
    cols: list[tuple[int, ...]] = []
    for r in range(body_top, body_top + height):
        line, at = [], []
        for c in range(lay.width):
            piece = starts.get((r, c))
            if piece is None and (r, c) not in covered:
                piece = Piece("", "cell")  # a place no box fills: an empty cell keeps the grid whole
            if piece is not None:
                line.append(piece)
                at.append(c)
        rows.append(tuple(line))
        cols.append(tuple(at))
    return PublishedTable(lay.table.id, lay.table.title, lay.width, lay.label_cols, tuple(rows), tuple(cols))
