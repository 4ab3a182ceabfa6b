"""The benchmark of issue 6: ``python -m benchmarks.run [--sizes 100,1000,10000] [--json PATH] [--quick]``.

For each N: make (or reuse) a synthetic round of N v2021 submissions (``data.py``), then
time, each run in a fresh interpreter (``stage.py``) so that its peak RSS is its own:
the project's ``validate`` and ``rollup``, the straightforward baseline (``baseline.py``;
on the first ``--baseline-max`` files and extrapolated per file when N is larger), the
floor (``floor.py``), and their ratios. Then, once: one-file ``consolidate validate``
wall time including interpreter start (the installed console script), ``consolidate
--help``, and ``consolidate template`` for a roster of 1,000 units. Prints a table and
writes every figure as JSON (``benchmarks/results/<date>-<host>.json`` or ``--json``).
Not part of the test suite; the machine should be otherwise idle (the load average at
each stage is recorded).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from . import data, synth

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
BIN = Path(sys.executable).parent

# issue 6's targets
SPEEDUP_MIN = 15.0  # validate + rollup against the baseline
FLOOR_MAX = 4.0  # validate + rollup against the floor
RSS_MAX_MB = 1024.0
ONE_FILE_MAX_S = 1.5
TEMPLATES_MAX_S = 60.0
TEMPLATE_UNITS = 1000


# --- children -----------------------------------------------------------------------------------------


def child(argv: Sequence[str], cwd: Path = ROOT) -> tuple[float, float, int, str]:
    """Run ``argv``; its wall time, peak RSS (MB, from wait4: the child and the workers it
    waited for, whichever was largest), exit code and standard output."""
    started = time.perf_counter()
    proc = subprocess.Popen(list(argv), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}:\n{err.decode(errors='replace')[-2000:]}")
    return wall, round(usage.ru_maxrss / 1024, 1), proc.returncode, out.decode("utf-8", "replace")


def load() -> float:
    return round(os.getloadavg()[0], 2)


def stage(name: str, rnd: data.Round, *, limit: int | None = None, workers: int | None = None,
          dump: Path | None = None) -> dict[str, Any]:
    argv = [sys.executable, "-m", "benchmarks.stage", name, "--folder", str(rnd.folder), "--roster", str(rnd.roster)]
    if limit is not None:
        argv += ["--limit", str(limit)]
    if workers is not None:
        argv += ["--workers", str(workers)]
    if dump is not None:
        argv += ["--dump", str(dump)]
    before = load()
    wall, _, _, out = child(argv)
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["wall_s"] = round(wall, 3)
    result["load"] = before
    return result


def figure(runs: list[dict[str, Any]], n: int | None = None) -> dict[str, Any]:
    """Several runs of one stage -> the median time, the largest RSS; per file over ``n``."""
    seconds = statistics.median(r["seconds"] for r in runs)
    files = runs[0]["files"]
    per = n or files
    return {
        "files": per, "files_measured": files, "extrapolated": per != files,
        "seconds": round(seconds * per / files, 3), "seconds_measured": round(seconds, 3),
        "runs": [r["seconds"] for r in runs], "cpu_s": [r.get("cpu_s") for r in runs],
        "ms_per_file": round(1000 * seconds / files, 3),
        "files_per_s": round(files / seconds, 1) if seconds else None,
        "rss_mb": max(r["rss_mb"] for r in runs), "rss_workers_mb": max(r["rss_workers_mb"] for r in runs),
        "load": [r["load"] for r in runs], "detail": runs[-1]["detail"],
    }


def agreement(a: Path, b: Path) -> dict[str, Any]:
    """Files that two ways report alike (status and every non-FILE finding's code and cell)."""
    x, y = (json.loads(p.read_text(encoding="utf-8")) for p in (a, b))
    common = sorted(set(x) & set(y))
    differ = [name for name in common if x[name] != y[name]]
    return {"files": len(common), "same": len(common) - len(differ), "differ": differ[:10]}


# --- one size -------------------------------------------------------------------------------------------


_baselines: dict[tuple[int, int], dict[str, Any]] = {}


def measure_size(n: int, args: argparse.Namespace, scratch: Path, say: Any) -> dict[str, Any]:
    started = time.perf_counter()
    rnd = data.round_of(n, args.seed, workers=2)
    say(f"N={n}: data ready in {time.perf_counter() - started:.1f} s ({rnd.manifest['built']} built, "
        f"{rnd.manifest['derived']} derived; {rnd.folder})")
    repeats = args.repeats or (3 if n <= 1000 else 1)
    out: dict[str, Any] = {"n": n, "data": rnd.manifest, "repeats": repeats}

    dump_project = scratch / f"project-{n}.json"
    for name in ("validate", "rollup"):
        runs = [stage(name, rnd, dump=dump_project if name == "validate" and i == 0 else None)
                for i in range(repeats)]
        out[f"project_{name}"] = figure(runs)
        say(f"  project {name}: {out[f'project_{name}']['seconds']:.2f} s")
    for name in ("floor", "floor2", "floor_etree", "unzip"):
        out[name] = figure([stage(name, rnd) for _ in range(repeats)])
        say(f"  {name}: {out[name]['seconds']:.2f} s")

    limit = min(n, args.baseline_max)
    key = (rnd.seed, limit)
    if key not in _baselines:  # the first `limit` files of every round are the same files: measured once
        dump = scratch / f"baseline-{limit}.json"
        _baselines[key] = {"run": stage("baseline_rollup", rnd, limit=limit, dump=dump), "dump": dump}
    run = _baselines[key]["run"]
    validate_only = {**run, "seconds": run["detail"]["seconds_validate"]}
    out["baseline_validate"] = figure([validate_only], n)
    out["baseline_rollup"] = figure([run], n)
    say(f"  baseline: {run['detail']['seconds_validate']:.2f} s validate, {run['seconds']:.2f} s with the roll-up, "
        f"on {limit} files")
    out["agreement"] = agreement(dump_project, _baselines[key]["dump"])

    pv, pr = out["project_validate"]["seconds"], out["project_rollup"]["seconds"]
    bv, br = out["baseline_validate"]["seconds"], out["baseline_rollup"]["seconds"]
    fl, fl2 = out["floor"]["seconds"], out["floor2"]["seconds"]
    out["ratios"] = {
        "validate_speedup": round(bv / pv, 1), "rollup_speedup": round(br / pr, 1),
        "validate_x_floor": round(pv / fl, 2), "rollup_x_floor": round(pr / fl, 2),
        "validate_x_floor2": round(pv / fl2, 2), "rollup_x_floor2": round(pr / fl2, 2),
    }
    return out


# --- once ---------------------------------------------------------------------------------------------------


def one_file(rnd: data.Round, runs: int) -> dict[str, Any]:
    """``consolidate validate FILE`` on one valid submission, and ``consolidate --help``."""
    valid = next(p for p in rnd.paths if synth.class_of(rnd.seed, int(p.name[:5])) == "valid")
    exe = str(BIN / "consolidate")
    out: dict[str, Any] = {}
    # as a clerk's install would run it: pandera imports hypothesis when it is installed, and
    # hypothesis is only a development dependency of ours
    no_dev = [sys.executable, "-c", "import sys; sys.modules['hypothesis'] = None; sys.argv = ['consolidate', "
              f"'validate', {str(valid)!r}]; from consolidate.cli import main; main()"]
    for name, argv in (("validate_one", [exe, "validate", str(valid)]), ("validate_one_no_dev", no_dev),
                       ("help", [exe, "--help"])):
        walls, rss = [], []
        for _ in range(runs):
            wall, peak, code, _ = child(argv)
            if code != 0:
                raise RuntimeError(f"{' '.join(argv)} exited {code}")
            walls.append(round(wall, 3))
            rss.append(peak)
        out[name] = {"seconds": round(statistics.median(walls), 3), "runs": walls, "rss_mb": max(rss)}
    return out


def templates(units: int, seed: int, runs: int, scratch: Path) -> dict[str, Any]:
    """``consolidate template --roster R --out DIR`` for a roster of ``units`` units."""
    roster = scratch / f"roster-{units}.csv"
    data.write_roster(roster, [synth.unit_of(seed, i) for i in range(units)])
    walls, rss = [], []
    for i in range(runs):
        target = scratch / f"templates-{i}"
        wall, peak, code, _ = child([str(BIN / "consolidate"), "template", "--roster", str(roster), "--out",
                                     str(target), "--year", str(synth.YEAR)])
        written = len(list(target.glob("*.xlsx")))
        if code != 0 or written != units:
            raise RuntimeError(f"template: exit {code}, {written} of {units} files")
        shutil.rmtree(target)
        walls.append(round(wall, 2))
        rss.append(peak)
    median = statistics.median(walls)
    return {"units": units, "seconds": round(median, 2), "runs": walls, "ms_per_template": round(1000 * median / units, 1),
            "rss_mb": max(rss)}


def calibration(runs: int = 5) -> dict[str, Any]:
    """How fast this machine is right now: a fixed pure-Python loop, and ``import pandas,
    pandera.pandas`` in a fresh interpreter (medians). This VM's speed varies by a third
    from hour to hour; compare runs through these."""
    loops = []
    for _ in range(runs):
        started = time.perf_counter()
        sum(i * i for i in range(2_000_000))
        loops.append(time.perf_counter() - started)
    imports = [child([sys.executable, "-c", "import pandas, pandera.pandas"])[0] for _ in range(3)]
    return {"loop_ms": round(1000 * statistics.median(loops), 1), "import_pandas_pandera_s": round(
        statistics.median(imports), 3), "load": load()}


# --- targets and the table --------------------------------------------------------------------------------


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    sizes = result["sizes"]
    largest = sizes[max(sizes, key=int)]
    n = largest["n"]
    out = []

    def add(name: str, value: Any, limit: str, met: bool | None) -> None:
        out.append({"target": name, "value": value, "limit": limit, "met": met})

    r = largest["ratios"]
    add(f"validate+rollup of {n}: speed-up over baseline", r["rollup_speedup"], f">= {SPEEDUP_MIN:g}x",
        r["rollup_speedup"] >= SPEEDUP_MIN)
    add(f"validate+rollup of {n}: times the floor", r["rollup_x_floor"], f"<= {FLOOR_MAX:g}x",
        r["rollup_x_floor"] <= FLOOR_MAX)
    add(f"validate+rollup of {n}: times the floor run over 2 processes (for information)", r["rollup_x_floor2"],
        f"<= {FLOOR_MAX:g}x", None)
    peak = max(largest["project_validate"]["rss_mb"], largest["project_rollup"]["rss_mb"])
    workers = max(largest["project_validate"]["rss_workers_mb"], largest["project_rollup"]["rss_workers_mb"])
    add(f"peak RSS of {n} (main process; largest worker {workers:g} MB)", peak, f"< {RSS_MAX_MB:g} MB",
        peak < RSS_MAX_MB)
    ordered = sorted(sizes.values(), key=lambda s: s["n"])
    if len(ordered) >= 2:
        a, b = ordered[-2], ordered[-1]
        ra = max(a["project_validate"]["rss_mb"], a["project_rollup"]["rss_mb"])
        growth = round(peak / ra, 2)
        add(f"RSS growth {a['n']} -> {b['n']} files (x{b['n'] / a['n']:g} files)", growth,
            f"<= {b['n'] / a['n']:g}", growth <= b["n"] / a["n"])
    once = result.get("once", {})
    if "validate_one" in once:
        v = once["validate_one"]["seconds"]
        add("one-file `consolidate validate` wall", v, f"< {ONE_FILE_MAX_S:g} s", v < ONE_FILE_MAX_S)
    if "templates" in once:
        t = once["templates"]
        limit = TEMPLATES_MAX_S * t["units"] / TEMPLATE_UNITS
        add(f"{t['units']} templates from a roster", t["seconds"], f"< {limit:g} s", t["seconds"] < limit)
    return out


def table(result: dict[str, Any]) -> str:
    lines = []
    head = (f"{'N':>6}  {'stage':<17} {'files':>6} {'s':>8} {'CPU s':>7} {'ms/file':>8} {'files/s':>8} "
            f"{'RSS MB':>7} {'wkr MB':>7}  note")
    lines.append(head)
    lines.append("-" * len(head))
    for key in sorted(result["sizes"], key=int):
        s = result["sizes"][key]
        for name in ("project_validate", "project_rollup", "baseline_validate", "baseline_rollup", "floor", "floor2",
                     "floor_etree", "unzip"):
            f = s[name]
            note = f"extrapolated from {f['files_measured']} files" if f["extrapolated"] else ""
            cpu = statistics.median(c for c in f["cpu_s"] if c is not None) * f["files"] / f["files_measured"]
            lines.append(f"{s['n']:>6}  {name:<17} {f['files']:>6} {f['seconds']:>8.2f} {cpu:>7.2f} "
                         f"{f['ms_per_file']:>8.2f} {f['files_per_s'] or 0:>8.0f} {f['rss_mb']:>7.0f} "
                         f"{f['rss_workers_mb']:>7.0f}  {note}")
        r = s["ratios"]
        agree = s.get("agreement") or {}
        lines.append(f"{'':>6}  speed-up vs baseline: validate {r['validate_speedup']}x, rollup {r['rollup_speedup']}x; "
                     f"x floor: validate {r['validate_x_floor']}, rollup {r['rollup_x_floor']} "
                     f"(x 2-process floor: {r['validate_x_floor2']}, {r['rollup_x_floor2']}); "
                     f"baseline = project on {agree.get('same')}/{agree.get('files')} files")
    once = result.get("once", {})
    if once:
        lines.append("")
        for name, f in once.items():
            extra = f" ({f['units']} units, {f['ms_per_template']} ms each)" if name == "templates" else ""
            lines.append(f"{name:<14} {f['seconds']:.3f} s median of {len(f['runs'])}{extra}, peak RSS {f['rss_mb']:g} MB")
    lines.append("")
    for when in ("machine_before", "machine_after"):
        m = result.get(when)
        if m:
            lines.append(f"{when.replace('_', ' ')}: loop {m['loop_ms']} ms, import pandas+pandera "
                         f"{m['import_pandas_pandera_s']} s, load {m['load']}")
    lines.append("")
    for t in result["targets"]:
        mark = {True: "MET   ", False: "MISSED", None: "INFO  "}[t["met"]]
        lines.append(f"{mark} {t['target']}: {t['value']} ({t['limit']})")
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------------------------


def git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "consolidate"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated N (default 100,1000,10000; --quick: 100)")
    parser.add_argument("--json", type=Path, help="where to write the figures (default benchmarks/results/<date>-<host>.json)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: N=100, one repeat, 100 templates, 3 one-file runs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, help="runs per stage (default 3 up to N=1000, 1 above)")
    parser.add_argument("--baseline-max", type=int, default=1000,
                        help="the baseline runs on at most this many files, extrapolated per file above (default 1000)")
    parser.add_argument("--one-file-runs", type=int, default=7)
    parser.add_argument("--template-units", type=int, default=TEMPLATE_UNITS)
    parser.add_argument("--template-runs", type=int, default=1)
    parser.add_argument("--skip-once", action="store_true", help="leave out the one-file and template figures")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in (args.sizes or ("100" if args.quick else "100,1000,10000")).split(",")]
    if args.quick:
        args.repeats = args.repeats or 1
        args.one_file_runs = min(args.one_file_runs, 3)
        args.template_units = min(args.template_units, 100)
        args.baseline_max = min(args.baseline_max, 100)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    result: dict[str, Any] = {
        "date": datetime.now().isoformat(timespec="seconds"), "host": platform.node(), "cpus": os.cpu_count(),
        "python": platform.python_version(), "commit": git_commit(), "seed": args.seed, "quick": args.quick,
        "sizes": {},
    }
    result["machine_before"] = calibration()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        scratch = Path(tmp)
        for n in sizes:
            result["sizes"][str(n)] = measure_size(n, args, scratch, say)
        if not args.skip_once:
            small = data.round_of(min(sizes), args.seed, workers=2)
            result["once"] = one_file(small, args.one_file_runs)
            say(f"one file: {result['once']['validate_one']['seconds']:.2f} s")
            result["once"]["templates"] = templates(args.template_units, args.seed, args.template_runs, scratch)
            say(f"templates: {result['once']['templates']['seconds']:.1f} s")
    result["machine_after"] = calibration()
    result["targets"] = targets(result)
    path = args.json or RESULTS / f"{datetime.now():%Y-%m-%d}-{platform.node()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nfigures written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
