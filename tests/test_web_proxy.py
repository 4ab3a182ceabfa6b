"""``consolidate serve --behind-proxy`` behind Debian's nginx with TLS, and without a proxy.

Covers: the README's nginx site configuration, run by a real nginx (``make web-services``
installs it) on 127.0.0.1 with a self-signed certificate (openssl) in front of a real
``consolidate serve --behind-proxy``: a browser-like client logs in over HTTPS (the CSRF
check passes, the session and CSRF cookies are Secure, HSTS is sent) and lands on the office
page; clients at two different addresses (127.0.0.2, 127.0.0.3: nginx forwards each as
X-Forwarded-For) are limited separately, for unknown links and for login throttling, and a
client cannot escape its limit by sending its own X-Forwarded-For. Without ``--behind-proxy``
(or from an address not named there) the X-Forwarded-* headers are ignored: no HTTPS, one
client; ``--behind-proxy`` alone and the older ``CONSOLIDATE_BEHIND_HTTPS=1`` trust the proxy on this
machine. A bad address is refused with a clear message. Under CI a missing nginx or openssl
fails the test; elsewhere it is skipped.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from web_support import CONSOLIDATE, ROOT, office, serving
from web_support import http as fetch

PASSWORD = "a-long-enough-password"
LIMITS = {"CONSOLIDATE_LINK_GUESS_LIMIT": "3", "CONSOLIDATE_LOGIN_FAILURES": "2"}


def need(program: str) -> str:
    found = shutil.which(program) or next((p for p in (f"/usr/sbin/{program}", f"/usr/bin/{program}")
                                           if os.access(p, os.X_OK)), None)
    if found:
        return found
    message = f"{program} is not installed: `make web-services` installs it (apt nginx, openssl)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def readme_site() -> str:
    """The nginx site configuration the README shows (its ```nginx block)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"```nginx\n(.*?)```", text, re.S)
    assert found, "the README shows no nginx configuration"
    return "\n".join(line[2:] if line.startswith("  ") else line for line in found.group(1).splitlines())


@dataclass
class Nginx:
    https_port: int
    cert: Path


@contextmanager
def nginx_in_front(folder: Path, backend: str) -> Iterator[Nginx]:
    """Debian's nginx with the README's site, on 127.0.0.1 ports, a self-signed certificate."""
    binary = need("nginx")
    openssl = need("openssl")
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    https_port, http_port = free_port(), free_port()
    site = readme_site()
    for old, new in (("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("/etc/ssl/certs/baosong.crt", str(cert)), ("/etc/ssl/private/baosong.key", str(key)),
                     ("http://127.0.0.1:8000", backend)):
        assert old in site, old
        site = site.replace(old, new)
    temp = "\n".join(f"  {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = folder / "nginx.conf"
    conf.write_text(
        ("user root root;\n" if os.geteuid() == 0 else "")  # its workers read this test's private folder
        + f"worker_processes 1;\nerror_log {folder / 'error.log'};\npid {folder / 'nginx.pid'};\n"
        f"events {{ worker_connections 256; }}\nhttp {{\n  access_log {folder / 'access.log'};\n{temp}\n{site}\n}}\n",
        encoding="utf-8")
    process = subprocess.Popen([binary, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf),
                                "-g", "daemon off;"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        end = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise AssertionError(f"nginx did not start: {process.stdout.read() if process.stdout else ''}"
                                     f"{(folder / 'error.log').read_text(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.1)
        yield Nginx(https_port, cert)
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Browser:
    """A browser-like HTTPS client: keeps cookies, sends Origin and Referer as browsers do,
    connects from its own loopback address (so nginx sees two different clients)."""

    port: int
    cert: Path | None  # None: plain HTTP (straight to ``consolidate serve``)
    source: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookies: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"{'https' if self.cert else 'http'}://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPMessage, str]:
        conn: http.client.HTTPConnection
        if self.cert is None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60, source_address=(self.source, 0))
        else:
            context = ssl.create_default_context(cafile=str(self.cert))
            conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=context, timeout=60,
                                               source_address=(self.source, 0))
        sent = {"User-Agent": "Mozilla/5.0 (test)", "Accept": "text/html", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for raw in response.headers.get_all("Set-Cookie") or []:
            self.set_cookies.append(raw)
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, text

    def login(self, user: str, password: str) -> tuple[int, http.client.HTTPMessage, str]:
        status, _, page = self.request("GET", "/login/")
        assert status == 200, page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page
        form = urlencode({"csrfmiddlewaretoken": token.group(1), "username": user, "password": password}).encode()
        return self.request("POST", "/login/", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
            "Referer": f"{self.origin}/login/"})


def test_login_over_https_through_nginx_and_clients_limited_apart(tmp_path: Path) -> None:
    need("nginx")
    data = tmp_path / "data"
    made = office(data, "adduser", "proxied-clerk", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    with serving(data, extra_env=LIMITS, args=["--behind-proxy"]) as server, \
            nginx_in_front(tmp_path / "nginx", server.url) as proxy:
        one = Browser(proxy.https_port, proxy.cert, "127.0.0.2")
        status, headers, page = one.login("proxied-clerk", PASSWORD)
        assert status == 302, page  # the CSRF check passed over HTTPS
        assert headers["Location"] == "/office/"
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        cookies = {SimpleCookie(raw).popitem()[0]: raw for raw in one.set_cookies}
        assert {"csrftoken", "sessionid"} <= set(cookies)
        for raw in cookies.values():
            assert "; Secure" in raw, raw
        status, _, page = one.request("GET", "/office/")
        assert status == 200 and "proxied-clerk" in page

        # unknown links: each client has its own count; its own X-Forwarded-For changes nothing
        two = Browser(proxy.https_port, proxy.cert, "127.0.0.3")
        for i in range(3):
            assert one.request("GET", f"/u/not-a-real-link-{i:016d}")[0] == 404
        assert one.request("GET", "/u/not-a-real-link-0000000000000009")[0] == 429
        spoofed = one.request("GET", "/u/not-a-real-link-0000000000000010", headers={"X-Forwarded-For": "127.0.0.3"})
        assert spoofed[0] == 429
        assert two.request("GET", "/u/not-a-real-link-0000000000000011")[0] == 404

        # login throttling: the account is paused for the client that failed, not for the other
        three, four = Browser(proxy.https_port, proxy.cert, "127.0.0.4"), Browser(proxy.https_port, proxy.cert, "127.0.0.5")
        assert three.login("proxied-clerk", "wrong")[0] == 200
        status, headers, page = three.login("proxied-clerk", "wrong")
        assert status == 429 and "unlock-login proxied-clerk" in page and headers["Retry-After"]
        assert three.login("proxied-clerk", PASSWORD)[0] == 429
        assert four.login("proxied-clerk", PASSWORD)[0] == 302


def test_forwarded_headers_are_ignored_unless_from_a_named_proxy(tmp_path: Path) -> None:
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    for args in ([], ["--behind-proxy", "10.0.0.1,192.168.0.0/16"]):
        with serving(tmp_path / f"data{len(args)}", extra_env=LIMITS, args=args) as server:
            status, headers, _ = fetch("GET", server.url + "/login/", headers=forged)
            assert status == 200 and "Strict-Transport-Security" not in headers  # not taken for HTTPS
            if not args:  # a deployment behind a proxy sends its cookies over HTTPS only, whoever asks
                assert "Secure" not in headers.get("Set-Cookie", "")
            # two X-Forwarded-For values from one peer are one client
            for i in range(3):
                assert fetch("GET", f"{server.url}/u/not-a-real-link-{i:016d}",
                            headers={"X-Forwarded-For": f"10.1.0.{i}"})[0] == 404
            assert fetch("GET", f"{server.url}/u/not-a-real-link-0000000000000009",
                        headers={"X-Forwarded-For": "10.1.0.99"})[0] == 429


@pytest.mark.parametrize("how", ["--behind-proxy", "CONSOLIDATE_BEHIND_HTTPS=1"])
def test_trusted_forwarded_headers_tell_the_client_apart_and_https(tmp_path: Path, how: str) -> None:
    """From the proxy on this machine (``--behind-proxy`` alone, or the older switch)."""
    args, env = ([how], LIMITS) if how.startswith("--") else ([], {**LIMITS, "CONSOLIDATE_BEHIND_HTTPS": "1"})
    with serving(tmp_path / "data", extra_env=env, args=args) as server:
        host = urlsplit(server.url).netloc
        status, headers, _ = fetch("GET", server.url + "/login/", headers={
            "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Host": host})
        assert status == 200 and headers["Strict-Transport-Security"].startswith("max-age=")
        for i in range(3):
            assert fetch("GET", f"{server.url}/u/not-a-real-link-{i:016d}", headers={"X-Forwarded-For": "203.0.113.7"})[0] == 404
        assert fetch("GET", f"{server.url}/u/not-a-real-link-0000000000000009",
                    headers={"X-Forwarded-For": "203.0.113.7"})[0] == 429
        assert fetch("GET", f"{server.url}/u/not-a-real-link-0000000000000010",
                    headers={"X-Forwarded-For": "203.0.113.8"})[0] == 404


def test_a_bad_proxy_address_is_refused_clearly(tmp_path: Path) -> None:
    done = subprocess.run([CONSOLIDATE, "serve", "--data", str(tmp_path / "d"), "--port", "0",
                           "--behind-proxy", "nginx-box"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "--behind-proxy 应为代理服务器的 IP 地址" in done.stderr + done.stdout and "nginx-box" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
