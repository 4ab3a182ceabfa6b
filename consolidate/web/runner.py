"""Checks in processes of their own, under limits, on the CLI's worker machinery.

A check runs in a process of ``consolidate.parallel.Workers`` (pebble: a task past its
time limit is ended, a process that dies is reported), forked from a fork server that
loaded the library once (``preload``). A process takes another task only while it has not
grown by ``GROWTH`` (a file that made a check grow gives its memory back when it is done,
the next task gets a fresh process), up to ``REUSED`` tasks; where there is no fork server
(Windows), a spawned process serves several tasks.
Each process starts under limits (:func:`limits`): its address space is capped
(``RLIMIT_AS``, ``settings.CHECK_MEMORY``, where the platform has it; nothing on
Windows), it ends when the worker that started it ends (Linux: ``PR_SET_PDEATHSIG``), and
it ignores Ctrl-C (the worker decides).

Several files are checked in one task, as ``consolidate validate`` batches them. A batch
that does not finish within its short budget, or whose process dies, is taken apart: each
file is checked alone, with the whole time limit. A file whose process dies is checked
once more; a second death, a hang past the limit or a check that runs out of memory is
the file's verdict: :class:`Failure`, decided 无法读取 with its reason (FILE-TIMEOUT for a
hang, as on the command line).
"""

from __future__ import annotations

import functools
import importlib
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ConsolidateError
from ..i18n import N_, Msg
from ..parallel import Failed, Workers

WORKER_DIED = N_("审核程序处理此文件时意外退出")
OUT_OF_MEMORY = N_("审核此文件所需的内存超过 {limit} MB 的上限")
CHECK_ERROR = N_("审核程序出错：{error}")
TOOK_TOO_LONG = N_("审核超过 {seconds} 秒仍未完成")

BATCH_BUDGET = 5.0  # seconds a batch may take beyond PER_FILE each, before it is taken apart
REUSED = 50  # tasks one check process may take, while it stays small (``_stop_once_grown``)
GROWTH = 64 * 1024 * 1024  # bytes a check process may grow by and still take another task
PER_FILE = 0.5
SPAWNED_TASKS = 50


class Stopped(Exception):
    """The runner was closed while checks ran: they are not decided (they run again later)."""


@dataclass(frozen=True)
class Failure:
    """A file the check could not finish: the code of its finding and the detail it shows."""

    code: str  # FILE-TIMEOUT or FILE-CORRUPT
    detail: Msg | str


def limits(memory: int) -> None:
    """Run in each check process as it starts."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if memory > 0:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        except (ImportError, ValueError, OSError):  # Windows; a platform without the limit
            pass
    _stop_once_grown()


def _peak() -> int | None:
    """The most memory this process has held so far, in bytes (POSIX), or None (Windows)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def _stop_once_grown() -> None:
    """Let this check process take another task only while it has never grown by ``GROWTH`` over
    its size at start (a fork costs ~15 ms of processor time a batch; a file that made it grow
    gives its memory back at once, as with a process per task). Where its size cannot be read
    (Windows, spawned processes), ``max_tasks`` alone bounds it. (pebble's worker loop asks
    ``worker_get_next_task`` for each task.)"""
    started = _peak()
    if started is None:
        return
    from pebble.pool import process as pebble_process

    original = pebble_process.worker_get_next_task

    def next_task(channel: Any, max_tasks: int) -> Any:
        for task in original(channel, max_tasks):
            yield task
            now = _peak()
            if now is None or now > started + GROWTH:
                return

    pebble_process.worker_get_next_task = next_task


def _function(path: str) -> Callable[[Any], Any]:
    module, _, name = path.replace(":", ".").rpartition(".")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def _call(function_path: str, payload: Any) -> tuple[str, Any]:
    """In the check process: the function's answer, or what went wrong (never raises)."""
    try:
        return "ok", _function(function_path)(payload)
    except MemoryError:
        return "memory", ""
    except BaseException as exc:  # a failure on a unit's file is an answer, not our end
        return "error", f"{type(exc).__name__}: {exc}"


