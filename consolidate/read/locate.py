"""Find a table on a sheet by its labels, and verify the labels where a table should be.

Real reports retype labels: ``1、`` for ``1.``, half-width parentheses, spaces and line
breaks inside a label, full-width letters. ``normalise`` folds all that away before two
labels are compared; what is reported is always the canonical label of the spec.

A table is placed block by block (表二 has four or five blocks): each label of the block
votes for the offset (rows, columns) at which its text occurs, the offset with the most
votes wins (the template's own position on a tie), and the labels are then verified at that
offset. Verification is tolerant of how a retyped table merges cells: a label may stand in
any cell its box covers, a row label in any label column of its row.

Row and column labels (and their groups) are structural: one that does not match means the
numbers cannot be placed reliably; one cut short (at least half of it, six characters) is a
typo, as the retyped table's cell or page ended there. Titles, captions and the corner note are not: a typo
there (seed 001 writes 第二十六条) is worth a warning, not the table.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from ..spec.labels import normalise, squash
from ..spec.layout import Box, TableLayout, a1
from ..spec.plan import BlockPlan, TablePlan
from .sheets import Grid
from .values import AMOUNT_UNITS

STRUCTURAL = frozenset({"row_label", "row_group", "col_header", "col_group"})
Status = Literal["ok", "alias", "mismatch", "typo"]

def cell_text(value: object) -> str:
    """A cell value as label text ("" for an empty cell)."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- verifying labels ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelCheck:
    box: Box
    status: Status
    found: str  # the text found ("" when the cell is empty)
    row: int  # where it was looked for / found, on the sheet
    col: int
    unit: str | None = None  # a column header that adds its unit: 采购总金额（元）

    @property
    def address(self) -> str:
        return a1(self.row, self.col)

    @property
    def structural(self) -> bool:
        return self.box.role in STRUCTURAL


def _candidates(box: Box, layout: TableLayout, dr: int, dc: int) -> Iterator[tuple[int, int]]:
    for r in range(box.row, box.last_row + 1):
        for c in range(box.col, box.last_col + 1):
            yield r + dr, c + dc
    if box.role == "row_label":
        for c in range(0, layout.label_cols):
            if not box.col <= c <= box.last_col:
                yield box.row + dr, c + dc


def matches(found: str, box: Box) -> Status | None:
    if found == box.text or squash(found) == box.text:
        return "ok"
    if normalise(found) in box.forms:
        return "alias"
    return None


TRUNCATED_MIN = 6  # characters a cut label keeps at least (and half of the label)


NEAR_MIN = 10  # characters of a label that may carry up to two wrong ones
NEAR_MIN_ONE = 7  # ... one wrong one


def truncated(found: str, box: Box) -> bool:
    """A label cut short where its cell (or a page, or OCR) ended: ``2.没有现成信息`` for
    ``2.没有现成信息需要另行制作``; or a label with one character wrong, missing or added (seven
    characters or more), or two (ten or more; OCR: ``只度办计这一情形``). Still the label (a
    typo, numbers read) when it keeps six characters and half of it, or eight: no two labels
    of a table are that close."""
    key = normalise(found)
    if len(key) < TRUNCATED_MIN:
        return False
    for text in (box.text, *box.aliases):
        full = normalise(text)
        if len(key) < len(full) and (len(full) <= 2 * len(key) or len(key) >= 8) and full.startswith(key):
            return True
        if len(full) >= NEAR_MIN and abs(len(full) - len(key)) <= 2 and _within_edits(key, full, 2):
            return True
        if len(full) >= NEAR_MIN_ONE and abs(len(full) - len(key)) <= 1 and _within_edits(key, full, 1):
            return True
    return False


def similar(found: str, expected: str) -> bool:
    """Two texts that are mostly the same characters in the same order (a typo, not another text)."""
    from difflib import SequenceMatcher

    return SequenceMatcher(None, normalise(found), normalise(expected), autojunk=False).ratio() >= 0.6


