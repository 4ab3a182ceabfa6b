"""Check workers: ``consolidate worker``, and the ones ``consolidate serve`` starts beside itself.

A worker process runs ``size`` loops (threads) of ``django-tasks-db``'s worker, each taking
queued checks (several at a time: :class:`CheckWorker`) and running them in check
processes under limits (``runner``), shared by the loops. On start, and every
``SWEEP`` seconds, it recovers what a crash left (``tasks.recover``).

``consolidate serve`` starts one worker process as its child (:func:`start_embedded`) and
stops it with itself. Killed outright, the server cannot stop it, so the worker watches
for that: it reads its standard input, a pipe from the server, and ends when the pipe
closes (every platform), and on Linux the kernel also ends it when its parent dies
(``PR_SET_PDEATHSIG``). Its check processes end with it in the same ways (``runner.limits``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from django_tasks_db.management.commands.db_worker import Worker

from .tasks import CHECK_PATH, QUEUE, drain, recover, worker_id

log = logging.getLogger("consolidate.web")

BATCH = 16  # queued checks one loop takes at once (of different units), as the CLI's chunks
SWEEP = 5.0  # seconds between two recoveries (a dead worker's units: free after a lease, queued at the next)


class CheckWorker(Worker):
    """django-tasks-db's worker loop; a check task takes up to ``BATCH - 1`` more with it."""

    def __init__(self, n: int, runner: Any, *, interval: float) -> None:
        super().__init__(queue_names=[QUEUE], interval=interval, batch=False, backend_name="default",
                         startup_delay=False, max_tasks=None, worker_id=worker_id(n), excluded_queue_names=[])
        self.runner = runner

    def run_task(self, db_task_result: Any) -> None:
        if db_task_result.task_path != CHECK_PATH:
            super().run_task(db_task_result)
            return
        taken = [db_task_result, *self._more(BATCH - 1)]
        try:
            drain(self.worker_id, [t.args_kwargs["args"][0] for t in taken], self.runner,
                  finished=lambda: _succeeded(taken))
        except Exception as exc:  # recorded on the tasks; the loop goes on (the sweep retries)
            log.exception("check failed")
            for t in taken:
                t.set_failed(exc)

    def _more(self, n: int) -> list[Any]:
        from django.db.utils import OperationalError
        from django_tasks_db.models import DBTaskResult
        from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

        if n <= 0:
            return []
        ready = DBTaskResult.objects.ready().filter(backend_name=self.backend_name, queue_name=QUEUE,
                                                    task_path=CHECK_PATH)
        try:
            with exclusive_transaction(ready.db):
                more = list(ready.select_for_update(skip_locked=True)[:n])
                for t in more:
                    t.claim(self.worker_id)
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return []
            raise
        return more


def _succeeded(taken: list[Any]) -> None:
    """The tasks done, in one statement (inside ``drain``'s transaction, with their verdicts)."""
    from django.utils import timezone
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk__in=[t.pk for t in taken]).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now(), return_value=None, exception_class_path="",
        traceback="")


def run(size: int, stop: threading.Event) -> None:
    """Run ``size`` worker loops in this process until ``stop`` is set."""
    from django.conf import settings

    from .runner import Runner

    runner = Runner(size, memory=settings.CHECK_MEMORY)
    loops = [CheckWorker(n, runner, interval=settings.CHECK_POLL) for n in range(size)]
    threads = [threading.Thread(target=_loop, args=(w,), name=f"check-worker-{n}", daemon=True)
               for n, w in enumerate(loops)]
    try:
        runner.start()
        recover(at_start=True)
        for t in threads:
            t.start()
        while not stop.wait(SWEEP):
            try:
                recover(at_start=False)
            except Exception:
                log.exception("recovery failed")
    finally:  # running checks are ended, not decided: their files stay queued for the next start
        for w in loops:
            w.running = False
        runner.close()
        for t in threads:
            t.join(5)


def _loop(worker: CheckWorker) -> None:
    from django.db import connection

    try:
        while worker.running:
            try:
                worker.run()
            except Exception:  # a database hiccup: wait and go on
                log.exception("worker loop")
                time.sleep(1)
    finally:
        connection.close()


def watch_parent(stop: threading.Event) -> None:
    """End this process when its parent (the server) ends, however it ended: ``stop`` is set
    when the pipe closes, and the process ends a few seconds later if it has not by then."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    def read() -> None:
        try:
            while sys.stdin.buffer.read(1):
                pass
        except (OSError, ValueError):
            pass
        stop.set()
        time.sleep(5)
        os._exit(0)

    threading.Thread(target=read, name="parent-watch", daemon=True).start()


def start_embedded(data: Path, database: str | None, size: int) -> subprocess.Popen[bytes]:
    """``consolidate worker`` as this server's child, stopped by :func:`stop_embedded`."""
    command = [sys.executable, "-m", "consolidate", "worker", "--data", str(data), "--workers", str(size),
               "--embedded"]
    env = dict(os.environ)
    if database:
        env["CONSOLIDATE_DATABASE_URL"] = database
    return subprocess.Popen(command, stdin=subprocess.PIPE, env=env)


def stop_embedded(process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Stop the worker: SIGTERM where there is one, and its pipe closed (all it needs on Windows)."""
    if process.poll() is None and sys.platform != "win32":
        with contextlib.suppress(OSError):
            process.send_signal(signal.SIGTERM)
    try:
        if process.stdin is not None:
            process.stdin.close()
    except OSError:
        pass
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
