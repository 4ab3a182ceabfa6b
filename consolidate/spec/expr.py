"""The rule language of the spec: linear comparisons of cells, parsed without ``eval``.

A rule of ``workbook_templates/*.yaml`` says what must hold (``expect``) or what is
suspicious (``flag_if``) as one expression, for example ``new + carried == total +
carry_over``. The grammar, checked node by node on Python's own parser (``ast``), so only
what is listed here is accepted:

    expression := comparison ("and" comparison)*
    comparison := side OP side            OP: == != <= >= < >
    side       := ["-"] term (("+" | "-") term)*
    term       := [number "*"] cell | number
    cell       := name                    a row (``for_each: column``) or a column (``for_each: row``) id
                | row "." column          in the rule's ``table``
                | table "." row "." column
                | "prev." any of these    last year's value of the same cell (year-over-year rules)

Names are ids of the spec (``[a-z][a-z0-9_]*``); ``prev`` is reserved. ``build.py`` binds
the names to cell keys for every row or column of the scope (``program.py``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Literal

from ..errors import SpecError

Op = Literal["==", "!=", "<=", ">=", "<", ">"]
PREVIOUS = "prev"
_NAME = re.compile(r"[a-z][a-z0-9_]*")

_OPS: dict[type[ast.cmpop], Op] = {ast.Eq: "==", ast.NotEq: "!=", ast.LtE: "<=", ast.GtE: ">=", ast.Lt: "<",
                                   ast.Gt: ">"}


@dataclass(frozen=True)
class Term:
    """``coef * name`` (``name`` as written, without ``prev.``); a constant has no name."""

    coef: float
    name: str | None
    previous: bool = False

    @property
    def placeholder(self) -> str | None:
        """How a message names this term's value: ``change``, ``prev_in_force``."""
        if self.name is None:
            return None
        return ("prev_" if self.previous else "") + self.name.replace(".", "_")


@dataclass(frozen=True)
class Comparison:
    left: tuple[Term, ...]
    op: Op
    right: tuple[Term, ...]

    @property
    def terms(self) -> tuple[Term, ...]:
        return (*self.left, *self.right)


@dataclass(frozen=True)
class Expression:
    text: str
    comparisons: tuple[Comparison, ...]

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(t for c in self.comparisons for t in c.terms)

    @property
    def refers_to_last_year(self) -> bool:
        return any(t.previous for t in self.terms)


def _dotted(node: ast.expr) -> list[str] | None:
    """``a.b.c`` -> ["a", "b", "c"]; anything else -> None."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return None if head is None else [*head, node.attr]
    return None


def _number(node: ast.expr) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _number(node.operand)
        if inner is not None:
            return -inner if isinstance(node.op, ast.USub) else inner
    return None


def _cell(node: ast.expr, coef: float, text: str) -> Term:
    parts = _dotted(node)
    if parts is None:
        raise SpecError(f"{text!r}: {ast.unparse(node)!r} is neither a number nor a cell")
    previous = parts[0] == PREVIOUS
    if previous:
        parts = parts[1:]
    if not 1 <= len(parts) <= 3 or PREVIOUS in parts or not all(_NAME.fullmatch(p) for p in parts):
        raise SpecError(f"{text!r}: {'.'.join(parts) or PREVIOUS!r} is not a cell (name, row.column or table.row.column)")
    return Term(coef, ".".join(parts), previous)


def _terms(node: ast.expr, sign: float, text: str) -> list[Term]:
    """A side of a comparison: a sum of (number times) cells and numbers."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        right_sign = sign if isinstance(node.op, ast.Add) else -sign
        return [*_terms(node.left, sign, text), *_terms(node.right, right_sign, text)]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd) and _number(node) is None:
        return _terms(node.operand, -sign if isinstance(node.op, ast.USub) else sign, text)
    constant = _number(node)
    if constant is not None:
        return [Term(sign * constant, None)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        for factor, cell in ((node.left, node.right), (node.right, node.left)):
            coef = _number(factor)
            if coef is not None:
                return [_cell(cell, sign * coef, text)]
        raise SpecError(f"{text!r}: {ast.unparse(node)!r}: only a number may multiply a cell (the rule is linear)")
    if isinstance(node, ast.Name | ast.Attribute):
        return [_cell(node, sign, text)]
    raise SpecError(f"{text!r}: {ast.unparse(node)!r} is not allowed (cells, numbers, + - * and comparisons)")


def _comparison(node: ast.expr, text: str) -> Comparison:
    if not isinstance(node, ast.Compare) or len(node.ops) != 1:
        raise SpecError(f"{text!r}: each part must be one comparison (a == b, a <= b, …)")
    op = _OPS.get(type(node.ops[0]))
    if op is None:
        raise SpecError(f"{text!r}: the comparison must be one of {', '.join(_OPS.values())}")
    return Comparison(tuple(_terms(node.left, 1.0, text)), op, tuple(_terms(node.comparators[0], 1.0, text)))


def parse(text: str) -> Expression:
    """Parse a rule's expression; a SpecError says what is wrong with it."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise SpecError(f"{text!r}: not an expression ({exc.msg})") from exc
    body = tree.body
    if isinstance(body, ast.BoolOp):
        if not isinstance(body.op, ast.And):
            raise SpecError(f"{text!r}: only `and` may join comparisons")
        parts = body.values
    else:
        parts = [body]
    comparisons = tuple(_comparison(p, text) for p in parts)
    for comparison in comparisons:
        if not any(t.name for t in comparison.terms):
            raise SpecError(f"{text!r}: a comparison must involve at least one cell")
    return Expression(text.strip(), comparisons)
