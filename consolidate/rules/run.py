"""Run the compiled rules over submissions and turn pandera's failure cases into findings.

Two ways, with the same findings:

- ``check_batch``: the fast path. All readable submissions of one format are stacked into
  one wide frame (one row per file, index = the file's position in the batch) and
  validated by ONE lazy pandera call per format.
- ``check_each``: the straightforward path, one pandera call per file on that file's
  own one-row frame. The benchmark's baseline, and the test that the fast path is exact.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..findings import Finding, FindingFactory, Place, Value
from ..report import FileResult
from ..spec import FormatSpec, cell_addresses, load_spec
from .order import sort_findings
from .schema import RuleSchema, rule_schema


def number(value: float) -> Value:
    """12.0 -> 12, 0.1 + 0.2 -> 0.3: what a finding carries as found / expected."""
    value = round(float(value), 6) + 0.0  # + 0.0 turns -0.0 into 0.0
    return int(value) if value.is_integer() else value


def place_of(spec: FormatSpec, file: FileResult, key: str) -> Place:
    sheet, address = file.addresses.get(key) or cell_addresses(spec)[key]
    return Place.of_cell(spec.cell(key), sheet, address)


def checkable(file: FileResult) -> bool:
    """A file whose numbers the rules can look at."""
    return file.status != "unreadable" and file.format is not None and file.values is not None


def wide_frame(spec: FormatSpec, files: Sequence[FileResult]) -> pd.DataFrame:
    """One row per file (index 0..n-1 in the order given), one float column per spec cell."""
    keys = spec.keys
    every = operator.itemgetter(*keys)
    nan = float("nan")
    rows = []
    for file in files:
        values = file.values or {}
        try:
            rows.append(every(values))  # the usual case: every cell was read
        except KeyError:
            rows.append(tuple(values.get(k, nan) for k in keys))
    data = np.array(rows, dtype=np.float64).reshape(len(files), len(keys))
    return pd.DataFrame(data, columns=pd.Index(keys), index=pd.RangeIndex(len(files)))


def failure_cases(compiled: RuleSchema, frame: pd.DataFrame) -> pd.DataFrame | None:
    """One lazy pandera validation: every failure of every check, or None when all pass."""
    try:
        compiled.schema.validate(frame, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        return exc.failure_cases
    return None


def findings_from_failures(spec: FormatSpec, compiled: RuleSchema, frame: pd.DataFrame,
                           cases: pd.DataFrame | None, files: Sequence[FileResult]) -> list[list[Finding]]:
    """Map pandera's failure cases back to (file, cell): one finding per failure.

    A failing check names its row (``index``: the file's position) and lists that row's
    cells (``column``, ``failure_case``): a TYPES finding for each listed cell of the
    check's kind whose value breaks it; a cross-cell finding at the check's target cell.
    """
    out: list[list[Finding]] = [[] for _ in files]
    if cases is None or cases.empty:
        return out
    factory = FindingFactory(spec)
    groups = cases.groupby("check", sort=False).indices  # check name -> positions in `cases`
    unknown = set(groups) - set(compiled.types) - set(compiled.checks)
    if unknown:  # a failure no rule of ours makes: a bug, not a data problem
        raise RuntimeError(f"unexpected schema failures: {sorted(map(str, unknown))}")
    rows = cases["index"].to_numpy()
    columns = cases["column"].to_numpy()
    for name, check_type in compiled.types.items():
        if name not in groups:
            continue
        positions = np.asarray(groups[name])
        kind_keys = set(check_type.keys)
        mine = np.fromiter((c in kind_keys for c in columns[positions]), dtype=bool, count=len(positions))
        sub = positions[mine]  # the cells of the check's kind
        values = cases["failure_case"].to_numpy()[sub].astype(np.float64)
        bad = check_type.violates(values)
        for row, key, value in zip(rows[sub][bad], columns[sub][bad], values[bad], strict=True):
            pos = int(row)
            place = place_of(spec, files[pos], str(key))
            out[pos].append(factory.rule(check_type.rule, place, variant=check_type.variant, found=number(value)))
    pairs = [(int(row), str(name)) for name, positions in groups.items() if name in compiled.checks
             for row in np.unique(rows[positions].astype(np.int64))]
    array = frame.to_numpy(dtype=np.float64)
    for pos, name in pairs:
        check = compiled.checks[name]
        target, left, right, _ = (float(x[0]) for x in check.sides(array[pos : pos + 1]))
        place = place_of(spec, files[pos], check.target)
        if check.kind == "sum":
            finding = factory.rule(check.rule, place, found=number(target), expected=number(left))
        elif check.kind == "balance":
            finding = factory.rule(check.rule, place, found=number(target), expected=number(target + left - right),
                                   lhs=number(left), rhs=number(right), diff=number(abs(left - right)))
        else:  # misuse: the target equals base + change
            base, change = (number(array[pos, check.position[k]]) for k in check.lhs)
            finding = factory.rule(check.rule, place, found=number(target), base=base, change=change)
        out[pos].append(finding)
    return [sort_findings(without_consequences(spec, found)) for found in out]


def without_consequences(spec: FormatSpec, findings: list[Finding]) -> list[Finding]:
    """Drop a finding on a total when the same rule already fails on one of its parts.

    A part that is not whole makes its total not whole; a column of 表三 that does not
    balance makes the 总计 column fail too, at a cell that holds a formula. The clerk
    must fix the part, so only the part is reported.
    """
    failed = {(f.code, f.key) for f in findings}
    keep = []
    for finding in findings:
        cell = spec.cell(finding.key) if finding.key else None
        if cell is not None and any((finding.code, part) in failed for _, parts in cell.sums for part in parts):
            continue
        keep.append(finding)
    return keep


def _by_format(files: Sequence[FileResult]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, file in enumerate(files):
        if checkable(file):
            groups.setdefault(file.format or "", []).append(i)
    return dict(sorted(groups.items()))


def _scatter(out: list[list[Finding]], positions: Iterable[int], found: list[list[Finding]]) -> None:
    for pos, findings in zip(positions, found, strict=True):
        out[pos].extend(findings)


def check_batch(files: Sequence[FileResult]) -> list[list[Finding]]:
    """The rule findings of each file (same order): one pandera validation per format."""
    out: list[list[Finding]] = [[] for _ in files]
    for format_id, positions in _by_format(files).items():
        spec = load_spec(format_id)
        compiled = rule_schema(spec)
        group = [files[i] for i in positions]
        frame = wide_frame(spec, group)
        _scatter(out, positions, findings_from_failures(spec, compiled, frame, failure_cases(compiled, frame), group))
    return out


def check_each(files: Sequence[FileResult]) -> list[list[Finding]]:
    """The same findings as ``check_batch``, one pandera validation per file."""
    out: list[list[Finding]] = [[] for _ in files]
    for i, file in enumerate(files):
        if not checkable(file):
            continue
        spec = load_spec(file.format or "")
        compiled = rule_schema(spec)
        frame = wide_frame(spec, [file])
        out[i] = findings_from_failures(spec, compiled, frame, failure_cases(compiled, frame), [file])[0]
    return out
