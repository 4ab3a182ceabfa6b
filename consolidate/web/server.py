"""Running the application under waitress: configure, listen, stop cleanly on Ctrl-C.

Waitress reads requests in one event loop and hands only complete ones to its threads, so a
slow client costs a connection, never a thread. What it does not do by itself is bound the
connections a slow client holds: its limit (100) is reached by 100 idle or trickling
connections, and then nobody is answered. So (``options``, ``GuardedChannel``):

- many connections may be open (1,000 where ``poll`` exists; 500 on Windows, whose
  ``select`` takes at most 512 sockets), the process's open-file limit raised to fit, and
  one address may hold at most ``CONNECTIONS_PER_CLIENT`` (250) of them (a trusted proxy: any);
- a request must send its head within ``REQUEST_HEAD_TIMEOUT`` seconds (10) and its body at
  ``REQUEST_MIN_RATE`` bytes a second on average after that (1 KB/s: a phone on a poor line
  sends a 1 MB workbook in well under a minute), else its connection is closed;
- a connection idle between requests is closed after ``IDLE_TIMEOUT`` seconds (30).

``--behind-proxy ADDR ...``: ``X-Forwarded-For``, ``-Proto`` and ``-Host`` are believed only
from those addresses (``ProxyHeaders``); from anyone else they are removed before Django
sees the request. Django then sees the client's address (per-client limits), ``https``
(CSRF, Secure cookies, HSTS) and the public host name.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from waitress.channel import HTTPChannel

from ..errors import ConsolidateError, os_error_msg
from ..i18n import N_

log = logging.getLogger("consolidate.web")

REQUEST_HEAD_TIMEOUT = 10.0
REQUEST_MIN_RATE = 1024  # bytes a second, on average, once the head's time is over
IDLE_TIMEOUT = 30
CONNECTIONS = 500 if sys.platform == "win32" else 1000
PER_CLIENT = 250  # connections one address may hold (not a trusted proxy's): several offices may share one NAT
PROXY_HEADERS = {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}
BEHIND_PROXY_ENV = "CONSOLIDATE_BEHIND_PROXY"  # the trusted addresses, space-separated (settings read it)


class GuardedChannel(HTTPChannel):  # type: ignore[misc]
    """Waitress's connection, closed when the request it is reading comes in too slowly (the
    head not complete within ``head_timeout``, or the body below ``min_rate`` on average), and
    at once when its address already holds ``per_client`` connections (``exempt``: the proxies)."""

    head_timeout = REQUEST_HEAD_TIMEOUT
    min_rate = REQUEST_MIN_RATE
    per_client = PER_CLIENT
    exempt: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()  # the trusted proxies: no per-client cap
    request_started = 0.0
    request_bytes = 0

    def __init__(self, server: Any, sock: Any, addr: Any, adj: Any, map: Any = None) -> None:
        super().__init__(server, sock, addr, adj, map)
        peer = addr[0] if isinstance(addr, tuple) and addr else None
        if peer is None or _within(peer, self.exempt):
            return
        held = sum(1 for other in (map or {}).values()
                   if isinstance(other, GuardedChannel) and other.addr and other.addr[0] == peer)
        if held > self.per_client:  # one address may not take the connections of everyone else
            log.debug("refusing a connection from %s: it holds %d already", peer, held - 1)
            self.will_close = True

    def received(self, data: bytes) -> bool:
        if self.request is None:
            self.request_started, self.request_bytes = time.monotonic(), 0
        self.request_bytes += len(data)
        return bool(super().received(data))

    def readable(self) -> bool:
        if self.request is not None and not getattr(self, "will_close", False) and self.too_slow(time.monotonic()):
            log.debug("closing a connection from %s: its request came in too slowly", self.addr[0] if self.addr else "?")
            self.will_close = True
        return bool(super().readable())

    def too_slow(self, now: float) -> bool:
        late = now - self.request_started - self.head_timeout
        if late <= 0:
            return False
        return not self.request.headers_finished or self.request_bytes < self.min_rate * late


def parse_proxies(addresses: Iterable[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``127.0.0.1``, ``::1`` or a network (``10.0.0.0/8``); ConsolidateError for anything else."""
    found = []
    for text in addresses:
        try:
            found.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError as exc:
            raise ConsolidateError(N_("--behind-proxy 应为代理服务器的 IP 地址（如 127.0.0.1）或网段（如 10.0.0.0/8），不是“{address}”。"), address=text) from exc
    return found


def _within(peer: str, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in networks)


