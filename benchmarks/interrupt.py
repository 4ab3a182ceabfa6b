"""Ctrl-C trials (issue 11, item 5): the real command in its own process group, SIGINT sent to
the whole group as a terminal does, at chosen moments; how long it takes to stop, its exit
code and message, what is left behind (processes of the group, outputs, temporary files).

``tests/test_interrupt.py`` asserts on single trials; this prints the figures of many::

    .venv/bin/python -m benchmarks.interrupt            # 5 trials at each moment
    .venv/bin/python -m benchmarks.interrupt --trials 10 --copies 12
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "samples" / "demo"
COMMAND = [sys.executable, "-m", "consolidate"]
TEMP_PREFIX = ".~consolidate-"


@dataclass(frozen=True)
class Trial:
    moment: str
    returncode: int
    seconds: float  # from the (first) SIGINT to the process's exit
    stderr: str
    left_processes: tuple[int, ...]  # of the command's process group, after it exited
    left_outputs: tuple[str, ...]  # the output and any temporary entry of ours beside it
    reached: bool = True  # False: the command ended before the moment came (Ctrl-C was pressed too late)


def demo_copies(folder: Path, copies: int) -> Path:
    """``copies`` copies of the demo's submissions, one sub-folder each (enough files to read over processes)."""
    for i in range(copies):
        shutil.copytree(DEMO / "submissions", folder / f"第{i + 1}批")
    return folder


def _children(pid: int) -> list[int]:
    return [p for p in _processes() if _stat(p)[1] == pid]


def _group(pgid: int) -> list[int]:
    return [p for p in _processes() if _stat(p)[2] == pgid]


def _processes() -> list[int]:
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def _stat(pid: int) -> tuple[str, int, int]:
    """State, parent and process group of ``pid`` (zeros when it is gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ("", 0, 0)
    fields = text.rsplit(")", 1)[1].split()
    return (fields[0], int(fields[1]), int(fields[2]))


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], limit: float = 60.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(0.005)
    return False


def trial(args: Sequence[str], out: Path, moment: str, *, delay: float = 0.15, twice: bool = False) -> Trial:
    """Run ``consolidate *args`` (writing ``out``) and press Ctrl-C at ``moment``:

    - ``early``: ``delay`` seconds after the start (while Python imports the command);
    - ``workers``: as soon as worker processes are running (reading, or building templates);
    - ``writing``: once the summary is written in the round's staging folder (the report,
      the JSON and the annotated copies are being written);
    - ``copies``: once a worker has written an annotated copy (under its temporary name, in
      the copies' staging folder inside the round's: more copies are being made).
    ``twice``: a second Ctrl-C 50 ms after the first.
    """
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([*COMMAND, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True, env=env, cwd=out.parent)
    reached = True
    if moment == "early":
        time.sleep(delay)
    elif moment == "workers":
        reached = _wait_for(lambda: len(_children(process.pid)) >= 1, process)
    elif moment == "writing":
        reached = _wait_for(lambda: any(out.parent.glob(f"{TEMP_PREFIX}staging-*/汇总表.xlsx")), process)
    elif moment == "copies":
        reached = _wait_for(
            lambda: any(out.parent.glob(f"{TEMP_PREFIX}staging-*/{TEMP_PREFIX}staging-*/{TEMP_PREFIX}copy-*")), process)
    else:
        raise ValueError(moment)
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    if twice:
        time.sleep(0.05)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
    try:
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    seconds = time.monotonic() - started
    left = _group(process.pid)
    for _ in range(100):  # a process just killed may need a moment to be reaped
        if not left:
            break
        time.sleep(0.01)
        left = [p for p in _group(process.pid) if _stat(p)[0] != "Z"]
    leftovers = [p.name for p in out.parent.iterdir() if p == out or p.name.startswith(TEMP_PREFIX)]
    return Trial(moment + (" twice" if twice else ""), process.returncode, seconds, err.decode("utf-8", "replace"),
                 tuple(left), tuple(sorted(leftovers)), reached)


def run_args(inputs: Path, out: Path) -> list[str]:
    return ["run", str(inputs), "--roster", str(DEMO / "roster.csv"), "--year", "2025", "--out", str(out)]


def template_args(out: Path) -> list[str]:
    return ["template", "--roster", str(DEMO / "roster.csv"), "--year", "2025", "--out", str(out)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=5, help="trials at each moment")
    parser.add_argument("--copies", type=int, default=12, help="copies of the demo's 26 submissions to read")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="interrupt-") as tmp:
        inputs = demo_copies(Path(tmp) / "in", options.copies)
        files = sum(1 for p in inputs.rglob("*") if p.is_file())
        print(f"{files} files; `run` and `template --roster` (26 units) interrupted by SIGINT to the process group")
        kinds: list[tuple[str, Callable[[Path], list[str]], str, dict[str, object]]] = [
            ("run", lambda out: run_args(inputs, out), "early", {"delay": 0.15}),
            ("run", lambda out: run_args(inputs, out), "early", {"delay": 0.5}),
            ("run", lambda out: run_args(inputs, out), "workers", {}),
            ("run", lambda out: run_args(inputs, out), "workers", {"twice": True}),
            ("run", lambda out: run_args(inputs, out), "writing", {}),
            ("run", lambda out: run_args(inputs, out), "writing", {"twice": True}),
            ("run", lambda out: run_args(inputs, out), "copies", {}),
            ("run", lambda out: run_args(inputs, out), "copies", {"twice": True}),
            ("template", template_args, "workers", {}),
            ("template", template_args, "workers", {"twice": True}),
        ]
        worst = 0.0
        print(f"{'command':9} {'moment':26} {'trials':>6} {'exit 130':>8} {'clean':>5} {'median s':>8} {'max s':>6}")
        for command, make_args, moment, extra in kinds:
            results = []
            for n in range(options.trials):
                out = Path(tmp) / "out" / f"{command}-{moment}-{n}"
                out.parent.mkdir(exist_ok=True)
                results.append(trial(make_args(out), out, moment, **extra))  # type: ignore[arg-type]
            times = sorted(r.seconds for r in results)
            worst = max(worst, times[-1])
            ok = sum(r.returncode == 130 for r in results)
            clean = sum(not r.left_processes and not r.left_outputs and "Traceback" not in r.stderr for r in results)
            label = moment + (f" {extra['delay']} s" if "delay" in extra else "") + (" (twice)" if extra.get("twice") else "")
            print(f"{command:9} {label:26} {len(results):6} {ok:8} {clean:5} {times[len(times) // 2]:8.2f} {times[-1]:6.2f}")
        print(f"worst time to stop: {worst:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
