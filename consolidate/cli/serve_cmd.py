"""``consolidate serve``: the web application (units upload and self-check, the office
watches the round), served by waitress. Never Django's development server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, _
from .app import command
from .common import LangOption, cannot_proceed, out_console, parse_lang

DataOption = Annotated[Path | None, typer.Option(
    "--data", metavar=N_("文件夹"), envvar="CONSOLIDATE_DATA",
    help=N_("数据文件夹：保存收到的文件、密钥和（默认的）SQLite 数据库。默认为 ./consolidate-data/。"))]
DatabaseOption = Annotated[str | None, typer.Option(
    "--database", metavar="postgresql://…", envvar="CONSOLIDATE_DATABASE_URL",
    help=N_("PostgreSQL 数据库地址（市、省级多进程部署）；不给时用数据文件夹中的 SQLite。"))]


def database_label(database: str | None) -> str:
    if not database:
        return _("SQLite（数据文件夹内）")
    from urllib.parse import urlsplit

    parts = urlsplit(database)
    return f"PostgreSQL {parts.hostname or 'localhost'}:{parts.port or 5432}/{parts.path.lstrip('/')}"


def workers_default() -> int:
    from ..web.runner import default_size

    return default_size()


@command("serve", help=N_("启动报送网站：各单位上传自查，公开办查看报送情况。"))
def serve(
    data: DataOption = None,
    database: DatabaseOption = None,
    host: Annotated[str, typer.Option("--host", metavar=N_("地址"),
                                      help=N_("监听地址，默认 127.0.0.1（只有本机能访问）；局域网访问用 0.0.0.0。"))] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar=N_("端口"), min=0, max=65535, help=N_("端口，默认 8000。"))] = 8000,
    threads: Annotated[int, typer.Option("--threads", metavar="N", min=1, max=256,
                                         help=N_("同时处理的请求数，默认 8。"))] = 8,
    workers: Annotated[int | None, typer.Option(
        "--workers", metavar="N", min=0, max=64,
        help=N_("随网站启动的审核进程数，默认为 CPU 核数（最多 4）；0 表示不在本机审核（由 consolidate worker 审核）。"))] = None,
    lang: LangOption = "zh",
) -> None:
    from ..web.server import run

    parse_lang(lang)
    with cannot_proceed():
        run(data=data, database=database, host=host, port=port, threads=threads, workers=workers,
            announce=lambda url, folder: out_console.print(
                _("报送网站已启动：{url}　（按 Ctrl-C 停止）\n数据文件夹：{folder}；数据库：{db}").format(
                    url=url, folder=folder, db=database_label(database)), soft_wrap=True, highlight=False))
    out_console.print(_("报送网站已停止。"))
