"""``consolidate rollup``: total the accepted submissions into the district's summary workbook."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, current
from . import common
from .app import command


@command("rollup", help=N_("汇总审核通过的报表，生成全区（县）汇总表。\n\n"
                           "每个单位只计一份报表（填报日期最新的）；有错误、无法读取、名单外的报表不计入，"
                           "但都列在汇总表的“报送情况”和“问题清单”中。"
                           "退出码：0 完成；1 使用 --strict 且有单位未报送或报表有错误；2 用法错误。"))
def rollup(
    paths: Annotated[list[Path], typer.Argument(
        metavar=common.METAVAR_PATHS, show_default=False,
        help=N_("各单位报回的工作簿或所在文件夹（文件夹逐层查找）；也可以是下级的汇总表（市汇总各区县的汇总表）。"))],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="FILE.xlsx", help=N_("要生成的汇总表。"))],
    roster: Annotated[Path | None, typer.Option(
        "--roster", "-r", metavar=common.METAVAR_FILE,
        help=N_("单位名单（与 template 相同的格式）：用于判断未报送、名单外，并按名单排序。"))] = None,
    year: Annotated[str | None, typer.Option(
        "--year", "-y", metavar=common.METAVAR_YEAR, help=N_("报告年度，默认取多数文件的年度。"))] = None,
    format_id: common.FormatOption = None,
    previous: Annotated[list[Path] | None, typer.Option(
        "--previous", "-p", metavar=common.METAVAR_FILE,
        help=N_("上年的汇总表或上年各单位的报表（文件或文件夹，可重复给出），用于生成“同比”表。"))] = None,
    json_out: Annotated[str | None, typer.Option(
        "--json", metavar="FILE|-",
        help=N_("把结果写成 JSON 文件；“-”表示写到标准输出（此时标准输出只有 JSON）。"))] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help=N_("名单中有单位未报送、报表有错误或文件无法读取时，退出码为 1。"))] = False,
    include_unlisted: Annotated[bool, typer.Option(
        "--include-unlisted", help=N_("名单外单位的报表也计入汇总。"))] = False,
    name: common.NameOption = None,
    code: common.CodeOption = None,
    reports: Annotated[list[Path] | None, typer.Option(
        "--reports", metavar=common.METAVAR_DIR,
        help=N_("各单位公开的年度报告（文件或文件夹）：逐格与该单位计入的报表比较，不一致的作为警告列出。"))] = None,
    lang: common.LangOption = "zh",
    workers: common.WorkersOption = None,
) -> None:
    from ..rollup import rollup as run_rollup
    from ..rollup.run import rollup_json
    from ..roster import read_roster
    from .render import ProgressBar
    from .rollup_render import render_rollup

    common.parse_lang(lang)
    fmt = common.parse_format(format_id)
    report_year = common.parse_year(year)
    to_stdout = json_out == "-"
    console = common.err_console if to_stdout else common.out_console
    with common.cannot_proceed():
        units = read_roster(roster) if roster is not None else None
        with ProgressBar(common.err_console) as progress:
            result = run_rollup(paths, out=out, roster=units, year=report_year, format_id=fmt, previous=previous or (),
                                include_unlisted=include_unlisted, name=name, code=code, workers=workers,
                                on_progress=progress, json_out=None if json_out in (None, "-") else Path(json_out),
                                lang=current(), reports=reports or ())
        if to_stdout:
            sys.stdout.write(rollup_json(result, current()))
            sys.stdout.flush()
    render_rollup(console, result)
    if json_out is not None and not to_stdout:
        console.print(f"JSON：{json_out}", soft_wrap=True)
    raise typer.Exit(common.EXIT_DATA if strict and not result.complete else common.EXIT_OK)
