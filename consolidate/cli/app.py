"""The typer application, in the language the command line asks for.

``--lang en`` (anywhere on the line; Chinese by default) is read before click parses
anything, so that everything the command line prints is in one language:

- our help texts and metavars are written as catalog ids (the Chinese text) and translated
  in place when the click objects are built for a run (they are built afresh each time);
- click's own texts (usage errors, "did you mean", the help's headings) go through the
  standard library's gettext: for the run, its default domain is pointed at our catalog,
  whose ``zh_Hans`` part words click's English message ids in Chinese;
- typer reads its panel titles from module constants set when it was imported: they are
  set again, through the same catalog, for the run.
"""

from __future__ import annotations

import difflib
import gettext
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import click
import typer
from typer import rich_utils
from typer.core import TyperCommand, TyperGroup

from ..i18n import DOMAIN, LOCALE_DIR, LOCALE_NAMES, N_, _, check_lang, current, language
from .common import HELP_LANG, parse_lang

F = TypeVar("F", bound=Callable[..., Any])
LANG_OPTION = "--lang"

# typer's texts (English source, like click's): the constants its help and error panels read.
TYPER_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "DEFAULT_STRING": "[default: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "DEPRECATED_STRING": "(deprecated) ",
    "ENVVAR_STRING": "[env var: {}]",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}
NO_SUCH_COMMAND = N_("没有“{name}”这个命令。")
DID_YOU_MEAN = N_("您是不是要用：{names}？")


def lang_from_args(args: Sequence[str]) -> str:
    """The value of ``--lang`` on the command line, ``zh`` when absent or not a language."""
    value = "zh"
    for i, arg in enumerate(args):
        if arg == LANG_OPTION and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(LANG_OPTION + "="):
            value = arg.split("=", 1)[1]
    try:
        return check_lang(value.strip().lower())
    except ValueError:
        return "zh"  # the option itself reports the bad value, in Chinese


@contextmanager
def third_party_texts(lang: str) -> Iterator[None]:
    """Point the standard library's gettext (click's) at our catalog in ``lang`` for the block."""
    saved_domain, saved_env = gettext.textdomain(), os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = LOCALE_NAMES[check_lang(lang)]
    saved_typer = {name: getattr(rich_utils, name) for name in TYPER_TEXTS}
    for name, english in TYPER_TEXTS.items():
        setattr(rich_utils, name, gettext.gettext(english))
    try:
        yield
    finally:
        for name, value in saved_typer.items():
            setattr(rich_utils, name, value)
        gettext.textdomain(saved_domain)
        if saved_env is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = saved_env


def _translated(text: str | None) -> str | None:
    return _(text) if text else text


def localize(command: click.Command) -> None:
    """Translate, in place, our texts in a freshly built click command tree."""
    command.help = _translated(command.help)
    command.short_help = _translated(command.short_help)
    command.epilog = _translated(command.epilog)
    if command.options_metavar:
        command.options_metavar = gettext.gettext(command.options_metavar)
    for param in command.params:
        if isinstance(param, click.Option) or hasattr(param, "help"):
            param.help = _translated(getattr(param, "help", None))  # type: ignore[attr-defined]
        param.metavar = _translated(param.metavar)
    if isinstance(command, click.Group):
        if command.subcommand_metavar:
            command.subcommand_metavar = gettext.gettext(command.subcommand_metavar)
        for sub in command.commands.values():
            localize(sub)


class LocalizedGroup(TyperGroup):
    """The root command: chooses the language, then runs as typer does."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, windows_expand_args: bool = True,
             **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        lang = lang_from_args(argv)
        with language(lang), third_party_texts(lang):
            localize(self)
            return super().main(argv, prog_name or "consolidate", complete_var, standalone_mode, windows_expand_args,
                               **extra)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = click.utils.make_str(args[0]) if args else ""
        if args and name not in self.commands and not name.startswith("-"):
            message = _(NO_SUCH_COMMAND).format(name=name)
            close = difflib.get_close_matches(name, list(self.commands), n=3, cutoff=0.6)
            if close:
                message += _(DID_YOU_MEAN).format(names=(", " if current() == "en" else "、").join(close))
            ctx.fail(message)
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="consolidate",
    cls=LocalizedGroup,
    help=N_("政府信息公开工作年度报告统计表：下发模板、审核报表、汇总报表。"),
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)


def command(name: str, help: str) -> Callable[[F], F]:
    """Register a command; ``help`` is a catalog id (the Chinese text), translated when shown."""
    return app.command(name, cls=TyperCommand, help=help)


@app.callback()
def _root(lang: Annotated[str, typer.Option("--lang", metavar="zh|en", help=HELP_LANG)] = "zh") -> None:
    # `consolidate --lang en validate ...`: the language was chosen before parsing (LocalizedGroup.main);
    # a value that is not a language is refused here.
    parse_lang(lang)


# The command modules register themselves on `app`.
from . import commands  # noqa: E402,F401
