"""Work over processes that can always be stopped: pebble's process pool, used as a context.

Python's own ``ProcessPoolExecutor`` can neither end a worker that hangs nor stop its
running workers (its shutdown waits for them: Ctrl-C could freeze a command for minutes
and leave workers behind). pebble's pool ends a task that runs past its time limit (the
worker is killed and replaced), reports a worker that dies, and stops every worker on
demand. :class:`Workers` wraps it so that leaving the block, normally or by an exception
(Ctrl-C included), always stops and joins every worker.

Workers ignore Ctrl-C (pebble's workers do): the terminal sends it to the whole process
group, and only the main process decides what happens. SIGINT is held back while the
workers are forked, so one arriving at that moment is not taken by a half-started worker.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, TypeVar

from pebble import ProcessExpired, ProcessPool

from .writing import interrupts_held

T = TypeVar("T")


def start_method() -> str:
    """``fork`` where the platform has it (starting an interpreter per worker costs more than
    reading a small file saves), else ``spawn``."""
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Failed:
    """A task that did not give a result: its worker ran past the time limit, or died."""

    reason: Literal["timeout", "died"]
    detail: str


class Workers(AbstractContextManager["Workers"]):
    """A pool of ``workers`` processes; every worker is stopped when the block ends."""

    def __init__(self, workers: int, method: str | None = None, *, initializer: Callable[[], None] | None = None,
                 max_tasks: int = 0) -> None:
        """``initializer``: run in each worker as it starts (the web's checks set their limits there);
        ``max_tasks``: a worker is replaced after this many tasks (1: each task in a fresh process)."""
        self.workers = max(1, workers)
        self.context = multiprocessing.get_context(method or start_method())
        self.initializer = initializer
        self.max_tasks = max_tasks
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()

    def _active_pool(self) -> ProcessPool:
        if self._pool is not None and not self._pool.active:  # broken (every worker died): a new one
            self._stop()
        if self._pool is None:
            self._pool = ProcessPool(self.workers, max_tasks=self.max_tasks, initializer=self.initializer,
                                     context=self.context)
        return self._pool

    def submit(self, function: Callable[..., T], *args: Any, timeout: float | None = None) -> Future[T]:
        """Run ``function(*args)`` in a worker; past ``timeout`` seconds of running, the worker is ended."""
        with self._lock, interrupts_held():  # the first task forks the workers (threads may share a pool)
            return self._active_pool().schedule(function, args=args, timeout=timeout)

    @staticmethod
    def outcome(future: Future[T]) -> T | Failed:
        """The task's result, or how it failed; an exception raised by the task itself propagates."""
        try:
            return future.result()
        except TimeoutError as exc:
            limit = exc.args[1] if len(exc.args) > 1 else None
            return Failed("timeout", f"{limit:g} s" if isinstance(limit, int | float) else "")
        except ProcessExpired as exc:
            return Failed("died", f"exit code {exc.exitcode}")
        except BrokenProcessPool as exc:
            return Failed("died", str(exc))

    def _stop(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            pool.join()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop()
