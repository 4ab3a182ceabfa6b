"""``rollup --reports DIR``: each unit's published annual report against its counted submission.

A unit's report on its website must carry the numbers it submitted. Every file in the
reports folder is read and checked like a submission (its own 勾稽关系 included), matched to
a unit (by code, then name: the roster's matcher, or the counted files' names without a
roster), and compared cell by cell with the submission counted for that unit. A difference
is a warning (REPORT-DIFFERS) on that submission, so it shows on 报送情况 (its warning
count), in 问题清单 and in the JSON; every report's outcome is in ``ReportCheck``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..compare import CellDifference, cell_differences
from ..findings import FindingFactory, Place, fmt_number
from ..report import FileResult
from ..roster import Roster, normalise_code, normalise_text
from ..rules.order import sort_findings
from .select import Selection

Outcome = Literal["same", "differs", "unmatched", "unreadable", "other-format"]
EXAMPLES = 3


@dataclass(frozen=True)
class ReportCheck:
    report: FileResult  # the published report as read and checked
    outcome: Outcome
    unit: str = ""  # the unit it was matched to
    submission: str | None = None  # the path of the counted submission it was compared with
    differences: tuple[CellDifference, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.report.path, "status": self.report.status, "outcome": self.outcome, "unit": self.unit,
            "submission": self.submission, "counts": self.report.counts,
            "differences": [{"key": d.key, "table": d.table, "label": d.label, "submission": d.a, "report": d.b}
                            for d in self.differences],
        }


def _examples(differences: Sequence[CellDifference]) -> str:
    shown = [f"{d.table} {d.label} {fmt_number(d.a)} ≠ {fmt_number(d.b)}" for d in differences[:EXAMPLES]]
    return "；".join(shown) + ("……" if len(differences) > EXAMPLES else "")


def check_reports(reports: Sequence[FileResult], selection: Selection, roster: Roster | None) -> list[ReportCheck]:
    """Compare each report with its unit's counted submission; a difference becomes a warning
    added to that submission's findings (the only change made to anything given)."""
    find = roster.find if roster is not None else None  # the one roster matcher
    counted: dict[str, FileResult] = {}  # "code:…" and "name:…" -> the submission counted for the unit
    for row in selection.units:
        if row.counted and row.file is not None:
            for code in (row.code, row.file.unit_code):
                if normalise_code(code):
                    counted.setdefault("code:" + normalise_code(code), row.file)
            for name in (row.name, row.file.unit_name):
                if normalise_text(name):
                    counted.setdefault("name:" + normalise_text(name), row.file)
    out: list[ReportCheck] = []
    factory = FindingFactory()
    for report in reports:
        if report.status == "unreadable" or report.values is None:
            out.append(ReportCheck(report, "unreadable"))
            continue
        unit = find(report.unit_code, report.unit_name) if find is not None else None
        code = unit.code if unit is not None else report.unit_code
        submission = (counted.get("code:" + normalise_code(code)) if normalise_code(code) else None) or (
            counted.get("name:" + normalise_text(report.unit_name)) if unit is None else None)
        if submission is None:
            out.append(ReportCheck(report, "unmatched", report.unit_name))
            continue
        if submission.format != report.format or submission.format is None:
            out.append(ReportCheck(report, "other-format", submission.unit_name, submission.path))
            continue
        from ..spec import load_spec

        differences = cell_differences(load_spec(submission.format), submission, report)
        if differences:
            finding = factory.common("REPORT-DIFFERS", Place(file=Path(submission.path).name),
                                     report=Path(report.path).name, n=len(differences),
                                     examples=_examples(differences))
            submission.findings = sort_findings([*submission.findings, finding])
        out.append(ReportCheck(report, "differs" if differences else "same", submission.unit_name, submission.path,
                               differences))
    return out
