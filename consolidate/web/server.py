"""Running the application under waitress: configure, listen, stop cleanly on Ctrl-C."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ConsolidateError, os_error_msg
from ..i18n import N_


def run(*, data: Path | None, database: str | None, host: str, port: int, threads: int,
        announce: Callable[[str, Path], None]) -> None:
    """Serve until Ctrl-C (or SIGTERM); the checker's worker processes are ended on the way out."""
    from waitress.server import create_server

    from .checker import close_pool
    from .config import configure

    folder = configure(data, database)
    from django.conf import settings

    from .wsgi import application

    try:
        server: Any = create_server(application, host=host, port=port, threads=threads,
                                    max_request_body_size=settings.UPLOAD_LIMIT * 2 + 1024 * 1024,
                                    ident="consolidate", clear_untrusted_proxy_headers=True)
    except OSError as exc:
        raise ConsolidateError(N_("无法在 {host}:{port} 上监听（{reason}）。端口可能已被占用，请用 --port 换一个。"), host=host, port=port, reason=os_error_msg(exc)) from exc
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
        close_pool()
