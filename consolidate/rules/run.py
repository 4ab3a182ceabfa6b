"""Run the compiled rules over submissions and turn pandera's failure cases into findings.

``check_batch``: all readable submissions of one format are stacked into one wide frame
(one row per file, index = the file's position in the batch), cut into the long frames of
the format's schemas (``schema.py``) and validated by one lazy pandera call each.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..compact import matrix
from ..findings import Finding, FindingFactory, Place, Value
from ..report import FileResult
from ..spec import FormatSpec, cell_addresses, load_spec
from ..spec.program import evaluate, message_values
from .order import sort_findings
from .schema import Part, RuleSchema, build_schema


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
    data = matrix([file.values for file in files], keys, math.nan)
    return pd.DataFrame(data, columns=pd.Index(keys), index=pd.RangeIndex(len(files)))


def failure_cases(compiled: RuleSchema, frame: pd.DataFrame) -> list[tuple[Part, pd.DataFrame]]:
    """One lazy pandera validation per part: every failure of every check."""
    values = frame.to_numpy(dtype=np.float64)
    padded = np.concatenate([values, np.zeros((len(values), 1))], axis=1)
    out = []
    for part in compiled.parts:
        try:
            part.schema.validate(part.frame(padded), lazy=True, inplace=True)
        except pa.errors.SchemaErrors as exc:
            out.append((part, exc.failure_cases))
    return out


def findings_from_failures(spec: FormatSpec, compiled: RuleSchema, cases: Sequence[tuple[Part, pd.DataFrame]],
                           files: Sequence[FileResult]) -> list[list[Finding]]:
    """Map pandera's failure cases to findings: the row names the file and the place.

    A TYPES failure is one cell and its value; a rule's failure lists the values of the
    failing place's cells, from which the message quotes its sides and the value expected.
    """
    out: list[list[Finding]] = [[] for _ in files]
    factory = FindingFactory(spec)
    for part, table in cases:
        failing: dict[tuple[str, int], dict[str, float]] = {}
        for name, index, column, value in zip(table["check"], table["index"], table["column"],
                                              table["failure_case"], strict=True):
            failing.setdefault((str(name), int(index)), {})[str(column)] = float(value)
        for (name, index), slots in failing.items():
            pos, place = part.where(index)
            key = part.targets[place]
            variant = compiled.types.get(name)
            if variant is not None:
                found = number(slots[part.slots[0]])
                out[pos].append(factory.rule(variant.rule, place_of(spec, files[pos], key), variant=variant.variant,
                                             found=found))
                continue
            if not part.checks or part.checks[place].rule != name:
                raise RuntimeError(f"unexpected schema failure: {name} at {index}")
            check = part.checks[place]
            row = {k: slots[slot] for k, slot in zip(part.keys[place], part.slots, strict=True) if k}
            said = {k: (None if v is None else number(v))
                    for k, v in message_values(check, evaluate(check, row), row).items()}
            out[pos].append(factory.rule(check.rule, place_of(spec, files[pos], key), **said))  # type: ignore[arg-type]
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
        _scatter(out, positions, findings_from_failures(spec, compiled, failure_cases(compiled, frame), group))
    return out
