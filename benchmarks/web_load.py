"""A bounded load test of the web intake on loopback (issues 12, 18): `consolidate serve` on
the embedded default (SQLite, WAL, its check workers beside it), each upload a real
workbook through a unit's link with the JSON contract, at 1 and at 20 parallel clients.
Each client posts a file (answered at once: 202) and then waits for its verdict at the
answer's Location (``?wait=30``). Prints uploads per second (decided), the p50/p95 of the
answer to the POST and of the time to the verdict, then `consolidate validate` on the
same files in the same run, and the ratio web/CLI; checks that every upload was decided
and is counted on the board, and writes the figures as JSON.

    .venv/bin/python -m benchmarks.web_load                 # 40 uploads at 1 client, 100 at 20
    .venv/bin/python -m benchmarks.web_load --uploads 20,40 --clients 1,20 --json /tmp/w.json

Bounded: at most ``--uploads`` requests per level and ``--max-seconds`` in all; only
127.0.0.1 is contacted. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from consolidate.roster import Unit
from consolidate.spec import load_spec
from consolidate.template import build_workbook
from consolidate.uscc import make_uscc

CONSOLIDATE = str(Path(sys.executable).with_name("consolidate"))
RESULTS = Path(__file__).resolve().parent / "results"


def _office(data: Path, *args: str, stdin: str = "") -> str:
    done = subprocess.run([CONSOLIDATE, "office", *args, "--data", str(data)], input=stdin, text=True,
                          capture_output=True, check=True)
    return done.stdout.strip().splitlines()[-1]


def _post(url: str, data: bytes) -> tuple[int, float, float, str]:
    """POST the file, then wait for its verdict: (status, answer s, verdict s, state)."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.xlsx\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status, state = response.status, json.loads(response.read())["submission"]["state"]
            location = response.headers["Location"]
    except urllib.error.HTTPError as exc:
        return exc.code, time.perf_counter() - started, 0.0, ""
    answered = time.perf_counter() - started
    base = url.split("/u/", 1)[0]
    while status == 202:  # the server lets a few requests wait at once; the others look again shortly
        with urllib.request.urlopen(urllib.request.Request(base + location + "?wait=30", headers={
                "Accept": "application/json"}), timeout=120) as response:
            status, state = response.status, json.loads(response.read())["submission"]["state"]
        if status == 202:
            time.sleep(0.2)
    return status, answered, time.perf_counter() - started, state


def _burst(base: str, jobs: list[tuple[str, bytes]], clients: int) -> dict[str, Any]:
    """``clients`` post their files back to back without waiting for verdicts (a deadline's rush:
    the server's capacity, not the clients' pace); then every verdict is waited for."""
    def post(job: tuple[str, bytes]) -> tuple[int, float, str]:
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.xlsx\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + job[1] + f"\r\n--{boundary}--\r\n".encode()
        started = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(base + job[0], data=body, method="POST", headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"}),
                timeout=120) as response:
            response.read()
            return response.status, time.perf_counter() - started, response.headers["Location"]

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        answers = list(pool.map(post, jobs))
    posted = time.perf_counter() - started
    valid = 0
    for _, _, location in answers:  # in the order posted, each waited for at the server (not polled)
        state = "checking"
        while state == "checking" and time.perf_counter() - started < 300:
            with urllib.request.urlopen(urllib.request.Request(base + location + "?wait=30", headers={
                    "Accept": "application/json"}), timeout=60) as response:
                state = json.loads(response.read())["submission"]["state"]
            if state == "checking":
                time.sleep(0.1)
        valid += state == "valid"
    wall = time.perf_counter() - started
    latencies = [a[1] for a in answers]
    return {"clients": clients, "uploads": len(jobs), "decided_valid": valid, "posted_seconds": round(posted, 2),
            "seconds": round(wall, 2), "uploads_per_second": round(len(jobs) / wall, 2),
            "p50_ms": round(statistics.median(latencies) * 1000), "p95_ms": round(percentile(latencies, 95) * 1000)}


