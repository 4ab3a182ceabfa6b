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
turns with the other units' instead of filling the workers. A lease outlives its
holder only until ``check_until``: a worker that starts (or sweeps, :func:`recover`)
releases the leases of dead local workers and of any holder past its time, and queues
every unit that still has a version waiting, so no submission stays ``checking``.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .models import RoundUnit, Submission

log = logging.getLogger(__name__)

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
    """Who holds a lease: this host and process, and the thread's number."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{n}"


def lease() -> timedelta:
    """Long enough for a batch, a check alone and its one retry."""
    from .runner import BATCH_BUDGET

    return timedelta(seconds=settings.CHECK_TIMEOUT * 2 + BATCH_BUDGET + 60)


def claim(unit_id: int, holder: str) -> bool:
    now = timezone.now()
    free = Q(check_holder="") | Q(check_until__lt=now)
    return RoundUnit.objects.filter(free, pk=unit_id).update(check_holder=holder, check_until=now + lease()) == 1


def release(unit_id: int, holder: str) -> None:
    RoundUnit.objects.filter(pk=unit_id, check_holder=holder).update(check_holder="", check_until=None)


def waiting(unit_id: int) -> Submission | None:
    return Submission.objects.filter(unit_id=unit_id, state="checking").order_by("version").first()


def drain(holder: str, submission_ids: Iterable[int], runner: Any) -> int:
    """Check one waiting version of each free unit among the submissions' units; return how
    many were decided."""
    from .intake import job_for, record

    unit_ids = list(dict.fromkeys(Submission.objects.filter(pk__in=list(submission_ids))
                                  .values_list("unit_id", flat=True)))
    claimed = [u for u in unit_ids if claim(u, holder)]
    try:
        subs = [s for s in (waiting(u) for u in claimed) if s is not None]
        subs = list(Submission.objects.filter(pk__in=[s.pk for s in subs]).select_related("unit__round")
                    .order_by("received_at"))
        jobs = [job_for(sub) for sub in subs]
        outcomes = runner.check(jobs, settings.CHECK_TIMEOUT)
        for sub, job, outcome in zip(subs, jobs, outcomes, strict=True):
            record(sub, job, outcome)
        prepare_soon(sub.unit.round_id for sub in subs)  # the downloads, built ahead (one per round)
    finally:
        for unit_id in claimed:
            release(unit_id, holder)
            following = waiting(unit_id)
            if following is not None:  # the unit's next version, behind the others already queued
                with transaction.atomic():
                    enqueue(following)
    return len(subs)


def recover(*, at_start: bool) -> int:
    """Release the leases of workers that are gone and queue every unit that still has a
    version waiting (none stays ``checking``); return how many units were queued."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    for unit in RoundUnit.objects.exclude(check_holder="").only("pk", "check_holder", "check_until"):
        if unit.check_until is None or unit.check_until < now or _dead(unit.check_holder):
            RoundUnit.objects.filter(pk=unit.pk, check_holder=unit.check_holder).update(check_holder="", check_until=None)
    for running in DBTaskResult.objects.running().filter(task_path=CHECK_PATH):  # a dead worker's task: failed
        if running.worker_ids and _dead(running.worker_ids[-1]):
            running.set_failed(WorkerGone(running.worker_ids[-1]))
    # the queue keeps a finished task a week (the verdict itself is the submission's)
    DBTaskResult.objects.finished().filter(task_path=CHECK_PATH, finished_at__lt=now - KEPT).delete()
    stale = Q() if at_start else Q(received_at__lt=now - lease())
    units = (Submission.objects.filter(stale, state="checking", unit__check_holder="")
             .values_list("unit_id", flat=True).distinct())
    queued = 0
    for unit_id in list(units):
        sub = waiting(unit_id)
        if sub is not None:
            with transaction.atomic():
                enqueue(sub)
            queued += 1
    return queued


class WorkerGone(Exception):
    """The worker that took the task ended before finishing it (its check runs again)."""


def _dead(holder: str) -> bool:
    """A worker of this host whose process is gone (one on another host: only its lease's time tells)."""
    where, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    return (where == socket.gethostname()[:40] and pid.isdigit() and int(pid) != os.getpid()
            and not _alive(int(pid)))


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
