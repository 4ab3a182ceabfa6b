"""The check queue: Django's Tasks API (the ``django-tasks`` backport, ``django-tasks-db``'s
database backend: the same database as the rest, SQLite or PostgreSQL).

An upload writes its ``Submission`` (state ``checking``) and enqueues :func:`check` with
its id in one transaction. A worker (``workers.py``) takes the task, and with it other
queued checks (a batch, as ``consolidate validate`` reads many files at once), and runs
:func:`drain` on them.

A unit never has more than one check running: a worker first claims the unit (a lease
on ``RoundUnit``: ``check_holder``, ``check_until``), then checks the unit's oldest
waiting version. A task whose unit is busy ends at once; the holder, on finishing, queues
the unit's next waiting version at the back of the queue, so one link's many uploads take
turns with the other units' instead of filling the workers.

A lease is short (``settings.CHECK_LEASE``, 15 s) and renewed by the living holder while
it checks (:func:`heartbeat`, every third of it, for at most ``longest_hold``): a worker
that dies, on this machine or another, holds its units at most that long. Every worker
sweeps (:func:`recover`, at start and every few seconds): it releases the leases past their
time and those of dead local workers, marks their tasks failed, and queues every unit that
still has a version waiting and no task on its way, so no submission stays ``checking``.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .models import RoundUnit, Submission
from .results import decide_all, keep

log = logging.getLogger("consolidate.web")

QUEUE = "checks"
CHECK_PATH = "consolidate.web.tasks.check"  # the task's path, as django-tasks-db records it
KEPT = timedelta(days=7)


@task(queue_name=QUEUE)
def check(submission_id: int) -> None:
    """Check the submission's unit's oldest waiting version (run by ``workers``, which
    batch several; run alone, as here, it checks in a runner of one process)."""
    from .runner import Runner, default_size

    runner = Runner(default_size(), memory=settings.CHECK_MEMORY)
    try:
        drain(worker_id(0), [submission_id], runner)
    finally:
        runner.close()


def enqueue(sub: Submission) -> None:
    check.enqueue(sub.pk)


PREPARE_PATH = "consolidate.web.tasks.prepare"
PREPARE_PRIORITY = -10  # below the checks': a worker takes it once no check is waiting


@task(queue_name=QUEUE, priority=PREPARE_PRIORITY)
def prepare(round_id: int) -> list[str]:
    """Build the round's downloads for its counted versions now (``downloads.prepare``), so
    the office's next rollup.xlsx or report is the kept file; returns the kept files' names."""
    from .downloads import prepare as build

    return build(round_id)


def prepare_soon(round_ids: Iterable[int]) -> None:
    """After checks are decided or a review: queue one :func:`prepare` per round,
    ``PREPARE_DELAY`` seconds on (so a burst of decisions makes one build), unless one is
    already queued and not started (it will build what is counted when it starts). Never
    sooner after the round's last one ended than that one took: while a large round keeps
    changing, its workbooks take at most half of one worker's time."""
    if settings.PREPARE_DELAY < 0:
        return
    for round_id in sorted(set(round_ids)):
        try:
            _prepare_soon(round_id)
        except DatabaseError:  # the checks and the review stand; the download is built when asked
            log.exception("could not queue the downloads of round %s", round_id)


def _prepare_soon(round_id: int) -> None:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .models import Round

    with transaction.atomic():
        list(Round.objects.select_for_update().filter(pk=round_id).values_list("pk"))  # one at a time (PostgreSQL)
        mine = DBTaskResult.objects.filter(task_path=PREPARE_PATH)
        ours = [t for t in mine.values("id", "status", "args_kwargs", "started_at", "finished_at")
                if t["args_kwargs"]["args"] == [round_id]]
        if any(t["status"] == TaskResultStatus.READY for t in ours):
            return
        run_after = timezone.now() + timedelta(seconds=settings.PREPARE_DELAY)
        for t in ours:
            if t["started_at"] and t["finished_at"]:
                run_after = max(run_after, t["finished_at"] + (t["finished_at"] - t["started_at"]))
        # the round's finished ones are of no use any more (the workbooks are kept in the cache)
        mine.filter(pk__in=[t["id"] for t in ours]).exclude(status=TaskResultStatus.RUNNING).delete()
        prepare.using(run_after=run_after).enqueue(round_id)


