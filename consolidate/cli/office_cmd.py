"""``consolidate office …``: the office's commands beside the web pages (accounts, tokens,
opening a round and writing each unit's link, importing files received by other means).
Each takes ``--data``/``--database`` like ``serve`` and applies migrations itself."""

from __future__ import annotations

import csv
import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand

from ..errors import ConsolidateError, os_error_msg
from ..i18n import N_, _
from .app import app
from .common import (
    EXIT_DATA,
    METAVAR_FILE,
    METAVAR_PATHS,
    METAVAR_YEAR,
    LangOption,
    cannot_proceed,
    err_console,
    fail,
    out_console,
    parse_lang,
    parse_year,
)
from .serve_cmd import DatabaseOption, DataOption

F = TypeVar("F", bound=Callable[..., Any])
AccountName = Annotated[str, typer.Argument(metavar=N_("账号名"), help=N_("账号的用户名。"))]
OFFICE_HELP = N_("公开办的管理命令：账号、令牌、开启一轮、导入文件。")
office_app = typer.Typer(name="office", help=OFFICE_HELP, no_args_is_help=True, add_completion=False)
app.add_typer(office_app, name="office", help=OFFICE_HELP)


def office_command(name: str, help: str) -> Callable[[F], F]:
    """Register an ``office`` command; ``help`` is a catalog id, translated when shown."""
    return office_app.command(name, cls=TyperCommand, help=help)


def _configure(data: Path | None, database: str | None) -> None:
    from ..web.config import configure

    configure(data, database)


@contextmanager
def _office(data: Path | None, database: str | None, lang: str) -> Iterator[None]:
    """What every office command does first: its language, then the web's database (migrated);
    a library refusal inside becomes one line and exit 2."""
    parse_lang(lang)
    with cannot_proceed():
        _configure(data, database)
        yield


def _password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(_("密码："))
        if getpass.getpass(_("再输入一次：")) != first:
            raise fail(_("两次输入的密码不一致。"))
        return first
    return sys.stdin.readline().rstrip("\r\n")


@office_command("adduser", help=N_("创建公开办账号（密码从终端输入；不是终端时从标准输入读一行）。"))
def adduser(
    name: Annotated[str, typer.Argument(metavar=N_("账号名"), help=N_("用户名。"))],
    admin: Annotated[bool, typer.Option("--admin", help=N_("管理员：可以在网页上添加、停用账号，查看和收回令牌。"))] = False,
    data: DataOption = None,
    database: DatabaseOption = None,
    lang: LangOption = "zh",
) -> None:
    with _office(data, database, lang):
        from ..web.accounts import add_user
        from ..web.auditlog import COMMAND_LINE

        add_user(name, _password, admin=admin, actor=COMMAND_LINE)
    out_console.print(_("已创建账号“{name}”。").format(name=name))


@office_command("token", help=N_("为账号生成一个给脚本用的令牌（Authorization: Bearer …），令牌单独占最后一行。"))
def token(
    name: AccountName,
    data: DataOption = None,
    database: DatabaseOption = None,
    lang: LangOption = "zh",
) -> None:
    with _office(data, database, lang):
        from ..web.accounts import new_token
        from ..web.auditlog import COMMAND_LINE

        secret = new_token(name, actor=COMMAND_LINE)
    out_console.print(_("令牌只显示这一次，请妥善保存（系统只保存其摘要）："))
    sys.stdout.write(secret + "\n")


@office_command("unlock-login", help=N_("解除账号因密码多次输错而暂停的登录（所有地址），不必等暂停期满。"))
def unlock_login_cmd(
    name: AccountName,
    data: DataOption = None,
    database: DatabaseOption = None,
    lang: LangOption = "zh",
) -> None:
    with _office(data, database, lang):
        from ..web.limits import unlock_login

        removed = unlock_login(name)
    if removed:
        out_console.print(_("已解除账号“{name}”的登录暂停，现在可以登录。").format(name=name))
    else:
        out_console.print(_("账号“{name}”没有被暂停登录。").format(name=name))
