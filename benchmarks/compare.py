"""This checkout against another one, side by side in one run: ``validate`` and the rules alone.

    .venv/bin/python -m benchmarks.compare --other /tmp/main-tree --size 1000 --repeats 5

``--other`` is a copy of another version's tree (for example ``git archive main | tar -x -C
DIR``); it runs with this checkout's virtualenv, its own ``consolidate`` package first on
``PYTHONPATH``. Both run on the same files (this checkout's round of ``--size``), alternating
run by run so that the machine's drift falls on both alike. Per run and tree:

- ``validate``: the benchmark's ``project_validate`` stage (``benchmarks.stage validate``);
- ``rules``: the files read once, then ``check_results`` (rules and identity checks, stacked)
  timed ``--inner`` times in the same process (the median), to see the rules' part alone.

Prints the medians and the ratio other / this (this checkout slower when above 1 … below 1).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from . import data

ROOT = Path(__file__).resolve().parent.parent

RULES = """
import json, statistics, sys, time
from pathlib import Path
from consolidate.read.many import iter_many
from consolidate.roster import read_roster
from consolidate.validate import check_results, expand_paths
results = list(iter_many(expand_paths([Path(sys.argv[1])]), workers=2))
roster = read_roster(Path(sys.argv[2]))
runs = []
for _ in range(int(sys.argv[3])):
    started = time.perf_counter()
    check_results(results, year=2025, roster=roster)
    runs.append(time.perf_counter() - started)
print(json.dumps({"seconds": statistics.median(runs)}))
"""


def _run(tree: Path, argv: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, *argv], cwd=tree, env=env, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{tree}: {' '.join(argv)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare")
    parser.add_argument("--other", type=Path, required=True, help="another version's tree")
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--inner", type=int, default=5)
    args = parser.parse_args(argv)
    rnd = data.round_of(args.size)
    trees = {"this": ROOT, "other": args.other.resolve()}
    times: dict[str, dict[str, list[float]]] = {name: {"validate": [], "rules": []} for name in trees}
    for _ in range(args.repeats):
        for name, tree in trees.items():
            times[name]["validate"].append(_run(tree, ["-m", "benchmarks.stage", "validate", "--folder",
                                                       str(rnd.folder), "--roster", str(rnd.roster)]))
            times[name]["rules"].append(_run(tree, ["-c", RULES, str(rnd.folder), str(rnd.roster), str(args.inner)]))
    print(f"{args.size} files, {args.repeats} alternating runs (medians, seconds); other = {trees['other']}")
    for figure in ("validate", "rules"):
        this, other = (statistics.median(times[n][figure]) for n in ("this", "other"))
        print(f"  {figure:<9} this {this:7.3f}  other {other:7.3f}  this/other {this / other:5.3f}   "
              f"runs this {[round(t, 3) for t in times['this'][figure]]} other "
              f"{[round(t, 3) for t in times['other'][figure]]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
