"""The district's totals, and the few figures the charts show, all found through the spec."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..compact import matrix
from ..report import FileResult
from ..spec import FormatSpec, Node

# Amounts are in 万元; six decimals are 0.01 元. Summing floats gives tails like
# 0.30000000000000004: rounding there keeps the total exactly what a person adds up.
AMOUNT_PLACES = 6


def round_value(kind: str, value: float) -> float:
    return round(value, AMOUNT_PLACES) if kind == "amount" else float(round(value))


def total_values(spec: FormatSpec, files: Iterable[FileResult]) -> dict[str, float]:
    """Cell key -> the sum over ``files`` (accepted submissions, all of ``spec``'s format).

    ``math.fsum`` is exact for the floats given; the rows are stacked into one float matrix
    (``compact.matrix``) and summed by column, so 10,000 submissions take milliseconds.
    """
    keys = spec.keys
    data = matrix([f.values for f in files], keys, 0.0)  # a submission without some cell counts 0 there
    return {c.key: round_value(c.kind, math.fsum(data[:, j].tolist())) for j, c in enumerate(spec.cells)}


def cell_key(spec: FormatSpec, table: str, row: str, column: str) -> str | None:
    for c in spec.cells:
        if (c.table, c.row, c.column) == (table, row, column):
            return c.key
    return None


@dataclass(frozen=True)
class Headline:
    """What the charts show: applications received, and the outcome groups of the year."""

    received: str | None  # the key of 一、本年新收… / 总计
    outcomes: tuple[tuple[str, tuple[str, ...]], ...]  # (group label, keys of its 总计 cells)


def _total_column(spec: FormatSpec, table_id: str) -> str | None:
    for block in spec.table(table_id).blocks:
        for col in block.leaf_columns:
            if col.sum_of:
                return col.id
    return None


def _parent_of(nodes: tuple[Node, ...], row_id: str) -> Node | None:
    for n in nodes:
        if any(c.id == row_id for c in n.children):
            return n
        found = _parent_of(n.children, row_id)
        if found is not None:
            return found
    return None


def headline(spec: FormatSpec) -> Headline:
    """Found from the balance rule (the first per-column equality): its first left-hand row is
    一、本年新收, its first right-hand row is （七）总计, whose siblings are the outcome groups."""
    rule = next((r for r in spec.rules if r.kind == "expression" and r.for_each == "column" and not r.flag
                 and not r.year_over_year), None)
    if rule is None or rule.table is None:
        return Headline(None, ())
    table = rule.table
    total_col = _total_column(spec, table)
    lhs, rhs = rule.sides()
    if total_col is None or not lhs or not rhs:
        return Headline(None, ())
    received = cell_key(spec, table, lhs[0], total_col)
    outcomes: list[tuple[str, tuple[str, ...]]] = []
    for block in spec.table(table).blocks:
        parent = _parent_of(block.rows, rhs[0])
        if parent is None:
            continue
        for group in parent.children:
            if group.id == rhs[0]:
                continue
            keys = tuple(k for leaf in group.leaves() if (k := cell_key(spec, table, leaf.id or "", total_col)))
            outcomes.append((group.label, keys))
    return Headline(received, tuple(outcomes))


def group_sums(values: Mapping[str, float], groups: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[str, float]]:
    return [(label, math.fsum(values.get(k, 0.0) for k in keys)) for label, keys in groups]
