"""The command line: each command parses, calls one library function, renders, exits.

Exit codes: 0 success, 1 the data has errors (or a file could not be read), 2 usage.
Commands import the library inside their function, so ``--help`` and ``template`` stay
quick (pandas and pandera are not imported for them).
"""

from __future__ import annotations

import sys

import typer

app = typer.Typer(
    name="consolidate",
    help="政府信息公开工作年度报告统计表：下发模板、审核报表、汇总报表。"
    " Collect, check and total the statistical tables of the annual disclosure report.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)



@app.callback()
def _root() -> None:
    # A callback keeps `consolidate <command>` a group even while one command is registered.
    pass


# The command modules register themselves on `app`.
from . import commands  # noqa: E402,F401


def main() -> None:
    # pandera imports hypothesis (its data-synthesis extra) whenever it is installed: about
    # 0.2 s of start-up for something no command uses. Hide it from this process only.
    sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]
    app()
