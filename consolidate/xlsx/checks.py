"""The live check area beside a table of the template: the spec's rule program as formulas.

Compiled from the spec's rule program, nothing typed: every rule that must hold in a
single file (``expect``, and the totals of the table tree; not the ``flag_if`` warnings nor
the year-over-year rules) gives one line per place (表三's balance: 一+二=（七）+四 for
自然人 … 总计; 表四: one per group's total), except that a rule of the table tree with
more than three totals gets one line for all of them (表三: the row totals, the outcome
totals); the ``types`` rule one line per table (every input cell a number, and whole /
not negative as its kind requires: a pasted value escapes data validation, this line does
not). A condition ``left OP right`` is written ``ROUND(left-right,6) OP 0``.

Each result is a formula giving 通过 or 不通过, written with its cached value, and
coloured by conditional formatting (green / red). Beside it, for a line comparing two
sums, the difference (left side minus right side; blank when 0), so the clerk sees how
far off the numbers are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from ..spec import Cell, FormatSpec, Rule, TableLayout, a1
from ..spec.program import Condition, Ref, RuleCheck, compare
from . import texts
from .styles import Styles
from .tables import CellValue, TableArea, boxes_by_key, compact_ranges, sum_expression

LABEL_WIDTH, RESULT_WIDTH = 48.0, 10.0
MAX_LINES_PER_TOTAL = 3


@dataclass(frozen=True)
class Check:
    """One line of the check area, before it is placed."""

    rule: str
    label: str
    condition: str  # an Excel boolean expression
    passed: bool  # the same condition evaluated on the values written
    difference: tuple[str, float] | None = None  # left minus right: Excel expression, value


@dataclass(frozen=True)
class CheckLine:
    rule: str
    label: str
    address: str  # the cell holding 通过 / 不通过
    formula: str
    passed: bool
    difference_address: str | None = None  # the cell showing left minus right (blank when 0)


def _number(value: CellValue) -> float:
    """How SUM sees a cell: text counts 0."""
    return 0.0 if isinstance(value, str) else float(value)


def _side(layout: TableLayout, refs: Sequence[Ref]) -> str:
    """An Excel expression for one side of a condition: ``SUM(D8:D9)``, ``2*SUM(D8)-SUM(E8)+1``."""
    units = [r.key for r in refs if r.key is not None and r.coef == 1]
    parts = [sum_expression(layout, units)] if units else []
    for r in refs:
        if r.key is None:
            parts.append(f"{r.coef:g}")
        elif r.coef != 1:
            coef = "-" if r.coef == -1 else f"{r.coef:g}*"
            parts.append(f"{coef}{sum_expression(layout, [r.key])}")
    return "+".join(parts).replace("+-", "-") if parts else "0"


def _sides(refs: Sequence[Ref], values: Mapping[str, CellValue]) -> float:
    return sum(r.coef if r.key is None else r.coef * _number(values[r.key]) for r in refs)


def _tidy(value: float) -> float | int:
    value = round(value, 6)
    return int(value) if value.is_integer() else value


def _condition(layout: TableLayout, values: Mapping[str, CellValue], condition: Condition
               ) -> tuple[str, bool, tuple[str, float | int]]:
    """(Excel condition, its value on ``values``, the difference left minus right: expression, value)."""
    expression = f"ROUND({_side(layout, condition.left)}-{_side(layout, condition.right)},6)"
    value = _tidy(_sides(condition.left, values) - _sides(condition.right, values))
    op = {"==": "=", "!=": "<>"}.get(condition.op, condition.op)
    return f"{expression}{op}0", compare(condition.op, value, 0.0), (expression, value)


def _check(layout: TableLayout, values: Mapping[str, CellValue], check: RuleCheck
           ) -> tuple[str, bool, tuple[str, float | int]]:
    parts = [_condition(layout, values, c) for c in check.conditions]
    condition = parts[0][0] if len(parts) == 1 else "AND(" + ",".join(p[0] for p in parts) + ")"
    return condition, all(p[1] for p in parts), parts[0][2]


def _group_label(cell: Cell) -> str:
    if len(cell.column_labels) > 1:
        return cell.column_labels[-2]
    return cell.row_label or cell.column_text


def _scope_label(spec: FormatSpec, rule: Rule, check: RuleCheck) -> str:
    """Where a place of a rule is: the column (for_each: column), the row, or the total's group."""
    cell = spec.cell(check.target)
    if rule.for_each == "column":
        return cell.column_text
    if rule.for_each == "row":
        return cell.row_label
    return _group_label(cell) if rule.kind == "totals" else ""


def _live(rule: Rule) -> bool:
    """A rule the template checks as the clerk types: what must hold in this year's file."""
    return rule.kind in ("expression", "totals") and not rule.flag and not rule.year_over_year


