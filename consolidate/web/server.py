"""Running the application under waitress: configure, listen, stop cleanly on Ctrl-C."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ConsolidateError, os_error_msg
from ..i18n import N_


def run(*, data: Path | None, database: str | None, host: str, port: int, threads: int,
        announce: Callable[[str, Path], None], workers: int | None = None) -> None:
    """Serve until Ctrl-C (or SIGTERM), with ``workers`` check workers in a child process
    (none: the checks are run by ``consolidate worker`` elsewhere); they end with the server."""
    from waitress.server import create_server

    from .config import configure
    from .runner import close_shared, default_size

    folder = configure(data, database)
    from django.conf import settings
    from django.urls import get_resolver

    from .workers import start_embedded, stop_embedded

    get_resolver().url_patterns  # noqa: B018  (the views imported now: the first request answers as fast as the next)

    from .wsgi import application

    try:
        server: Any = create_server(application, host=host, port=port, threads=threads,
                                    max_request_body_size=settings.UPLOAD_LIMIT * 2 + 1024 * 1024,
                                    ident="consolidate", clear_untrusted_proxy_headers=True)
    except OSError as exc:
        raise ConsolidateError(N_("无法在 {host}:{port} 上监听（{reason}）。端口可能已被占用，请用 --port 换一个。"), host=host, port=port, reason=os_error_msg(exc)) from exc
    size = workers if workers is not None else (settings.CHECK_WORKERS or default_size())
    checkers = start_embedded(folder, database, size) if size > 0 else None
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
        close_shared()
        if checkers is not None:
            stop_embedded(checkers)
