"""The check of stored files, as a check process runs it: the library's ``validate`` (the
same call as ``consolidate validate``) and, for a file with findings, its annotated copy.

Runs in a process of its own under limits (``runner.py``), started by a queue worker
(``workers.py``), never in the server's own process, so a file that crashes or hangs the
reader ends that process, not the server. Several files of different units are checked in
one call as ``consolidate validate`` batches them (the rules run once over the batch).
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


def check_files(jobs: list[CheckJob]) -> list[CheckOutcome]:
    """Each job's outcome, in order: the jobs of one round (format, year, roster) validated
    together in one call, as ``consolidate validate`` checks a folder."""
    from ..validate import validate

    groups: dict[tuple[str, int, tuple[tuple[str, str, str, str], ...]], list[int]] = {}
    for i, job in enumerate(jobs):
        groups.setdefault((job.format_id, job.year, job.units), []).append(i)
    out: list[CheckOutcome | None] = [None] * len(jobs)
    for (format_id, year, units), members in groups.items():
        sources = [_linked(jobs[i]) for i in members]
        roster = Roster(tuple(Unit(code=c, name=n, type=t, parent=p, row=k + 2)
                              for k, (c, n, t, p) in enumerate(units)))
        report = validate(sources, format_id=format_id, year=year, roster=roster, workers=1)
        for i, source in zip(members, sources, strict=True):
            mine = [r for r in report.files if r.path == str(source) or r.path.startswith(f"{source}/")]
            if not mine:  # not in the batch's report (one of our own report workbooks): as alone
                mine = validate([source], format_id=format_id, year=year, roster=roster, workers=1).files
            out[i] = _annotated(jobs[i], mine[0])
    return [o for o in out if o is not None]


def check_file(job: CheckJob) -> CheckOutcome:
    """One job's outcome (``check_files`` of one)."""
    return check_files([job])[0]


def _linked(job: CheckJob) -> Path:
    work = Path(job.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    source = work / job.name
    try:
        os.link(job.blob, source)
    except OSError:
        shutil.copyfile(job.blob, source)
    return source


def _annotated(job: CheckJob, result: FileResult) -> CheckOutcome:
    from ..output.annotate import AnnotateError, annotate_file

    work = Path(job.work_dir)
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
