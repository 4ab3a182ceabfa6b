"""The main job at a province's scale (issue 19): ``python -m benchmarks.scale [--sizes 1000,2000,4000,10000] [--quick]``.

For each N (a synthetic round made by ``synth.py``/``data.py``), each stage in a fresh
interpreter (``stage.py``): ``validate`` writing its JSON report (as ``consolidate validate
--json FILE``), ``rollup`` (validate + the summary workbook) and ``run`` (the whole round:
validate, the summary, the report workbook, the JSON, the annotated copies); the
straightforward baseline (openpyxl + one pandera validation per file, ``baseline.py``; on
the first ``--baseline-max`` files, per file); the floor (``floor.py``: unzip and scan every
cell, one process and two). For each stage: wall seconds, ms per file, CPU seconds, and the
peak memory of the WHOLE PROCESS TREE (the stage's process and every worker it started),
sampled from ``/proc`` every 20 ms: the peak of the sum of RSS (what ``ps`` would add up:
forked workers' shared pages counted in each) and of the sum of PSS (shared pages divided
among the processes sharing them: what the tree really holds).

Then the issue's table, ``run`` against 3 x ``validate``, ``run``'s ms per file against the
smallest N, and validate's ms per file against the floor. ``--phases`` adds validate's cost
per phase (``phases.py``). Writes every figure as JSON (``--json``, default
``benchmarks/results/scale-<date>-<host>.json``). Run it on an otherwise idle machine; the
load average at each stage is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from . import data
from .run import RESULTS, ROOT, calibration, git_commit, load

RUN_MAX_X_VALIDATE = 3.0  # issue 19: run < 3x validate
TREE_MAX_MB = 500.0  # issue 19: validate and run under 500 MB for the whole process tree
FLAT_MAX = 1.25  # run's ms per file at the largest N within this of the smallest N's ("within noise")
VALIDATE_TARGET_MS = 1.0  # issue 19: validate <= 1 ms a file


# --- the process tree's memory ----------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        out.setdefault(int(fields[1]), []).append(int(entry))
    return out


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants now."""
    kids = _children()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


def _kib(path: str, key: bytes) -> int:
    try:
        with open(path, "rb") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeMemory:
    """Samples the memory of a process and its descendants until stopped; keeps the peaks (MB)."""

    def __init__(self, pid: int, every: float = 0.02) -> None:
        self.pid, self.every = pid, every
        self.rss_mb = self.pss_mb = 0.0
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = tree(self.pid)
            rss = sum(_kib(f"/proc/{p}/status", b"VmRSS:") for p in pids)
            pss = sum(_kib(f"/proc/{p}/smaps_rollup", b"Pss:") for p in pids)
            self.rss_mb = max(self.rss_mb, rss / 1024)
            self.pss_mb = max(self.pss_mb, pss / 1024)
            self.processes = max(self.processes, len(pids))
            self._stop.wait(self.every)


def stage(name: str, rnd: data.Round, *, limit: int | None = None) -> dict[str, Any]:
    """One stage in a fresh interpreter, its process tree's memory sampled from here."""
    argv = [sys.executable, "-m", "benchmarks.stage", name, "--folder", str(rnd.folder), "--roster", str(rnd.roster)]
    if limit is not None:
        argv += ["--limit", str(limit)]
    before = load()
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with TreeMemory(proc.pid) as memory:
        out, err = proc.communicate()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"stage {name} exited {proc.returncode}:\n{err.decode(errors='replace')[-3000:]}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    result.update(tree_rss_mb=round(memory.rss_mb, 1), tree_pss_mb=round(memory.pss_mb, 1),
                  processes=memory.processes, wall_with_start=round(wall, 2), load=before)
    return result


# --- one size ------------------------------------------------------------------------------------------


def per_file(run: dict[str, Any], n: int | None = None) -> dict[str, Any]:
    files = run["files"]
    ms = 1000 * run["seconds"] / files
    return {"files": n or files, "files_measured": files, "seconds": round(ms * (n or files) / 1000, 3),
            "ms_per_file": round(ms, 3), "cpu_s": run.get("cpu_s"), "rss_mb": run["rss_mb"],
            "tree_rss_mb": run["tree_rss_mb"], "tree_pss_mb": run["tree_pss_mb"], "processes": run["processes"],
            "load": run["load"], "detail": run.get("detail", {})}


