"""One measured stage, run in a fresh interpreter so that stages do not pollute each other.

    python -m benchmarks.stage STAGE --folder DIR --roster CSV [--limit K] [--workers W] [--dump FILE]

Imports the libraries the stage needs and reads the roster first (not timed: the one-file
command-line figure is where start-up is measured), then times the stage and prints one
JSON line: files, seconds, CPU seconds (this process and its workers: a serial stage
that got less CPU than wall time shared the machine), the peak RSS of this process (``rss_mb``) and of its largest
worker process (``rss_workers_mb``, from ``getrusage(RUSAGE_CHILDREN)``), and details.

Stages: ``validate`` and ``rollup`` (the project's library calls on the folder),
``baseline`` and ``baseline_rollup`` (``baseline.py``, on the first ``--limit`` files; the
latter also reports the time its validation took, ``detail.seconds_validate``),
``floor`` (unzip + scan the sheet XML for every cell, one process), ``floor2`` (the same
over processes), ``floor_etree`` (an ElementTree parse instead), ``unzip`` (inflate, no parse).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from . import floor
from .synth import YEAR

STAGES = ("validate", "validate_json", "rollup", "run", "baseline", "baseline_rollup", "floor", "floor2", "floor_etree",
          "unzip")


def peak_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # Linux: KiB


def cpu_seconds() -> float:
    """CPU time of this process and of its finished workers (user + system)."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def summary_of(files: Any) -> dict[str, list[Any]]:
    """file name -> [status, sorted (code, cell) of its non-FILE findings]: to compare two ways."""
    return {Path(f.path).name: [f.status, sorted([x.code, x.cell or ""] for x in f.findings
                                                  if x.category != "file")] for f in files}


def run(stage: str, folder: Path, roster_path: Path, limit: int | None, workers: int | None,
        dump: Path | None) -> dict[str, Any]:
    from consolidate.roster import read_roster

    paths = sorted(folder.iterdir())
    if limit is not None:
        paths = paths[:limit]
    roster = read_roster(roster_path)
    detail: dict[str, Any] = {}
    files_out: Any = None
    work: Callable[[], None]

    if stage in ("validate", "validate_json", "rollup", "run"):
        import consolidate.output.annotate
        import consolidate.output.json_report
        import consolidate.output.report_xlsx
        import consolidate.read
        import consolidate.rollup
        import consolidate.round
        import consolidate.rules
        import consolidate.validate

        if stage in ("validate", "validate_json"):
            tmp = tempfile.TemporaryDirectory(prefix="bench-validate-")

            def work() -> None:
                nonlocal files_out
                report = consolidate.validate.validate([folder], year=YEAR, roster=roster, workers=workers)
                if stage == "validate_json":  # as `consolidate validate --json FILE`
                    out = Path(tmp.name) / "report.json"
                    consolidate.output.json_report.write_json(report, out)
                    detail["json_bytes"] = out.stat().st_size
                files_out = report.files
                detail["totals"] = report.totals()
        elif stage == "run":
            tmp = tempfile.TemporaryDirectory(prefix="bench-run-")

            def work() -> None:
                out = Path(tmp.name) / "round"
                result = consolidate.round.run_round([folder], out_dir=out, roster=roster, year=YEAR, workers=workers,
                                                     now=datetime(2026, 2, 1))
                detail["counts"] = result.rollup.data.counts()
                detail["annotated"] = len(result.annotated)
                detail["annotate_problems"] = len(result.annotate_problems)
        else:
            tmp = tempfile.TemporaryDirectory(prefix="bench-rollup-")

            def work() -> None:
                out = Path(tmp.name) / "summary.xlsx"
                result = consolidate.rollup.rollup([folder], out=out, roster=roster, year=YEAR, workers=workers,
                                                   now=datetime(2026, 2, 1))
                detail["counts"] = result.data.counts()
                detail["summary_bytes"] = out.stat().st_size
                detail["totals_sum"] = round(sum(result.data.totals.values()), 4)
    elif stage in ("baseline", "baseline_rollup"):
        import openpyxl  # noqa: F401
        import pandas  # noqa: F401

        import consolidate.rollup
        import consolidate.rules

        from . import baseline

        def work() -> None:
            nonlocal files_out
            files_out = baseline.validate(paths, year=YEAR, roster=roster)
            detail["seconds_validate"] = round(time.perf_counter() - started, 4)
            if stage == "baseline_rollup":
                data = consolidate.rollup.build(files_out, roster=roster, year=YEAR)
                detail["summary_bytes"] = len(consolidate.rollup.summary_bytes(
                    data, now=datetime(2026, 2, 1), tool_version="baseline"))
                detail["totals_sum"] = round(sum(data.totals.values()), 4)
    elif stage == "floor":
        def work() -> None:
            detail["cells"] = floor.run(paths)
    elif stage == "floor2":
        def work() -> None:
            detail["cells"] = floor.run_parallel(paths, workers or 2)
    elif stage == "floor_etree":
        def work() -> None:
            detail["cells"] = floor.run_etree(paths)
    elif stage == "unzip":
        def work() -> None:
            detail["bytes"] = floor.unzip_only(paths)
    else:
        raise SystemExit(f"unknown stage {stage!r}; one of {', '.join(STAGES)}")

    cpu_before = cpu_seconds()
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    if dump is not None and files_out is not None:
        dump.write_text(json.dumps(summary_of(files_out), ensure_ascii=False), encoding="utf-8")
    return {"stage": stage, "files": len(paths), "seconds": round(seconds, 4), "cpu_s": round(cpu, 3),
            "rss_mb": peak_mb(resource.RUSAGE_SELF), "rss_workers_mb": peak_mb(resource.RUSAGE_CHILDREN),
            "detail": detail}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stage")
    parser.add_argument("stage", choices=STAGES)
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--roster", type=Path, required=True)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args(argv)
    out = run(args.stage, args.folder, args.roster, args.limit, args.workers, args.dump)
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
