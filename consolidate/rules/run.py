"""Run the compiled rules over submissions and turn pandera's failure cases into findings.

``check_batch``: all readable submissions of one format are stacked into one wide frame
(one row per file, index = the file's position in the batch) and validated by one lazy
pandera call per table of the format.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..findings import Finding, FindingFactory, Place, Value
from ..report import FileResult
from ..spec import FormatSpec, cell_addresses, load_spec
from ..spec.program import evaluate, message_values
from .order import sort_findings
from .schema import RuleSchema, build_schema


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


def failure_cases(compiled: RuleSchema, frame: pd.DataFrame) -> list[pd.DataFrame]:
    """One lazy pandera validation per table: every failure of every check."""
    out = []
    for table in compiled.tables:
        try:
            table.schema.validate(frame[list(table.columns)], lazy=True, inplace=True)
        except pa.errors.SchemaErrors as exc:
            out.append(exc.failure_cases)
    return out


def _failures(cases: pd.DataFrame) -> Iterator[tuple[str, int, str, float]]:
    """(check name, file position, cell key, value found) for each failure pandera lists.

    A check of ours returns a frame of the table's shape, so pandera gives one failure case
    per failing file: its index and ``{cell key: value}`` for each cell where it failed.
    """
    for check, index, cells in zip(cases["check"], cases["index"], cases["failure_case"], strict=True):
        if not isinstance(cells, dict):  # not one of our checks: a bug, not a data problem
            raise RuntimeError(f"unexpected schema failure: {check} {index} {cells!r}")
        for key, value in cells.items():
            yield str(check), int(index), str(key), float(value)


def findings_from_failures(spec: FormatSpec, compiled: RuleSchema, frame: pd.DataFrame,
                           cases: Sequence[pd.DataFrame], files: Sequence[FileResult]) -> list[list[Finding]]:
    """Map pandera's failure cases back to findings: one per (check, file, cell) it lists.

    A TYPES failure is the cell and its value; a rule's failure is the cell its finding
    points at. The message also quotes the rule's other values (its two sides, the value
    that would satisfy it), read from the file's row.
    """
    out: list[list[Finding]] = [[] for _ in files]
    factory = FindingFactory(spec)
    columns = list(frame.columns)
    for table_cases in cases:
        for name, pos, key, value in _failures(table_cases):
            place = place_of(spec, files[pos], key)
            variant = compiled.types.get(name)
            if variant is not None:
                out[pos].append(factory.rule(variant.rule, place, variant=variant.variant, found=number(value)))
                continue
            check = compiled.checks.get((name, key))
            if check is None:
                raise RuntimeError(f"unexpected schema failure: {name} at {key}")
            row = dict(zip(columns, frame.iloc[pos].to_numpy(dtype=np.float64).tolist(), strict=True))
            said = {k: (None if v is None else number(v))
                    for k, v in message_values(check, evaluate(check, row), row).items()}
            said["found"] = number(value)  # what pandera found in the cell
            out[pos].append(factory.rule(check.rule, place, **said))  # type: ignore[arg-type]
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
    """The rule findings of each file (same order): one pandera validation per format and table."""
    out: list[list[Finding]] = [[] for _ in files]
    for format_id, positions in _by_format(files).items():
        spec = load_spec(format_id)
        compiled = build_schema(spec)
        group = [files[i] for i in positions]
        frame = wide_frame(spec, group)
        _scatter(out, positions, findings_from_failures(spec, compiled, frame, failure_cases(compiled, frame), group))
    return out
