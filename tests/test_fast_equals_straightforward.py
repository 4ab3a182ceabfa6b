"""The fast path gives exactly the report of the straightforward one (issue 6, item 2).

Fast: files read over processes, the rules run as one pandera validation over the stacked
batch. Straightforward: files read one by one in this process, one pandera validation per
file. On a mixed batch (valid files, files with every kind of mistake the benchmark makes,
unreadable files) the two reports must be the same, finding for finding; and a roll-up
made over processes must be the same bytes as one made in a single process.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from datetime import datetime
from pathlib import Path

import pytest
from straightforward import validate_each

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the benchmarks package, beside tests/

from benchmarks import data, derive
from consolidate.read.many import MIN_PARALLEL
from consolidate.report import Report
from consolidate.rollup import rollup
from consolidate.roster import read_roster
from consolidate.validate import validate

SEED = 6
FILES = 72
YEAR = 2025

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="the fast path uses processes only with fork on small batches")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> data.Round:
    """72 submissions (6 built with the template writer, the rest derived from them) and
    one file of each unreadable kind on top."""
    root = tmp_path_factory.mktemp("round")
    rnd = data.round_of(FILES, SEED, workers=1, root=root, bases=6)
    sample = rnd.paths[0].read_bytes()
    for kind in ("truncated", "pdf", "docx", "empty"):
        (rnd.folder / f"zz_{kind}.xlsx").write_bytes(derive.unreadable(kind, sample))
    return rnd


def canonical(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, sort_keys=True)  # NaN as NaN: comparable


def test_the_batch_is_mixed_and_large_enough_for_processes(batch: data.Round) -> None:
    report = validate_each([batch.folder], year=YEAR, roster=read_roster(batch.roster))
    totals = report.totals()
    assert totals["files"] == FILES + 4 >= MIN_PARALLEL
    assert totals["valid"] > 0 and totals["invalid"] > 0 and totals["unreadable"] >= 4
    codes = {f.code for file in report.files for f in file.findings}
    assert {"T3-BALANCE", "TOTAL-OVERWRITTEN", "CELL-TEXT"} <= codes


def test_stacked_over_processes_equals_per_file_serial(batch: data.Round) -> None:
    roster = read_roster(batch.roster)
    fast = validate([batch.folder], year=YEAR, roster=roster, workers=2)
    straightforward = validate_each([batch.folder], year=YEAR, roster=roster)
    assert canonical(fast) == canonical(straightforward)


def test_rollup_over_processes_is_the_same_workbook(batch: data.Round, tmp_path: Path) -> None:
    roster = read_roster(batch.roster)
    now = datetime(2026, 2, 1, 9, 0)
    one = rollup([batch.folder], out=tmp_path / "one.xlsx", roster=roster, year=YEAR, workers=1, now=now)
    two = rollup([batch.folder], out=tmp_path / "two.xlsx", roster=roster, year=YEAR, workers=2, now=now)
    assert one.data.totals == two.data.totals
    assert (tmp_path / "one.xlsx").read_bytes() == (tmp_path / "two.xlsx").read_bytes()
