"""``consolidate compare``: two submissions of one unit and year, cell by cell."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, _
from .app import command
from .common import EXIT_DATA, EXIT_OK, HELP_LANG, cannot_proceed, out_console, parse_format, parse_lang


@command("compare", help=N_("逐格比较同一单位同一年度的两份报表（例如报送的工作簿和公开的年度报告），列出每个不同的格子和两边的数。\n\n"
                            "退出码：0 完全相同；1 有不同；2 用法错误或无法读取。"))
def compare(
    a: Annotated[Path, typer.Argument(metavar="A", show_default=False, help=N_("第一份报表。"))],
    b: Annotated[Path, typer.Argument(metavar="B", show_default=False, help=N_("第二份报表。"))],
    format_id: Annotated[str | None, typer.Option("--format", "-f", metavar="v2021|v2019",
                                                  help=N_("国家格式（不是本程序模板的文件按此格式读取）。"))] = None,
    lang: Annotated[str, typer.Option("--lang", metavar="zh|en", help=HELP_LANG)] = "zh",
) -> None:
    from ..compare import compare as run_compare

    parse_lang(lang)
    fmt = parse_format(format_id)
    with cannot_proceed():
        result = run_compare(a, b, format_id=fmt)
    for note in result.notes:
        out_console.print(note, soft_wrap=True, markup=False)
    if result.equal:
        out_console.print(_("两份报表的全部格子相同。"), soft_wrap=True, markup=False)
        raise typer.Exit(EXIT_OK)
    out_console.print(_("有 {n} 个格子不同（A：{a}；B：{b}）：").format(n=len(result.differences), a=a, b=b),
                      soft_wrap=True, markup=False)
    for d in result.differences:
        blank = _("（空）")
        out_console.print(f"  {d.table} {d.label}：A {d.shown(d.a, blank)}，B {d.shown(d.b, blank)}", soft_wrap=True,
                          markup=False)
    raise typer.Exit(EXIT_DATA)
