"""Helpers for the template tests (test_template, test_office): fills and expectations
computed from the spec alone, independent of the workbook writer."""

from __future__ import annotations

import random
from collections.abc import Mapping

from openpyxl.worksheet.worksheet import Worksheet

from consolidate.spec import FormatSpec, template_layout
from consolidate.xlsx import table_checks


def balanced_inputs(spec: FormatSpec, seed: int = 1) -> dict[str, float]:
    """Random inputs (no totals) that satisfy every rule of the format: 表三 balances in
    every column (the carry-over row takes what the outcomes leave); amounts have
    decimals, v2019's 本年增/减 may be negative."""
    rng = random.Random(seed)
    values: dict[str, float] = {}
    for cell in spec.cells:
        if cell.is_total:
            continue
        if cell.kind == "amount":
            values[cell.key] = round(rng.uniform(0, 500), 4)
        elif cell.kind == "signed":
            values[cell.key] = rng.randint(-20, 20)
        else:
            values[cell.key] = rng.randint(0, 30)
    balance = spec.rule("T3-BALANCE").params
    for col in dict.fromkeys(c.column for c in spec.cells if c.table == "t3" and not c.is_total):
        outcome_keys = spec.cell(f"t3.{balance['rhs'][0]}.{col}").sum_of
        received = sum(values[f"t3.{r}.{col}"] for r in balance["lhs"])
        for key in outcome_keys:
            values[key] = 0
        for _ in range(rng.randint(0, int(received))):
            values[rng.choice(outcome_keys)] += 1
        done = sum(values[k] for k in outcome_keys)
        values[f"t3.{balance['fix']}.{col}"] = received - done
    return values


def expected_total(spec: FormatSpec, key: str, values: Mapping[str, float]) -> float:
    """A total is the sum of the inputs under it (an input is its value, 0 when missing)."""
    cell = spec.cell(key)
    if not cell.is_total:
        return values.get(key, 0)
    return sum(expected_total(spec, p, values) for p in cell.sum_of)


def check_values(ws: Worksheet, spec: FormatSpec, table: str) -> dict[str, object]:
    """Check label -> the value beside it on ``ws`` (a sheet read with data_only), for
    every check line the spec gives the table; fails if a line is missing."""
    layout = template_layout(spec)[table]
    labels = {c.label for c in table_checks(spec, layout, {k: 0 for k in layout.cells})}
    out: dict[str, object] = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value in labels:
                out[str(c.value)] = ws.cell(c.row, c.column + 1).value
    assert set(out) == labels, set(labels) - set(out)
    return out
