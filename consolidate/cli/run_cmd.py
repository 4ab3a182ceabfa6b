"""``consolidate run``: the whole round in one command (审核 + 退改文件 + 审核报告 + 汇总)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, _
from . import common
from .app import command


@command("run", help=N_("一键完成一轮：审核全部报表，生成退改文件、审核报告和汇总表。\n\n"
                        "输出文件夹中：汇总表.xlsx、审核报告.xlsx、审核结果.json、退改文件/（每个有问题的文件一份标红批注的副本）。"
                        "退出码：0 完成；1 使用 --strict 且有单位未报送或报表有错误；2 用法错误。"))
def run(
    paths: Annotated[list[Path], typer.Argument(
        metavar=common.METAVAR_PATHS, show_default=False, help=N_("各单位报回的工作簿或所在文件夹（文件夹逐层查找）。"))],
    out: Annotated[Path, typer.Option(
        "--out", "-o", metavar=common.METAVAR_DIR, help=N_("输出文件夹：汇总表、审核报告、退改文件都写在这里。"))],
    roster: Annotated[Path | None, typer.Option("--roster", "-r", metavar=common.METAVAR_FILE, help=N_("单位名单。"))] = None,
    year: Annotated[str | None, typer.Option("--year", "-y", metavar=common.METAVAR_YEAR, help=N_("报告年度。"))] = None,
    format_id: common.FormatOption = None,
    previous: Annotated[list[Path] | None, typer.Option(
        "--previous", "-p", metavar=common.METAVAR_FILE, help=N_("上年的汇总表或上年各单位的报表，用于“同比”。"))] = None,
    templates: Annotated[bool, typer.Option(
        "--templates", help=N_("同时按名单为每个单位生成本年度的空白模板（写在输出文件夹的“模板”中）。"))] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help=N_("有单位未报送、报表有错误或文件无法读取时，退出码为 1。"))] = False,
    name: common.NameOption = None,
    code: common.CodeOption = None,
    lang: common.LangOption = "zh",
    workers: common.WorkersOption = None,
) -> None:
    from ..roster import read_roster
    from ..round import run_round
    from .render import ProgressBar, render_summary
    from .rollup_render import render_rollup

    language = common.parse_lang(lang)
    fmt = common.parse_format(format_id)
    with common.cannot_proceed():
        units = read_roster(roster) if roster is not None else None
        with ProgressBar(common.err_console) as progress:
            result = run_round(paths, out_dir=out, roster=units, year=common.parse_year(year), format_id=fmt,
                               previous=previous or (), templates=templates, lang=language, workers=workers,
                               on_progress=progress, name=name, code=code)
    rolled = result.rollup
    render_summary(common.out_console, rolled.report, hint=False, skipped=False)  # render_rollup lists them
    render_rollup(common.out_console, rolled)
    for problem in result.annotate_problems:
        common.err_console.print("[yellow]{}[/]{}".format(_("未能生成退改文件："), problem), soft_wrap=True)
    common.out_console.print("\n[bold]{}[/]".format(_("输出文件：")), soft_wrap=True)
    lines = [
        (result.summary, _("汇总表（表二、表三、表四的汇总数，分单位明细、报送情况、问题清单、同比、图表、说明）")),
        (result.report, _("审核报告（全部文件和全部问题，可筛选）")),
        (result.json, _("审核结果（JSON，供其他程序使用）")),
        (result.annotated_dir, _("退改文件：{n} 个有问题的文件各一份标红批注的副本，可直接发回单位修改").format(
            n=len(result.annotated))),
    ]
    if result.templates:
        lines.append((result.templates[0].parent, _("模板：{n} 个单位的空白模板").format(n=len(result.templates))))
    for path, what in lines:
        common.out_console.print(f"  {path}  —  {what}", soft_wrap=True, highlight=False, markup=False)
    raise typer.Exit(common.EXIT_DATA if strict and not rolled.complete else common.EXIT_OK)
