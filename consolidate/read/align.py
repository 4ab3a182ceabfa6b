"""Row by row: a table's rows placed by aligning the spec's row labels with the rows found.

A retyped table (a unit's own workbook, a published report) keeps the order of the national
format's rows but not always all of them, nor their exact words: a department that makes no
规章 leaves the row out, a WPS export drops two characters of a label, a page breaks a label
over two lines, a 2024 report prints the 2019 form's single （六）其他处理 row. Placing the
table as one block at one offset (``locate.py``) then finds a label that does not match and
loses the whole table. Here the spec's row labels and the labelled rows of the sheet are
aligned as two sequences (Needleman–Wunsch over the order of both, a gap on either side
costing nothing, a pair scoring the labels' similarity):

- a spec row that pairs with no row found is missing: a finding at that row, its cells
  absent, every other row read;
- a row found that pairs with no spec row is left out (a caption, a page's repeated header);
- a pair whose labels differ is a typo at that row (the numbers are read) when the found
  label is close to its spec label (edit distance relative to the label's length, or a
  label cut short) and clearly closer to it than to any other label of the table;
- a row found that is a group of the spec with numbers of its own, where none of the group's
  rows is printed, is the older form's single row (（六）其他处理 of the 2019 form in a 2021
  table): read into the group's last row (``3.其他``: what it means), the others 0, with a 提示.

A table is refused only when fewer than half its rows (and fewer than ``MIN_PLACED``) can be
placed: then nothing of it can be trusted, and the finding says how many were found.

Only run when a table's row labels do not all match where the block offset puts them, so a
table that reads by position costs nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..spec.labels import normalise
from ..spec.layout import Box, TableLayout
from ..spec.plan import BlockPlan, CellRead, TablePlan
from .locate import TRUNCATED_MIN, cell_text, truncated
from .sheets import Grid

SIMILAR = 0.6  # the least similarity of a found label to its spec label (1: the same text)
MARGIN = 0.15  # how much closer to its own label than to any other of the table
MIN_PLACED = 3  # rows a table must have placed, at least (and half of them)
SLACK = 6  # rows searched above the table's first row and below its last, beyond the offset


@dataclass(frozen=True)
class RowMatch:
    box: Box  # the spec's row label
    row: int  # the sheet row it was found on
    col: int
    found: str  # the label as found there
    exact: bool  # the label (or an alias) as the spec has it


@dataclass(frozen=True)
class Foreign:
    """A group of the spec printed as one row with its own numbers (the older form's row)."""

    group: Box
    target: Box  # the group's row that takes its numbers
    others: tuple[Box, ...]  # the group's other rows: 0
    row: int
    col: int
    found: str


@dataclass(frozen=True)
class Alignment:
    matches: tuple[RowMatch, ...]
    missing: tuple[Box, ...]
    foreign: tuple[Foreign, ...]
    total: int  # the table's row labels

    @property
    def placed(self) -> int:
        return len(self.matches) + sum(1 + len(f.others) for f in self.foreign)

    @property
    def trusted(self) -> bool:
        return self.placed >= min(MIN_PLACED, self.total) and self.placed * 2 >= self.total

    def rows(self) -> dict[int, int]:
        """Spec row -> the sheet row its numbers are on."""
        out = {m.box.row: m.row for m in self.matches}
        for f in self.foreign:
            out[f.target.row] = f.row
        return out

    def zero_rows(self) -> frozenset[int]:
        return frozenset(b.row for f in self.foreign for b in f.others)


SUBSTITUTE = 1.5  # a character replaced weighs more than one dropped or added: another word, not a lost one


def _distance(found: str, label: str, most: float) -> float:
    """Edit distance from the label to the text found, a replaced character weighing
    ``SUBSTITUTE`` (a WPS export drops characters; another label has other ones); more than
    ``most`` once it is known to be."""
    previous = [float(j) for j in range(len(label) + 1)]
    for i, ca in enumerate(found, start=1):
        current = [float(i)] + [0.0] * len(label)
        for j, cb in enumerate(label, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (0 if ca == cb else SUBSTITUTE))
        if min(current) > most:
            return most + 1
        previous = current
    return previous[-1]


def similarity(found: str, box: Box) -> float:
    """How close a found label (normalised) is to a spec label: 1 the same text (or an alias),
    0.9 a label cut short or with a character or two wrong as ``locate.truncated`` forgives it
    at its place, else one less the edit distance relative to the label's length."""
    if found in box.forms:
        return 1.0
    return _similar(found, box)


_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]{1,3},|\([一二三四五六七八九十]{1,3}\)|\d{1,2}\.)")  # normalised 一、（一）1.
WITHOUT_NUMBER = 0.95  # the label without its numbering (予以公开 for （一）予以公开): its body is all of it


