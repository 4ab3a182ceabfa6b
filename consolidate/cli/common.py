"""What every command shares: its options' parsing, and a library exception as a message and an exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import ConsolidateError, SpecError
from ..i18n import LANGS, LIST_OR, N_, Items, Lang, _, current

err_console = Console(stderr=True, highlight=False)
out_console = Console(highlight=False)

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2
FIRST_YEAR = 1990  # the earliest year --year takes; the last is next year
FORMATS = ("v2021", "v2019")

# The help texts of the options several commands share (catalog ids, translated when shown).
HELP_LANG = N_("提示语言：zh（默认）或 en。")
HELP_WORKERS = N_("读取文件的进程数，默认为 CPU 核数；1 表示不用多进程。")
HELP_FORMAT = N_("国家格式，默认按年度确定。")
METAVAR_YEAR, METAVAR_FILE, METAVAR_DIR, METAVAR_PATHS = N_("年度"), N_("文件名"), N_("文件夹"), N_("路径...")

# The options several commands share, declared once.
LangOption = Annotated[str, typer.Option("--lang", metavar="zh|en", help=HELP_LANG)]
WorkersOption = Annotated[int | None, typer.Option("--workers", min=1, metavar="N", help=HELP_WORKERS)]
FormatOption = Annotated[str | None, typer.Option("--format", "-f", metavar="v2021|v2019", help=HELP_FORMAT)]
NameOption = Annotated[str | None, typer.Option(
    "--name", metavar=N_("名称"), help=N_("本级（汇总单位）名称，写入汇总表的填报信息；默认取名单中共同的上级单位。"))]
CodeOption = Annotated[str | None, typer.Option("--code", metavar=N_("代码"), help=N_("本级单位代码。"))]


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print ``message`` (already in the command's language) and return the exit to raise."""
    if code:
        err_console.print("[bold red]{}[/]{}".format(_("错误："), escape(message)), soft_wrap=True)
    else:
        err_console.print(escape(message), soft_wrap=True)
    return typer.Exit(code)


def parse_choice(text: str | None, options: tuple[str, ...], option: str) -> str | None:
    if text is None:
        return None
    value = text.strip().lower()
    if value not in options:
        raise fail(_("{option} 应为 {options}，不是“{value}”。").format(
            option=option, options=Items(options, sep=LIST_OR).render(), value=text))
    return value


def parse_lang(text: str) -> Lang:
    parse_choice(text, LANGS, "--lang")
    return current()  # the group chose it from the same option before parsing


def parse_format(text: str | None) -> str | None:
    return parse_choice(text, FORMATS, "--format")


def parse_year(text: str | None) -> int | None:
    """``--year``: “2025”, “2025年” or “2025年度”; anything else is a usage error."""
    if text is None:
        return None
    value = text.strip().removesuffix("年度").removesuffix("年")
    if not value.isdigit() or len(value) != 4:
        raise fail(_("--year 应为四位年份（例如 2025），不是“{value}”。").format(value=text))
    last = date.today().year + 1
    if not FIRST_YEAR <= int(value) <= last:  # a typo (2205, 1925) must not start a round
        raise fail(_("--year {year} 不在 {first} 到 {last} 年之间，请检查年份。").format(
            year=value, first=FIRST_YEAR, last=last))
    return int(value)


@contextmanager
def cannot_proceed() -> Iterator[None]:
    """Library exceptions become one clear line on stderr and exit code 2, never a traceback."""
    try:
        yield
    except ConsolidateError as exc:
        raise fail(exc.message(current())) from None
    except SpecError as exc:
        raise fail(_("模板规格文件有误：\n{detail}").format(detail=exc)) from None
