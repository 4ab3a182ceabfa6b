"""A document's rows laid out as a sheet, so the workbook reader's locator can find the tables.

A retyped table keeps its labels and the order of its numbers, but not the template's
geometry: plain text collapses merged cells, a CMS puts each sub-table in a table of its
own, a row may lose a cell. ``DocBook`` lays every row of the document out again in the
shape of each table of the national format (its label columns, then its data columns), one
sheet per table (表二, 表三, 表四), and the locator of ``read/locate.py`` then finds and
verifies the labels there exactly as in a workbook. Nothing here compares a label's text
with the spec: the shape is all that is used.

- A row with numbers: its leading label cells, then its values. A label goes to the label
  column of its numbering level (``一、`` the first, ``（一）`` the second, ``1.`` the third; an
  unnumbered one after the previous label); the values fill the data columns from the left.
  A row with fewer values than its sub-table has columns lost its first ones (what OCR and
  retyping lose; the 总计 at the end is kept), so its values are placed from the right and
  the lost cells stay blank: the reader reports them where they are.
- A row without numbers is a header: its first cell is the corner over the label columns,
  the others stand over the data columns, by their spans when these fill the table's width,
  else one a column when there is one per data column, else at the columns of the level of
  the national header with as many headings (plain text keeps ``法人或其他组织`` once though it
  spans five columns).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ...spec import FORMATS, load_spec
from ...spec.labels import normalise
from ...spec.layout import TableLayout, a1
from ...spec.plan import TablePlan
from ..locate import Located, check_at
from ..sheets import Grid
from ..values import clean_text, parse_cell
from .model import DocCell, DocRow, Document, Paragraph

_CJK = re.compile(r"[\u3400-\u9fff]")
_NOT_LABEL_CJK = frozenset("无元万件个千亿百空")
_LEVELS = (
    re.compile(r"^[一二三四五六七八九十]{1,3}[、,.，．]"),
    re.compile(r"^[（(]?[一二三四五六七八九十]{1,3}[）)]"),
    re.compile(r"^\d{1,2}[、,.，．]"),
)
_PLAIN = re.compile(r"^\d{1,15}(?:\.\d{1,15})?$")  # a number as a document writes it: read as it is
_STRAY = frozenset("()[]-_,.·'\"")
_RULE = re.compile(r"^:?-{3,}:?$")
GAP = 2  # blank rows between two of the document's tables


def is_label(text: str) -> bool:
    """Text that names a row or a column (as opposed to a number, a blank, a dash or ``万元``)."""
    cleaned = clean_text(text)
    if not cleaned or parse_cell(cleaned, "amount").ok:
        return False
    return sum(1 for ch in cleaned if _CJK.match(ch) and ch not in _NOT_LABEL_CJK) >= 2


def level(text: str) -> int | None:
    """The numbering level of a row label: 0 for ``一、``, 1 for ``（一）``, 2 for ``1.``."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if folded[:1] in _STRAY and len(folded) > 2 and folded[1:2] in _STRAY:  # "()六)其他处理": OCR's bracket
        folded = folded.lstrip("".join(_STRAY))
    for i, pattern in enumerate(_LEVELS):
        if pattern.match(folded):
            return i
    return None


class TextKinds:
    """What each distinct text of one document is (a label? numbered at which level?), worked
    out once for the document: a report repeats “0” and its labels, and each of its three
    tables is laid out from all its rows. Asking again costs 7.5 ms a text report of the test
    fixtures, this 4.6 ms (the module-wide ``lru_cache`` it replaced: 5.0 ms; 2026-12-02). It
    lives as long as the document's ``DocBook``."""

    def __init__(self) -> None:
        self._labels: dict[str, bool] = {}
        self._levels: dict[str, int | None] = {}

    def is_label(self, text: str) -> bool:
        known = self._labels.get(text)
        if known is None:
            known = self._labels[text] = is_label(text)
        return known

    def level(self, text: str) -> int | None:
        if text not in self._levels:
            self._levels[text] = level(text)
        return self._levels[text]


@dataclass(frozen=True)
class Shape:
    """What of a table's layout the rows are laid out by."""

    sheet: str
    label_cols: int
    data_cols: int
    # the first column of every heading, level by level, block by block, with the number of data
    # columns of that block
    header_levels: tuple[tuple[tuple[int, ...], int], ...]

    @property
    def width(self) -> int:
        return self.label_cols + self.data_cols


def shape_of(tables: Iterable[tuple[TableLayout, TablePlan]]) -> Shape:
    """One table's shape from its layout and reading plan in each format (carried on the specs)."""
    tables = list(tables)
    first = tables[0][0]
    levels: list[tuple[tuple[int, ...], int]] = []
    for _, plan in tables:
        for block in plan.blocks:
            heads = [b for b in block.labels if b.role in ("col_header", "col_group")]
            leaves = len({c.col for c in block.cells})
            for row in sorted({b.row for b in heads}):
                level = (tuple(sorted(b.col for b in heads if b.row == row)), leaves)
                if level not in levels:
                    levels.append(level)
    return Shape(first.sheet, first.label_cols, first.data_cols, tuple(levels))


