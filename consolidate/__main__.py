"""The process entry point (``consolidate`` and ``python -m consolidate``): Ctrl-C, then the CLI.

Ctrl-C is taken over before anything heavy is imported, so at any moment it stops the
command the same way: the exception unwinds (every pool of workers is stopped, every
temporary file or staging folder removed, nothing half-written left in place), one line
says so on stderr and the exit code is 130. A second Ctrl-C while that happens is ignored,
so the clean-up is never cut short; it takes a few seconds at most.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from types import FrameType

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C


class Interrupted(BaseException):
    """Ctrl-C. Not a KeyboardInterrupt: click would turn that into “Aborted!” and exit 1."""


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
    raise Interrupted


def main() -> None:
    signal.signal(signal.SIGINT, _on_interrupt)
    try:
        from consolidate.cli import main as cli_main

        cli_main()
    except BaseException as exc:
        if _caused_by_interrupt(exc):
            _stopped()
        raise


def _caused_by_interrupt(exc: BaseException) -> bool:
    """Ctrl-C, or Ctrl-C wrapped by Python in another exception: in 3.11, one raised while a class
    is made (``__set_name__``, as at import time) comes out as “RuntimeError: Error calling __set_name__”."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, Interrupted):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _stopped() -> None:
    import multiprocessing

    for child in multiprocessing.active_children():  # none should be left; never leave one behind
        child.kill()
    from consolidate.i18n import _

    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    sys.stderr.write(_("已中断（Ctrl-C）：已停止，未完成的输出都没有写出。") + "\n")
    sys.stderr.flush()
    sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