_baseline: dict[int, dict[str, Any]] = {}


def measure(n: int, args: argparse.Namespace, say: Any) -> dict[str, Any]:
    rnd = data.round_of(n, args.seed, workers=2)
    out: dict[str, Any] = {"n": n, "data": rnd.manifest}
    for name, key in (("validate_json", "validate"), ("rollup", "rollup"), ("run", "run")):
        if key not in args.stages:
            continue
        out[key] = per_file(stage(name, rnd))
        say(f"N={n} {key}: {out[key]['seconds']:.1f} s, {out[key]['ms_per_file']:.2f} ms/file, "
            f"tree RSS {out[key]['tree_rss_mb']:.0f} MB (PSS {out[key]['tree_pss_mb']:.0f})")
    if "floor" in args.stages:
        for name in ("floor", "floor2"):
            out[name] = per_file(stage(name, rnd))
            say(f"N={n} {name}: {out[name]['ms_per_file']:.2f} ms/file")
    if "baseline" not in args.stages or not {"validate", "run", "floor"} <= set(args.stages):
        return out  # a partial run (--stages): the figures measured, no ratios
    limit = min(n, args.baseline_max)
    if limit not in _baseline:  # the first files of every round are the same files: measured once
        _baseline[limit] = stage("baseline", rnd, limit=limit)
        say(f"baseline on {limit} files: {_baseline[limit]['seconds']:.1f} s")
    out["baseline"] = per_file(_baseline[limit], n)
    out["ratios"] = {
        "run_x_validate": round(out["run"]["seconds"] / out["validate"]["seconds"], 2),
        "validate_x_floor": round(out["validate"]["ms_per_file"] / out["floor"]["ms_per_file"], 2),
        "validate_x_floor2": round(out["validate"]["ms_per_file"] / out["floor2"]["ms_per_file"], 2),
        "baseline_x_validate": round(out["baseline"]["ms_per_file"] / out["validate"]["ms_per_file"], 1),
    }
    return out


# --- the table -------------------------------------------------------------------------------------------