class DocGrid(Grid):
    """A laid-out document: ``address`` names the row in the document, not a cell."""

    positional = False

    def __init__(self, name: str, rows: list[list[Any]], where: list[str], index: dict[int, int]) -> None:
        super().__init__(name, rows)
        self.where = where
        self.index = index  # id of a DocRow -> its row here

    def address(self, row: int, col: int) -> str:
        """The document's name for the row (the next named row for a spare row above a table)."""
        for r in range(max(row, 0), len(self.where)):
            if self.where[r]:
                return self.where[r]
        return a1(row, col)


def _split(row: DocRow, kinds: TextKinds) -> tuple[list[DocCell], list[DocCell]]:
    """A row's label cells (each numbered label on its own) and its value cells."""
    cells = list(row.cells)
    labelled = [i for i, c in enumerate(cells) if kinds.is_label(c.text)]
    cut = labelled[-1] + 1 if labelled else 0
    return cells[:cut], cells[cut:]


def _numbered(labels: list[DocCell], kinds: TextKinds) -> bool:
    named = [c for c in labels if c.text]
    return bool(named) and kinds.level(_pieces(named[-1].text)[-1]) is not None


def _filled(cells: list[DocCell]) -> int:
    return sum(1 for c in cells if c.text)


def _mend(rows: list[DocRow], columns: int, kinds: TextKinds) -> tuple[list[DocRow], list[tuple[list[DocCell], list[DocCell]]]]:
    """表三's rows as OCR or a PDF breaks them: a label wrapped onto the next line, where the
    numbers stand (``5.属于三类内部`` / ``事务信息 0 0 …``), or a row's numbers split over both
    lines. A row whose label is not numbered, with numbers, continues the row above when that
    row has hardly any: the two are one row, their labels joined."""
    out_rows: list[DocRow] = []
    out: list[tuple[list[DocCell], list[DocCell]]] = []
    for row in rows:
        labels, values = _split(row, kinds)
        named = [c for c in labels if c.text]
        if (out and out_rows[-1].table != row.table and not _filled(values) and len(named) == 1
                and kinds.level(_pieces(named[0].text)[0]) is None and _filled(out[-1][1]) >= 3
                and _numbered(out[-1][0], kinds)):
            # the rest of the label above, carried over to the next page's table (a row Word let break)
            above_labels, above_values = out[-1]
            j = max(i for i, c in enumerate(above_labels) if c.text)
            above_labels = list(above_labels)
            above_labels[j] = DocCell(above_labels[j].text + named[0].text, above_labels[j].span)
            out[-1] = (above_labels, above_values)
            continue
        if (out and out_rows[-1].table == row.table and _filled(values) >= 3
                and not any(kinds.level(p) is not None for c in named for p in _pieces(c.text))):
            above_labels, above_values = out[-1]
            if _filled(above_values) < 3 and any(kinds.is_label(c.text) for c in above_labels):
                joined = "".join(c.text for c in above_labels + labels if c.text)
                kept = [c for c in above_values if c.text] + values
                if _filled(kept) > columns:  # the line above held no number of the row
                    kept = values
                out[-1] = ([DocCell(joined)], kept)
                continue
        out_rows.append(row)
        out.append((labels, values))
    return out_rows, out


def lay_out(rows: list[DocRow], shape: Shape, kinds: TextKinds) -> DocGrid:
    out: list[list[Any]] = []
    where: list[str] = []
    index: dict[int, int] = {}
    if shape.label_cols >= 2:
        rows, split = _mend(rows, shape.data_cols, kinds)
    else:
        split = [_split(row, kinds) for row in rows]
    data = [any(v.text or _merged_number(v) for v in values) or len(values) >= 2 for _, values in split]
    numbered = [d and _numbered(labels, kinds) for d, (labels, _) in zip(data, split, strict=True)]
    dropped = _page_breaks(numbered)
    table: int | None = None
    columns = shape.data_cols
    for i, row in enumerate(rows):
        if i in dropped:
            continue
        if row.table != table:
            if not (numbered[i] and out and i > 0 and _last_kept_numbered(numbered, dropped, i)):
                out.extend([[""] * shape.width for _ in range(GAP)])
                where.extend([""] * GAP)
                columns = shape.data_cols
            table = row.table
        line: list[Any] = [""] * shape.width
        labels, values = split[i]
        if data[i]:
            _place_labels(line, labels, shape, kinds)
            _place_values(line, values, shape, columns)
        else:
            columns = _place_header(line, list(row.cells), shape) or columns
        index[id(row)] = len(out)
        out.append(line)
        where.append(row.where)
    return DocGrid(shape.sheet, out, where, index)