BaseUrlOption = Annotated[str | None, typer.Option(
    "--base-url", metavar=N_("网址"),
    help=N_("各单位访问本网站的地址（例如 http://10.1.2.3:8000），默认取环境变量 CONSOLIDATE_BASE_URL；"
            "都没有时链接只能在本机打开。"))]


def write_links(path: Path, rows: list[tuple[str, str, str]]) -> None:
    """单位代码, 单位名称, 上报链接: a CSV (UTF-8 with BOM, for Excel) or an .xlsx."""
    header = (_("单位代码"), _("单位名称"), _("上报链接"))
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet(_("报送链接"))
        bold = wb.add_format({"bold": True})
        for c, text in enumerate(header):
            ws.write_string(0, c, text, bold)
        for r, row in enumerate(rows, start=1):
            for c, text in enumerate(row):
                ws.write_string(r, c, text)
        ws.set_column(0, 0, 22)
        ws.set_column(1, 1, 30)
        ws.set_column(2, 2, 80)
        wb.close()
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)


@office_command("open-round", help=N_("按名单开启一轮报送，写出各单位的链接；最后一行单独输出本轮编号。"))
def open_round_cmd(
    roster: Annotated[Path, typer.Option("--roster", "-r", metavar=METAVAR_FILE, help=N_("单位名单（CSV 或 XLSX）。"))],
    year: Annotated[str, typer.Option("--year", "-y", metavar=METAVAR_YEAR, help=N_("报告年度。"))],
    links: Annotated[Path, typer.Option("--links", metavar=N_("文件.xlsx|.csv"),
                                        help=N_("写出各单位的报送链接（单位代码、单位名称、上报链接），发给各单位。"))],
    format_id: Annotated[str | None, typer.Option("--format", "-f", metavar="v2021|v2019",
                                                  help=N_("国家格式，默认按年度。"))] = None,
    name: Annotated[str | None, typer.Option("--name", metavar=N_("名称"), help=N_("汇总单位名称，默认取名单的上级单位。"))] = None,
    code: Annotated[str, typer.Option("--code", metavar=N_("代码"), help=N_("汇总单位代码。"))] = "",
    deadline: Annotated[str | None, typer.Option("--deadline", metavar=N_("日期"), help=N_("截止时间。"))] = None,
    base_url: BaseUrlOption = None,
    again: Annotated[bool, typer.Option("--again", help=N_("同一年度、同一名单已有一轮时仍然开启。"))] = False,
    data: DataOption = None,
    database: DatabaseOption = None,
    lang: LangOption = "zh",
) -> None:
    from ..roster import read_roster

    parse_lang(lang)
    the_year = parse_year(year)
    _check_links_file(links)
    with cannot_proceed():
        units = read_roster(roster)
        _configure(data, database)
        from ..web.auditlog import COMMAND_LINE
        from ..web.links import link_url, public_base
        from ..web.rounds import DUPLICATE, open_round, opening_warnings, parse_deadline

        when = parse_deadline(deadline)
        base, problem = public_base(base_url)
        for warning in opening_warnings(units, the_year or 0, when, format_id):
            if warning.text == DUPLICATE and not again:
                raise ConsolidateError(N_("{warning}如确实需要，请加 --again 再运行。"), warning=warning)
            err_console.print(_("注意：") + warning.render(), soft_wrap=True)
        round_, issued = open_round(units, year=the_year or 0, format_id=format_id, name=name, code=code,
                                    deadline=when, actor=COMMAND_LINE)
        _write_links_or_fail(links, [(i.unit.code, i.unit.name, link_url(base, i.secret)) for i in issued])
    if problem is not None:
        err_console.print(_("注意：") + problem.render(), soft_wrap=True)
    out_console.print(_("已开启 {year} 年度报送（{name}，{n} 个单位），各单位链接已写入 {path}。本轮编号：").format(
        year=round_.year, name=round_.name, n=len(issued), path=links), soft_wrap=True)
    sys.stdout.write(f"{round_.id}\n")