def _within_edits(a: str, b: str, most: int) -> bool:
    """Levenshtein distance of at most ``most`` (a band of the table: cheap for labels)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [most + 1] * len(b)
        for j in range(max(1, i - most), min(len(b), i + most) + 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != b[j - 1]))
        if min(current) > most:
            return False
        previous = current
    return previous[-1] <= most


_UNIT_NOTE = re.compile(r"\((?:单位[:：]?)?(" + "|".join(sorted(AMOUNT_UNITS, key=len, reverse=True)) + r")\)$")


def _unit_added(found: str, box: Box) -> str | None:
    """The unit a retyped column header adds to the official label (采购总金额（万元）), if it does."""
    if box.role != "col_header":
        return None
    key = normalise(found)
    m = _UNIT_NOTE.search(key)
    if m is None:
        return None
    if key[:m.start()] in box.forms:
        return m.group(1)
    return None


def check_label(box: Box, layout: TableLayout, grid: Grid, dr: int, dc: int,
                lenient_blank: bool) -> LabelCheck | None:
    """Is the box's label where it should be (at offset dr, dc)? None when it is, exactly;
    else what was found (an alias, a mismatch, a typo). ``lenient_blank``: an empty title,
    caption or corner is fine (a retyped table often has none)."""
    if grid.value(box.row + dr, box.col + dc) == box.text:  # the common case, at once
        return None
    first: tuple[str, int, int] | None = None
    for r, c in _candidates(box, layout, dr, dc):
        found = cell_text(grid.value(r, c))
        if not found:
            continue
        status = matches(found, box)
        if status == "ok":
            return None
        if status is not None:
            return LabelCheck(box, status, found, r, c)
        unit = _unit_added(found, box)
        if unit is not None:
            return LabelCheck(box, "alias", found, r, c, unit)
        if box.role in STRUCTURAL and truncated(found, box):
            return LabelCheck(box, "typo", found, r, c)
        if first is None:
            first = (found, r, c)
    if first is None:
        if lenient_blank and box.role not in STRUCTURAL:
            return None
        first = ("", box.row + dr, box.col + dc)
    status = "mismatch" if box.role in STRUCTURAL else "typo"
    return LabelCheck(box, status, first[0], first[1], first[2])


# --- locating a table by voting ------------------------------------------------------------------------


class TextIndex:
    """Where each normalised text stands on a sheet."""

    def __init__(self, grid: Grid) -> None:
        self.where: dict[str, list[tuple[int, int]]] = {}
        for r, line in enumerate(grid.rows):
            for c, value in enumerate(line):
                if isinstance(value, str) and value:
                    self.where.setdefault(normalise(value), []).append((r, c))

    def find(self, forms: Iterable[str]) -> list[tuple[int, int]]:
        """Where the texts stand whose normal forms are ``forms``."""
        out: list[tuple[int, int]] = []
        for form in forms:
            out.extend(self.where.get(form, ()))
        return out


@dataclass(frozen=True)
class BlockPlace:
    block: BlockPlan
    dr: int
    dc: int
    votes: int  # labels of the block found at this offset (0: the block was not found)


def vote(block: BlockPlan, layout: TableLayout, index: TextIndex) -> BlockPlace:
    counts: Counter[tuple[int, int]] = Counter()
    for box in block.labels:
        offsets: set[tuple[int, int]] = set()
        spots = list(_candidates(box, layout, 0, 0))
        for r, c in index.find(box.forms):
            offsets.update((r - br, c - bc) for br, bc in spots)
        counts.update(offsets)
    if not counts:
        return BlockPlace(block, 0, 0, 0)
    (dr, dc), votes = max(counts.items(), key=lambda kv: (kv[1], kv[0] == (0, 0), -abs(kv[0][0]) - abs(kv[0][1])))
    return BlockPlace(block, dr, dc, votes)


def enough(place: BlockPlace) -> bool:
    """A block counts as found when enough of its labels agree on where it is."""
    return place.votes >= max(2, (len(place.block.labels) * 2 + 4) // 5)


@dataclass(frozen=True)
class Located:
    """A table placed on a sheet: the offset of each block, and what its labels say there."""

    plan: TablePlan
    sheet: str
    places: tuple[BlockPlace, ...]
    problems: tuple[LabelCheck, ...]  # every label that is not exactly as the spec has it
    structural: int  # structural labels checked
    anchor: tuple[int, int]  # where the table's first structural label is expected on the sheet
    # placed row by row (``align.py``): each spec row -> the sheet row its numbers are on; a
    # spec row not in it was not found (not read); ``zero_rows`` are read as 0 (the older form's
    # single row stands for its group)
    rows: Mapping[int, int] | None = None
    zero_rows: frozenset[int] = frozenset()
    # placed column by column (a unit's workbook with a column deleted): block index -> (spec
    # column -> the sheet column its numbers are in); a spec column not in it was not found
    cols: Mapping[int, Mapping[int, int]] | None = None

    @property
    def readable(self) -> bool:
        return not any(c.status == "mismatch" for c in self.problems)

    @property
    def matched(self) -> int:
        return self.structural - sum(1 for c in self.problems if c.status == "mismatch")

    @property
    def shift(self) -> tuple[int, int]:
        """The first block's offset that is not (0, 0), else (0, 0)."""
        for p in self.places:
            if (p.dr, p.dc) != (0, 0):
                return p.dr, p.dc
        return 0, 0

    @property
    def anchor_address(self) -> str:
        return a1(*self.anchor)


def check_at(plan: TablePlan, grid: Grid, offsets: Iterable[tuple[int, int]], lenient_blank: bool,
             votes: Iterable[int] | None = None) -> Located:
    places: list[BlockPlace] = []
    problems: list[LabelCheck] = []
    structural = 0
    anchor: tuple[int, int] | None = None
    layout = plan.layout
    for block, (dr, dc), n in zip(plan.blocks, offsets, votes or [len(b.labels) for b in plan.blocks], strict=True):
        places.append(BlockPlace(block, dr, dc, n))
        for box in block.labels:
            if box.role in STRUCTURAL:
                structural += 1
                if anchor is None:
                    anchor = (box.row + dr, box.col + dc)
            check = check_label(box, layout, grid, dr, dc, lenient_blank)
            if check is not None:
                problems.append(check)
    return Located(plan, grid.name, tuple(places), tuple(problems), structural, anchor or (0, 0))


def locate(plan: TablePlan, grid: Grid, index: TextIndex, lenient_blank: bool = True) -> Located | None:
    """The table on this sheet, placed by its labels; None when too few of them are there."""
    places = [vote(block, plan.layout, index) for block in plan.blocks]
    found = [p for p in places if enough(p)]
    if len(found) * 2 < len(places) or not found:
        return None
    offsets = []
    for i, p in enumerate(places):
        if enough(p):
            offsets.append((p.dr, p.dc))
        else:  # an unfound block: where the nearest found block says it is
            nearest = min(found, key=lambda f: abs(f.block.index - i))
            offsets.append((nearest.dr, nearest.dc))
    return check_at(plan, grid, offsets, lenient_blank, [p.votes for p in places])
