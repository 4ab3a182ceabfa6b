"""``rollup()``: validate the files, choose one per unit, total, write the summary workbook.

The library behind ``consolidate rollup``. It validates with the same engine as
``validate`` (this year's files, and last year's for 同比), builds a RollupData (the pure
part, ``data.build``), writes the workbook (``summary.summary_bytes``) and returns a
RollupResult: the counts, every file's fate, the totals and the findings, for the command
line to render and to decide its exit code. It never prints and never exits.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import ConsolidateError, os_error_msg
from ..findings import Finding
from ..i18n import N_, in_language
from ..report import Report
from ..roster import Roster, normalise_text
from ..spec.model import Lang
from ..writing import refuse_inside_inputs, write_atomically
from . import texts
from .data import RollupData, build, district_name, round_year
from .previous import with_units
from .reports import ReportCheck, check_reports
from .summary import summary_bytes


@dataclass(frozen=True)
class RollupResult:
    data: RollupData
    out: Path
    report: Report  # this year's files as validated
    previous_report: Report | None
    tool_version: str
    ran_at: datetime
    skipped: tuple[str, ...] = ()  # files of ours left out: report workbooks, this level's own summary
    reports: tuple[ReportCheck, ...] = ()  # --reports: each published report against its unit's submission

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.data.selection.units if r.fate == "missing")

    @property
    def with_errors(self) -> tuple[str, ...]:
        """Submissions that speak for a unit but have errors, and files that could not be read."""
        sel = self.data.selection
        chosen = {id(r.file) for r in sel.units if r.file is not None}
        out = [f.file.path for f in sel.files
               if f.fate == "unreadable" or (not f.counted and f.file.status == "invalid"
                                              and (id(f.file) in chosen or f.fate == "unlisted"))]
        return tuple(out)

    @property
    def complete(self) -> bool:
        """Every roster unit sent a submission without errors and every file could be read (--strict)."""
        return not self.missing and not self.with_errors

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        data = self.data
        sel = data.selection
        def label(fate: str) -> str:
            return in_language(lang, texts.FATE_LABEL[fate])  # type: ignore[index]

        def finding(f: Finding) -> dict[str, Any]:
            return f.to_dict(lang)

        return {
            "tool": "consolidate",
            "tool_version": self.tool_version,
            "ran_at": self.ran_at.isoformat(timespec="seconds"),
            "out": str(self.out),
            "format": data.spec.id,
            "year": data.year,
            "district": {"name": data.district_name, "code": data.district_code},
            "counts": data.counts(),
            "submission_rate": data.rates.submission_rate,
            "pass_rate": data.rates.pass_rate,
            "complete": self.complete,
            "skipped": list(self.skipped),
            "units": [
                {"name": r.name, "code": r.code, "type": r.type, "listed": r.listed, "status": r.fate,
                 "status_label": label(r.fate), "counted": r.counted, "units": r.units,
                 "file": r.file.path if r.file is not None else None}
                for r in sel.units
            ],
            "files": [
                {"path": f.file.path, "sha256": f.file.sha256, "status": f.file.status, "fate": f.fate,
                 "fate_label": label(f.fate), "counted": f.counted, "kind": f.file.kind, "units": f.file.units,
                 "unit": {"name": f.unit.name if f.unit else f.file.unit_name,
                          "code": f.unit.code if f.unit else f.file.unit_code},
                 "note": f.note, "filled_on": f.filled_on.isoformat() if f.filled_on else None,
                 "replaced_by": f.replaced_by, "identical_to": f.identical_to,
                 "counts": f.file.counts, "findings": [finding(x) for x in f.file.findings]}
                for f in sel.files
            ],
            "reports": [r.to_dict() for r in self.reports],
            "totals": data.totals,
            "totals_findings": [finding(x) for x in data.totals_findings],
            "yoy": None if data.yoy is None else {
                "previous_year": data.yoy.previous_year,
                "previous_format": data.yoy.previous_format,
                "district_source": data.yoy.district_source,
                "district_checked": data.yoy.district_checked,
                "coverage": {"this_year": data.yoy.coverage[0], "last_year": data.yoy.coverage[1]},
                "district": [{"key": x.key, "this": x.this, "last": x.last, "change": x.change}
                             for x in data.yoy.district],
                "findings": [{"unit": data.district_name, **finding(x)} for x in data.yoy.district_findings]
                + [{"unit": u.name, **finding(x)} for u in data.yoy.units for x in u.findings],
                "previous_files": [{"path": f.file.path, "fate": f.fate, "counted": f.counted}
                                   for f in data.yoy.previous.files],
                "previous_findings": [{"path": fate.file.path, **finding(x)}
                                      for fate, x in data.yoy.previous_problems()],
            },
        }


def _inputs(paths: Sequence[Path | str], out: Path) -> list[Path]:
    """The files to read; an output inside an input folder, or over an input file, is refused
    (the next run would read it as a submission, or a unit's file would be lost)."""
    from ..validate import expand_paths

    refuse_inside_inputs(out, paths, N_("汇总表"))
    return expand_paths(paths)


def _without_own_summary(report: Report, own: str) -> Report:
    """A summary of ours made for this very level (an earlier run's output, last year's summary)
    found among the inputs is not a submission of a unit below: it is left out, and said so."""
    if not own:
        return report
    mine = normalise_text(own)
    ours = [f for f in report.files if f.kind == "rollup" and normalise_text(f.unit_name) == mine]
    if not ours:
        return report
    left_out = {id(f) for f in ours}
    return dataclasses.replace(report, files=[f for f in report.files if id(f) not in left_out],
                               skipped=(*report.skipped, *(f.path for f in ours)))


def _write(out: Path, data: bytes) -> None:
    """Write through a temporary file beside ``out`` so a failed run leaves no half workbook."""
    try:
        write_atomically(out, data)
    except OSError as exc:
        raise ConsolidateError(N_("无法写入汇总表 {out}（{reason}）。请检查文件夹是否存在、文件是否正在 Excel 中打开。"), out=out, reason=os_error_msg(exc)) from exc


def rollup_json(result: RollupResult, lang: Lang = "zh") -> str:
    """The roll-up as strict JSON (unreadable numbers, NaN in the library, are ``null``)."""
    from ..output.json_report import json_ready

    return json.dumps(json_ready(result.to_dict(lang)), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_rollup_json(result: RollupResult, path: Path, inputs: Sequence[Path | str], lang: Lang = "zh") -> None:
    """Write :func:`rollup_json` to ``path`` atomically, never into an input folder nor over an input."""
    path = Path(path)
    refuse_inside_inputs(path, [*inputs, *(Path(f.path) for f in result.report.files)], N_("JSON 文件"))
    try:
        write_atomically(path, rollup_json(result, lang).encode("utf-8"))
    except OSError as exc:
        raise ConsolidateError(N_("无法写入 JSON 文件 {path}（{reason}）。"), path=path, reason=os_error_msg(exc)) from exc


def rollup(
    paths: Sequence[Path | str],
    *,
    out: Path,
    roster: Roster | None = None,
    year: int | None = None,
    format_id: str | None = None,
    previous: Sequence[Path | str] = (),
    include_unlisted: bool = False,
    name: str | None = None,
    code: str | None = None,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
    json_out: Path | None = None,
    lang: Lang = "zh",
    reports: Sequence[Path | str] = (),
) -> RollupResult:
    """Validate ``paths`` (files and folders), roll the accepted submissions up, write ``out``.

    ``roster``: the units expected (the order of 分单位明细 and 报送情况); ``year``/``format_id``:
    the round (default: the year most files state, its national format); ``previous``: last
    year's summary or submissions (for 同比); ``include_unlisted``: count units off the
    roster; ``name``/``code``: this level's own name and code (default: the roster's common
    上级单位; without either the roll-up is refused: a summary must say whom it is for);
    ``now``: the time the summary reports as 截至 (default: the clock); ``json_out``: also
    write the result as JSON there (in ``lang``); ``reports``: the units' published annual
    reports (files or folders), each compared with its unit's counted submission
    (``reports.check_reports``: a difference is a warning on that submission). No output may
    be inside an input folder.
    """
    from ..validate import validate

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise ConsolidateError(N_("汇总表的文件名应以 .xlsx 结尾：{out}"), out=out)
    refuse_inside_inputs(out, previous, N_("汇总表"))
    if json_out is not None:
        refuse_inside_inputs(Path(json_out), [*paths, *previous], N_("JSON 文件"))
    files = _inputs(paths, out)
    if not files:
        raise ConsolidateError(N_("没有要汇总的文件。"))
    name = district_name(name, roster)
    report = validate(files, format_id=format_id, year=year, roster=roster, workers=workers, on_progress=on_progress)
    report = _without_own_summary(report, name)
    the_year = round_year(report.files, year)
    previous_report = None
    if previous:
        previous_files = _inputs(previous, out)
        previous_report = validate(previous_files, year=the_year - 1, roster=roster, workers=workers)
    data = build(report.files, roster=roster, year=the_year, format_id=format_id,
                 previous=with_units(previous_report.files) if previous_report else (),
                 include_unlisted=include_unlisted,
                 name=name, code=code)
    checks: tuple[ReportCheck, ...] = ()
    if reports:
        report_files = _inputs(reports, out)
        given = {p.resolve() for p in files}
        if any(p.resolve() in given for p in report_files):
            raise ConsolidateError(N_("公开的年度报告（--reports）与要汇总的报表是同一批文件。请把年度报告放在单独的文件夹中。"))
        if report_files:
            read = validate(report_files, format_id=format_id, year=the_year, roster=roster, workers=workers)
            checks = tuple(check_reports(read.files, data.selection, roster))
    ran_at = now or datetime.now().replace(microsecond=0)
    _write(out, summary_bytes(data, now=ran_at, tool_version=__version__))
    result = RollupResult(data=data, out=out, report=report, previous_report=previous_report,
                          tool_version=__version__, ran_at=ran_at, skipped=report.skipped, reports=checks)
    if json_out is not None:
        write_rollup_json(result, Path(json_out), [*paths, *previous, *reports], lang)
    return result
