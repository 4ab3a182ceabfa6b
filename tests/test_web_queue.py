"""The check queue and its workers (consolidate/web/tasks.py, workers.py, runner.py), over
real HTTP against `consolidate serve` and `consolidate worker` in other processes, on
SQLite and on PostgreSQL (the `postgres` fixture of test_web_contract).

Covers: an upload answered at once (202 while checked, Location {link}/v/{version}.json,
`?wait=S` on both, capped at 30 s), the unit's page showing 审核中 and polling (htmx) until
the verdict; workers run alone against the server's database and data folder; kill -9 of
the server during 20 uploads (every acknowledged upload gets its verdict after a restart,
none stays `checking`, no worker or check process survives the server); a file that hangs
its check from one link while other units upload and get their verdicts promptly (the
hang decided FILE-TIMEOUT; SQLite and PostgreSQL); one check per unit at a time (the lease).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.client import HTTPException
from pathlib import Path

import pytest
from test_web_contract import postgres  # noqa: F401  (a fixture)
from web_hooks import SLOW
from web_support import CONSOLIDATE, http, multipart, serving, setup_round, upload, wait_until, workbook

TESTS = str(Path(__file__).resolve().parent)


def database_param(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("postgres") if request.param == "postgresql" else None


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> str | None:
    return database_param(request)


def post(link: str, data: bytes, query: str = "") -> tuple[int, dict[str, str], dict[str, object], float]:
    body, content_type = multipart(data)
    start = time.monotonic()
    status, headers, raw = http("POST", link + query, body=body,
                                headers={"Content-Type": content_type, "Accept": "application/json"})
    return status, headers, json.loads(raw), time.monotonic() - start


def timed_get(url: str) -> tuple[int, float]:
    start = time.monotonic()
    status, _ = get_json(url)
    return status, time.monotonic() - start


def get_json(url: str) -> tuple[int, dict[str, object]]:
    status, _, raw = http("GET", url, headers={"Accept": "application/json"})
    return status, json.loads(raw)


@contextmanager
def worker(data: Path, database: str | None, *, workers: int = 2,
           env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[str]]:
    """`consolidate worker` alone, until the block ends (then Ctrl-C)."""
    command = [CONSOLIDATE, "worker", "--data", str(data), "--workers", str(workers)]
    if database:
        command += ["--database", database]
    full_env = {k: v for k, v in os.environ.items() if k != "CONSOLIDATE_DATABASE_URL"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**full_env, **(env or {})})
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                raise


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    out: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def count(data: Path, database: str | None, sql: str) -> int:
    if database is None:
        with sqlite3.connect(data / "consolidate.sqlite3") as db:
            return int(db.execute(sql).fetchone()[0])
    import psycopg

    with psycopg.connect(database) as db:
        row = db.execute(sql).fetchone()
        return int(row[0]) if row else -1


def checking_left(data: Path, database: str | None) -> int:
    return count(data, database, "select count(*) from web_submission where state='checking'")


def test_upload_is_answered_at_once_and_a_worker_elsewhere_decides_it(tmp_path: Path, database: str | None) -> None:
    data = tmp_path / "data"
    _, _, paths, units = setup_round(data, database, 3)
    first, second = units.units[0], units.units[1]  # type: ignore[attr-defined]
    with serving(data, database, args=["--workers", "0"]) as server:  # the web alone
        link = server.url + paths[first.code]
        assert http("GET", link)[0] == 200  # the unit opens its page, then uploads
        status, headers, body, took = post(link, workbook(first, error=True))
        assert status == 202 and took < 1.0
        sub = body["submission"]
        assert isinstance(sub, dict) and sub["state"] == "checking" and sub["version"] == 1
        assert body["report"] is None
        location = headers["Location"]
        assert location == f"{paths[first.code]}/v/1.json"
        # the same answer at Location; ?wait gives up after S seconds (capped at 30) with 202
        status, again = get_json(server.url + location)
        assert status == 202 and again == body
        start = time.monotonic()
        status, _ = get_json(server.url + location + "?wait=1.5")
        assert status == 202 and 1.4 < time.monotonic() - start < 5
        # at most WAIT_SLOTS (4) requests wait at once: the others are answered at once
        with ThreadPoolExecutor(6) as pool:
            timed = list(pool.map(lambda _: timed_get(server.url + location + "?wait=3"), range(6)))
        assert all(status == 202 for status, _ in timed)
        assert sum(1 for _, took in timed if took > 2.5) <= 4 and sum(1 for _, took in timed if took < 1.5) >= 2
        # the unit's page: 审核中, polling itself (htmx) for the verdict
        _, _, page = http("GET", link)
        html = page.decode()
        assert "审核中" in html and 'hx-trigger="every 2s"' in html
        status, _, _, _ = post(server.url + paths[second.code], workbook(second))
        assert status == 202
        with worker(data, database) as process:
            status, done = get_json(server.url + location + "?wait=30")
            assert status == 200
            decided = done["submission"]
            assert isinstance(decided, dict) and decided["state"] == "invalid" and decided["version"] == 1
            report = done["report"]
            assert isinstance(report, dict) and report["status"] == "invalid" and report["findings"]
            status, other = get_json(server.url + paths[second.code] + "/v/1.json?wait=30")
            assert status == 200 and other["submission"]["state"] == "valid"  # type: ignore[index]
            # a POST whose verdict comes within its ?wait is answered 200 with it
            status, headers, body, _ = post(link, workbook(first), "?wait=30")
            assert status == 200 and body["submission"]["state"] == "valid"  # type: ignore[index]
            assert headers["Location"] == f"{paths[first.code]}/v/2.json"
            _, _, page = http("GET", link)
            html = page.decode()
            assert "通过" in html and 'hx-trigger="every 2s"' not in html
            process.send_signal(signal.SIGINT)
            out, _ = process.communicate(timeout=30)
        assert process.returncode == 0 and "已停止" in out and "Traceback" not in out
        status, _ = get_json(server.url + paths[first.code] + "/v/9.json")
        assert status == 404
    assert checking_left(data, database) == 0


def test_kill_9_during_uploads_loses_no_verdict_and_leaves_no_worker(tmp_path: Path, database: str | None) -> None:
    data = tmp_path / "data"
    _, _, paths, units = setup_round(data, database, 20)
    the_units = units.units  # type: ignore[attr-defined]
    files = [workbook(u, seed=i) for i, u in enumerate(the_units)]
    acknowledged: list[tuple[str, str]] = []  # (link, Location)
    with serving(data, database) as server:
        tree = descendants(server.process.pid)
        assert tree, "serve starts its check workers"

        def one(i: int) -> None:
            try:
                status, headers, _, _ = post(server.url + paths[the_units[i].code], files[i])
            except (OSError, HTTPException, ValueError):
                return  # cut by the kill (no answer, or half of one): not acknowledged
            if status in (200, 202):
                acknowledged.append((server.url, headers["Location"]))

        with ThreadPoolExecutor(20) as pool:
            futures = [pool.submit(one, i) for i in range(20)]
            deadline = time.monotonic() + 30
            while len(acknowledged) < 8 and time.monotonic() < deadline:
                time.sleep(0.01)
            tree |= descendants(server.process.pid)
            server.process.kill()  # kill -9
            for f in futures:
                f.result()
        server.process.wait(10)
        end = time.monotonic() + 15
        while alive(tree) and time.monotonic() < end:
            time.sleep(0.2)
        assert not alive(tree), "a worker or check process outlived the killed server"
    assert len(acknowledged) >= 8
    with serving(data, database) as again:
        for _, location in acknowledged:
            status, body = get_json(again.url + location + "?wait=30")
            assert status == 200 and body["submission"]["state"] == "valid"  # type: ignore[index]
        end = time.monotonic() + 60
        while checking_left(data, database) and time.monotonic() < end:
            time.sleep(0.5)
        assert checking_left(data, database) == 0
        # the killed workers' tasks are marked failed (their checks ran again), none shows as running
        running = "select count(*) from django_tasks_database_dbtaskresult where status='RUNNING'"
        end = time.monotonic() + 15
        while count(data, database, running) and time.monotonic() < end:
            time.sleep(0.5)
        assert count(data, database, running) == 0


def test_a_hanging_file_from_one_link_does_not_hold_up_the_others(tmp_path: Path, database: str | None) -> None:
    data = tmp_path / "data"
    _, _, paths, units = setup_round(data, database, 8)
    the_units = units.units  # type: ignore[attr-defined]
    slow_unit, others = the_units[0], the_units[1:]
    env = {"CONSOLIDATE_CHECK_FUNCTION": "web_hooks.slow_or_check", "CONSOLIDATE_CHECK_TIMEOUT": "20",
           "PYTHONPATH": os.pathsep.join(filter(None, [TESTS, os.environ.get("PYTHONPATH")]))}
    with serving(data, database, extra_env=env, args=["--workers", "2"]) as server:
        # the workers are up (their check processes' fork server has loaded the library)
        assert upload(server.url + paths[others[0].code], workbook(others[0]), wait=30)[0] == 200
        slow = workbook(slow_unit) + SLOW  # still stored as sent; its check hangs
        hung = [post(server.url + paths[slow_unit.code], slow)[1]["Location"] for _ in range(4)]
        time.sleep(1)  # the first of them is being checked
        took = []
        for u in others:
            start = time.monotonic()
            status, body = upload(server.url + paths[u.code], workbook(u))
            took.append(time.monotonic() - start)
            assert status == 200 and body["submission"]["state"] == "valid"
        assert max(took) < 8, took  # nowhere near the 20 s the hanging check is given
        status, body = get_json(server.url + hung[0] + "?wait=30")
        assert status == 200 and body["submission"]["state"] == "unreadable"  # type: ignore[index]
        finding = body["report"]["findings"][0]  # type: ignore[index]
        assert finding["code"] == "FILE-TIMEOUT" and "20" in finding["message"]
        # the link's later files wait their turn (one check per unit at a time)
        status, body = get_json(server.url + hung[1])
        assert status == 202


def value(data: Path, database: str | None, sql: str) -> object:
    if database is None:
        with sqlite3.connect(data / "consolidate.sqlite3") as db:
            row = db.execute(sql).fetchone()
    else:
        import psycopg

        with psycopg.connect(database) as db:
            row = db.execute(sql).fetchone()
    return row[0] if row else None


def test_a_worker_killed_mid_check_elsewhere_holds_its_unit_no_longer_than_a_lease(
        tmp_path: Path, database: str | None) -> None:
    """A worker on another machine (CONSOLIDATE_WORKER_HOST: its process cannot be looked at
    from here) renews its claim while it checks, then is killed with SIGKILL in the middle of
    the check: another worker decides the file within about 30 s (a lease of 15 s, a sweep every
    5 s, the check), not after the 185 s a claim used to last."""
    data = tmp_path / "data"
    _, _, paths, units = setup_round(data, database, 2)
    unit = units.units[0]  # type: ignore[attr-defined]
    held = "select check_until from web_roundunit where check_holder like 'elsewhere:%'"
    with serving(data, database, args=["--workers", "0"]) as server:  # the web alone
        doomed_env = {"CONSOLIDATE_CHECK_FUNCTION": "web_hooks.hang", "CONSOLIDATE_WORKER_HOST": "elsewhere",
                      "PYTHONPATH": os.pathsep.join(filter(None, [TESTS, os.environ.get("PYTHONPATH")]))}
        with worker(data, database, workers=1, env=doomed_env) as doomed:
            status, headers, _, _ = post(server.url + paths[unit.code], workbook(unit))
            assert status == 202
            location = headers["Location"]
            wait_until(lambda: value(data, database, held) is not None, 60)  # its check runs (and hangs)
            first = value(data, database, held)
            wait_until(lambda: value(data, database, held) not in (None, first), 15)  # the claim is renewed
            doomed.kill()  # SIGKILL: nothing of it runs after this
            doomed.wait(10)
            killed = time.monotonic()
        assert value(data, database, held) is not None  # its claim outlives it
        with worker(data, database):  # a worker of this machine, which cannot tell the other is dead
            status, body = get_json(server.url + location + "?wait=30")
            while status == 202 and time.monotonic() - killed < 90:
                status, body = get_json(server.url + location + "?wait=30")
            took = time.monotonic() - killed
            assert status == 200 and body["submission"]["state"] == "valid"  # type: ignore[index]
            assert took < 45, took
            running = "select count(*) from django_tasks_database_dbtaskresult where status='RUNNING'"
            wait_until(lambda: count(data, database, running) == 0, 30)  # the dead worker's task: failed
    assert checking_left(data, database) == 0


def test_one_check_per_unit_at_a_time(web: Path) -> None:
    from web_support import roster

    from consolidate.web.rounds import open_round
    from consolidate.web.tasks import claim, release

    _, issued = open_round(roster(2), year=2025, actor="测试")
    unit = issued[0].unit
    assert claim(unit.pk, "host:1:0")
    assert not claim(unit.pk, "host:2:0")  # busy: the other worker leaves it
    assert claim(issued[1].unit.pk, "host:2:0")  # another unit is free
    release(unit.pk, "host:2:0")  # only the holder releases
    assert not claim(unit.pk, "host:2:0")
    release(unit.pk, "host:1:0")
    assert claim(unit.pk, "host:2:0")
    release(unit.pk, "host:2:0")
    release(issued[1].unit.pk, "host:2:0")


def test_serve_and_worker_help_name_the_workers() -> None:
    out = subprocess.run([CONSOLIDATE, "worker", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "--workers" in out.stdout and "--database" in out.stdout
    out = subprocess.run([CONSOLIDATE, "serve", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "--workers" in out.stdout
    assert sys.executable
