"""What every command shares: turning a library exception into a message and an exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import typer
from rich.console import Console

from ..errors import ConsolidateError, SpecError
from ..i18n import _

err_console = Console(stderr=True, highlight=False)
out_console = Console(highlight=False)

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2
FIRST_YEAR = 1990  # the earliest year --year takes; the last is next year


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    err_console.print(f"[bold red]错误[/]：{message}" if code else message)
    return typer.Exit(code)


def parse_year(text: str | None) -> int | None:
    """``--year``: “2025”, “2025年” or “2025年度”; anything else is a usage error."""
    if text is None:
        return None
    value = text.strip().removesuffix("年度").removesuffix("年")
    if not value.isdigit() or len(value) != 4:
        raise fail(f"--year 应为四位年份（例如 2025），不是“{text}”。")
    last = date.today().year + 1
    if not FIRST_YEAR <= int(value) <= last:  # a typo (2205, 1925) must not start a round
        raise fail(_("--year {year} 不在 {first} 到 {last} 年之间，请检查年份。").format(
            year=value, first=FIRST_YEAR, last=last))
    return int(value)


@contextmanager
def cannot_proceed(lang: str = "zh") -> Iterator[None]:
    """Library exceptions become one clear line on stderr and exit code 2, never a traceback."""
    try:
        yield
    except ConsolidateError as exc:
        raise fail(exc.message(lang)) from None
    except SpecError as exc:
        raise fail(f"模板规格文件有误 / the spec is malformed:\n{exc}") from None