class ProxyHeaders:
    """A WSGI wrapper: waitress's own reading of ``X-Forwarded-*`` (the last hop only) for a
    request from one of ``proxies``; for any other peer, those headers are removed."""

    def __init__(self, app: Callable[..., Any], proxies: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> None:
        from waitress.proxy_headers import proxy_headers_middleware

        self.proxies = tuple(proxies)
        self.trusted = proxy_headers_middleware(app, trusted_proxy="*", trusted_proxy_count=1,
                                                trusted_proxy_headers=PROXY_HEADERS, clear_untrusted=True)
        self.untrusted = proxy_headers_middleware(app, trusted_proxy=None, clear_untrusted=True)

    def is_proxy(self, peer: str) -> bool:
        return _within(peer, self.proxies)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        peer = str(environ.get("REMOTE_ADDR", ""))
        return (self.trusted if self.is_proxy(peer) else self.untrusted)(environ, start_response)


def raise_open_files(wanted: int) -> int:
    """Raise the soft open-file limit towards ``wanted`` (POSIX); the limit in force after."""
    try:
        import resource
    except ImportError:  # Windows: no such limit on sockets; select's 512 is the bound
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return wanted if soft == resource.RLIM_INFINITY else int(soft)


def options(*, host: str, port: int, threads: int, upload_limit: int) -> dict[str, Any]:
    """Waitress's settings for ``consolidate serve`` (see the module's text)."""
    connections = CONNECTIONS
    if sys.platform != "win32":
        connections = max(100, min(CONNECTIONS, raise_open_files(CONNECTIONS + 256) - 256))
    return {
        "host": host, "port": port, "threads": threads, "ident": "consolidate",
        "connection_limit": connections,
        "asyncore_use_poll": sys.platform != "win32",  # select() cannot watch more than 1,024 sockets
        "channel_timeout": IDLE_TIMEOUT,
        "cleanup_interval": 5,
        "max_request_header_size": 64 * 1024,
        "max_request_body_size": upload_limit * 2 + 1024 * 1024,
        "clear_untrusted_proxy_headers": True,
    }


def run(*, data: Path | None, database: str | None, host: str, port: int, threads: int,
        announce: Callable[[str, Path], None], behind_proxy: Sequence[str] | None = None,
        workers: int | None = None) -> None:
    """Serve until Ctrl-C (or SIGTERM), with ``workers`` check workers in a child process
    (none: the checks are run by ``consolidate worker`` elsewhere); they end with the server.
    ``behind_proxy``: the addresses of the reverse proxies whose ``X-Forwarded-*`` are believed."""
    if behind_proxy is None and os.environ.get("CONSOLIDATE_BEHIND_HTTPS"):  # the older switch: a proxy on this machine
        behind_proxy = ["127.0.0.1", "::1"]
    proxies = parse_proxies(behind_proxy) if behind_proxy is not None else None
    if proxies is not None:
        os.environ[BEHIND_PROXY_ENV] = " ".join(str(p) for p in proxies)
    from .config import configure
    from .runner import close_shared, default_size

    folder = configure(data, database)
    from django.conf import settings

    from .workers import start_embedded, stop_embedded

    # the workers first: their check processes' fork server loads the library (~2 s) while this
    # process readies itself, so the first upload's verdict does not wait for all of it
    size = workers if workers is not None else (settings.CHECK_WORKERS or default_size())
    checkers = start_embedded(folder, database, size) if size > 0 else None
    try:
        _serve(settings, host=host, port=port, threads=threads, proxies=proxies, announce=announce, folder=folder)
    finally:
        close_shared()
        if checkers is not None:
            stop_embedded(checkers)


def warm() -> None:
    """Load now what the first requests would otherwise load (the views and what they import,
    the check queue's backend, the session and message stores, every template compiled, the
    annotated copy's module a unit's page asks), so that the first upload and the first page
    after a start answer as fast as the next ones (``tests/test_web_start.py``)."""
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.template import engines
    from django.urls import get_resolver
    from django.utils.formats import get_format
    from django.utils.module_loading import import_string
    from django_tasks import task_backends

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    task_backends["default"]  # the upload enqueues its check through it
    from ..output import annotate  # noqa: F401  (a unit's page asks whether a copy can be made)
    from . import tasks  # noqa: F401

    import_string(settings.MESSAGE_STORAGE)
    import_string(f"{settings.SESSION_ENGINE}.SessionStore")().serializer  # noqa: B018
    for code, _name in settings.LANGUAGES:  # the dates' formats of each language
        get_format("DATETIME_FORMAT", lang=code)
    staticfiles_storage.base_url  # noqa: B018
    templates = Path(__file__).resolve().parent / "templates"
    for engine in engines.all():  # the cached loader keeps each one compiled, with the context processors
        engine.engine.template_context_processors  # type: ignore[attr-defined]  # noqa: B018
        for path in sorted(templates.rglob("*.html")):
            engine.get_template(path.relative_to(templates).as_posix())


def warm_checks() -> None:
    """The library the form's live check runs in the request (``validate``: the readers and the
    rules, ~1 s to import), loaded in the background once the server listens."""
    try:
        from .. import entry  # noqa: F401
        from .checking import warm as warm_library

        warm_library()
    except Exception:  # only a warm-up: the first form check imports it itself
        log.exception("warming the checks")


def _serve(settings: Any, *, host: str, port: int, threads: int, proxies: Sequence[Any] | None,
           announce: Callable[[str, Path], None], folder: Path) -> None:
    from waitress.server import create_server

    warm()
    from .wsgi import application

    app: Callable[..., Any] = application
    settings_of_waitress = options(host=host, port=port, threads=threads, upload_limit=settings.UPLOAD_LIMIT)
    if proxies:  # ProxyHeaders reads or removes them; waitress must not remove them first
        app, settings_of_waitress["clear_untrusted_proxy_headers"] = ProxyHeaders(application, proxies), False
    try:
        server: Any = create_server(app, **settings_of_waitress)
    except OSError as exc:
        raise ConsolidateError(N_("无法在 {host}:{port} 上监听（{reason}）。端口可能已被占用，请用 --port 换一个。"), host=host, port=port, reason=os_error_msg(exc)) from exc
    channel = type("Channel", (GuardedChannel,), {"exempt": tuple(proxies or ()), "per_client": settings.CONNECTIONS_PER_CLIENT})
    for listener in [server, *getattr(server, "map", {}).values()]:
        if hasattr(listener, "channel_class"):
            listener.channel_class = channel
    threading.Thread(target=warm_checks, name="warm-checks", daemon=True).start()
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    announce(f"http://{shown_host}:{server.effective_port}/", folder)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C is how a server is meant to stop: a clean stop (exit 0), not the interruption of a
    # command half-way (which the entry point reports with exit 130).
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
