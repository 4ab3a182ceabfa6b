"""The live check area beside a table of the template: one line per balance rule.

Derived from the spec's rules, nothing typed: a ``balance`` rule gives one line per
column of its table (表三: 一+二=（七）+四 for 自然人 … 总计); a ``sum`` rule one line per
total when it has three or fewer (表四: one per block), else one line for all of them
(表三: the row totals, the outcome totals); the ``types`` rule one line per table (every
input cell a number, and whole / not negative as its kind requires: a pasted value
escapes data validation, this line does not).

Each result is a formula giving 通过 or 不通过, written with its cached value, and
coloured by conditional formatting (green / red). Beside it, for a line comparing two
sums, the difference (left side minus right side; blank when 0), so the clerk sees how
far off the numbers are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from ..spec import Cell, FormatSpec, TableLayout, a1
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


def _sum(values: Mapping[str, CellValue], keys: Sequence[str]) -> float:
    return sum(0.0 if isinstance(values[k], str) else float(values[k]) for k in keys)


def _difference(layout: TableLayout, values: Mapping[str, CellValue], lhs: Sequence[str],
                rhs: Sequence[str]) -> tuple[str, float]:
    expression = f"ROUND({sum_expression(layout, lhs)}-{sum_expression(layout, rhs)},6)"
    value = round(_sum(values, lhs) - _sum(values, rhs), 6)
    return expression, int(value) if value.is_integer() else value


def _equal(layout: TableLayout, values: Mapping[str, CellValue], lhs: Sequence[str], rhs: Sequence[str]) -> tuple[str, bool]:
    expression, value = _difference(layout, values, lhs, rhs)
    return f"{expression}=0", value == 0


def _group_label(cell: Cell) -> str:
    if len(cell.column_labels) > 1:
        return cell.column_labels[-2]
    return cell.row_label or cell.column_text


def _balance_checks(spec: FormatSpec, layout: TableLayout, values: Mapping[str, CellValue]) -> list[Check]:
    out: list[Check] = []
    for rule in spec.rules:
        if rule.kind != "balance" or rule.table != layout.table.id:
            continue
        lhs_rows, rhs_rows = rule.params["lhs"], rule.params["rhs"]
        for block in layout.table.blocks:
            for col in block.leaf_columns:
                lhs = [f"{rule.table}.{r}.{col.id}" for r in lhs_rows]
                rhs = [f"{rule.table}.{r}.{col.id}" for r in rhs_rows]
                if not all(k in values for k in (*lhs, *rhs)):
                    continue
                condition, passed = _equal(layout, values, lhs, rhs)
                text = spec.cell(lhs[0]).column_text
                out.append(Check(rule.id, f"{text}：{rule.check or rule.title}", condition, passed,
                                 _difference(layout, values, lhs, rhs)))
    return out


def _sum_checks(spec: FormatSpec, layout: TableLayout, values: Mapping[str, CellValue]) -> list[Check]:
    out: list[Check] = []
    for rule in spec.rules:
        if rule.kind != "sum":
            continue
        totals = [(c, parts) for c in spec.cells if c.table == layout.table.id
                  for rid, parts in c.sums if rid == rule.id]
        if not totals:
            continue
        pairs = [_equal(layout, values, [c.key], parts) for c, parts in totals]
        check = rule.check or rule.title
        if len(totals) <= MAX_LINES_PER_TOTAL:
            for (cell, parts), (condition, passed) in zip(totals, pairs, strict=True):
                out.append(Check(rule.id, f"{_group_label(cell)}：{check}", condition, passed,
                                 _difference(layout, values, [cell.key], parts)))
        else:
            same_column = len({c.column for c, _ in totals}) == 1
            scope = texts.ALL_ROWS if same_column else texts.ALL_COLUMNS
            condition = "AND(" + ",".join(c for c, _ in pairs) + ")"
            out.append(Check(rule.id, f"{scope}：{check}", condition, all(p for _, p in pairs)))
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
    return [*_balance_checks(spec, layout, values), *_sum_checks(spec, layout, values),
            *_types_checks(spec, layout, values)]


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