def table(result: dict[str, Any]) -> str:
    sizes = [result["sizes"][k] for k in sorted(result["sizes"], key=int)]
    lines = [
        "| files | `validate` ms/file | `validate` tree MB | `rollup` ms/file | `rollup` tree MB | `run` ms/file "
        "| `run` wall | `run` tree MB | run / validate | baseline ms/file | floor ms/file (1 / 2 proc) "
        "| validate x floor (1 / 2 proc) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in sizes:
        v, r, u, b, f, f2, q = (s["validate"], s["rollup"], s["run"], s["baseline"], s["floor"], s["floor2"],
                                s["ratios"])
        lines.append(
            f"| {s['n']:,} | {v['ms_per_file']:.2f} | {v['tree_rss_mb']:.0f} ({v['tree_pss_mb']:.0f}) "
            f"| {r['ms_per_file']:.2f} | {r['tree_rss_mb']:.0f} ({r['tree_pss_mb']:.0f}) | {u['ms_per_file']:.2f} "
            f"| {u['seconds']:.1f} s | {u['tree_rss_mb']:.0f} ({u['tree_pss_mb']:.0f}) | {q['run_x_validate']:.2f}x "
            f"| {b['ms_per_file']:.1f}{'*' if b['files_measured'] != b['files'] else ''} "
            f"| {f['ms_per_file']:.2f} / {f2['ms_per_file']:.2f} | {q['validate_x_floor']:.2f} / {q['validate_x_floor2']:.2f} |")
    lines.append("")
    lines.append("tree MB: peak of the sum of RSS over the stage's process and its workers (in brackets: of PSS, "
                 "shared pages divided among the processes sharing them); ms/file: wall time of the library call "
                 "(interpreter start and imports not counted); * baseline measured on its first files, per file.")
    for s in sizes:
        cpu = {k: s[k]["cpu_s"] for k in ("validate", "rollup", "run")}
        lines.append(f"N={s['n']}: CPU s {cpu}; run annotated {s['run']['detail'].get('annotated')} copies; "
                     f"load {[s[k]['load'] for k in ('validate', 'rollup', 'run')]}")
    if "phases" in result:
        from .phases import table as phase_table

        lines += ["", phase_table(result["phases"])]
    lines.append("")
    for t in result["targets"]:
        mark = {True: "MET   ", False: "MISSED", None: "INFO  "}[t["met"]]
        lines.append(f"{mark} {t['target']}: {t['value']} ({t['limit']})")
    for when in ("machine_before", "machine_after"):
        m = result.get(when)
        if m:
            lines.append(f"{when.replace('_', ' ')}: loop {m['loop_ms']} ms, import pandas+pandera "
                         f"{m['import_pandas_pandera_s']} s, load {m['load']}")
    return "\n".join(lines)


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    sizes = [result["sizes"][k] for k in sorted(result["sizes"], key=int)]
    small, large = sizes[0], sizes[-1]
    n = large["n"]
    out: list[dict[str, Any]] = []

    def add(name: str, value: Any, limit: str, met: bool | None) -> None:
        out.append({"target": name, "value": value, "limit": limit, "met": met})

    x = large["ratios"]["run_x_validate"]
    add(f"run of {n} against validate of {n}", x, f"< {RUN_MAX_X_VALIDATE:g}x", x < RUN_MAX_X_VALIDATE)
    if small is not large:
        flat = round(large["run"]["ms_per_file"] / small["run"]["ms_per_file"], 2)
        add(f"run ms/file at {n} against {small['n']}", flat, f"<= {FLAT_MAX:g} (flat within noise)", flat <= FLAT_MAX)
    for key in ("validate", "run"):
        mb = large[key]["tree_rss_mb"]
        add(f"{key} of {n}: peak RSS of the process tree (sum of RSS; PSS {large[key]['tree_pss_mb']:g} MB)", mb,
            f"< {TREE_MAX_MB:g} MB", mb < TREE_MAX_MB)
    ms = large["validate"]["ms_per_file"]
    add(f"validate of {n}: ms per file (floor {large['floor']['ms_per_file']:g} in 1 process, "
        f"{large['floor2']['ms_per_file']:g} in 2)", ms, f"<= {VALIDATE_TARGET_MS:g} ms", ms <= VALIDATE_TARGET_MS)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated N (default 1000,2000,4000,10000; --quick: 200,400)")
    parser.add_argument("--quick", action="store_true", help="small sizes, a short baseline: a smoke run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline-max", type=int, default=200,
                        help="the baseline runs on at most this many files (per file above; default 200)")
    parser.add_argument("--phases", type=int, default=1000, metavar="K",
                        help="validate's cost per phase measured on K files (0: not measured; default 1000)")
    parser.add_argument("--json", type=Path, help="where to write the figures")
    parser.add_argument("--stages", default="validate,rollup,run,floor,baseline",
                        help="the stages to measure (default all: validate,rollup,run,floor,baseline); "
                             "the table needs all of them")
    args = parser.parse_args(argv)
    args.stages = args.stages.split(",")
    sizes = [int(x) for x in (args.sizes or ("200,400" if args.quick else "1000,2000,4000,10000")).split(",")]
    if args.quick:
        args.baseline_max = min(args.baseline_max, 30)
        args.phases = min(args.phases, 200)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    result: dict[str, Any] = {"date": datetime.now().isoformat(timespec="seconds"), "host": platform.node(),
                              "cpus": os.cpu_count(), "python": platform.python_version(), "commit": git_commit(),
                              "seed": args.seed, "sizes": {}}
    result["machine_before"] = calibration(3)
    for n in sizes:
        result["sizes"][str(n)] = measure(n, args, say)
    if args.phases:
        from . import phases

        rnd = data.round_of(max(sizes), args.seed, workers=2)
        result["phases"] = phases.measure_in_child(rnd, args.phases)
        say("phases measured")
    result["machine_after"] = calibration(3)
    complete = all("ratios" in s for s in result["sizes"].values())
    result["targets"] = targets(result) if complete else []
    path = args.json or RESULTS / f"scale-{datetime.now():%Y-%m-%d}-{platform.node()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(table(result) if complete else json.dumps(result["sizes"], ensure_ascii=False, indent=1))
    print(f"\nfigures written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