def worker_id(n: int) -> str:
    """Who holds a lease: this host (``CONSOLIDATE_WORKER_HOST`` names it when host names are not
    unique, as in containers) and process, and the thread's number."""
    return f"{_host()}:{os.getpid()}:{n}"


def _host() -> str:
    return (os.environ.get(WORKER_HOST_ENV) or socket.gethostname())[:40]


WORKER_HOST_ENV = "CONSOLIDATE_WORKER_HOST"


def lease() -> timedelta:
    """How long a claim holds without being renewed (``settings.CHECK_LEASE``, 15 s): the
    living worker renews it every third of that (:func:`heartbeat`), so a dead one's unit is
    free again within it."""
    return timedelta(seconds=settings.CHECK_LEASE)


def longest_hold() -> float:
    """Seconds a worker may keep renewing its claims: a batch, a check alone and its one retry.
    A worker stuck past that lets its units go as a dead one would."""
    from .runner import BATCH_BUDGET

    return settings.CHECK_TIMEOUT * 2 + BATCH_BUDGET + 60


def _free(now: Any) -> Q:
    return Q(check_holder="") | Q(check_until__lt=now)


def claim(unit_id: int, holder: str) -> bool:
    return unit_id in claim_all([unit_id], holder)


def claim_all(unit_ids: list[int], holder: str) -> list[int]:
    """Claim those of the units nobody else holds (one statement): the ones now ``holder``'s."""
    if not unit_ids:
        return []
    now = timezone.now()
    RoundUnit.objects.filter(_free(now), pk__in=unit_ids).update(check_holder=holder, check_until=now + lease())
    held = set(RoundUnit.objects.filter(pk__in=unit_ids, check_holder=holder).values_list("pk", flat=True))
    return [u for u in unit_ids if u in held]


def release(unit_id: int, holder: str) -> None:
    release_all([unit_id], holder)


def release_all(unit_ids: list[int], holder: str) -> None:
    if unit_ids:
        RoundUnit.objects.filter(pk__in=unit_ids, check_holder=holder).update(check_holder="", check_until=None)


def renew(holder: str, unit_ids: list[int]) -> int:
    """Extend ``holder``'s claims on the units by a lease from now; how many it still held."""
    return RoundUnit.objects.filter(pk__in=unit_ids, check_holder=holder).update(
        check_until=timezone.now() + lease())


@contextmanager
def heartbeat(holder: str, unit_ids: list[int]) -> Iterator[None]:
    """While the block runs, ``holder``'s claims on the units are renewed every third of a lease
    (from a thread of its own, with its own database connection), for at most ``longest_hold``."""
    if not unit_ids:
        yield
        return
    stop = threading.Event()
    every = settings.CHECK_LEASE / 3
    until = time.monotonic() + longest_hold()

    def beat() -> None:
        from django.db import connection

        try:
            while not stop.wait(every) and time.monotonic() < until:
                try:
                    renew(holder, unit_ids)
                except Exception:  # a database hiccup: the next beat tries again
                    log.exception("renewing a check's claim")
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{holder}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def waiting(unit_id: int) -> Submission | None:
    return Submission.objects.filter(unit_id=unit_id, state="checking").order_by("version").first()


def waiting_of(unit_ids: list[int]) -> list[Submission]:
    """Each unit's oldest version waiting for its check (one query), oldest upload first."""
    if not unit_ids:
        return []
    first: dict[int, Submission] = {}
    for sub in (Submission.objects.filter(unit_id__in=unit_ids, state="checking").select_related("unit__round")
                .order_by("unit_id", "version")):
        first.setdefault(sub.unit_id, sub)
    return sorted(first.values(), key=lambda s: (s.received_at, s.pk))


