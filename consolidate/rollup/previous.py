"""Last year's units, read back from last year's summary (its 分单位明细), for 同比 per unit.

Given last year's summary alone, the district's figures come from its tables (the reader
reads it as a roll-up); the units' figures come from the 分单位明细 rows of the
units it counted, found through the hidden row of column ids (the spec's cell keys). A
summary without that row (not ours, or damaged) gives no units: 同比 is then district-only.
The workbook has already been read and checked by the reader before this is called.
"""

from __future__ import annotations

from ..i18n import N_, _, in_language
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


def units_of_summary(summary: FileResult) -> list[FileResult]:
    """One FileResult per unit counted in ``summary`` (a roll-up of ours), else []."""
    if summary.kind != "rollup" or summary.status == "unreadable" or not summary.format:
        return []
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(summary.path)
        names = [n for n in (SHEET_DETAIL, in_language("en", SHEET_DETAIL)) if n in book.sheet_names]
        rows = book.get_sheet_by_name(names[0]).to_python(skip_empty_area=False)
    except Exception:  # no such sheet, or not readable by calamine: no units, district only
        return []
    fixed = list(FIXED_IDS)
    key_index = next((i for i, r in enumerate(rows) if [str(c) for c in r[: len(fixed)]] == fixed), None)
    if key_index is None:
        return []
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
    return out


def with_units(files: list[FileResult]) -> list[FileResult]:
    """``files`` and, after each summary of ours, the units it counted."""
    out: list[FileResult] = []
    for f in files:
        out.append(f)
        out.extend(units_of_summary(f))
    return out

