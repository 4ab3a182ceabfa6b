"""Submissions as the reader returns them (``FileResult``), built in code from the spec.

``balanced_values`` makes a set of values that passes every rule of a format (the rules
are read from the compiled spec, not retyped here); tests then break one cell.
"""

from __future__ import annotations

import random
from typing import Any

from consolidate.report import FileResult
from consolidate.rules.schema import cell_checks
from consolidate.spec import FormatSpec, load_spec
from consolidate.uscc import make_uscc

UNIT_NAME = "示例县花山镇人民政府"
UNIT_CODE = make_uscc("11440114MB2C00001")


def _totals(spec: FormatSpec, values: dict[str, float]) -> None:
    def value(key: str) -> float:
        cell = spec.cell(key)
        if cell.is_total:
            values[key] = float(sum(value(p) for p in cell.sum_of))
        return values[key]

    for cell in spec.cells:
        if cell.is_total:
            value(cell.key)


def balanced_values(spec: FormatSpec, seed: int = 0, high: int = 6) -> dict[str, float]:
    """Values for every cell of ``spec`` that pass every rule (totals add up, 表三 balances)."""
    rng = random.Random(seed)
    values: dict[str, float] = {}
    for cell in spec.cells:
        if cell.kind == "amount":
            values[cell.key] = round(rng.uniform(0, 500), 4)
        elif cell.kind == "signed":
            values[cell.key] = float(rng.randint(-high, high))
        else:
            values[cell.key] = float(rng.randint(0, high))
    checks = cell_checks(spec)
    for _ in range(3):
        _totals(spec, values)
        for check in checks:
            left = sum(values[k] for k in check.lhs)
            right = sum(values[k] for k in check.rhs)
            if check.kind == "balance" and not spec.cell(check.target).is_total:
                values[check.target] += left - right
                if values[check.target] < 0:  # raise the first left-hand item instead
                    values[check.lhs[0]] -= values[check.target]
                    values[check.target] = 0.0
            elif check.kind == "misuse" and left == right and values[check.target] > 0:
                values[check.target] += 1
    _totals(spec, values)
    return values


def result(format_id: str = "v2021", values: dict[str, float] | None = None, *, path: str = "unit.xlsx",
           year: int | None = None, unit_name: str = UNIT_NAME, unit_code: str = UNIT_CODE, seed: int = 0,
           **changes: Any) -> FileResult:
    """A readable submission of ``format_id``; ``values`` default to a balanced set."""
    spec = load_spec(format_id)
    if year is None:
        year = 2020 if format_id == "v2019" else 2024
    identity = {"unit_name": unit_name, "unit_code": unit_code, "year": str(year)}
    file = FileResult(path=path, sha256="0" * 64, size=1000, mtime=0.0, status="valid", format=format_id,
                      kind="template", identity=identity, year=year,
                      values=dict(values if values is not None else balanced_values(spec, seed)))
    for name, value in changes.items():
        setattr(file, name, value)
    return file


def unreadable(path: str = "broken.xlsx") -> FileResult:
    return FileResult(path=path, sha256=None, size=0, mtime=0.0, status="unreadable")
