"""``consolidate run``: the whole round in one command (审核 + 退改文件 + 审核报告 + 汇总)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, _
from .app import command
from .common import (
    EXIT_DATA,
    EXIT_OK,
    HELP_FORMAT,
    HELP_LANG,
    HELP_WORKERS,
    METAVAR_DIR,
    METAVAR_FILE,
    METAVAR_PATHS,
    METAVAR_YEAR,
    cannot_proceed,
    err_console,
    out_console,
    parse_format,
    parse_lang,
    parse_year,
)


@command("run", help=N_("一键完成一轮：审核全部报表，生成退改文件、审核报告和汇总表。\n\n"
                        "输出文件夹中：汇总表.xlsx、审核报告.xlsx、审核结果.json、退改文件/（每个有问题的文件一份标红批注的副本）。"
                        "退出码：0 完成；1 使用 --strict 且有单位未报送或报表有错误；2 用法错误。"))
def run(
    paths: Annotated[list[Path], typer.Argument(
        metavar=METAVAR_PATHS, show_default=False, help=N_("各单位报回的工作簿或所在文件夹（文件夹逐层查找）。"))],
    out: Annotated[Path, typer.Option(
        "--out", "-o", metavar=METAVAR_DIR, help=N_("输出文件夹：汇总表、审核报告、退改文件都写在这里。"))],
    roster: Annotated[Path | None, typer.Option("--roster", "-r", metavar=METAVAR_FILE, help=N_("单位名单。"))] = None,
    year: Annotated[str | None, typer.Option("--year", "-y", metavar=METAVAR_YEAR, help=N_("报告年度。"))] = None,
    format_id: Annotated[str | None, typer.Option("--format", "-f", metavar="v2021|v2019", help=HELP_FORMAT)] = None,
    previous: Annotated[list[Path] | None, typer.Option(
        "--previous", "-p", metavar=METAVAR_FILE, help=N_("上年的汇总表或上年各单位的报表，用于“同比”。"))] = None,
    templates: Annotated[bool, typer.Option(
        "--templates", help=N_("同时按名单为每个单位生成本年度的空白模板（写在输出文件夹的“模板”中）。"))] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help=N_("有单位未报送、报表有错误或文件无法读取时，退出码为 1。"))] = False,
    name: Annotated[str | None, typer.Option(
        "--name", metavar=N_("名称"),
        help=N_("本级（汇总单位）名称，写入汇总表的填报信息；默认取名单中共同的上级单位。"))] = None,
    code: Annotated[str | None, typer.Option("--code", metavar=N_("代码"), help=N_("本级单位代码。"))] = None,
    lang: Annotated[str, typer.Option("--lang", metavar="zh|en", help=HELP_LANG)] = "zh",
    workers: Annotated[int | None, typer.Option("--workers", min=1, metavar="N", help=HELP_WORKERS)] = None,
) -> None:
    from ..roster import read_roster
    from ..round import run_round
    from .render import ProgressBar, render_summary
    from .rollup_render import render_rollup

    language = parse_lang(lang)
    fmt = parse_format(format_id)
    with cannot_proceed():
        units = read_roster(roster) if roster is not None else None
        with ProgressBar(err_console) as progress:
            result = run_round(paths, out_dir=out, roster=units, year=parse_year(year), format_id=fmt,
                               previous=previous or (), templates=templates, lang=language, workers=workers,
                               on_progress=progress, name=name, code=code)
    rolled = result.rollup
    render_summary(out_console, rolled.report, hint=False, skipped=False)  # render_rollup lists them
    render_rollup(out_console, rolled)
    for problem in result.annotate_problems:
        err_console.print("[yellow]{}[/]{}".format(_("未能生成退改文件："), problem), soft_wrap=True)
    out_console.print("\n[bold]{}[/]".format(_("输出文件：")), soft_wrap=True)
    lines = [
        (result.summary, _("汇总表（汇总、分单位明细、报送情况、问题清单、同比、图表、说明）")),
        (result.report, _("审核报告（全部文件和全部问题，可筛选）")),
        (result.json, _("审核结果（JSON，供其他程序使用）")),
        (result.annotated_dir, _("退改文件：{n} 个有问题的文件各一份标红批注的副本，可直接发回单位修改").format(
            n=len(result.annotated))),
    ]
    if result.templates:
        lines.append((result.templates[0].parent, _("模板：{n} 个单位的空白模板").format(n=len(result.templates))))
    for path, what in lines:
        out_console.print(f"  {path}  —  {what}", soft_wrap=True, highlight=False, markup=False)
    raise typer.Exit(EXIT_DATA if strict and not rolled.complete else EXIT_OK)