@office_command("links", help=N_("再次导出一轮中各单位的报送链接（链接不变，单位手中的链接继续有效）。"))
def links_cmd(
    round_id: Annotated[int, typer.Argument(metavar=N_("编号"), help=N_("本轮编号。"))],
    links: Annotated[Path, typer.Option("--links", metavar=N_("文件.xlsx|.csv"), help=N_("写出各单位的报送链接。"))],
    base_url: BaseUrlOption = None,
    data: DataOption = None,
    database: DatabaseOption = None,
    lang: LangOption = "zh",
) -> None:
    _check_links_file(links)
    with _office(data, database, lang):
        from ..web.auditlog import COMMAND_LINE
        from ..web.links import public_base
        from ..web.models import Round
        from ..web.rounds import exported_links

        round_ = Round.objects.filter(pk=round_id).first()
        if round_ is None:
            raise fail(_("没有编号为 {id} 的报送轮次。").format(id=round_id))
        base, problem = public_base(base_url)
        rows = exported_links(round_, base, COMMAND_LINE)
        _write_links_or_fail(links, [(u.code, u.name, url or _("（早先发放的链接无法再次导出，请重新发放）"))
                                     for u, url in rows])
    if problem is not None:
        err_console.print(_("注意：") + problem.render(), soft_wrap=True)
    missing = sum(1 for _u, url in rows if url is None)
    out_console.print(_("已把 {n} 个单位的链接写入 {path}。").format(n=len(rows) - missing, path=links), soft_wrap=True)
    if missing:
        err_console.print(_("另有 {n} 个单位的链接是早先发放的，无法再次导出：请在网页上为它们重新发放。").format(n=missing))


def _check_links_file(links: Path) -> None:
    if links.suffix.lower() not in (".csv", ".xlsx"):
        raise fail(_("--links 的文件名应以 .csv 或 .xlsx 结尾：{path}").format(path=links))
    if links.exists():
        raise fail(_("{path} 已经存在，为免覆盖请换一个文件名。").format(path=links))


def _write_links_or_fail(links: Path, rows: list[tuple[str, str, str]]) -> None:
    try:
        write_links(links, rows)
    except OSError as exc:
        raise ConsolidateError(N_("无法写入 {links}（{reason}）。"), links=links, reason=os_error_msg(exc)) from exc


@office_command("import", help=N_("把通过其他途径收到的报表按其填报信息归到各单位名下（与网页上传相同的保存和审核）。"))
def import_cmd(
    round_id: Annotated[int, typer.Argument(metavar=N_("编号"), help=N_("本轮编号。"))],
    paths: Annotated[list[Path], typer.Argument(metavar=METAVAR_PATHS, help=N_("收到的报表文件或文件夹。"))],
    data: DataOption = None,
    database: DatabaseOption = None,
    lang: LangOption = "zh",
) -> None:
    with _office(data, database, lang):
        from django.conf import settings

        from ..web.auditlog import COMMAND_LINE_IMPORT
        from ..web.intake import import_files
        from ..web.models import Round
        from ..web.runner import Runner

        if not Round.objects.filter(pk=round_id).exists():
            raise fail(_("没有编号为 {id} 的报送轮次。").format(id=round_id))
        runner = Runner(1, memory=settings.CHECK_MEMORY)
        try:
            done = import_files(round_id, paths, actor=COMMAND_LINE_IMPORT, runner=runner)
        finally:
            runner.close()
    problems = 0
    for item in done:
        if item.submission is None:
            problems += 1
            out_console.print(f"  {Path(item.file).name}：{item.problem}", soft_wrap=True)
        else:
            out_console.print(f"  {Path(item.file).name} → {item.unit.name if item.unit else ''} "
                              f"{_('第 {v} 版').format(v=item.submission.version)}", soft_wrap=True)
    out_console.print(_("已导入 {n} 个文件，{k} 个未导入。").format(n=len(done) - problems, k=problems))
    if problems:
        raise typer.Exit(EXIT_DATA)
