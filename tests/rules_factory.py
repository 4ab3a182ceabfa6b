"""Submissions as the reader returns them (``FileResult``), built in code from the spec.

The values default to ``factories.balanced_values`` (made independently of the rules
engine, so "a balanced submission passes" tests the engine); tests then break one cell.
"""

from __future__ import annotations

from typing import Any

from factories import balanced_values

from consolidate.report import FileResult
from consolidate.uscc import make_uscc

UNIT_NAME = "示例县花山镇人民政府"
UNIT_CODE = make_uscc("11440114MB2C00001")


def result(format_id: str = "v2021", values: dict[str, float] | None = None, *, path: str = "unit.xlsx",
           year: int | None = None, unit_name: str = UNIT_NAME, unit_code: str = UNIT_CODE, seed: int = 0,
           **changes: Any) -> FileResult:
    """A readable submission of ``format_id``; ``values`` default to a balanced set."""
    if year is None:
        year = 2020 if format_id == "v2019" else 2024
    identity = {"unit_name": unit_name, "unit_code": unit_code, "year": str(year)}
    file = FileResult(path=path, sha256="0" * 64, size=1000, mtime=0.0, status="valid", format=format_id,
                      kind="template", identity=identity, year=year,
                      values=dict(values if values is not None else balanced_values(format_id, seed)))
    for name, value in changes.items():
        setattr(file, name, value)
    return file


def unreadable(path: str = "broken.xlsx") -> FileResult:
    return FileResult(path=path, sha256=None, size=0, mtime=0.0, status="unreadable")