def _page_breaks(numbered: list[bool]) -> set[int]:
    """Rows between two numbered rows of 表三 that are not numbered rows themselves: the table's
    header repeated on a new page, a line of a label broken off its row, OCR's ghost of a row.
    They are left out so the numbered rows stand one under the other, as in the table."""
    dropped: set[int] = set()
    last = None
    for i, is_numbered in enumerate(numbered):
        if not is_numbered:
            continue
        if last is not None and i - last > 1:
            dropped.update(range(last + 1, i))
        last = i
    return dropped


def _last_kept_numbered(numbered: list[bool], dropped: set[int], i: int) -> bool:
    j = i - 1
    while j >= 0 and j in dropped:
        j -= 1
    return j >= 0 and numbered[j]


_BOUNDARY = re.compile(r"(?<=.)(?=[（(][一二三四五六七八九十]{1,3}[）)])|(?<=[^\d.．])(?=\d{1,2}[.．、]\D)"
                       r"|(?<=.)(?=[一二三四五六七八九十]{1,3}、)")


def _pieces(text: str) -> list[str]:
    """A label as its numbered parts: ``（三）不予公开1.属于国家秘密`` is two labels run together."""
    squashed = "".join(text.split())
    return [p for p in _BOUNDARY.split(squashed) if p] or [squashed]


def _place_labels(line: list[Any], labels: list[DocCell], shape: Shape, kinds: TextKinds) -> None:
    if not shape.label_cols:
        return
    col = -1
    carry = ""
    for cell in labels:
        if not cell.text:
            continue
        if not _CJK.search(cell.text):  # "()" before "六) 其他处理": OCR's broken-off bracket
            carry += cell.text
            continue
        text, carry = carry + cell.text, ""
        for piece in _pieces(text) if len(text) > 1 else [text]:
            lv = kinds.level(piece)
            target = lv if lv is not None else col + 1  # a numbered label: the column of its level
            target = min(target, shape.label_cols - 1)
            line[target] = piece
            col = target


def _place_values(line: list[Any], values: list[DocCell], shape: Shape, columns: int) -> None:
    # a cell over two columns: both; a number merged down over this row: this row's too
    texts = [t for v in values for t in [v.text or _merged_number(v)] + [""] * (v.span - 1)]
    while len(texts) > columns and not texts[-1]:  # a spare empty cell at the end of the row
        texts.pop()
    while len(texts) > columns and "" in texts:  # the rest of a merged label cell, as OCR or a PDF keeps it
        texts.remove("")
    if len(texts) < columns:  # lost cells: the first ones (see the module's note)
        texts = [""] * (columns - len(texts)) + texts
    for j, text in enumerate(texts[: shape.data_cols]):
        line[shape.label_cols + j] = float(text) if _PLAIN.match(text) else text


def _merged_number(cell: DocCell) -> str:
    """The number of a cell merged down over this one (``rowspan``): it stands for each row it spans."""
    return cell.above if cell.continued and _PLAIN.match(cell.above) else ""


def _place_header(line: list[Any], cells: list[DocCell], shape: Shape) -> int:
    """Lay out a header (or caption) row; return how many data columns its sub-table has
    (0: it does not say)."""
    heads = cells
    if shape.label_cols and cells:
        line[0] = cells[0].text
        heads = cells[1:]
    if not heads:
        return 0
    start = shape.label_cols
    if sum(c.span for c in heads) == shape.data_cols:
        col = start
        for c in heads:
            line[col] = c.text
            col += c.span
        return shape.data_cols
    if len(heads) == shape.data_cols:
        for j, c in enumerate(heads):
            line[start + j] = c.text
        return shape.data_cols
    named = [c for c in heads if c.text]
    level = next((lv for lv in shape.header_levels if len(lv[0]) == len(named)), None)
    if level is not None:
        for c, col in zip(named, level[0], strict=True):
            line[col] = c.text
        return level[1]
    col = start
    for c in heads:
        if col < shape.width:
            line[col] = c.text
        col += c.span
    return min(col - start, shape.data_cols)


def shapes() -> dict[str, Shape]:
    """The shape of 表二, 表三 and 表四 (the same in both formats: label and data columns agree),
    from the layouts and reading plans the specs carry (~0.1 ms)."""
    by_sheet: dict[str, list[tuple[TableLayout, TablePlan]]] = {}
    for fid in FORMATS:
        derived = load_spec(fid).derived
        for tid, layout in derived.layouts["template"].items():
            by_sheet.setdefault(layout.sheet, []).append((layout, derived.plans["template"][tid]))
    return {sheet: shape_of(tables) for sheet, tables in by_sheet.items()}


