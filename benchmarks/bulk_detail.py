"""分单位明细's numbers: ``rollup/bulk.py`` (XML appended after xlsxwriter) against xlsxwriter's own
``write_number`` (issue 9: a private API is kept only for a measured gain of 3x or more).

Not part of the test suite. Writes the real summary workbook (``summary_bytes``) for N
synthetic units twice, once with the bulk path and once with every number through
``write_number``, and prints the median seconds of each and the ratio.

    .venv/bin/python -m benchmarks.bulk_detail --units 1000,10000 --repeats 3
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from unittest import mock

from consolidate.report import FileResult
from consolidate.rollup.data import build
from consolidate.rollup.summary import summary_bytes
from consolidate.roster import Roster, Unit
from consolidate.spec import load_spec


def files(n: int, seed: int = 1) -> tuple[list[FileResult], Roster]:
    spec = load_spec("v2021")
    rng = random.Random(seed)
    out, units = [], []
    for i in range(n):
        code = f"UNIT{i:06d}"
        name = f"单位{i:06d}"
        units.append(Unit(code, name, "部门", "示例市"))
        values = {c.key: float(rng.randint(0, 40)) for c in spec.cells}
        out.append(FileResult(path=f"{name}.xlsx", sha256=f"{i:064x}", size=1, mtime=1.0, status="valid",
                              format="v2021", kind="template", units=1,
                              identity={"unit_name": name, "unit_code": code, "year": "2025"},
                              year=2025, values=values))
    return out, Roster(tuple(units), "roster.csv")


@contextmanager
def through_write_number() -> Iterator[None]:
    """The same workbook, every pending number written by xlsxwriter before it closes."""
    from consolidate.rollup import detail_sheet

    real = detail_sheet.write_detail_sheet

    def write(ws, data, fmt):  # type: ignore[no-untyped-def]
        pending = real(ws, data, fmt)
        for row, values in pending.rows:
            for j, value in enumerate(values):
                ws.write_number(row, pending.first_col + j, value, pending.formats[j])
        pending.rows.clear()
        return pending

    with mock.patch("consolidate.rollup.summary.write_detail_sheet", write):
        yield


def timed(data: object, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        summary_bytes(data, now=datetime(2026, 2, 1), tool_version="bench")  # type: ignore[arg-type]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default="1000,10000")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print("| units | cells | bulk.py s | write_number s | ratio |")
    print("|---|---|---|---|---|")
    for n in (int(x) for x in args.units.split(",")):
        fs, roster = files(n)
        data = build(fs, roster=roster, year=2025, name="示例市", check=None)
        fast = timed(data, args.repeats)
        with through_write_number():
            slow = timed(data, args.repeats)
        cells = n * len(data.spec.cells)
        print(f"| {n} | {cells} | {fast:.2f} | {slow:.2f} | {slow / fast:.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
