"""Helpers for the template tests (test_template, test_office): fills and expectations
computed from the spec alone, independent of the workbook writer."""

from __future__ import annotations

from collections.abc import Mapping

from factories import balanced_values
from openpyxl.worksheet.worksheet import Worksheet

from consolidate.spec import FormatSpec, template_layout
from consolidate.xlsx import table_checks


def balanced_inputs(spec: FormatSpec, seed: int = 1) -> dict[str, float]:
    """Random inputs (no totals) that satisfy every rule of the format (``balanced_values``
    of the shared factories, with counts up to 30 and v2019's 本年增/减 from -30 to 30)."""
    return {k: v for k, v in balanced_values(spec, seed, high=30).items() if not spec.cell(k).is_total}


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