class DocBook:
    """A document as a workbook for the reader: one laid-out sheet per table."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.shapes = shapes()
        self.sheet_names = list(self.shapes)
        self._rows = document.rows
        self._grids: dict[str, DocGrid] = {}
        self._kinds = TextKinds()

    def has(self, name: str) -> bool:
        return name in self.sheet_names

    def grid(self, name: str, formulas: bool = True) -> DocGrid:
        grid = self._grids.get(name)
        if grid is None:
            grid = self._grids[name] = lay_out(self._rows, self.shapes[name], self._kinds)
        return grid

    def by_title(self, plan: TablePlan) -> Located | None:
        """A table without row labels (表四) whose header the locator could not find (OCR breaks
        its vertical headings into single characters): after the paragraph that is its title,
        its one row with a number in every data column, its labels then verified there."""
        layout = plan.layout
        if layout.label_cols or len(plan.blocks) != 1:
            return None
        groups = [normalise(b.text) for b in layout.boxes if b.role == "col_group" and b.row == layout.body_top]
        title = normalise(layout.table.title)
        first_cell = min(b.row for b in layout.boxes if b.key)
        grid = self.grid(layout.sheet)
        after_title = False
        for item in self.document.items:
            single = isinstance(item, DocRow) and len(item.cells) == 1
            if isinstance(item, Paragraph) or single:
                text = normalise(item.text if isinstance(item, Paragraph) else item.cells[0].text)
                is_title = text == title or (bool(groups) and all(g in text for g in groups))
                after_title = is_title or (after_title and single)
                continue
            values = [c for c in _split(item, self._kinds)[1] if c.text]
            row = grid.index.get(id(item))  # None: a row the layout left out (a page's footer, a broken line)
            if after_title and len(values) == layout.data_cols and row is not None:
                dr = row - first_cell
                return check_at(plan, grid, [(dr, 0)], lenient_blank=True)
        return self._by_blocks(plan, grid)

    def _by_blocks(self, plan: TablePlan, grid: DocGrid) -> Located | None:
        """表四 printed as one small table per block (a text conversion writes 行政复议, 未经复议直接起诉
        and 复议后起诉 each under its heading, five columns each): each block's row of numbers under
        a heading naming the block and the five headings of its columns, exactly; the three read
        as the one row they are (laid out again below the sheet, in the national header)."""
        layout = plan.layout
        leaves = [b for b in layout.boxes if b.role == "col_header"]
        blocks = sorted((g for g in layout.boxes if g.role == "col_group"
                         and any(leaf.row == g.row + 1 and g.col <= leaf.col <= g.last_col for leaf in leaves)),
                        key=lambda g: g.col)
        if not blocks:
            return None
        found: list[tuple[DocRow, list[DocCell]]] = []
        items = iter(self.document.items)
        for block in blocks:
            heads = sorted((b for b in leaves if block.col <= b.col <= block.last_col), key=lambda b: b.col)
            named = header = False
            for item in items:
                if isinstance(item, Paragraph) or len(item.cells) == 1:  # a heading naming the block?
                    text = item.text if isinstance(item, Paragraph) else item.cells[0].text
                    named, header = normalise(block.text) in normalise(text), False
                    continue
                if not named:
                    continue
                if not header:  # the block's five headings, exactly
                    header = len(item.cells) == len(heads) and all(
                        normalise(c.text) in b.forms for c, b in zip(item.cells, heads, strict=True))
                    named = header
                    continue
                if all(_RULE.match(c.text) for c in item.cells):
                    continue  # Markdown's |---|---| under the headings
                values = [c for c in item.cells if c.text]
                if len(values) == len(heads) and not any(self._kinds.is_label(c.text) for c in values):
                    found.append((item, values))
                    break
                named = header = False
        if len(found) != len(blocks):
            return None
        dr = len(grid.rows) + GAP - layout.top  # the table laid out again below what the sheet has
        lines: list[list[Any]] = [[""] * layout.width for _ in range(GAP + layout.body_top - layout.top)]
        for r in range(layout.body_top, min(b.row for b in layout.boxes if b.key)):
            line: list[Any] = [""] * layout.width
            for b in layout.boxes:
                if b.row == r and b.role in ("col_header", "col_group"):
                    line[b.col] = b.text  # the national header: each block's headings were checked above
            lines.append(line)
        lines.append([float(c.text) if _PLAIN.match(c.text) else c.text for _, values in found for c in values])
        grid.rows.extend(lines)
        grid.where.extend([found[0][0].where] * len(lines))
        return check_at(plan, grid, [(dr, 0)], lenient_blank=True)

    def close(self) -> None:
        """Nothing to release: the document is in memory."""
