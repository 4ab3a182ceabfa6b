"""Slow clients against a real ``consolidate serve``: N connections that trickle one byte a
second (a request head that never ends), while a login page is asked for once a second.

    python -m benchmarks.slow_clients [--connections 110] [--seconds 15]

Prints each login's time (or ``timeout``) and how many of the slow connections the server
had closed by the end. Used by tests/test_web_limits.py (the 2 s bound) and for the figures
in the issue's closing note.
"""

from __future__ import annotations

import argparse
import http.client
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# the head of a request that never ends: one byte a second after this
HEAD = b"GET /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
# a whole head, then a body that comes one byte a second
BODY_HEAD = b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n"


@dataclass
class Trickle:
    """``count`` connections to ``host:port``, each fed one byte per ``tick()``."""

    host: str
    port: int
    count: int
    slow_bodies: int = 0  # how many of them send a whole head at once, then their body one byte a second
    sockets: list[socket.socket] = field(default_factory=list)
    closed_by_server: int = 0
    refused: int = 0

    def open(self) -> None:
        for i in range(self.count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(2)
            try:
                s.connect((self.host, self.port))
                s.sendall(BODY_HEAD if i < self.slow_bodies else HEAD[:1])
            except OSError:
                self.refused += 1
                s.close()
                continue
            s.setblocking(False)
            self.sockets.append(s)

    def tick(self) -> None:
        """One more byte on every connection still open; count those the server closed."""
        alive = []
        for s in self.sockets:
            if _still_open(s):
                alive.append(s)
            else:
                self.closed_by_server += 1
                s.close()
        self.sockets = alive

    def close(self) -> None:
        for s in self.sockets:
            s.close()
        self.sockets = []


def _still_open(s: socket.socket) -> bool:
    """Read what the server sent (an end of file: it closed), then send one more byte."""
    try:
        if s.recv(1024) == b"":
            return False
    except BlockingIOError:
        pass
    except OSError:
        return False
    try:
        s.send(b"x")
    except BlockingIOError:
        pass
    except OSError:
        return False
    return True


def login_time(url: str, timeout: float = 10, source: str | None = None) -> float | None:
    """Seconds for ``GET /login/`` to answer 200 (from the address ``source``, default any), or
    None when it did not within ``timeout``."""
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    start = time.monotonic()
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request("GET", "/login/")
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            return None
    except OSError:
        return None
    finally:
        conn.close()
    return time.monotonic() - start


def measure(url: str, connections: int, seconds: float, timeout: float = 10,
            slow_bodies: int = 0, login_from: str | None = None) -> tuple[list[float | None], Trickle]:
    """Open the slow connections, then each second: one byte on each, one login timed."""
    host_port = url.split("//", 1)[1]
    host, port = host_port.rsplit(":", 1)
    trickle = Trickle(host, int(port), connections, slow_bodies)
    trickle.open()
    times: list[float | None] = []
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            tick = time.monotonic()
            trickle.tick()
            times.append(login_time(url, timeout, login_from))
            time.sleep(max(0.0, 1 - (time.monotonic() - tick)))
        trickle.tick()
    finally:
        trickle.close()
    return times, trickle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=110)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--slow-bodies", type=int, default=0,
                        help="how many of the connections send a whole head, then their body one byte a second")
    parser.add_argument("--login-from", help="the address the logins come from (e.g. 127.0.0.2; default: any)")
    parser.add_argument("--url", help="an already running server (default: start one on a fresh data folder)")
    args = parser.parse_args()
    process = None
    url = args.url
    if url is None:
        folder = Path(tempfile.mkdtemp(prefix="slow-clients-"))
        command = [str(Path(sys.executable).with_name("consolidate")), "serve", "--data", str(folder), "--port", "0"]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        url = found.group(0) if found else ""
        if not url:
            process.kill()
            raise SystemExit(f"serve did not start: {line}")
    try:
        baseline = login_time(url, source=args.login_from)
        times, trickle = measure(url, args.connections, args.seconds, slow_bodies=args.slow_bodies,
                                 login_from=args.login_from)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    shown = ", ".join("timeout" if t is None else f"{t:.3f}" for t in times)
    print(f"login alone: {baseline if baseline is None else round(baseline, 3)} s")
    print(f"{args.connections} slow connections ({trickle.refused} refused at connect), logins each second: {shown}")
    answered = [t for t in times if t is not None]
    print(f"answered {len(answered)}/{len(times)}; slowest {max(answered) if answered else float('nan'):.3f} s; "
          f"slow connections closed by the server: {trickle.closed_by_server}")


if __name__ == "__main__":
    main()
