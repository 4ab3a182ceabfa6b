"""Last year's units, read back from last year's summary (its 分单位明细), for 同比 per unit.

Given last year's summary alone, the district's figures come from its tables (the reader
reads it as a roll-up); the units' figures come from the 分单位明细 rows of the
units it counted, found through the hidden row of column ids (the spec's cell keys).

The sheet is read through the reader's bounded path (``read_sheet_values``: the same size,
zip and XML limits as every input). A problem is a finding on the summary, never a silent
fall back: a sheet that cannot be read safely gives its FILE-* finding (the summary is then
unreadable, as any input would be); a summary without the sheet or without the row of
column ids (not ours, or damaged) gives PREVIOUS-NO-UNITS, and 同比 covers the totals only.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..findings import Finding, FindingFactory, Place, status_of
from ..i18n import N_, _, in_language
from ..read.archive import Unreadable
from ..read.reader import read_sheet_values
from ..report import FileResult
from ..spec import load_spec
from .detail_sheet import FIXED_IDS
from .texts import SHEET_DETAIL

HEADER_ROWS = 3
DETAIL_ROW = N_("{path}（{sheet} 第 {row} 行）")  # where a unit's figures of last year were read


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def units_of_summary(summary: FileResult) -> tuple[FileResult, list[FileResult]]:
    """``summary`` (with a finding added when its units cannot be had) and one FileResult per
    unit it counted. Files other than a readable roll-up are returned as they are, with no units."""
    if summary.kind != "rollup" or summary.status == "unreadable" or not summary.format:
        return summary, []
    place = Place(file=Path(summary.path).name)
    try:
        rows = read_sheet_values(summary.path, (SHEET_DETAIL, in_language("en", SHEET_DETAIL)))
    except Unreadable as exc:
        return _with_finding(summary, FindingFactory().common(exc.code, place, detail=exc.detail)), []
    fixed = list(FIXED_IDS)
    key_index = None if rows is None else next(
        (i for i, r in enumerate(rows) if [str(c) for c in r[: len(fixed)]] == fixed), None)
    if rows is None or key_index is None:
        return _with_finding(summary, FindingFactory().common("PREVIOUS-NO-UNITS", place, sheet=SHEET_DETAIL)), []
    known = set(load_spec(summary.format).keys)
    columns = {i: str(k) for i, k in enumerate(rows[key_index]) if str(k) in known}
    at = {ident: i for i, ident in enumerate(fixed)}
    out: list[FileResult] = []
    for number, row in enumerate(rows[key_index + 1 + HEADER_ROWS:], start=key_index + 2 + HEADER_ROWS):
        units = _number(row[at["units"]]) if len(row) > at["units"] else None
        if units is None or units < 1 or _number(row[at["no"]]) is None:
            continue  # a unit whose figures did not count, or the total row
        values = {key: v for i, key in columns.items() if i < len(row) and (v := _number(row[i])) is not None}
        if len(values) != len(columns):
            continue
        out.append(FileResult(
            path=_(DETAIL_ROW).format(path=summary.path, sheet=_(SHEET_DETAIL), row=number), sha256=None, size=None, mtime=summary.mtime,
            status="valid", format=summary.format, kind="rollup" if units > 1 else "template", units=int(units),
            identity={"unit_name": str(row[at["unit_name"]]), "unit_code": str(row[at["unit_code"]]),
                      "unit_type": str(row[at["unit_type"]]), "year": str(summary.year or "")},
            year=summary.year, values=values,
        ))
    return summary, out


def _with_finding(file: FileResult, finding: Finding) -> FileResult:
    findings = [*file.findings, finding]
    return dataclasses.replace(file, findings=findings, status=status_of(findings))


def with_units(files: list[FileResult]) -> list[FileResult]:
    """``files`` and, after each summary of ours, the units it counted."""
    out: list[FileResult] = []
    for f in files:
        summary, units = units_of_summary(f)
        out.append(summary)
        out.extend(units)
    return out

