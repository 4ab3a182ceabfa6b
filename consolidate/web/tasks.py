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

import os
import socket
import sys
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .models import RoundUnit, Submission

QUEUE = "checks"


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
    from .rounds import roster_of

    unit_ids = list(dict.fromkeys(Submission.objects.filter(pk__in=list(submission_ids))
                                  .values_list("unit_id", flat=True)))
    claimed = [u for u in unit_ids if claim(u, holder)]
    try:
        subs = [s for s in (waiting(u) for u in claimed) if s is not None]
        subs = list(Submission.objects.filter(pk__in=[s.pk for s in subs]).select_related("unit__round")
                    .order_by("received_at"))
        rosters: dict[int, Any] = {}
        jobs = []
        for sub in subs:
            round_ = sub.unit.round
            if round_.pk not in rosters:
                rosters[round_.pk] = roster_of(round_)
            jobs.append(job_for(sub, rosters[round_.pk]))
        outcomes = runner.check(jobs, settings.CHECK_TIMEOUT)
        for sub, job, outcome in zip(subs, jobs, outcomes, strict=True):
            record(sub, job, outcome, rosters[sub.unit.round.pk])
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
    host = socket.gethostname()[:40]
    now = timezone.now()
    for unit in RoundUnit.objects.exclude(check_holder="").only("pk", "check_holder", "check_until"):
        where, _, rest = unit.check_holder.partition(":")
        pid = rest.partition(":")[0]
        gone = unit.check_until is None or unit.check_until < now
        if not gone and where == host and pid.isdigit() and int(pid) != os.getpid():
            gone = not _alive(int(pid))
        if gone:
            RoundUnit.objects.filter(pk=unit.pk, check_holder=unit.check_holder).update(check_holder="", check_until=None)
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
