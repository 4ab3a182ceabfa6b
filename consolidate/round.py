"""One whole round in one call: validate every returned workbook, write the annotated
copies to send back, the office's report workbook and JSON, and the summary workbook;
optionally the templates for the roster too. The library behind ``consolidate run``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConsolidateError, os_error_msg
from .i18n import N_
from .roster import Roster
from .spec.model import Lang
from .writing import refuse_inside_inputs, staged_folder

if TYPE_CHECKING:  # rollup imports pandas; this module stays import-light
    from .output.annotate import Annotated
    from .report import Report
    from .rollup import RollupResult

SUMMARY = "汇总表.xlsx"
REPORT = "审核报告.xlsx"
JSON = "审核结果.json"
ANNOTATED = "退改文件"
TEMPLATES = "模板"


@dataclass(frozen=True)
class RoundResult:
    out_dir: Path
    summary: Path
    report: Path
    json: Path
    annotated_dir: Path
    annotated: tuple[Path, ...]  # the copies written, one per file with findings
    annotate_problems: tuple[str, ...]  # files that could not be annotated (the others were)
    templates: tuple[Path, ...]
    rollup: RollupResult


def run_round(
    paths: Sequence[Path | str],
    *,
    out_dir: Path,
    roster: Roster | None = None,
    year: int | None = None,
    format_id: str | None = None,
    previous: Sequence[Path | str] = (),
    templates: bool = False,
    lang: Lang = "zh",
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
    name: str | None = None,
    code: str | None = None,
) -> RoundResult:
    """Validate and roll up ``paths`` into ``out_dir`` (see the module's docstring).

    ``name``/``code``: the 汇总单位 (default: the roster's common 上级单位; without either
    the round is refused before anything is written)."""
    from .output.annotate import annotating
    from .output.json_report import write_json
    from .output.report_xlsx import write_report
    from .rollup import rollup
    from .rollup.data import district_name

    out_dir = Path(out_dir)
    refuse_inside_inputs(out_dir, [*paths, *previous], N_("输出文件夹"))
    name = district_name(name, roster)  # refused before anything is written
    try:
        # everything is written into a hidden folder beside out_dir and moved into place at the
        # end: the round's folder appears whole or not at all (a failure or Ctrl-C leaves nothing)
        with staged_folder(out_dir) as stage, ExitStack() as stack:
            copies: list[Callable[[], list[Annotated]]] = []

            def start_copies(report: Report) -> None:
                # the workers make the annotated copies (the longest part) while this process
                # totals, writes the summary, the report workbook, the JSON and the templates
                copies.append(stack.enter_context(annotating(report, stage / ANNOTATED, lang=lang, workers=workers,
                                                             alongside=True)))

            result = rollup(paths, out=stage / SUMMARY, roster=roster, year=year, format_id=format_id,
                            previous=previous, workers=workers, on_progress=on_progress, now=now, name=name,
                            code=code, on_validated=start_copies)
            report = result.report
            if not copies:  # rollup always reports its validation; never a round without its copies
                start_copies(report)
            write_report(report, stage / REPORT, lang=lang, roster=roster)
            write_json(report, stage / JSON, lang=lang)
            written: tuple[Path, ...] = ()
            if templates and roster is not None:
                from .spec import format_for_year
                from .template import make_templates

                the_year = result.data.year
                run = make_templates(format_id or format_for_year(the_year), the_year, roster=roster,
                                     out=stage / TEMPLATES)
                written = tuple(out_dir / TEMPLATES / f.path.name for f in run.files)
            done = copies[0]()
    except OSError as exc:
        raise ConsolidateError(N_("无法写入输出文件夹 {out_dir}（{reason}）。"), out_dir=out_dir, reason=os_error_msg(exc)) from exc
    return RoundResult(
        out_dir=out_dir,
        summary=out_dir / SUMMARY,
        report=out_dir / REPORT,
        json=out_dir / JSON,
        annotated_dir=out_dir / ANNOTATED,
        annotated=tuple(out_dir / ANNOTATED / d.copy.name for d in done if d.copy is not None),
        annotate_problems=tuple(d.problem.message(lang) for d in done if d.problem is not None),
        templates=written,
        rollup=dataclasses.replace(result, out=out_dir / SUMMARY),
    )
