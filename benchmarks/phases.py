"""Where ``validate``'s time goes, phase by phase, in one process (issue 19):

    python -m benchmarks.phases --folder DIR --roster CSV [--files 1000]

On the first ``--files`` files of a round, each phase timed alone (after one untimed pass
over the same files, so that the disk cache and the specs are warm):

- ``open``: stat and read the bytes (bounded), sha256, sniff, open the zip under its limits;
- ``read``: the rest of ``read_submission`` (the workbook, ``_meta``, 填报信息, every table
  by position with its labels checked, the cells parsed, totals recomputed, reading findings);
- ``rules``: the spec's rules over all files at once (``rules.check_batch``, stacked);
- ``findings``: identity checks against the roster, sorting, each file's status;
- ``json``: the JSON report rendered (streamed, as ``--json`` writes it);
- ``floor``: ``floor.parse_file`` on the same files (unzip and scan every cell).

Milliseconds per file, and each phase against the floor. ``validate`` itself reads over 2
processes: its wall time per file is about (open + read) / 2 + rules + findings + json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from . import floor
from .synth import YEAR

PHASES = ("open", "read", "rules", "findings", "json")


def measure(folder: Path, roster_path: Path, files: int) -> dict[str, Any]:
    import hashlib

    from consolidate.findings import status_of
    from consolidate.output.json_report import report_json_chunks
    from consolidate.read import bundles, reader
    from consolidate.read.archive import Unreadable, open_package
    from consolidate.read.sniff import sniff
    from consolidate.report import Report
    from consolidate.roster import read_roster
    from consolidate.rules import check_batch, check_identity
    from consolidate.rules.order import sort_findings
    from consolidate.validate import check_results

    roster = read_roster(roster_path)
    paths = sorted(folder.iterdir())[:files]

    def open_one(path: Path) -> None:
        try:
            data, _ = reader.read_bytes(path)
            hashlib.sha256(data).hexdigest()
            code = sniff(data)
            bundles.refuse(data, nested=False)
            if code == "zip":
                open_package(data).close()
        except Unreadable:
            pass

    for p in paths:  # warm: the disk cache, the specs, the first-use imports
        reader.read_submission(p)
    out: dict[str, float] = {}

    started = time.perf_counter()
    for p in paths:
        open_one(p)
    out["open"] = time.perf_counter() - started

    started = time.perf_counter()
    results = [reader.read_submission(p) for p in paths]
    out["read"] = max(0.0, time.perf_counter() - started - out["open"])

    started = time.perf_counter()
    check_batch(results)
    out["rules"] = time.perf_counter() - started

    rule_findings = check_batch(results)
    started = time.perf_counter()
    for result, found in zip(results, rule_findings, strict=True):  # what check_results does after the rules
        identity = check_identity(result, year=YEAR, roster=roster)
        findings = sort_findings([*result.findings, *identity, *found])
        status_of(findings)
    out["findings"] = time.perf_counter() - started

    report = Report(check_results(results, year=YEAR, roster=roster), tool_version="bench", year=YEAR)
    started = time.perf_counter()
    size = sum(len(chunk.encode("utf-8")) for chunk in report_json_chunks(report))
    out["json"] = time.perf_counter() - started

    started = time.perf_counter()
    floor.run(paths)
    out["floor"] = time.perf_counter() - started

    n = len(paths)
    ms = {k: round(1000 * v / n, 3) for k, v in out.items()}
    ms["total"] = round(sum(ms[k] for k in PHASES), 3)
    ms["validate_2proc"] = round((ms["open"] + ms["read"]) / 2 + ms["rules"] + ms["findings"] + ms["json"], 3)
    return {"files": n, "ms_per_file": ms, "json_bytes": size}


def measure_in_child(rnd: Any, files: int) -> dict[str, Any]:
    """:func:`measure` in a fresh interpreter (its imports and caches its own)."""
    argv = [sys.executable, "-m", "benchmarks.phases", "--folder", str(rnd.folder), "--roster", str(rnd.roster),
            "--files", str(files)]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def table(result: dict[str, Any]) -> str:
    ms = result["ms_per_file"]
    fl = ms["floor"] or 1e-9
    lines = [f"validate by phase, one process, {result['files']} files (ms per file; x the floor of "
             f"{ms['floor']:.3f} ms)", "| phase | ms/file | x floor |", "|---|---|---|"]
    for k in (*PHASES, "total"):
        lines.append(f"| {k} | {ms[k]:.3f} | {ms[k] / fl:.2f} |")
    lines.append(f"| validate over 2 processes, estimated ((open + read) / 2 + the rest) | {ms['validate_2proc']:.3f} "
                 f"| {ms['validate_2proc'] / fl:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.phases")
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--roster", type=Path, required=True)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--table", action="store_true", help="print the table, not the JSON line")
    args = parser.parse_args(argv)
    result = measure(args.folder, args.roster, args.files)
    print(table(result) if args.table else json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