def _rule_checks(spec: FormatSpec, layout: TableLayout, values: Mapping[str, CellValue]) -> list[Check]:
    """One line per place of a rule (表三: each column's balance; 表四: each group's total); a
    rule of the table tree with more places than ``MAX_LINES_PER_TOTAL`` gets one line for all."""
    out: list[Check] = []
    for rule in spec.rules:
        if not _live(rule):
            continue
        checks = [c for c in spec.program.of_rule(rule.id) if all(k in values for k in c.keys)]
        if not checks:
            continue
        text = rule.check or rule.title
        compiled = [_check(layout, values, c) for c in checks]
        if rule.kind == "totals" and len(checks) > MAX_LINES_PER_TOTAL:
            same_column = len({spec.cell(c.target).column for c in checks}) == 1
            scope = texts.ALL_ROWS if same_column else texts.ALL_COLUMNS
            condition = "AND(" + ",".join(c for c, _, _ in compiled) + ")"
            out.append(Check(rule.id, f"{scope}：{text}", condition, all(p for _, p, _ in compiled)))
            continue
        for check, (condition, passed, difference) in zip(checks, compiled, strict=True):
            where = _scope_label(spec, rule, check)
            out.append(Check(rule.id, f"{where}：{text}" if where else text, condition, passed,
                             difference if len(check.conditions) == 1 else None))
    return out


def _types_checks(spec: FormatSpec, layout: TableLayout, values: Mapping[str, CellValue]) -> list[Check]:
    rule = next((r for r in spec.rules if r.kind == "types" and r.table in (None, layout.table.id)), None)
    if rule is None:
        return []
    boxes = boxes_by_key(layout)
    inputs = [spec.cell(k) for k in boxes if not spec.cell(k).is_total]
    if not inputs:
        return []

    def ranges(keep: Callable[[Cell], bool]) -> list[str]:
        return compact_ranges(boxes[c.key] for c in inputs if keep(c))

    every = ranges(lambda c: True)
    parts = [f"COUNT({','.join(every)})={len(inputs)}"]
    parts += [f"COUNTIF({r},\"<0\")=0" for r in ranges(lambda c: c.kind != "signed")]
    parts += [f"SUMPRODUCT(ABS({r}-INT({r})))=0" for r in ranges(lambda c: c.kind != "amount")]
    condition = "AND(" + ",".join(parts) + ")"

    def ok(c: Cell) -> bool:
        v = values[c.key]
        if isinstance(v, str):
            return False
        return (c.kind == "signed" or v >= 0) and (c.kind == "amount" or float(v).is_integer())

    return [Check(rule.id, rule.check or rule.title, condition, all(ok(c) for c in inputs))]


def table_checks(spec: FormatSpec, layout: TableLayout, values: Mapping[str, CellValue]) -> list[Check]:
    """The check lines of one table, in the order they are shown."""
    return [*_rule_checks(spec, layout, values), *_types_checks(spec, layout, values)]


def write_checks(ws: Worksheet, spec: FormatSpec, area: TableArea, styles: Styles,
                 *, row: int | None = None, col: int | None = None) -> tuple[CheckLine, ...]:
    """Write the check area of a table with its heading at (``row``, ``col``), by default
    right of the table, the lines starting on the table's first data row. Returns the
    lines with their result cells."""
    layout = area.layout
    checks = table_checks(spec, layout, area.values)
    if not checks:
        return ()
    first_data = min(b.row for b in layout.boxes if b.role == "cell")
    row = max(layout.body_top, first_data - 2) if row is None else row
    col = area.side_col if col is None else col
    ws.set_column(col, col, LABEL_WIDTH)
    ws.set_column(col + 1, col + 1, RESULT_WIDTH)
    ws.set_column(col + 2, col + 2, RESULT_WIDTH)
    ws.merge_range(row, col, row, col + 2, texts.CHECK_HEADING, styles.check_heading)
    for i, header in enumerate(texts.CHECK_COLUMNS):
        ws.write_string(row + 1, col + i, header, styles.check_header)
    lines: list[CheckLine] = []
    for i, check in enumerate(checks):
        r = row + 2 + i
        formula = f'=IFERROR(IF({check.condition},"{texts.PASSED}","{texts.FAILED}"),"{texts.FAILED}")'
        result = texts.PASSED if check.passed else texts.FAILED
        ws.write_string(r, col, check.label, styles.check_label)
        ws.write_formula(r, col + 1, formula, styles.check_result, result)
        difference = None
        if check.difference is not None:
            expression, value = check.difference
            ws.write_formula(r, col + 2, f'=IFERROR({expression},"")', styles.check_difference, value)
            difference = a1(r, col + 2)
        else:
            ws.write_blank(r, col + 2, None, styles.check_difference)
        lines.append(CheckLine(check.rule, check.label, a1(r, col + 1), formula, check.passed, difference))
    first, last = row + 2, row + 1 + len(checks)
    for shown, fmt in ((texts.PASSED, styles.passed), (texts.FAILED, styles.failed)):
        ws.conditional_format(first, col + 1, last, col + 1,
                              {"type": "cell", "criteria": "==", "value": f'"{shown}"', "format": fmt})
    ws.merge_range(last + 1, col, last + 2, col + 2, texts.CHECK_NOTE, styles.check_note)
    return tuple(lines)
