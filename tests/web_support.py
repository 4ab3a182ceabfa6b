"""Helpers for the web tests (test_web_*.py): Django started on a temporary data folder,
rounds with small rosters, workbooks of a unit with or without an error, and the HTTP
contract run against a real server (SQLite or PostgreSQL)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from factories import balanced_values, submission

from consolidate.roster import Roster, Unit
from consolidate.uscc import make_uscc

ROOT = Path(__file__).resolve().parents[1]
CONSOLIDATE = str(Path(sys.executable).with_name("consolidate"))
ERROR_KEY = "t3.carry_over.natural"  # an input of 表三: one more here breaks 一+二=（七）+四


def start_django(folder: Path) -> None:
    os.environ["CONSOLIDATE_DATA"] = str(folder)
    os.environ.pop("CONSOLIDATE_DATABASE_URL", None)
    os.environ.setdefault("CONSOLIDATE_CHECK_WORKERS", "2")
    # the downloads are built when asked (tests count those builds); test_web_prepare turns the
    # task that builds them ahead on for its own tests
    os.environ.setdefault("CONSOLIDATE_PREPARE_DELAY", "-1")
    from consolidate.web.config import configure

    configure(folder)


def roster(n: int = 3, tag: str | None = None) -> Roster:
    """``n`` units with valid codes, unique per call (rounds share one database)."""
    tag = tag or uuid.uuid4().hex[:6]
    base = int(tag, 16) % 10_000_000
    units = tuple(Unit(code=make_uscc(f"1134{base:07d}{i:06d}"), name=f"测试县{tag}第{i + 1}单位", type="部门",
                       parent="测试县", row=i + 2) for i in range(n))
    return Roster(units, "roster.csv")


def workbook(unit: Any, *, error: bool = False, year: int = 2025, fmt: str = "v2021", seed: int = 1,
             name: str | None = None, code: str | None = None) -> bytes:
    """A filled template of ``unit`` (anything with .code and .name); ``error``: 表三 unbalanced."""
    values = balanced_values(fmt, seed)
    if error:
        values[ERROR_KEY] += 1
    return submission(fmt, values=values, year=year,
                      unit={"unit_name": name if name is not None else unit.name,
                            "unit_code": code if code is not None else unit.code})


def write_roster_csv(path: Path, units: Roster) -> Path:
    lines = ["单位代码,单位名称,单位类型,上级单位"] + [f"{u.code},{u.name},{u.type},{u.parent}" for u in units.units]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- a real server -----------------------------------------------------------------------

@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)  # what it printed, read as it goes
    reader: threading.Thread | None = None

    def read_output(self) -> None:
        """Read what the server prints for as long as it runs: a pipe nobody reads fills at 64 KB,
        and the server then blocks at its next log line (a flood of refused requests logs one each)."""
        assert self.process.stdout is not None
        self.reader = threading.Thread(target=lambda: self.output.extend(self.process.stdout or ()), daemon=True)
        self.reader.start()

    def stop(self) -> str:
        import signal

        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)
        if self.reader is not None:
            self.reader.join(timeout=10)
        return "".join(self.output)


@contextmanager
def serving(data: Path, database: str | None = None, extra_env: Mapping[str, str] | None = None,
            args: Sequence[str] = ()) -> Iterator[Server]:
    """``consolidate serve`` on a free port of 127.0.0.1 until the block ends (then Ctrl-C);
    ``args``: more options (``--behind-proxy``)."""
    env = {**os.environ, **(extra_env or {})}
    env.pop("CONSOLIDATE_DATABASE_URL", None)
    command = [CONSOLIDATE, "serve", "--data", str(data), "--port", "0", *args]
    if database:
        command += ["--database", database]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not found:
        process.kill()
        raise AssertionError(f"serve did not start: {line}{process.stdout.read()}")
    server = Server(found.group(0).rstrip("/"), process)
    server.read_output()
    try:
        yield server
    finally:
        if process.poll() is None:
            server.stop()


def office(data: Path, *args: str, database: str | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    command = [CONSOLIDATE, "office", *args, "--data", str(data)]
    if database:
        command += ["--database", database]
    env = {k: v for k, v in os.environ.items() if k != "CONSOLIDATE_DATABASE_URL"}
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, timeout=300)


def http(method: str, url: str, *, body: bytes | None = None, headers: Mapping[str, str] | None = None,
         timeout: float = 120) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def multipart(data: bytes, filename: str = "报表.xlsx") -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def upload(link: str, data: bytes, filename: str = "报表.xlsx", wait: float = 30) -> tuple[int, Any]:
    """POST the file; ``wait``: seconds to wait for the verdict (``?wait=`` on the POST, then on
    its Location while the server answers 202: it lets only a few requests wait at once)."""
    body, content_type = multipart(data, filename)
    status, headers, answer = http("POST", f"{link}?wait={wait:g}" if wait else link, body=body,
                                   headers={"Content-Type": content_type, "Accept": "application/json"})
    end = time.monotonic() + wait
    while status == 202 and wait and time.monotonic() < end:
        base = link.split("/u/", 1)[0]
        status, _, answer = http("GET", f"{base}{headers['Location']}?wait={max(1, end - time.monotonic()):.0f}",
                                 headers={"Accept": "application/json"})
        if status == 202:
            time.sleep(0.2)
    return status, json.loads(answer)


def links_of(path: Path) -> dict[str, str]:
    import csv

    with path.open(encoding="utf-8-sig") as fh:
        return {row["单位代码"]: row["上报链接"] for row in csv.DictReader(fh)}


def wait_until(predicate: Any, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def setup_round(data: Path, database: str | None, units: int, *, user: str = "scripter",
                password: str = "a-long-enough-password") -> tuple[str, int, dict[str, str], Roster]:
    """An account, its token and a round of ``units`` units, through the office commands."""
    made = office(data, "adduser", user, database=database, stdin=password + "\n")
    assert made.returncode == 0, made.stderr
    token = office(data, "token", user, database=database)
    assert token.returncode == 0, token.stderr
    secret = token.stdout.strip().splitlines()[-1]
    assert len(secret) >= 32 and " " not in secret
    units_roster = roster(units)
    csv_path = write_roster_csv(data.parent / f"roster-{uuid.uuid4().hex[:6]}.csv", units_roster)
    links = data.parent / f"links-{uuid.uuid4().hex[:6]}.csv"
    opened = office(data, "open-round", "--roster", str(csv_path), "--year", "2025", "--links", str(links),
                    "--base-url", "http://units.example", database=database)
    assert opened.returncode == 0, opened.stderr
    round_id = int(opened.stdout.strip().splitlines()[-1])
    paths = {code: urlsplit(url).path for code, url in links_of(links).items()}
    assert all(url.startswith("http://units.example/u/") for url in links_of(links).values())
    return secret, round_id, paths, units_roster
