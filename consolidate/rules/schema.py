"""The spec's rule program compiled to pandera: one ``DataFrameSchema`` per table.

The frame validated is wide: one row per submission, one float column per statistical
cell of the table (``wide_frame``: its key, ``t3.new.natural``), NaN where a cell could
not be read, plus any cell of another table a rule of this table names. Each table's
schema has

- one check per TYPES variant (``TYPES:negative``, ``TYPES:fraction`` for counts,
  ``TYPES:signed_fraction`` for signed changes, ``TYPES:negative_amount`` for amounts);
- one check per rule of the program whose cells are in the table (``T3-BALANCE``,
  ``T3-ROWTOTAL`` …), evaluating all its places at once.

Every check returns a boolean frame of the table's shape, False exactly at (file, cell)
where the rule fails: a TYPES check at the cell whose value breaks it, a rule at the cell
its finding points at (its ``target``). So pandera's failure cases carry the file (the
row), the cell and the value found; ``run.py`` turns each into a finding. (pandera's
``Column`` checks would say the same per cell, but cost ≈ 1.3 ms a column whatever the
number of files: ≈ 0.3 s for the 200 cells of a format, measured against ≈ 0.1 s here.)

A rule passes for a file in which a cell it needs is NaN: the reader has already reported
that cell, and a pile of consequential errors helps nobody. Year-over-year rules (those
naming ``prev.``) belong to the roll-up; ``version`` is an identity check (``identity.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..spec import FormatSpec, Rule
from ..spec.expr import Op
from ..spec.program import TOLERANCE, Condition, RuleCheck, compare

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Array = NDArray[np.float64]
    Mask = NDArray[np.bool_]

# The TYPES variants (message keys of the rule) that apply to a cell of each kind.
TYPE_VARIANTS: dict[str, tuple[str, ...]] = {
    "count": ("negative", "fraction"),
    "signed": ("signed_fraction",),
    "amount": ("negative_amount",),
}


@dataclass(frozen=True)
class TypeVariant:
    """One TYPES variant: which values break it."""

    rule: str
    variant: str

    def violates(self, values: Array, tolerance: float | Array) -> Mask:
        """Element-wise; NaN never violates."""
        with np.errstate(invalid="ignore"):
            if self.variant in ("negative", "negative_amount"):
                return values < 0
            return np.abs(values - np.round(values)) > tolerance


@dataclass(frozen=True)
class TableSchema:
    """The pandera schema of one table and the frame columns it validates."""

    table: str
    columns: tuple[str, ...]
    schema: pa.DataFrameSchema


@dataclass(frozen=True)
class RuleSchema:
    """The compiled rules of one format: its tables' schemas and what their check names mean."""

    format: str
    spec_hash: str
    tables: tuple[TableSchema, ...]
    types: dict[str, TypeVariant]  # check name ("TYPES:negative") -> variant
    checks: dict[tuple[str, str], RuleCheck]  # (rule id, target cell) -> the check aimed there

    @property
    def schemas(self) -> tuple[pa.DataFrameSchema, ...]:
        return tuple(t.schema for t in self.tables)


class _Linear:
    """One condition of every place of a rule, as gathered columns: left minus right."""

    def __init__(self, conditions: list[Condition], position: dict[str, int], width: int) -> None:
        terms = [[(r.coef, position[r.key]) for r in c.left if r.key is not None]
                 + [(-r.coef, position[r.key]) for r in c.right if r.key is not None] for c in conditions]
        most = max(len(t) for t in terms)
        # padding reads column ``width``: a column of zeros appended to the values
        self.index = np.full((len(terms), most), width, dtype=np.intp)
        self.coef = np.zeros((len(terms), most))
        for i, row in enumerate(terms):
            for j, (coef, pos) in enumerate(row):
                self.index[i, j], self.coef[i, j] = pos, coef
        self.constant = np.array([sum(r.coef for r in c.left if r.key is None)
                                  - sum(r.coef for r in c.right if r.key is None) for c in conditions])
        self.op: Op = conditions[0].op

    def difference(self, padded: Array) -> Array:
        """(files, places): left minus right; NaN where a cell is NaN."""
        return np.einsum("fpt,pt->fp", padded[:, self.index], self.coef) + self.constant


