"""``consolidate template``: write the blank template, or one per unit of a roster."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import N_, _
from .app import command
from .common import HELP_LANG, METAVAR_FILE, METAVAR_YEAR, cannot_proceed, out_console, parse_lang, parse_year

if TYPE_CHECKING:
    from ..template import TemplateRun


@command("template", help=N_("生成空白模板，或按名单为每个单位生成一个模板。"))
def template(
    format_id: Annotated[str | None, typer.Option(
        "--format", "-f", metavar="v2021|v2019",
        help=N_("国家格式：v2021（2021 年度及以后）或 v2019（2019、2020 年度）；默认按年度确定。"))] = None,
    year: Annotated[str | None, typer.Option(
        "--year", "-y", metavar=METAVAR_YEAR, help=N_("报告年度，默认为上一年。"))] = None,
    roster: Annotated[Path | None, typer.Option(
        "--roster", "-r", metavar=METAVAR_FILE,
        help=N_("单位名单（CSV 或 XLSX，列：单位代码、单位名称、单位类型，可选 上级单位）。"
                "给出时为每个单位生成一个预填好单位信息的模板。"))] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar=N_("位置"),
        help=N_("输出位置：无名单时为 .xlsx 文件（或文件夹），有名单时为文件夹。默认在当前目录。"))] = None,
    force: Annotated[bool, typer.Option(
        "--force", help=N_("强制生成与年度不符的格式，并覆盖内容不同的同名文件。"))] = False,
    lang: Annotated[str, typer.Option("--lang", metavar="zh|en", help=HELP_LANG)] = "zh",
) -> None:
    from ..roster import read_roster
    from ..template import make_templates, template_file_name

    parse_lang(lang)
    fmt = format_id.strip().lower() if format_id else None  # make_templates explains an unknown format
    report_year = parse_year(year) or date.today().year - 1
    started = time.perf_counter()
    with cannot_proceed():
        units = read_roster(roster) if roster is not None else None
        if out is None:
            out = Path(_("{year}年度模板").format(year=report_year)) if units is not None \
                else Path(template_file_name(report_year, None))
        run = make_templates(fmt, report_year, roster=units, out=out, force=force)
    _render(run, time.perf_counter() - started)


def _render(run: TemplateRun, seconds: float) -> None:
    if len(run.files) > 1:
        for f in run.files:
            note = "" if f.status == "written" else _("（已存在且内容相同，未重写）")
            out_console.print(f"  {f.path.name}{note}", soft_wrap=True)
    unchanged = len(run.files) - run.written
    tail = _("，{n} 个已存在且内容相同").format(n=unchanged) if unchanged else ""
    where = run.out if len(run.files) > 1 else run.files[0].path
    out_console.print(
        _("已生成 {written} 个模板{tail}（{format_name}，{year} 年度）：{where}　用时 {seconds:.1f} 秒").format(
            written=run.written, tail=tail, format_name=_(run.format_name), year=run.year, where=where,
            seconds=seconds),
        soft_wrap=True,
    )