@lru_cache(maxsize=16384)  # a batch's reports repeat their labels: each pair worked out once
def _similar(found: str, box: Box) -> float:
    if not _NUMBERING.match(found) and any(_NUMBERING.sub("", form, count=1) == found != form for form in box.forms):
        return WITHOUT_NUMBER
    if len(found) < TRUNCATED_MIN:  # a few characters: too little to tell a typo from another label
        return 0.0
    chars = set(found)
    shared = max(_shared(found, chars, form) for form in box.forms)
    if shared < len(found) - 2 and shared < SIMILAR * len(found):
        return 0.0  # most of its characters are not the label's: no edit makes it the label
    if truncated(found, box):
        return 0.9
    best = 0.0
    for form in box.forms:
        longest = max(len(found), len(form))
        if abs(len(found) - len(form)) > longest * (1 - SIMILAR) or _shared(found, chars, form) < SIMILAR * longest:
            continue
        most = longest * (1 - SIMILAR)
        d = _distance(found, form, most)
        if d <= most:
            best = max(best, 1 - d / longest)
    return best


def _shared(found: str, chars: set[str], form: str) -> int:
    """How many characters the two texts have in common (with repeats): a bound on how alike they are."""
    return sum(min(found.count(c), form.count(c)) for c in chars.intersection(form))


def _row_texts(grid: Grid, row: int, dc: int, label_cols: int) -> list[tuple[int, str, str]]:
    """The row's label cells: (column on the sheet, text, normalised text)."""
    out = []
    line = grid.rows[row] if 0 <= row < len(grid.rows) else []
    for c in range(0, min(max(dc, 0) + label_cols, len(line))):  # a header can be off by a column: its rows not
        text = cell_text(line[c])
        if text:
            out.append((c, text, normalise(text)))
    return out


def _has_numbers(grid: Grid, row: int, label_cols: int, width: int) -> bool:
    line = grid.rows[row] if 0 <= row < len(grid.rows) else []
    return any(cell_text(v) for v in line[label_cols:label_cols + width])


