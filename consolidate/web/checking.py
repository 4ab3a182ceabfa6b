"""The check of one stored file, as the worker process runs it: the library's ``validate``
(the same call as ``consolidate validate``); and a file's annotated copy, on its first download.

Runs in a worker (``checker.py``), never in the server's own process, so a file that
crashes or hangs the reader takes down a worker, not the server.
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


def check_file(job: CheckJob) -> CheckOutcome:
    """The library's ``validate`` on one stored file; with ``job.units`` empty, without the
    roster (``results.store_outcome`` adds the roster's part from the database)."""
    from ..validate import validate

    work = Path(job.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    source = work / job.name
    _link(job.blob, source)
    roster = (Roster(tuple(Unit(code=c, name=n, type=t, parent=p, row=i + 2) for i, (c, n, t, p) in enumerate(job.units)))
              if job.units else None)
    report = validate([source], format_id=job.format_id, year=job.year, roster=roster, workers=1)
    return CheckOutcome(dataclasses.replace(report.files[0], path=job.name))


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