def _validate(folder: Path, roster: Path) -> tuple[float, float]:
    """Seconds `consolidate validate` takes on the same files (the same roster and year), and
    the processor seconds it used (its workers included)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([CONSOLIDATE, "validate", str(folder), "--roster", str(roster), "--year", "2025"],
                   capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - started, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def tree_cpu(pid: int) -> float:
    """Processor seconds used so far by ``pid`` and every process below it (Linux /proc: each
    one's own time and that of its children already ended; 0 elsewhere)."""
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        times[int(entry.name)] = sum(int(f) for f in fields[11:15]) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo += children.get(current, [])
    return total


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", default="40,100", help="uploads per level, one per --clients value")
    parser.add_argument("--clients", default="1,20")
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--json", type=Path, default=RESULTS / f"{date.today()}-web-load.json")
    args = parser.parse_args(argv)
    clients = [int(x) for x in args.clients.split(",")]
    uploads = [int(x) for x in args.uploads.split(",")]
    assert len(uploads) == len(clients), "--uploads and --clients need as many values"
    deadline = time.monotonic() + args.max_seconds

    folder = Path(tempfile.mkdtemp(prefix="web-load-"))
    data = folder / "data"
    n_units = max(uploads)
    units = [Unit(code=make_uscc(f"1134{9:07d}{i:06d}"), name=f"压测县第{i + 1}单位", type="部门", parent="压测县")
             for i in range(n_units)]
    roster = folder / "roster.csv"
    roster.write_text("单位代码,单位名称,单位类型,上级单位\n" + "".join(
        f"{u.code},{u.name},{u.type},{u.parent}\n" for u in units), encoding="utf-8")
    _office(data, "adduser", "bench", stdin="a-long-enough-password\n")
    token = _office(data, "token", "bench")
    links_file = folder / "links.csv"
    round_id = _office(data, "open-round", "--roster", str(roster), "--year", "2025", "--links", str(links_file))
    links = [urlsplit(line.split(",")[2]).path for line in links_file.read_text(encoding="utf-8-sig").splitlines()[1:]]
    spec = load_spec("v2021")
    files = [build_workbook(spec, 2025, u) for u in units]

    launched = time.perf_counter()
    server = subprocess.Popen([CONSOLIDATE, "serve", "--data", str(data), "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        assert server.stdout is not None
        found = re.search(r"http://127\.0\.0\.1:\d+", server.stdout.readline())
        assert found, "the server did not start"
        base = found.group(0)
        listening = time.perf_counter() - launched
        # the first upload once the server listens (its check workers may still be starting)
        status, first_answer, first_verdict, first_state = _post(base + links[0], files[0])
        first = {"listening_after_s": round(listening, 2), "status": status, "answer_ms": round(first_answer * 1000),
                 "verdict_ms": round(first_verdict * 1000), "state": first_state}
        print(f"first upload after start (listening {listening:.2f} s after launch): answered in "
              f"{first['answer_ms']} ms, verdict ({first_state}) in {first['verdict_ms']} ms", flush=True)
        levels = []
        for n_clients, n_uploads in zip(clients, uploads, strict=True):
            jobs = [(base + links[i % n_units], files[i % n_units]) for i in range(n_uploads)]
            started, cpu = time.perf_counter(), tree_cpu(server.pid)
            with ThreadPoolExecutor(n_clients) as pool:
                answers = list(pool.map(lambda job: _post(*job) if time.monotonic() < deadline else (0, 0.0, 0.0, ""),
                                        jobs))
            wall = time.perf_counter() - started
            cpu_ms = (tree_cpu(server.pid) - cpu) * 1000 / n_uploads
            latencies = [a[1] for a in answers]
            verdicts = [a[2] for a in answers]
            ok = sum(1 for status, _, _, state in answers if status == 200 and state == "valid")
            level = {"clients": n_clients, "uploads": n_uploads, "decided_valid": ok, "seconds": round(wall, 2),
                     "uploads_per_second": round(n_uploads / wall, 2),
                     "p50_ms": round(statistics.median(latencies) * 1000),
                     "p95_ms": round(percentile(latencies, 95) * 1000),
                     "max_ms": round(max(latencies) * 1000),
                     "verdict_p50_ms": round(statistics.median(verdicts) * 1000),
                     "verdict_p95_ms": round(percentile(verdicts, 95) * 1000), "cpu_ms_per_upload": round(cpu_ms, 1)}
            levels.append(level)
            print(f"{n_clients:>3} clients: {n_uploads} uploads decided in {wall:.1f} s = "
                  f"{level['uploads_per_second']} /s; answer p50 {level['p50_ms']} ms, p95 {level['p95_ms']} ms, "
                  f"max {level['max_ms']} ms; verdict p50 {level['verdict_p50_ms']} ms, "
                  f"p95 {level['verdict_p95_ms']} ms; {ok}/{n_uploads} valid; server, workers and checks used "
                  f"{level['cpu_ms_per_upload']} ms of processor time per upload", flush=True)
        cpu = tree_cpu(server.pid)
        burst = _burst(base, [(links[i % n_units], files[i % n_units]) for i in range(max(uploads))], max(clients))
        burst["cpu_ms_per_upload"] = round((tree_cpu(server.pid) - cpu) * 1000 / burst["uploads"], 1)
        print(f"{burst['clients']:>3} clients posting without waiting: {burst['uploads']} uploads answered in "
              f"{burst['posted_seconds']} s, all decided in {burst['seconds']} s = {burst['uploads_per_second']} /s; "
              f"answer p50 {burst['p50_ms']} ms, p95 {burst['p95_ms']} ms; {burst['decided_valid']} valid; "
              f"{burst['cpu_ms_per_upload']} ms of processor time per upload", flush=True)
        request = urllib.request.Request(f"{base}/office/rounds/{round_id}/status.json",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            board = json.loads(response.read())
        stored = sum(u["submissions"] for u in board["units"])
        expected = 1 + sum(uploads) + burst["uploads"]
        print(f"stored and counted on the board: {stored} of {expected} uploads")
    finally:
        server.send_signal(2)
        server.wait(30)
    inputs = folder / "files"
    inputs.mkdir()
    for i, data_ in enumerate(files):
        (inputs / f"{i:05d}.xlsx").write_bytes(data_)
    cli_seconds, cli_cpu = _validate(inputs, roster)
    cli_rate = len(files) / cli_seconds
    cli_cpu_ms = cli_cpu * 1000 / len(files)
    busiest = max([*levels, burst], key=lambda lv: lv["uploads_per_second"])
    ratio = busiest["uploads_per_second"] / cli_rate
    print(f"consolidate validate on the same {len(files)} files: {cli_seconds:.2f} s = {cli_rate:.1f} files/s "
          f"(whole command, start-up included); web/CLI = {ratio:.2f} "
          f"(at {busiest['clients']} clients{', posting without waiting' if busiest is burst else ''}); processor time "
          f"{cli_cpu_ms:.1f} ms a file, web/CLI in processor time per file = {burst['cpu_ms_per_upload'] / cli_cpu_ms:.2f}"
          f" (the machine's load average now: {os.getloadavg()[0]:.1f})")
    result = {"machine": {"host": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version()},
              "server": "consolidate serve (waitress, 8 threads), SQLite WAL, check workers = cores (max 4)",
              "first_upload": first, "levels": levels, "burst": burst, "stored": stored, "expected": expected,
              "cli": {"files": len(files), "seconds": round(cli_seconds, 2), "files_per_second": round(cli_rate, 1),
                      "cpu_ms_per_file": round(cli_cpu_ms, 1)},
              "load_average": os.getloadavg()[0],
              "web_over_cli": round(ratio, 3)}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.json}")
    return 0 if stored == expected and all(lv["decided_valid"] == lv["uploads"] for lv in [*levels, burst]) else 1


if __name__ == "__main__":
    sys.exit(main())
