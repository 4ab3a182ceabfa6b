"""``consolidate publish``: the three tables of a checked file, ready for the annual report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, _
from .app import command
from .common import EXIT_DATA, HELP_LANG, METAVAR_FILE, cannot_proceed, fail, out_console, parse_format, parse_lang

SHOWN_ERRORS = 3  # the first errors, said on the terminal


@command("publish", help=N_("把审核过的报表或汇总表的三张统计表写成官方表式，供粘贴进年度报告：Word 文档（.docx）"
                            "或网站编辑器用的 HTML 片段（.html）。\n\n"
                            "有错误的文件不生成（加 --force 仍然生成）。退出码：0 已生成；1 文件有错误而未生成；2 用法错误或无法读取。"))
def publish(
    file: Annotated[Path, typer.Argument(metavar=METAVAR_FILE, show_default=False,
                                         help=N_("审核过的报表或汇总表。"))],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="FILE.docx|.html",
                                      help=N_("输出文件：.docx（Word、WPS）或 .html（网站编辑器）。"))],
    force: Annotated[bool, typer.Option("--force", help=N_("文件有错误时仍然生成。"))] = False,
    format_id: Annotated[str | None, typer.Option("--format", "-f", metavar="v2021|v2019",
                                                  help=N_("国家格式（不是本程序模板的文件按此格式读取）。"))] = None,
    lang: Annotated[str, typer.Option("--lang", metavar="zh|en", help=HELP_LANG)] = "zh",
) -> None:
    from ..publish import PublishRefused
    from ..publish import publish as run_publish

    language = parse_lang(lang)
    fmt = parse_format(format_id)
    with cannot_proceed():
        try:
            result = run_publish(file, out, force=force, format_id=fmt)
        except PublishRefused as exc:  # the file has errors: exit 1, not a usage error
            lines = [exc.message(language), *(f"- {f.message(language)}" for f in exc.errors[:SHOWN_ERRORS])]
            if len(exc.errors) > SHOWN_ERRORS:
                lines.append(_("……另有 {n} 个错误。").format(n=len(exc.errors) - SHOWN_ERRORS))
            raise fail("\n".join(lines), EXIT_DATA) from None
    if result.forced:
        out_console.print(_("注意：{file} 有错误，仍按 --force 生成。").format(file=file), soft_wrap=True, markup=False)
    out_console.print(_("已生成：{out}").format(out=result.out), soft_wrap=True, markup=False)
