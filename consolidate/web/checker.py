"""Running the check in worker processes, so no file can take the server down.

Each worker is a process of its own (forked from a preloaded fork server where the
platform has one, spawned elsewhere) that takes one file at a time through a pipe. A
worker that dies on a file (a native library aborting) or takes longer than
``settings.CHECK_TIMEOUT`` is ended and replaced; the file is then reported unreadable
(FILE-CORRUPT, saying which). The file itself was stored before the check began.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from ..errors import ConsolidateError
from ..i18n import N_

TOOK_TOO_LONG = N_("审核超过 {seconds} 秒仍未完成")
WORKER_DIED = N_("审核程序处理此文件时意外退出")
CHECK_ERROR = N_("审核程序出错：{error}")


class CheckFailed(ConsolidateError):
    """The worker died, ran out of time or failed on this file: the message says which;
    ``worker_lost`` when the worker must be replaced."""

    def __init__(self, text: str, /, *, worker_lost: bool, **params: Any) -> None:
        super().__init__(text, **params)
        self.worker_lost = worker_lost


def _function(path: str) -> Callable[[Any], Any]:
    module, _, name = path.replace(":", ".").rpartition(".")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def _serve(conn: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's: it ends us
    from .checking import warm

    warm()
    functions: dict[str, Callable[[Any], Any]] = {}
    while True:
        try:
            function_path, job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            function = functions.get(function_path) or functions.setdefault(function_path, _function(function_path))
            answer: tuple[str, Any] = ("ok", function(job))
        except BaseException as exc:  # any failure on a unit's file is an answer, not our end
            answer = ("error", f"{type(exc).__name__}: {exc}")
        conn.send(answer)


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["consolidate.web.checking"])
        return ctx
    return multiprocessing.get_context("spawn")


class Worker:
    def __init__(self, ctx: multiprocessing.context.BaseContext) -> None:
        parent, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child.close()
        self.conn = parent

    def run(self, function_path: str, job: Any, timeout: float) -> Any:
        try:
            self.conn.send((function_path, job))
            if not self.conn.poll(timeout):
                raise CheckFailed(TOOK_TOO_LONG, worker_lost=True, seconds=f"{timeout:.0f}")
            kind, payload = self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            raise CheckFailed(WORKER_DIED, worker_lost=True) from None
        if kind != "ok":
            raise CheckFailed(CHECK_ERROR, worker_lost=False, error=payload)
        return payload

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class CheckerPool:
    """At most ``size`` checks at a time; a request waits for a free worker."""

    def __init__(self, size: int) -> None:
        self._ctx = _context()
        self._idle: queue.LifoQueue[Worker | None] = queue.LifoQueue()
        for _ in range(size):
            self._idle.put(None)  # started on first use
        self._all: list[Worker] = []
        self._lock = threading.Lock()

    def run(self, function_path: str, job: Any, timeout: float) -> Any:
        """``function_path(job)`` in a worker; CheckFailed when it dies, fails or runs out of time."""
        worker = self._idle.get()
        try:
            if worker is None or not worker.process.is_alive():
                worker = self._start()
            try:
                return worker.run(function_path, job, timeout)
            except CheckFailed as exc:
                if exc.worker_lost:  # a dead or stuck worker is replaced
                    self._retire(worker)
                    worker = None
                raise
        finally:
            self._idle.put(worker)

    def _start(self) -> Worker:
        worker = Worker(self._ctx)
        with self._lock:
            self._all.append(worker)
        return worker

    def _retire(self, worker: Worker) -> None:
        worker.stop()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.stop()


_pool: CheckerPool | None = None
_pool_lock = threading.Lock()


def pool() -> CheckerPool:
    """This server process's pool (made on first use, with the settings' size and function)."""
    global _pool
    from django.conf import settings

    with _pool_lock:
        if _pool is None:
            size = settings.CHECK_WORKERS or max(1, min(4, len(os.sched_getaffinity(0))
                                                        if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))
            _pool = CheckerPool(size)
        return _pool


def close_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.close()
            _pool = None