def _rule_check(checks: list[RuleCheck], columns: tuple[str, ...]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """A pandera check for every place of one rule: False at (file, target) where it fails."""
    position = {k: i for i, k in enumerate(columns)}
    width = len(columns)
    count = len(checks[0].conditions)
    if any(len(c.conditions) != count or any(a.op != b.op for a, b in zip(c.conditions, checks[0].conditions,
                                                                          strict=True)) for c in checks):
        raise ValueError(f"{checks[0].rule}: its places differ in shape")  # cannot happen: one expression
    linear = [_Linear([c.conditions[i] for c in checks], position, width) for i in range(count)]
    targets = np.array([position[c.target] for c in checks], dtype=np.intp)
    tolerance = np.array([c.tolerance for c in checks])
    flag = checks[0].flag

    def check(frame: pd.DataFrame) -> pd.DataFrame:
        values = frame.to_numpy(dtype=np.float64)
        padded = np.concatenate([values, np.zeros((len(values), 1))], axis=1)
        complete = ~np.isnan(values[:, targets])
        holds = np.ones(complete.shape, dtype=bool)
        for condition in linear:
            difference = condition.difference(padded)
            complete &= ~np.isnan(difference)
            with np.errstate(invalid="ignore"):
                holds &= compare(condition.op, difference, tolerance)
        failed = complete & (holds if flag else ~holds)
        out = np.ones(values.shape, dtype=bool)
        out[:, targets] = ~failed
        return pd.DataFrame(out, index=frame.index, columns=frame.columns)

    return check


def _types_check(variant: TypeVariant, positions: list[int], tolerance: list[float]
                 ) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """A pandera check of one TYPES variant: False at every cell of its kind that breaks it."""
    where = np.array(positions, dtype=np.intp)
    limit = np.array(tolerance)

    def check(frame: pd.DataFrame) -> pd.DataFrame:
        values = frame.to_numpy(dtype=np.float64)
        out = np.ones(values.shape, dtype=bool)
        out[:, where] = ~variant.violates(values[:, where], limit)
        return pd.DataFrame(out, index=frame.index, columns=frame.columns)

    return check


def validated_rules(spec: FormatSpec) -> list[Rule]:
    """The rules a file is validated with (not the roll-up's year-over-year ones)."""
    return [r for r in spec.rules if r.kind in ("expression", "totals", "types") and not r.year_over_year]


def build_schema(spec: FormatSpec) -> RuleSchema:
    """Compile the program of ``spec`` to one pandera schema per table."""
    rules = validated_rules(spec)
    table_of = {c.key: c.table for c in spec.cells}
    kind_of = {c.key: c.kind for c in spec.cells}
    types: dict[str, TypeVariant] = {}
    by_target: dict[tuple[str, str], RuleCheck] = {}
    tables: list[TableSchema] = []
    for table in spec.tables:
        own = [c.key for c in spec.cells if c.table == table.id]
        grouped: dict[str, list[RuleCheck]] = {}
        for rule in rules:
            if rule.kind == "types":
                continue
            mine = [c for c in spec.program.of_rule(rule.id) if table_of[c.target] == table.id]
            if mine:
                grouped[rule.id] = mine
        others = [k for checks in grouped.values() for c in checks for k in c.keys if table_of[k] != table.id]
        columns = tuple(own) + tuple(k for k in spec.keys if k in set(others))
        checks: list[pa.Check] = []
        for rule in rules:
            if rule.kind != "types":
                continue
            for kind, variants in TYPE_VARIANTS.items():
                positions = [i for i, k in enumerate(own) if kind_of[k] == kind]
                if not positions:
                    continue
                for name in variants:
                    if name not in rule.messages:
                        raise ValueError(f"rules.{rule.id}: messages: the variant {name!r} is missing")
                    variant = TypeVariant(rule.id, name)
                    check_name = f"{rule.id}:{name}"
                    types[check_name] = variant
                    checks.append(pa.Check(_types_check(variant, positions, [TOLERANCE[kind]] * len(positions)),
                                           name=check_name, error=check_name, ignore_na=False, title=rule.id))
        for rule_id, mine in grouped.items():
            for c in mine:
                by_target[(rule_id, c.target)] = c
            checks.append(pa.Check(_rule_check(mine, columns), name=rule_id, error=rule_id, ignore_na=False,
                                   title=rule_id))
        if checks:
            tables.append(TableSchema(table.id, columns, pa.DataFrameSchema(
                checks=checks, name=f"{spec.id} {table.sheet}",
                description=f"{spec.name}（{spec.notice}）{table.sheet}: the rules of the spec, one row per file")))
    return RuleSchema(spec.id, spec.hash, tuple(tables), types, by_target)