def align(plan: TablePlan, grid: Grid, offsets: list[tuple[int, int]]) -> Alignment | None:
    """The table's row labels aligned with the labelled rows of ``grid`` near where the block
    offsets put them (None: a table without row labels, as 表四)."""
    layout = plan.layout
    if not layout.label_cols:
        return None
    spec_rows: list[tuple[Box, int]] = []  # each row label with its block's column offset
    groups: list[Box] = []
    first = last = None
    for block, (dr, dc) in zip(plan.blocks, offsets, strict=True):
        for box in block.labels:
            if box.role == "row_label":
                spec_rows.append((box, dc))
                top, bottom = box.row + dr, box.row + dr
                first = top if first is None else min(first, top)
                last = bottom if last is None else max(last, bottom)
            elif box.role == "row_group":
                groups.append(box)
    if not spec_rows or first is None or last is None:
        return None
    spec_rows.sort(key=lambda s: s[0].row)
    dc = offsets[0][1]
    label_cols = layout.label_cols
    spread = 2 * len(spec_rows)  # a table cut into pieces (a header over each) spreads out
    top = max(0, first - SLACK - spread)
    bottom = min(len(grid.rows), last + SLACK + spread + 1)
    found_rows: list[tuple[int, list[tuple[int, str, str]]]] = []
    for r in range(top, bottom):
        texts = _row_texts(grid, r, dc, label_cols)
        if texts:
            found_rows.append((r, texts))
    scores = [[_pair(box, texts) for _, texts in found_rows] for box, _ in spec_rows]
    pairs = _needleman_wunsch(scores)
    matches: list[RowMatch] = []
    paired_found: set[int] = set()
    for i, j in pairs:
        box = spec_rows[i][0]
        score, col, text = scores[i][j]
        rivals = [scores[k][j][0] for k in range(len(spec_rows)) if k != i]
        if score < 1.0 and rivals and max(rivals) > score - MARGIN:
            continue  # as close to another label of the table: not this row's label
        r = found_rows[j][0]
        exact = score >= 1.0
        matches.append(RowMatch(box, r, col, text, exact))
        paired_found.add(j)
    placed = {m.box.row for m in matches}
    foreign = _foreign(layout, groups, spec_rows, placed, found_rows, paired_found, grid, dc)
    for f in foreign:
        placed.update(b.row for b in (f.target, *f.others))
    missing = tuple(box for box, _ in spec_rows if box.row not in placed)
    return Alignment(tuple(matches), missing, tuple(foreign), len(spec_rows))


def _pair(box: Box, texts: list[tuple[int, str, str]]) -> tuple[float, int, str]:
    best = (0.0, 0, "")
    for c, text, key in texts:
        s = similarity(key, box)
        if s >= 1.0:
            return s, c, text
        if s > best[0]:
            best = (s, c, text)
    return best if best[0] >= SIMILAR else (0.0, best[1], best[2])


def _needleman_wunsch(scores: list[list[tuple[float, int, str]]]) -> list[tuple[int, int]]:
    """The order-keeping pairing of spec rows (i) and found rows (j) with the greatest total
    similarity; a gap costs nothing, a pair below ``SIMILAR`` is not made."""
    n = len(scores)
    m = len(scores[0]) if n else 0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        row, above, s = best[i], best[i - 1], scores[i - 1]
        for j in range(1, m + 1):
            v = max(above[j], row[j - 1])
            pair = s[j - 1][0]
            if pair > 0 and above[j - 1] + pair > v:
                v = above[j - 1] + pair
            row[j] = v
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while i > 0 and j > 0:
        pair = scores[i - 1][j - 1][0]
        if pair > 0 and best[i][j] == best[i - 1][j - 1] + pair:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    return pairs


def _foreign(layout: TableLayout, groups: list[Box], spec_rows: list[tuple[Box, int]], placed: set[int],
             found_rows: list[tuple[int, list[tuple[int, str, str]]]], paired: set[int], grid: Grid,
             dc: int) -> list[Foreign]:
    out: list[Foreign] = []
    for group in groups:
        children = [box for box, _ in spec_rows if group.row <= box.row <= group.last_row]
        if not children or any(b.row in placed for b in children):
            continue
        for j, (r, texts) in enumerate(found_rows):
            if j in paired:
                continue
            hit = next(((c, t) for c, t, key in texts if key in group.forms), None)
            if hit is None or not _has_numbers(grid, r, layout.label_cols + dc, layout.data_cols):
                continue
            if any(c > hit[0] for c, _, _ in texts):
                continue  # the group's label beside one of its rows: not a row of its own
            out.append(Foreign(group, children[-1], tuple(children[:-1]), r, hit[0], hit[1]))
            paired.add(j)
            break
    return out


def data_offset(reads: Sequence[CellRead], rows: Mapping[int, int], grid: Grid,
                offsets: tuple[int, ...]) -> int:
    """The column offset at which the block's placed rows have the most filled data cells (the
    first of ``offsets`` on a tie): a header found a column off (a caption run into it) does not
    move the rows' numbers."""
    best, most = offsets[0], -1
    for dc in dict.fromkeys(offsets):
        filled = 0
        for _, row, col, _, _, _ in reads:
            r = rows.get(row)
            if r is None or not 0 <= r < len(grid.rows) or col + dc < 0:
                continue
            line = grid.rows[r]
            if col + dc < len(line) and cell_text(line[col + dc]):
                filled += 1
        if filled > most:
            best, most = dc, filled
    return best