def drain(holder: str, submission_ids: Iterable[int], runner: Any,
          finished: Callable[[], None] | None = None) -> int:
    """Check one waiting version of each free unit among the submissions' units; return how
    many were decided. The verdicts, the units' release, the queueing of each unit's next
    version and ``finished`` (the worker marks its tasks done) are one transaction: a
    batch costs a few statements, not a few per file."""
    from .intake import job_for, result_of

    unit_ids = list(dict.fromkeys(Submission.objects.filter(pk__in=list(submission_ids))
                                  .values_list("unit_id", flat=True)))
    claimed = claim_all(unit_ids, holder)
    subs: list[Submission] = []
    done = False
    try:
        with heartbeat(holder, claimed):
            subs = waiting_of(claimed)
            jobs = [job_for(sub) for sub in subs]
            outcomes = runner.check(jobs, settings.CHECK_TIMEOUT)
            verdicts = decide_all(subs, [result_of(sub, job, outcome)
                                         for sub, job, outcome in zip(subs, jobs, outcomes, strict=True)])
        with transaction.atomic():
            keep(verdicts)
            release_all(claimed, holder)
            for following in waiting_of(claimed):  # each unit's next version, behind the others already queued
                enqueue(following)
            if finished is not None:
                finished()
        done = True
        # the downloads, built ahead (one per round)
        prepare_soon(sub.unit.round_id for sub in subs)  # (waiting_of loaded each unit with its submission)
    finally:
        if not done:
            release_all(claimed, holder)
    return len(subs)


def recover(*, at_start: bool = False) -> int:
    """Release the claims of workers that are gone (a local process that ended; any claim not
    renewed within its lease), mark their tasks failed, and queue every unit that still has a
    version waiting and no task on its way (none stays ``checking``); return how many units
    were queued. ``at_start``: the same (kept for the callers that say so)."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    holding = set()
    for pk, holder, until in RoundUnit.objects.exclude(check_holder="").values_list("pk", "check_holder",
                                                                                    "check_until"):
        if _dead(holder):
            RoundUnit.objects.filter(pk=pk, check_holder=holder).update(check_holder="", check_until=None)
        elif until is None or until < now:  # not renewed in time (unless it was just now)
            lapsed = Q(check_until__isnull=True) | Q(check_until__lt=now)
            if not RoundUnit.objects.filter(lapsed, pk=pk, check_holder=holder).update(check_holder="", check_until=None):
                holding.add(holder)
        else:
            holding.add(holder)
    for running in DBTaskResult.objects.running().filter(task_path__in=[CHECK_PATH, PREPARE_PATH]):
        last = running.worker_ids[-1] if running.worker_ids else ""
        # a dead worker's task (a check's when its units' claims lapsed: it cannot be on its way any more;
        # a prepare holds no claim, so only when its process is known to have ended)
        if _dead(last) or (running.task_path == CHECK_PATH and last not in holding and running.started_at is not None
                           and running.started_at < now - lease()):
            running.set_failed(WorkerGone(last))
    # the queue keeps a finished task a week (the verdict itself is the submission's)
    DBTaskResult.objects.finished().filter(task_path=CHECK_PATH, finished_at__lt=now - KEPT).delete()
    waiting_units = set(Submission.objects.filter(state="checking", unit__check_holder="")
                        .values_list("unit_id", flat=True).distinct())
    if not waiting_units:
        return 0
    on_the_way = _units_with_tasks()
    queued = 0
    for sub in waiting_of(sorted(waiting_units - on_the_way)):
        with transaction.atomic():
            enqueue(sub)
        queued += 1
    return queued


def _units_with_tasks() -> set[int]:
    """The units of the check tasks queued or running (read after the units waiting, so that an
    upload recorded meanwhile is seen with its task)."""
    from django_tasks_db.models import DBTaskResult

    pending = (DBTaskResult.objects.filter(task_path=CHECK_PATH)
               .filter(Q(pk__in=DBTaskResult.objects.ready().values("pk")) |
                       Q(pk__in=DBTaskResult.objects.running().values("pk"))))
    ids = [a["args"][0] for a in pending.values_list("args_kwargs", flat=True)
           if isinstance(a, dict) and a.get("args")]
    return set(Submission.objects.filter(pk__in=ids).values_list("unit_id", flat=True))


class WorkerGone(Exception):
    """The worker that took the task ended before finishing it (its check runs again)."""


def _dead(holder: str) -> bool:
    """A worker of this host whose process is gone (one on another host: only its lease's time tells)."""
    where, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    return where == _host() and pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid))


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # signal 0 is Ctrl-C there: a lease ends with its time only
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True
