"""The rule program of a format: every rule bound to cells, compiled once when the spec is built.

A rule's expression (``expr.py``) names rows, columns or cells; here it becomes one
:class:`RuleCheck` per place it applies to: ``for_each: column`` of 表三 gives one check
per column, aimed at the ``target`` cell of that column; a total of the table tree
(``sum_of: siblings`` with ``rule:``) gives ``total == part + part + …``. The program also
holds the order in which totals are computed from their parts (totals of totals last).

The same checks are compiled three ways: to pandera checks (``rules/schema.py``), to the
template's live-check formulas (``xlsx/checks.py``), and evaluated in Python here
(:func:`evaluate`: the live checks' cached values, the year-over-year rules). Everything
is plain frozen data, so the built spec (with its program) can be pickled and cached.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .expr import Expression, Op, Term

# How far apart two numbers may be and still be equal: counts are whole numbers, amounts
# are 万元 with decimals (half a 元 is 0.00005 万元).
TOLERANCE: dict[str, float] = {"count": 1e-6, "signed": 1e-6, "amount": 5e-5}


@dataclass(frozen=True)
class Ref:
    """A term bound to a cell: ``coef`` times the cell ``key`` (this year's, or last year's
    when ``previous``); a constant has no key."""

    coef: float
    key: str | None
    previous: bool = False
    placeholder: str | None = None  # how a message names its value

    def value(self, this: Mapping[str, float], last: Mapping[str, float] | None = None) -> float:
        if self.key is None:
            return self.coef
        source = last if self.previous else this
        if source is None:
            return math.nan
        return self.coef * source.get(self.key, math.nan)


@dataclass(frozen=True)
class Condition:
    """``sum(left) OP sum(right)``."""

    left: tuple[Ref, ...]
    op: Op
    right: tuple[Ref, ...]

    @property
    def refs(self) -> tuple[Ref, ...]:
        return (*self.left, *self.right)


def compare(op: Op, difference: Any, tolerance: Any) -> Any:
    """``left OP right`` given ``left - right``, equal within ``tolerance``: on numbers, or
    element-wise on numpy arrays (the pandera checks)."""
    if op == "==":
        return abs(difference) <= tolerance
    if op == "!=":
        return abs(difference) > tolerance
    if op == "<=":
        return difference <= tolerance
    if op == ">=":
        return difference >= -tolerance
    if op == "<":
        return difference < -tolerance
    return difference > tolerance


@dataclass(frozen=True)
class RuleCheck:
    """One rule at one place: what is compared, and the cell a finding points at."""

    name: str  # "T3-BALANCE@t3.carry_over.natural"
    rule: str
    target: str  # the cell a finding points at
    conditions: tuple[Condition, ...]  # all must hold (``expect``) / all holding is suspicious (``flag``)
    flag: bool
    tolerance: float
    scope: str | None = None  # the row or column id of a ``for_each`` rule; None for one place or a tree total

    @property
    def keys(self) -> tuple[str, ...]:
        """This year's cells the check needs, the target first."""
        return tuple(dict.fromkeys([self.target, *(r.key for c in self.conditions for r in c.refs
                                                    if r.key is not None and not r.previous)]))

    @property
    def last_year_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.key for c in self.conditions for r in c.refs if r.key is not None and r.previous))

    @property
    def main(self) -> Condition:
        return self.conditions[0]

    def target_coef(self) -> float:
        """The target's coefficient in left minus right of the main condition (0: not in it)."""
        main = self.main
        return (sum(r.coef for r in main.left if r.key == self.target and not r.previous)
                - sum(r.coef for r in main.right if r.key == self.target and not r.previous))


@dataclass(frozen=True)
class Program:
    """The compiled rules of one format."""

    checks: tuple[RuleCheck, ...]  # every check of every rule, in the order of the rules
    totals: tuple[tuple[str, tuple[str, ...]], ...]  # (total, its parts), parts computed first

    def of_rule(self, rule_id: str) -> tuple[RuleCheck, ...]:
        return tuple(c for c in self.checks if c.rule == rule_id)