def realigned(reads: Sequence[CellRead], rows: Mapping[int, int] | None, dr: int) -> list[CellRead]:
    """A block's reads with each row where the alignment found it (less the block's offset
    ``dr``, which the reading adds); the rows not found are left out."""
    assert rows is not None
    out = []
    for key, row, col, last_row, last_col, address in reads:
        found = rows.get(row)
        if found is not None:
            out.append((key, found - dr, col, found - dr + last_row - row, last_col, address))
    return out


def group_found(box: Box, alignment: Alignment, grid: Grid) -> bool:
    """A group label (（三）不予公开) found beside or just above its rows as placed."""
    rows = [m.row for m in alignment.matches if box.row <= m.box.row <= box.last_row]
    rows += [f.row for f in alignment.foreign if f.group == box]
    if not rows:
        return False
    for r in range(min(rows) - 1, max(rows) + 1):
        for value in grid.rows[r] if 0 <= r < len(grid.rows) else ():
            text = cell_text(value)
            if text and similarity(normalise(text), box) >= SIMILAR:
                return True
    return False


# --- columns ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnAlignment:
    """A block's column headers aligned with the header cells found over its numbers."""

    cols: dict[int, int]  # spec column -> the sheet column its numbers are in
    matches: tuple[RowMatch, ...]  # (a RowMatch of a column header: where it was found)
    missing: tuple[Box, ...]
    total: int

    @property
    def trusted(self) -> bool:
        return len(self.cols) >= min(MIN_PLACED, self.total) and len(self.cols) * 2 >= self.total


def align_columns(block: BlockPlan, layout: TableLayout, grid: Grid, dr: int, dc: int) -> ColumnAlignment | None:
    """A block's column headers (its leaves: 自然人 … 总计) aligned with the columns of the sheet
    right of its labels, by the text over each in the header's rows: a column deleted or
    added by a unit is one column, not the whole table."""
    leaves = sorted((b for b in block.labels if b.role == "col_header"), key=lambda b: b.col)
    if not leaves:
        return None
    top, bottom = min(b.row for b in leaves) + dr, max(b.last_row for b in leaves) + dr
    found: list[tuple[int, list[tuple[int, str, str]]]] = []  # a sheet column and its header texts (row, text, key)
    for c in range(max(layout.label_cols + dc, 0), layout.width + dc + SLACK):
        texts = []
        for r in range(max(top, 0), min(bottom + 1, len(grid.rows))):
            line = grid.rows[r]
            text = cell_text(line[c]) if c < len(line) else ""
            if text:
                texts.append((r, text, normalise(text)))
        if texts:
            found.append((c, texts))
    if not found:
        return None
    scores = [[_pair(box, texts) for _, texts in found] for box in leaves]
    cols: dict[int, int] = {}
    matches: list[RowMatch] = []
    for i, j in _needleman_wunsch(scores):
        score, r, text = scores[i][j]
        rivals = [scores[k][j][0] for k in range(len(leaves)) if k != i]
        if score < 1.0 and rivals and max(rivals) > score - MARGIN:
            continue
        cols[leaves[i].col] = found[j][0]
        matches.append(RowMatch(leaves[i], r, found[j][0], text, score >= 1.0))
    missing = tuple(b for b in leaves if b.col not in cols)
    return ColumnAlignment(cols, tuple(matches), missing, len(leaves))


def recolumned(reads: Sequence[CellRead], cols: Mapping[int, int], dc: int) -> list[CellRead]:
    """A block's reads with each column where the column alignment found it (less the block's
    offset ``dc``, which the reading adds); the columns not found are left out."""
    out = []
    for key, row, col, last_row, _, address in reads:
        found = cols.get(col)
        if found is not None:
            out.append((key, row, found - dc, last_row, found - dc, address))
    return out