def _context_method() -> str:
    """``forkserver`` where the platform has it (a worker runs threads: forking it directly
    could copy a held lock), else ``spawn``."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class Runner:
    """``size`` check processes at a time, shared by a worker's threads."""

    def __init__(self, size: int, *, memory: int, function: str | None = None) -> None:
        """``function``: what checks a list of jobs (default: ``settings.CHECK_FUNCTION`` when checking)."""
        method = _context_method()
        if method == "forkserver":
            multiprocessing.get_context(method).set_forkserver_preload(["consolidate.web.preload"])
        self.memory = memory
        self.function = function
        # forked from the preloaded fork server, a process serves up to REUSED tasks while it stays
        # small (``limits``); where each must start an interpreter (Windows), up to SPAWNED_TASKS
        self.workers = Workers(size, method, initializer=functools.partial(limits, memory),
                               max_tasks=REUSED if method == "forkserver" else SPAWNED_TASKS)
        self.closed = False

    def start(self) -> None:
        """Start the fork server now (it loads the library once: ``preload``), not on the first check."""
        if self.workers.context.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()

    def close(self) -> None:
        self.closed = True
        self.workers.__exit__(None, None, None)

    def call(self, function_path: str, payload: Any, timeout: float) -> Any:
        """``function_path(payload)`` in a check process; a :class:`Failure` if it could not finish."""
        if self.closed:
            raise Stopped
        future = self.workers.submit(_call, function_path, payload, timeout=timeout)
        return self._answer(self._outcome(future), timeout)

    def _outcome(self, future: Any) -> tuple[str, Any] | Failed:
        try:
            got = self.workers.outcome(future)
        except Exception as exc:  # cancelled as the runner closed
            raise Stopped from exc
        if self.closed:
            raise Stopped
        return got

    def _answer(self, got: tuple[str, Any] | Failed, timeout: float) -> Any:
        if isinstance(got, Failed):
            if got.reason == "timeout":
                return Failure("FILE-TIMEOUT", f"{timeout:g}")
            return Failure("FILE-CORRUPT", Msg(WORKER_DIED))
        kind, value = got
        if kind == "ok":
            return value
        if kind == "memory":
            return Failure("FILE-CORRUPT", Msg(OUT_OF_MEMORY, {"limit": self.memory // (1024 * 1024)}))
        return Failure("FILE-CORRUPT", Msg(CHECK_ERROR, {"error": value}))

    def check(self, jobs: Sequence[Any], timeout: float) -> list[Any]:
        """Each job's outcome (the check function's) or its :class:`Failure`, in order."""
        if not jobs:
            return []
        function = self.function or _setting("CHECK_FUNCTION")
        if len(jobs) > 1:
            batch = self.call(function, list(jobs), min(timeout, BATCH_BUDGET + PER_FILE * len(jobs)))
            if not isinstance(batch, Failure):
                return list(batch)
        futures = [self.workers.submit(_call, function, [job], timeout=timeout) for job in jobs]
        out: list[Any] = []
        for job, future in zip(jobs, futures, strict=True):
            got = self._outcome(future)
            if isinstance(got, Failed) and got.reason == "died":  # once more, alone
                got = self._outcome(self.workers.submit(_call, function, [job], timeout=timeout))
            answer = self._answer(got, timeout)
            out.append(answer if isinstance(answer, Failure) else answer[0])
        return out


def _setting(name: str) -> Any:
    from django.conf import settings

    return getattr(settings, name)


def default_size() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


class CheckFailed(ConsolidateError):
    """A job run for a request (a download's workbooks) could not finish: the message says why."""


_shared: Runner | None = None
_shared_lock = threading.Lock()


def shared() -> Runner:
    """This server process's runner for work a request waits on (the office's downloads)."""
    global _shared
    from django.conf import settings

    with _shared_lock:
        if _shared is None:
            _shared = Runner(settings.CHECK_WORKERS or default_size(), memory=settings.CHECK_MEMORY)
        return _shared


def call(function_path: str, payload: Any, timeout: float) -> Any:
    """``function_path(payload)`` in a check process for a waiting request; CheckFailed if it could not finish."""
    got = shared().call(function_path, payload, timeout)
    if isinstance(got, Failure):
        detail = got.detail if isinstance(got.detail, Msg) else Msg(TOOK_TOO_LONG, {"seconds": got.detail})
        raise CheckFailed(detail.text, **detail.params)
    return got


def close_shared() -> None:
    global _shared
    with _shared_lock:
        if _shared is not None:
            _shared.close()
            _shared = None
