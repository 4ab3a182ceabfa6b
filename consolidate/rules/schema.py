"""The spec's rule program compiled to pandera schemas that validate, and say where.

The files of a batch are first one wide array (``wide_frame``: one row per file, one
column per statistical cell, NaN where a cell could not be read). Each schema validates a
long frame cut from it, whose failure cases name the file, the cell and the values:

- TYPES, per table and cell kind: one column holding that kind's cells of every file
  (row ``file * cells + cell``), with a column check per variant (``TYPES:negative``,
  ``TYPES:fraction`` for counts, ``TYPES:signed_fraction`` for signed changes,
  ``TYPES:negative_amount`` for amounts): a failure case is one cell's value;
- each rule of the program (``T3-BALANCE``, ``T3-ROWTOTAL`` …): one row per (file, place
  of the rule), one column per cell the place names (``carry_over``, ``new``, ``carried``,
  ``total`` for 表三's balance, the column's cells), and a frame check of the rule's
  expression row by row: a failure case is a failing (file, place) with each of its values.

(One schema per table on the wide frame, with a column or a cell-shaped check per cell,
says the same but costs pandera ≈ 0.2-0.3 ms per column and check, whatever the number of
files: ≈ 0.3 s on 1,000 files against ≈ 0.05 s here.)

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
from ..spec.program import TOLERANCE, RuleCheck, compare

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
class Part:
    """One pandera schema and the long frame it validates, cut from the wide frame.

    The long frame has one row per (file, place): row ``file * len(targets) + place``;
    its columns are the cells of that place (``slots``), gathered from the wide frame's
    columns ``positions[place]`` (``width``, past the last column, reads 0: padding).
    """

    name: str
    schema: pa.DataFrameSchema
    positions: NDArray[np.intp]  # (places, slots)
    slots: tuple[str, ...]
    targets: tuple[str, ...]  # per place: the cell a finding points at
    keys: tuple[tuple[str, ...], ...]  # per place: the cell of each slot ("" for padding)
    checks: tuple[RuleCheck, ...] = ()  # per place, for a rule's part

    def frame(self, padded: Array) -> pd.DataFrame:
        """``padded``: the wide frame's values with a column of zeros appended."""
        gathered = padded[:, self.positions]
        return pd.DataFrame(gathered.reshape(-1, len(self.slots)), columns=list(self.slots))

    def where(self, index: int) -> tuple[int, int]:
        """A long frame's row -> (file position, place)."""
        return divmod(index, len(self.targets))


@dataclass(frozen=True)
class RuleSchema:
    """The compiled rules of one format: its parts and what their check names mean."""

    format: str
    spec_hash: str
    parts: tuple[Part, ...]
    types: dict[str, TypeVariant]  # check name ("TYPES:negative") -> variant
    checks: dict[tuple[str, str], RuleCheck]  # (rule id, target cell) -> the check aimed there

    @property
    def schemas(self) -> tuple[pa.DataFrameSchema, ...]:
        return tuple(p.schema for p in self.parts)


def _types_check(variant: TypeVariant, tolerance: float) -> Callable[[pd.Series], pd.Series]:
    def check(column: pd.Series) -> pd.Series:
        return pd.Series(~variant.violates(column.to_numpy(dtype=np.float64), tolerance), index=column.index)

    return check


def _types_part(spec: FormatSpec, rule: Rule, table: str, kind: str, types: dict[str, TypeVariant]) -> Part | None:
    """Column checks on one column holding every cell of ``kind`` in ``table`` of every file."""
    cells = [(i, c.key) for i, c in enumerate(spec.cells) if c.table == table and c.kind == kind]
    if not cells:
        return None
    checks = []
    for name in TYPE_VARIANTS[kind]:
        if name not in rule.messages:
            raise ValueError(f"rules.{rule.id}: messages: the variant {name!r} is missing")
        variant = TypeVariant(rule.id, name)
        check_name = f"{rule.id}:{name}"
        types[check_name] = variant
        checks.append(pa.Check(_types_check(variant, TOLERANCE[kind]), name=check_name, error=check_name,
                               ignore_na=False, title=rule.id))
    schema = pa.DataFrameSchema({kind: pa.Column(float, checks=checks, nullable=True)},
                                name=f"{spec.id} {spec.table(table).sheet} {kind}")
    positions = np.array([[i] for i, _ in cells], dtype=np.intp)
    return Part(schema.name or "", schema, positions, (kind,), tuple(k for _, k in cells),
                tuple((k,) for _, k in cells))