def side(refs: tuple[Ref, ...], this: Mapping[str, float], last: Mapping[str, float] | None = None) -> float:
    return math.fsum(r.value(this, last) for r in refs)


@dataclass(frozen=True)
class Outcome:
    """A check evaluated on one set of values."""

    failed: bool  # a finding is due (False when a value it needs is missing)
    complete: bool  # every value it needs is there
    found: float  # the target's value
    left: float  # the main condition's two sides
    right: float

    @property
    def difference(self) -> float:
        return self.left - self.right


def evaluate(check: RuleCheck, this: Mapping[str, float], last: Mapping[str, float] | None = None) -> Outcome:
    """``check`` on ``this`` year's values (and ``last`` year's): a missing or NaN value skips it."""
    holds = True
    complete = True
    left = right = math.nan
    for i, condition in enumerate(check.conditions):
        lv, rv = side(condition.left, this, last), side(condition.right, this, last)
        if i == 0:
            left, right = lv, rv
        if lv != lv or rv != rv:
            complete = False
            continue
        holds = holds and compare(condition.op, lv - rv, check.tolerance)
    found = this.get(check.target, math.nan)
    complete = complete and found == found
    failed = complete and (holds if check.flag else not holds)
    return Outcome(failed, complete, found, left, right)


def message_values(check: RuleCheck, outcome: Outcome, this: Mapping[str, float],
                   last: Mapping[str, float] | None = None) -> dict[str, float | None]:
    """What a finding's message may quote: ``found``, ``expected`` (the target's value that
    would satisfy an ``expect`` rule's main equality), ``lhs``, ``rhs``, ``diff`` and every
    named term (``change``, ``prev_in_force``)."""
    out: dict[str, float | None] = {"found": outcome.found, "lhs": outcome.left, "rhs": outcome.right,
                                    "diff": abs(outcome.difference)}
    coef = check.target_coef()
    out["expected"] = outcome.found - outcome.difference / coef if coef and not check.flag else None
    for condition in check.conditions:
        for ref in condition.refs:
            if ref.placeholder is not None and ref.placeholder not in out and ref.key is not None:
                source = last if ref.previous else this
                out[ref.placeholder] = (source or {}).get(ref.key, math.nan)
    return out


def bind_term(term: Term, table: str | None, scope: tuple[str, str] | None) -> str:
    """The cell key a term names: ``scope`` is ("column", id) or ("row", id) of a for_each rule."""
    assert term.name is not None
    parts = term.name.split(".")
    if len(parts) == 3:
        return term.name
    if table is None:
        raise ValueError(f"{term.name}: name the table too (table.row.column), or give the rule a `table`")
    if len(parts) == 2:
        return f"{table}.{parts[0]}.{parts[1]}"
    if scope is None:
        raise ValueError(f"{term.name}: a single name needs `for_each: column` or `for_each: row`")
    kind, ident = scope
    return f"{table}.{term.name}.{ident}" if kind == "column" else f"{table}.{ident}.{term.name}"


def bind(expression: Expression, table: str | None, scope: tuple[str, str] | None
         ) -> tuple[Condition, ...]:
    def refs(terms: tuple[Term, ...]) -> tuple[Ref, ...]:
        return tuple(Ref(t.coef, None if t.name is None else bind_term(t, table, scope), t.previous, t.placeholder)
                     for t in terms)

    return tuple(Condition(refs(c.left), c.op, refs(c.right)) for c in expression.comparisons)


def sum_check(rule: str, total: str, parts: tuple[str, ...], tolerance: float) -> RuleCheck:
    """A total of the table tree: ``total == part + part + …``."""
    condition = Condition((Ref(1.0, total),), "==", tuple(Ref(1.0, p) for p in parts))
    return RuleCheck(f"{rule}@{total}", rule, total, (condition,), False, tolerance)
