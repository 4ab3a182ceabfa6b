"""Accuracy and time of the document readers on the corpus of real published reports
(tests/corpus/, issue 16). Run on demand, prints figures; not part of the tests.

    .venv/bin/python -m benchmarks.corpus [--runs 3] [--each]

Each report is checked with ``consolidate.validate`` (one file, in this process) ``--runs``
times; per container (html, pdf, docx, txt) it prints the number of reports, the statistical
cells read right of all cells (a cell printed blank or as a dash is right when it is not read
and has a finding), the reports read exactly (every cell right and the findings right), the
reports whose findings are right (each printed inconsistency gives its rule's finding, each
blank its finding, no other error) and the median seconds per file. ``--each`` adds a line
per report with what went wrong. The truth is the hand transcription beside each report
(tests/corpus/<id>.yaml), read by tests/corpus_truth.py, the same as tests/test_corpus.py asserts.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from corpus_truth import CONTAINERS, Truth, load, reported, unprinted  # noqa: E402

from consolidate.report import FileResult  # noqa: E402
from consolidate.spec import load_spec  # noqa: E402
from consolidate.validate import validate  # noqa: E402


@dataclass
class Outcome:
    truth: Truth
    seconds: float
    right: int
    cells: int
    findings_right: bool
    what: str

    @property
    def exact(self) -> bool:
        return self.right == self.cells and self.findings_right


def _right(read: float | None, truth: float) -> bool:
    if read is None:
        return False
    if math.isnan(truth) or math.isnan(read):
        return math.isnan(truth) and math.isnan(read)
    return math.isclose(read, truth, rel_tol=1e-12, abs_tol=1e-9)


def score(truth: Truth, result: FileResult, seconds: float) -> Outcome:
    values = result.values or {}
    absent = unprinted(truth, result)  # a row the report does not print: not read, and said at that row
    wrong = [k for k, v in truth.values.items() if not _right(values.get(k), v) and k not in absent]
    rule_ids = {r.id for r in load_spec(truth.format).rules}
    expected = reported(truth.format, {(i.rule, i.key) for i in truth.inconsistencies})
    rules = {(f.code, f.key) for f in result.findings if f.code in rule_ids}
    others = {(f.code, f.key) for f in result.findings if f.severity == "error" and f.code not in rule_ids}
    blanks = {(c, k) for c, k in others if c in {"CELL-BLANK", "CELL-DASH"} and k in truth.blank}
    findings_right = (rules == expected and others == blanks and {k for _, k in blanks} == truth.blank
                      and (result.format, result.year) == (truth.format, truth.year))
    what = []
    if (result.format, result.year) != (truth.format, truth.year):
        what.append(f"read as {result.format} {result.year}")
    if wrong:
        what.append(f"{len(wrong)} cells wrong ({', '.join(wrong[:3])}{' …' if len(wrong) > 3 else ''})")
    if rules != expected:
        what.append(f"rule findings {sorted(rules)} ≠ {sorted(expected)}")
    if others != blanks:
        what.append("other errors: " + ", ".join(sorted({c for c, _ in others - blanks})))
    return Outcome(truth, seconds, len(truth.values) - len(wrong), len(truth.values), findings_right, "; ".join(what))


def run(runs: int) -> list[Outcome]:
    out = []
    for truth in load():
        times = []
        result = None
        for _ in range(runs):
            start = time.perf_counter()
            result = validate([truth.path], workers=1).files[0]
            times.append(time.perf_counter() - start)
        assert result is not None
        out.append(score(truth, result, statistics.median(times)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--each", action="store_true", help="a line per report")
    args = parser.parse_args(argv)
    validate([load()[0].path], workers=1)  # warm: imports and the spec, not counted
    outcomes = run(max(1, args.runs))
    print(f"{'container':<10} {'reports':>7} {'cells right':>19} {'exact':>7} {'findings right':>15} {'median s/file':>14}")
    groups = [(c, [o for o in outcomes if o.truth.container == c]) for c in CONTAINERS]
    for name, group in [*groups, ("all", outcomes)]:
        if not group:
            print(f"{name:<10} {0:>7}")
            continue
        right, cells = sum(o.right for o in group), sum(o.cells for o in group)
        print(f"{name:<10} {len(group):>7} {right:>7}/{cells:<6} {100 * right / cells:5.1f}% "
              f"{sum(o.exact for o in group):>3}/{len(group):<3} {sum(o.findings_right for o in group):>7}/{len(group):<7} "
              f"{statistics.median(o.seconds for o in group):>14.3f}")
    if args.each:
        for o in outcomes:
            print(f"  {o.truth.id:<18} {o.truth.container:<5} {o.right:>3}/{o.cells} {o.seconds:6.3f}s "
                  f"{'exact' if o.exact else o.what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
