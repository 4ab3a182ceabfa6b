"""A pandera ``DataFrameSchema`` per format, built from the spec's rules alone.

The frame it validates is wide: one row per submission, one float column per
statistical cell of the spec, in spec order (``wide_frame``: its key, ``t3.new.natural``),
NaN where a cell could not be read. Every rule of kind

- ``types`` becomes one check per message variant (``TYPES:negative``, ``TYPES:fraction``
  for counts, ``TYPES:signed_fraction`` for signed changes, ``TYPES:negative_amount`` for
  amounts), over the columns of that cell kind;
- ``sum`` (every total cell that names the rule, against its ``sums`` parts),
  ``balance`` (per column: the ``lhs`` rows = the ``rhs`` rows, aimed at the ``fix`` row)
  and ``misuse`` (per row: ``result`` = ``base`` + ``change``) becomes one check per target
  cell, named ``<rule id>@<target cell key>``.

All are dataframe checks returning one boolean per row (file), so pandera's failure cases
name the file and hold its cells, from which ``run.py`` picks the offending ones. Column
objects and column checks would say the same thing ~10x slower (pandera costs ~0.6 ms a
column and ~0.3 ms a check, whatever the number of rows; measured in the report).

A cross-cell check passes for a row in which any cell it needs is NaN: the reader has
already reported that cell, and a pile of consequential errors helps nobody. Rules of kind
``version`` are identity checks (``identity.py``); the year-over-year kinds belong to the
roll-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..spec import FormatSpec, Rule, SpecError
from ..spec.model import CellKind

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Array = NDArray[np.float64]

# How far apart two numbers may be and still be equal: counts are whole numbers, amounts
# are 万元 with decimals (half a 元 is 0.00005 万元).
TOLERANCE: dict[CellKind, float] = {"count": 1e-6, "signed": 1e-6, "amount": 5e-5}
# The TYPES variants (message keys of the rule) that apply to a cell of each kind.
TYPE_VARIANTS: dict[CellKind, tuple[str, ...]] = {
    "count": ("negative", "fraction"),
    "signed": ("signed_fraction",),
    "amount": ("negative_amount",),
}
IDENTITY_KINDS = ("version",)  # run per file by identity.py
ROLLUP_KINDS = ("yoy_carry", "yoy_stock")  # need last year's report: the roll-up's

CheckKind = Literal["sum", "balance", "misuse"]


def _frame_values(frame: pd.DataFrame, width: int) -> Array:
    values = frame.to_numpy(dtype=np.float64, copy=False)
    if values.shape[1] != width:
        raise ValueError(f"the frame has {values.shape[1]} columns, the spec {width}: build it with wide_frame")
    return values


@dataclass(frozen=True)
class TypeCheck:
    """One TYPES variant over the cells of one kind: ``violates`` says which values break it."""

    name: str  # "TYPES:negative"
    rule: str
    variant: str
    keys: tuple[str, ...]
    positions: tuple[int, ...]  # of ``keys`` in the frame
    width: int  # the frame's number of columns
    tolerance: float

    def violates(self, values: Array) -> NDArray[np.bool_]:
        """Element-wise; NaN never violates."""
        with np.errstate(invalid="ignore"):
            if self.variant in ("negative", "negative_amount"):
                return values < 0
            return np.abs(values - np.round(values)) > self.tolerance

    def passes(self, frame: pd.DataFrame) -> pd.Series:
        values = _frame_values(frame, self.width)[:, list(self.positions)]
        return pd.Series(~self.violates(values).any(axis=1), index=frame.index)


@dataclass(frozen=True)
class CellCheck:
    """One cross-cell check of a rule, aimed at one cell.

    It compares ``sum(lhs)`` with ``sum(rhs)``. ``sum`` and ``balance`` checks fail when the
    two differ; a ``misuse`` check fails when they are equal and the target is not 0.
    """

    name: str  # "T3-BALANCE@t3.carry_over.natural"
    rule: str
    kind: CheckKind
    target: str  # the cell a finding points at
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    tolerance: float
    position: dict[str, int] = field(repr=False, compare=False, default_factory=dict)  # key -> frame column
    width: int = 0

    @property
    def keys(self) -> tuple[str, ...]:
        """Every cell the check needs (the target first)."""
        return tuple(dict.fromkeys((self.target, *self.lhs, *self.rhs)))

    def sides(self, values: Array) -> tuple[Array, Array, Array, NDArray[np.bool_]]:
        """Per row of ``values`` (the frame's array): target, sum(lhs), sum(rhs), all cells present."""
        lhs = values[:, [self.position[k] for k in self.lhs]]
        rhs = values[:, [self.position[k] for k in self.rhs]]
        target = values[:, self.position[self.target]]
        complete = ~(np.isnan(lhs).any(axis=1) | np.isnan(rhs).any(axis=1) | np.isnan(target))
        return target, lhs.sum(axis=1), rhs.sum(axis=1), complete

    def failed(self, values: Array) -> NDArray[np.bool_]:
        target, left, right, complete = self.sides(values)
        with np.errstate(invalid="ignore"):
            equal = np.abs(left - right) <= self.tolerance
            failed = equal & (target > self.tolerance) if self.kind == "misuse" else ~equal
        return failed & complete

    def passes(self, frame: pd.DataFrame) -> pd.Series:
        return pd.Series(~self.failed(_frame_values(frame, self.width)), index=frame.index)


@dataclass(frozen=True)
class RuleSchema:
    """The compiled rules of one format: the pandera schema and what its check names mean."""

    format: str
    spec_hash: str
    schema: pa.DataFrameSchema
    keys: tuple[str, ...]  # the frame's columns, in spec order
    types: dict[str, TypeCheck] = field(default_factory=dict)  # check name -> TYPES variant
    checks: dict[str, CellCheck] = field(default_factory=dict)  # check name -> cross-cell check


def _param_list(rule: Rule, name: str) -> tuple[str, ...]:
    value = rule.params.get(name)
    if value is None:
        raise SpecError(f"rules.{rule.id}: a rule of kind {rule.kind} needs `{name}`")
    return (value,) if isinstance(value, str) else tuple(value)


def _make(spec: FormatSpec, rule: Rule, kind: CheckKind, target: str, lhs: tuple[str, ...],
          rhs: tuple[str, ...]) -> CellCheck:
    tolerance = max(TOLERANCE[spec.cell(k).kind] for k in (target, *lhs, *rhs))
    position = {k: i for i, k in enumerate(spec.keys) if k in (target, *lhs, *rhs)}
    return CellCheck(f"{rule.id}@{target}", rule.id, kind, target, lhs, rhs, tolerance, position, len(spec.keys))


def _sum_checks(spec: FormatSpec, rule: Rule) -> list[CellCheck]:
    return [
        _make(spec, rule, "sum", cell.key, parts, (cell.key,))
        for cell in spec.cells
        for rule_id, parts in cell.sums
        if rule_id == rule.id
    ]


def _table_grid(spec: FormatSpec, table: str) -> tuple[list[str], list[str], set[str]]:
    """Row ids and column ids of a table in spec order, and its cell keys."""
    rows: dict[str, None] = {}
    cols: dict[str, None] = {}
    keys: set[str] = set()
    for cell in spec.cells:
        if cell.table == table:
            rows[cell.row] = None
            cols[cell.column] = None
            keys.add(cell.key)
    return list(rows), list(cols), keys


def _balance_checks(spec: FormatSpec, rule: Rule) -> list[CellCheck]:
    table = rule.table or ""
    lhs_rows, rhs_rows = _param_list(rule, "lhs"), _param_list(rule, "rhs")
    fix = _param_list(rule, "fix")[0]
    _, cols, keys = _table_grid(spec, table)
    out = []
    for col in cols:
        lhs = tuple(f"{table}.{r}.{col}" for r in lhs_rows)
        rhs = tuple(f"{table}.{r}.{col}" for r in rhs_rows)
        target = f"{table}.{fix}.{col}"
        if all(k in keys for k in (*lhs, *rhs, target)):
            out.append(_make(spec, rule, "balance", target, lhs, rhs))
    return out


def _misuse_checks(spec: FormatSpec, rule: Rule) -> list[CellCheck]:
    table = rule.table or ""
    base, change, result = (_param_list(rule, p)[0] for p in ("base", "change", "result"))
    rows, _, keys = _table_grid(spec, table)
    out = []
    for row in rows:
        lhs = (f"{table}.{row}.{base}", f"{table}.{row}.{change}")
        target = f"{table}.{row}.{result}"
        if all(k in keys for k in (*lhs, target)):
            out.append(_make(spec, rule, "misuse", target, lhs, (target,)))
    return out


def cell_checks(spec: FormatSpec) -> list[CellCheck]:
    """Every cross-cell check of a format, in the order of its rules, then of its cells."""
    out: list[CellCheck] = []
    for rule in spec.rules:
        if rule.kind == "sum":
            out += _sum_checks(spec, rule)
        elif rule.kind == "balance":
            out += _balance_checks(spec, rule)
        elif rule.kind == "misuse":
            out += _misuse_checks(spec, rule)
        elif rule.kind not in ("types", *IDENTITY_KINDS, *ROLLUP_KINDS):
            raise SpecError(f"rules.{rule.id}: the validator does not know rules of kind {rule.kind!r}")
    return out


def type_checks(spec: FormatSpec) -> list[TypeCheck]:
    """One check per variant of every rule of kind ``types``, over the cells of its kind."""
    out: list[TypeCheck] = []
    for rule in spec.rules:
        if rule.kind != "types":
            continue
        for kind, variants in TYPE_VARIANTS.items():
            cells = [(i, c.key) for i, c in enumerate(spec.cells) if c.kind == kind]
            if not cells:
                continue
            for variant in variants:
                if variant not in rule.messages:
                    raise SpecError(f"rules.{rule.id}: messages: the variant {variant!r} is missing")
                out.append(TypeCheck(f"{rule.id}:{variant}", rule.id, variant, tuple(k for _, k in cells),
                                     tuple(i for i, _ in cells), len(spec.keys), TOLERANCE[kind]))
    return out


def build_schema(spec: FormatSpec) -> RuleSchema:
    """Compile the rules of ``spec`` (``rule_schema`` caches it)."""
    types, checks = type_checks(spec), cell_checks(spec)
    pandera_checks = [pa.Check(t.passes, name=t.name, error=t.name, ignore_na=False, title=t.rule) for t in types]
    pandera_checks += [pa.Check(c.passes, name=c.name, error=c.name, ignore_na=False, title=c.rule) for c in checks]
    schema = pa.DataFrameSchema(checks=pandera_checks, name=f"{spec.id} rules",
                                description=f"{spec.name}（{spec.notice}）: the rules of the spec, one row per file")
    return RuleSchema(spec.id, spec.hash, schema, spec.keys, {t.name: t for t in types}, {c.name: c for c in checks})


_CACHE: dict[tuple[str, str], RuleSchema] = {}


def rule_schema(spec: FormatSpec) -> RuleSchema:
    """The compiled rules of ``spec``, built once per format and spec version."""
    key = (spec.id, spec.hash)
    if key not in _CACHE:
        _CACHE[key] = build_schema(spec)
    return _CACHE[key]
