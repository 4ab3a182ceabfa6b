"""Typed, resolved spec objects: what the rest of the package works with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .derived import Derived

from .expr import Expression
from .program import Program

CellKind = Literal["count", "signed", "amount"]
Severity = Literal["error", "warning", "info"]
Lang = Literal["zh", "en"]


@dataclass(frozen=True)
class Node:
    """A row or column of a table block. Leaves carry an id; groups carry children."""

    id: str | None
    label: str
    aliases: tuple[str, ...] = ()
    kind: CellKind = "count"
    sum_of: tuple[str, ...] = ()  # ids of the sibling leaves a total adds up
    rule: str | None = None  # the rule that checks this total
    unit_note: str | None = None
    children: tuple[Node, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> tuple[Node, ...]:
        if self.is_leaf:
            return (self,)
        return tuple(leaf for child in self.children for leaf in child.leaves())

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)


def leaves_of(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    return tuple(leaf for n in nodes for leaf in n.leaves())


def paths_of(nodes: tuple[Node, ...], prefix: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """Leaf id -> the labels from the outermost group down to the leaf."""
    out: dict[str, tuple[str, ...]] = {}
    for n in nodes:
        path = (*prefix, n.label) if n.label else prefix
        if n.is_leaf:
            assert n.id is not None
            out[n.id] = path
        else:
            out.update(paths_of(n.children, path))
    return out


@dataclass(frozen=True)
class Block:
    caption: str | None
    corner: str | None
    columns: tuple[Node, ...]
    rows: tuple[Node, ...]

    @property
    def leaf_columns(self) -> tuple[Node, ...]:
        return leaves_of(self.columns)

    @property
    def leaf_rows(self) -> tuple[Node, ...]:
        return leaves_of(self.rows)


@dataclass(frozen=True)
class Table:
    id: str
    sheet: str
    title: str
    blocks: tuple[Block, ...]

    @property
    def short_name(self) -> str:
        """表二 / 表三 / 表四: how messages name the table."""
        return self.sheet


@dataclass(frozen=True)
class Cell:
    """One statistical cell: the unit of reading, checking and totalling."""

    key: str  # "t3.new.natural"
    table: str
    block: int
    row: str
    column: str
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    kind: CellKind
    column_text: str  # the column's label, with its groups where the label alone is ambiguous
    unit_note: str | None = None  # e.g. “单位：万元”, written beside the cell's column header
    # (rule id, keys of the cells the total adds up): one per direction in which the cell
    # is a total; 表三's （七）总计 x 总计 is a total both ways. The first one is its formula.
    sums: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def is_total(self) -> bool:
        return bool(self.sums)

    @property
    def sum_of(self) -> tuple[str, ...]:
        return self.sums[0][1] if self.sums else ()

    @property
    def row_label(self) -> str:
        return self.row_labels[-1] if self.row_labels else ""

    @property
    def column_label(self) -> str:
        return self.column_labels[-1] if self.column_labels else ""

    def label(self) -> str:
        """“一、本年新收政府信息公开申请数量 / 自然人”, for messages."""
        return " / ".join(p for p in (self.row_label, self.column_text) if p)


RuleKind = Literal["expression", "totals", "types", "version"]
Scope = Literal["column", "row"]


@dataclass(frozen=True)
class Rule:
    """A rule of the spec. ``expression`` rules say what must hold (or, ``flag``, what is
    suspicious) in the spec's expression language; ``totals`` rules check the totals of the
    table tree that name them; ``types`` and ``version`` are built in. Each is compiled
    into the spec's ``program`` (``program.py``)."""

    id: str
    kind: RuleKind
    severity: Severity
    title: str
    check: str | None
    table: str | None
    messages: dict[str, dict[Lang, str]]  # variant ("" for the only one) -> lang -> template
    expression: Expression | None = None
    flag: bool = False  # a finding where the expression holds (``flag_if``), not where it fails
    for_each: Scope | None = None
    target: str | None = None  # as written: the row / column / cell a finding points at

    def sides(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The names on the two sides of the first comparison: (("new", "carried"), ("total", "carry_over"))."""
        if self.expression is None:
            return (), ()
        first = self.expression.comparisons[0]
        return (tuple(t.name for t in first.left if t.name), tuple(t.name for t in first.right if t.name))

    @property
    def year_over_year(self) -> bool:
        """Compares with last year's report: the roll-up's, not a single file's."""
        return self.expression is not None and self.expression.refers_to_last_year

    def template(self, lang: Lang, variant: str = "") -> str:
        return self.messages[variant][lang]


@dataclass(frozen=True)
class FormatSpec:
    id: str  # "v2021"
    name: str  # "2021年格式"
    notice: str
    first_year: int
    last_year: int | None
    spec_version: int
    hash: str  # sha256 of the resolved spec, first 16 hex digits
    tables: tuple[Table, ...]
    cells: tuple[Cell, ...]
    rules: tuple[Rule, ...]
    program: Program = field(default_factory=lambda: Program((), ()))  # the rules compiled, once
    # layouts, address maps, reading plans…: made by build.py with the spec (see derived.py)
    built: Derived | None = field(default=None, compare=False, repr=False)

    @property
    def derived(self) -> Derived:
        if self.built is None:
            raise RuntimeError(f"spec {self.id}: built without its derived data (load it with load_spec)")
        return self.built

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def cell(self, key: str) -> Cell:
        return self.derived.cells[key]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.cells)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    prefill: bool
    required: bool
    hint: str | None
    form: str  # the label's normal form (``labels.normalise``), made with the spec


@dataclass(frozen=True)
class FindingText:
    severity: Severity
    zh: str
    en: str


@dataclass(frozen=True)
class Common:
    identity_sheet: str
    identity_title: str
    fields: tuple[Field, ...]
    meta_sheet: str
    meta_keys: tuple[str, ...]
    instructions_sheet: str
    instructions_title: str
    deadline: str
    instruction_lines: tuple[str, ...]
    rules_heading: str
    findings: dict[str, FindingText]

    def field(self, field_id: str) -> Field:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)
