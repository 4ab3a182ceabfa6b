"""The check of one stored file, as the worker process runs it: the library's ``validate``
(the same call as ``consolidate validate``) and, for a file with findings, its annotated copy.

Runs in a worker (``checker.py``), never in the server's own process, so a file that
crashes or hangs the reader takes down a worker, not the server.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..i18n import LANGS, Lang, language
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
    result: FileResult  # path = the job's name
    annotated: str | None  # the annotated copy written in work_dir, if any
    annotate_problem: str | None = None
    annotated_en: str | None = None  # the same copy with its notes and sheet in English


def check_file(job: CheckJob) -> CheckOutcome:
    from ..output.annotate import AnnotateError, annotate_file
    from ..validate import validate

    work = Path(job.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    source = work / job.name
    try:
        os.link(job.blob, source)
    except OSError:
        shutil.copyfile(job.blob, source)
    roster = Roster(tuple(Unit(code=c, name=n, type=t, parent=p, row=i + 2)
                          for i, (c, n, t, p) in enumerate(job.units)))
    report = validate([source], format_id=job.format_id, year=job.year, roster=roster, workers=1)
    result = report.files[0]
    copies: dict[str, Path | None] = {}
    problem = None
    try:
        for lang in LANGS:  # a copy for each language a page can be read in
            with language(lang):
                copies[lang] = annotate_file(result, work / f"annotated-{lang}", lang=lang)
    except AnnotateError as exc:
        problem = exc.message("zh")
    zh, en = copies.get("zh"), copies.get("en")
    return CheckOutcome(dataclasses.replace(result, path=job.name), str(zh) if zh else None, problem,
                        str(en) if en else None)


def warm() -> None:
    """Import what a check needs (a worker does this before its first file)."""
    from ..output import annotate  # noqa: F401
    from ..read import reader  # noqa: F401
    from ..rules import check_batch  # noqa: F401
    from ..validate import validate  # noqa: F401


@dataclass(frozen=True)
class OutputsJob:
    files: tuple[tuple[str, str], ...]  # (stored file, the name to read it under): each unit's latest
    work_dir: str
    format_id: str
    year: int
    units: tuple[tuple[str, str, str, str], ...]
    name: str
    code: str
    lang: Lang = "zh"  # the language of the page that asked: the workbooks' own texts


@dataclass(frozen=True)
class Outputs:
    rollup: bytes | None  # rollup.xlsx, as `consolidate rollup` writes it (None: no file yet)
    report: bytes | None  # 审核报告.xlsx over the same files


def round_outputs(job: OutputsJob) -> Outputs:
    """The roll-up and the report workbook over each unit's latest file: the library's own
    ``rollup`` (which validates them with the same engine) and ``report_bytes``."""
    from ..output.report_xlsx import report_bytes
    from ..rollup import rollup

    if not job.files:
        return Outputs(None, None)
    work = Path(job.work_dir)
    inputs = work / "submissions"
    inputs.mkdir(parents=True, exist_ok=True)
    for blob, name in job.files:
        target = inputs / name
        try:
            os.link(blob, target)
        except OSError:
            shutil.copyfile(blob, target)
    roster = Roster(tuple(Unit(code=c, name=n, type=t, parent=p, row=i + 2)
                          for i, (c, n, t, p) in enumerate(job.units)))
    out = work / "rollup.xlsx"
    with language(job.lang):
        result = rollup([inputs], out=out, roster=roster, year=job.year, format_id=job.format_id,
                        name=job.name, code=job.code or None, workers=1)
        return Outputs(out.read_bytes(), report_bytes(result.report, lang=job.lang))