def _rule_check(coefs: list[Array], constants: list[float], ops: list[Op], tolerance: Array, flag: bool
                ) -> Callable[[pd.DataFrame], pd.Series]:
    """A pandera check over a rule's long frame: False for each (file, place) where it fails."""

    def check(frame: pd.DataFrame) -> pd.Series:
        values = frame.to_numpy(dtype=np.float64)
        tiled = np.resize(tolerance, len(values))
        complete = ~np.isnan(values).any(axis=1)
        holds = np.ones(len(values), dtype=bool)
        with np.errstate(invalid="ignore"):
            for coef, constant, op in zip(coefs, constants, ops, strict=True):
                holds &= compare(op, values @ coef + constant, tiled)
        failed = complete & (holds if flag else ~holds)
        return pd.Series(~failed, index=frame.index)

    return check


def _rule_part(spec: FormatSpec, rule: Rule, checks: tuple[RuleCheck, ...], position: dict[str, int]) -> Part:
    """One row per (file, place) of the rule; one column per cell the place names."""
    width = len(spec.keys)
    most = max(len(c.keys) for c in checks)
    first = checks[0]
    names = {r.key: r.placeholder for c in first.conditions for r in c.refs if r.key and not r.previous}
    if rule.kind == "totals":
        slots = ["total", *(f"part{i}" for i in range(1, most))]
    else:
        slots = [names.get(k) or f"cell{i}" for i, k in enumerate(first.keys)]
    positions = np.full((len(checks), most), width, dtype=np.intp)
    keys: list[tuple[str, ...]] = []
    coefs = [np.zeros((len(checks), most)) for _ in first.conditions]
    for p, check in enumerate(checks):
        slot_of = {k: j for j, k in enumerate(check.keys)}
        for k, j in slot_of.items():
            positions[p, j] = position[k]
        keys.append(tuple(check.keys) + ("",) * (most - len(check.keys)))
        for c, condition in enumerate(check.conditions):
            for r in condition.left:
                if r.key is not None:
                    coefs[c][p, slot_of[r.key]] += r.coef
            for r in condition.right:
                if r.key is not None:
                    coefs[c][p, slot_of[r.key]] -= r.coef
    for c in range(len(coefs)):
        if not (coefs[c] == coefs[c][0]).all():  # the places of a rule differ in shape: cannot happen
            raise ValueError(f"{rule.id}: its places are not alike")
    constants = [sum(r.coef for r in cond.left if r.key is None) - sum(r.coef for r in cond.right if r.key is None)
                 for cond in first.conditions]
    tolerance = np.array([c.tolerance for c in checks])
    pandera_check = pa.Check(_rule_check([c[0] for c in coefs], constants, [cond.op for cond in first.conditions],
                                         tolerance, rule.flag), name=rule.id, error=rule.id, ignore_na=False,
                             title=rule.id)
    schema = pa.DataFrameSchema(checks=[pandera_check], name=f"{spec.id} {rule.id}",
                                description=f"{rule.title}: one row per file and place")
    return Part(schema.name or "", schema, positions, tuple(slots), tuple(c.target for c in checks), tuple(keys),
                checks)


def validated_rules(spec: FormatSpec) -> list[Rule]:
    """The rules a file is validated with (not the roll-up's year-over-year ones)."""
    return [r for r in spec.rules if r.kind in ("expression", "totals", "types") and not r.year_over_year]


def build_schema(spec: FormatSpec) -> RuleSchema:
    """Compile the program of ``spec``: TYPES per table and cell kind, then one part per rule."""
    position = {k: i for i, k in enumerate(spec.keys)}
    types: dict[str, TypeVariant] = {}
    by_target: dict[tuple[str, str], RuleCheck] = {}
    parts: list[Part] = []
    for rule in validated_rules(spec):
        if rule.kind == "types":
            for table in spec.tables:
                for kind in TYPE_VARIANTS:
                    part = _types_part(spec, rule, table.id, kind, types)
                    if part is not None:
                        parts.append(part)
            continue
        checks = spec.program.of_rule(rule.id)
        for c in checks:
            by_target[(rule.id, c.target)] = c
        parts.append(_rule_part(spec, rule, checks, position))
    return RuleSchema(spec.id, spec.hash, tuple(parts), types, by_target)
