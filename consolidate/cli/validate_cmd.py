"""``consolidate validate``: check returned workbooks; JSON, annotated copies, report workbook."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_
from . import common
from .app import command


@command("validate", help=N_("审核报回的工作簿：结构、数字、勾稽关系、单位和年度。\n\n"
                             "退出码：0 没有错误（可以有警告）；1 有文件存在错误或无法读取；2 用法错误。"))
def validate(
    paths: Annotated[list[Path], typer.Argument(
        metavar=common.METAVAR_PATHS, show_default=False,
        help=N_("要审核的工作簿或文件夹（文件夹逐层查找，其中每个文件都审核，隐藏文件和 ~$ 开头的临时文件除外）。"))],
    format_id: Annotated[str | None, typer.Option(
        "--format", "-f", metavar="v2021|v2019",
        help=N_("国家格式。默认按文件中的模板标识或标签识别；给出时，不是本程序模板的文件按此格式读取，"
                "其他格式的文件报错。"))] = None,
    year: Annotated[str | None, typer.Option("--year", "-y", metavar=common.METAVAR_YEAR, help=N_("本次收集的报告年度。"))] = None,
    roster: Annotated[Path | None, typer.Option(
        "--roster", "-r", metavar=common.METAVAR_FILE, help=N_("单位名单（与 template 相同的格式），用于核对单位。"))] = None,
    json_out: Annotated[str | None, typer.Option(
        "--json", metavar="FILE|-",
        help=N_("把完整结果写成 JSON 文件；“-”表示写到标准输出（此时标准输出只有 JSON）。"))] = None,
    annotate: Annotated[Path | None, typer.Option(
        "--annotate", metavar=common.METAVAR_DIR, help=N_("为每个有问题的文件生成一份标红批注的副本（可直接退回单位修改）。"))] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", metavar="FILE.xlsx", help=N_("生成一个列出全部文件和全部问题的工作簿（可筛选）。"))] = None,
    lang: common.LangOption = "zh",
    workers: common.WorkersOption = None,
) -> None:
    from ..output.json_report import stream_json, write_json
    from ..roster import read_roster
    from ..validate import validate as run_validate
    from ..writing import refuse_inside_inputs
    from .render import ProgressBar, render_summary, render_written

    language = common.parse_lang(lang)
    fmt = common.parse_format(format_id)
    report_year = common.parse_year(year)
    to_stdout = json_out == "-"
    console = common.err_console if to_stdout else common.out_console
    with common.cannot_proceed():
        for output, what in ((annotate, N_("问题标注文件夹")), (report, N_("审核结果工作簿")),
                             (None if json_out in (None, "-") else Path(json_out), N_("JSON 报告"))):
            if output is not None:  # refused before any work: no command writes into the folder it reads
                refuse_inside_inputs(output, paths, what)
        units = read_roster(roster) if roster is not None else None
        with ProgressBar(common.err_console) as progress:
            result = run_validate(paths, format_id=fmt, year=report_year, roster=units, workers=workers,
                                  on_progress=progress)
        if to_stdout:
            stream_json(result, sys.stdout, lang=language)
            sys.stdout.flush()
        elif json_out is not None:
            write_json(result, Path(json_out), lang=language)
        render_summary(console, result, hint=annotate is None and report is None)
        if json_out is not None and not to_stdout:
            render_written(console, "json", path=json_out)
        if report is not None:
            from ..output.report_xlsx import write_report

            write_report(result, report, lang=language, roster=units)
            render_written(console, "report", path=report)
        if annotate is not None:
            from ..output.annotate import annotate_report

            done = annotate_report(result, annotate, lang=language, workers=workers)
            copies = [d for d in done if d.copy is not None]
            render_written(console, "annotated", n=len(copies), dir=annotate)
            for item in done:
                if item.problem is not None:
                    render_written(common.err_console, "annotate_failed", message=item.problem.message(language))
    raise typer.Exit(common.EXIT_OK if result.ok else common.EXIT_DATA)
