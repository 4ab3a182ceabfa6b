"""The baseline: validation done the straightforward way, to measure the project against.

Per file, in one process: ``openpyxl.load_workbook(path)`` (the default mode: formulas
visible, so an overwritten total can be told from a formula), ``_meta`` and 填报信息 read
cell by cell, a pandas DataFrame per table (rows x columns of the spec) built from the
cells, each cell parsed with the project's own ``parse_cell`` (so the same texts give the
same findings), totals holding their formula recomputed, then the rules with ONE pandera
validation per file: ``check_results([file])`` for each file, the same checks as the project.

It reads only our own template by position (no search for moved tables, no foreign
workbooks): the synthetic rounds hold nothing else, and a baseline that does less is a
generous one. A file openpyxl cannot open is unreadable (FILE-CORRUPT).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from consolidate.findings import Finding, FindingFactory, Place
from consolidate.read.values import parse_cell
from consolidate.report import FileResult
from consolidate.roster import Roster
from consolidate.spec import identity_cells, load_common, load_spec, meta_cells, template_layout


def read_file(path: Path) -> FileResult:
    """One file read with openpyxl into a FileResult (values, identity, reading findings)."""
    import openpyxl
    import pandas as pd

    common = load_common()
    data = path.read_bytes()
    st = path.stat()
    result = FileResult(path=str(path), sha256=hashlib.sha256(data).hexdigest(), size=st.st_size,
                        mtime=st.st_mtime, status="valid")
    factory = FindingFactory()
    try:
        book = openpyxl.load_workbook(path)
    except Exception as exc:  # the straightforward way: whatever openpyxl refuses is unreadable
        result.status = "unreadable"
        result.findings = [factory.common("FILE-CORRUPT", Place(file=path.name), detail=type(exc).__name__)]
        return result
    meta = {}
    if common.meta_sheet in book.sheetnames:
        ws = book[common.meta_sheet]
        for key, (row, col) in meta_cells(common).items():
            meta[key] = str(ws.cell(row + 1, col + 1).value or "")
    spec = load_spec(meta.get("format") or "v2021")
    factory = FindingFactory(spec)
    ws = book[common.identity_sheet]
    identity = {}
    for field_id, (row, col) in identity_cells(common).items():
        value = ws.cell(row + 1, col + 1).value
        identity[field_id] = "" if value is None else str(value)
    result.format, result.kind, result.identity = spec.id, "template", identity
    year = identity.get("year", "")
    result.year = int(float(year)) if year.replace(".", "").isdigit() else None
    findings: list[Finding] = []
    values: dict[str, float] = {}
    formulas: list[str] = []
    for layout in template_layout(spec).values():
        ws = book[layout.sheet]
        table = spec.table(layout.table.id)
        cells = [c for c in spec.cells if c.table == table.id]
        frame = pd.DataFrame(math.nan, index=pd.Index(sorted({c.row for c in cells})),
                             columns=pd.Index(sorted({c.column for c in cells})))
        for cell in cells:
            box = layout.cells[cell.key]
            raw = ws.cell(box.row + 1, box.col + 1).value
            result.addresses[cell.key] = (layout.sheet, box.address)
            place = Place.of_cell(cell, layout.sheet, box.address)
            if isinstance(raw, str) and raw.startswith("="):
                if cell.is_total:
                    formulas.append(cell.key)
                else:
                    findings.append(factory.common("CELL-TEXT", place, found=raw, hint=""))
                continue
            parsed = parse_cell("" if raw is None else raw, cell.kind)
            if parsed.code is not None:
                extra: dict[str, Any] = {"value": parsed.value} if parsed.ok else {}
                findings.append(factory.common(parsed.code, place, found=parsed.found, hint="", **extra))
            if cell.is_total and parsed.ok:
                findings.append(factory.common("TOTAL-OVERWRITTEN", place, found=parsed.value, hint=""))
            frame.loc[cell.row, cell.column] = parsed.value
        for cell in cells:
            values[cell.key] = float(frame.at[cell.row, cell.column])  # type: ignore[arg-type]
    for _ in range(2):  # totals holding their formula, as SUM does; twice for the totals of totals
        for key in formulas:
            values[key] = sum(v for v in (values.get(p, math.nan) for p in spec.cell(key).sum_of) if v == v)
    book.close()
    result.values = values
    result.findings = findings
    result.status = "invalid" if any(f.severity == "error" for f in findings) else "valid"
    return result


def validate(paths: Sequence[Path], *, year: int | None, roster: Roster | None) -> list[FileResult]:
    """Every file read with openpyxl, then one pandera validation per file."""
    from consolidate.validate import check_results

    results = [read_file(p) for p in paths]
    return [checked for result in results for checked in check_results([result], year=year, roster=roster)]
