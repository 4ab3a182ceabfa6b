"""The check of stored files, as a check process runs it: the library's ``validate`` (the
same call as ``consolidate validate``); and a file's annotated copy, on its first download.

Runs in a process of its own under limits (``runner.py``), started by a queue worker
(``workers.py``) or for a waiting request, never in the server's own process, so a file
that crashes or hangs the reader ends that process, not the server. Several files of
different units are checked in one call as ``consolidate validate`` batches them (the
rules run once over the batch).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..i18n import Lang, language
from ..report import FileResult
from ..roster import Roster, Unit


@dataclass(frozen=True)
class CheckJob:
    blob: str  # the stored file
    name: str  # the name it is checked under (safe, ours): what reports and the copy show
    work_dir: str  # an empty folder of the data folder's tmp/ for this check
    format_id: str
    year: int
    units: tuple[tuple[str, str, str, str], ...]  # the round's roster: code, name, type, parent


@dataclass(frozen=True)
class CheckOutcome:
    result: FileResult  # path = the job's name (the annotated copy is made on its first download: ``annotate_copy``)


def _link(blob: str, target: Path) -> None:
    try:
        os.link(blob, target)
    except OSError:
        shutil.copyfile(blob, target)


def check_files(jobs: list[CheckJob]) -> list[CheckOutcome]:
    """Each job's outcome, in order: the jobs of one round (format, year, roster: none when
    ``units`` is empty, ``results.store_outcome`` then adds the roster's part from the
    database) validated together in one call, as ``consolidate validate`` checks a folder."""
    from ..validate import validate

    groups: dict[tuple[str, int, tuple[tuple[str, str, str, str], ...]], list[int]] = {}
    for i, job in enumerate(jobs):
        groups.setdefault((job.format_id, job.year, job.units), []).append(i)
    out: list[CheckOutcome | None] = [None] * len(jobs)
    for (format_id, year, units), members in groups.items():
        sources = []
        for i in members:
            work = Path(jobs[i].work_dir)
            work.mkdir(parents=True, exist_ok=True)
            sources.append(work / jobs[i].name)
            _link(jobs[i].blob, sources[-1])
        roster = (Roster(tuple(Unit(code=c, name=n, type=t, parent=p, row=k + 2) for k, (c, n, t, p) in enumerate(units)))
                  if units else None)
        report = validate(sources, format_id=format_id, year=year, roster=roster, workers=1)
        for i, source in zip(members, sources, strict=True):
            mine = [r for r in report.files if r.path == str(source) or r.path.startswith(f"{source}/")]
            if not mine:  # not in the batch's report (one of our own report workbooks): as alone
                mine = validate([source], format_id=format_id, year=year, roster=roster, workers=1).files
            out[i] = CheckOutcome(dataclasses.replace(mine[0], path=jobs[i].name))
        for i in members:  # done with: removed here, beside the worker's own work
            shutil.rmtree(jobs[i].work_dir, ignore_errors=True)
    return [o for o in out if o is not None]


def check_file(job: CheckJob) -> CheckOutcome:
    """One job's outcome (``check_files`` of one)."""
    return check_files([job])[0]


def warm() -> None:
    """Import what a check needs (a worker does this before its first file)."""
    from ..output import annotate  # noqa: F401
    from ..read import reader  # noqa: F401
    from ..rules import check_batch  # noqa: F401
    from ..validate import validate  # noqa: F401


@dataclass(frozen=True)
class CopyJob:
    blob: str  # the stored file
    entry: dict[str, Any]  # its stored result (``Submission.report``)
    name: str  # the name it was checked under
    work_dir: str
    lang: Lang


def annotate_copy(job: CopyJob) -> tuple[str, str] | tuple[None, str]:
    """The annotated copy of a stored file in ``job.lang``, from its stored result (the file
    is opened to be copied, not checked again): (path of the copy, its name), or (None, why
    not) in ``job.lang``."""
    from ..output.annotate import AnnotateError, annotate_file

    work = Path(job.work_dir)
    (work / "in").mkdir(parents=True, exist_ok=True)
    source = work / "in" / job.name
    _link(job.blob, source)
    result = FileResult.from_dict(job.entry, path=str(source))
    try:
        with language(job.lang):
            out = annotate_file(result, work / "out", lang=job.lang)
    except AnnotateError as exc:
        return None, exc.message(job.lang)
    return (str(out), out.name) if out is not None else (None, "")
