"""``consolidate serve``: the web application (units upload and self-check, the office
watches the round), served by waitress. Never Django's development server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import _
from . import app
from .common import cannot_proceed, out_console

DataOption = Annotated[Path | None, typer.Option(
    "--data", metavar="DIR", envvar="CONSOLIDATE_DATA",
    help="数据文件夹：保存收到的文件、密钥和（默认的）SQLite 数据库。默认为 ./consolidate-data/。")]
DatabaseOption = Annotated[str | None, typer.Option(
    "--database", metavar="postgresql://…", envvar="CONSOLIDATE_DATABASE_URL",
    help="PostgreSQL 数据库地址（市、省级多进程部署）；不给时用数据文件夹中的 SQLite。")]


def database_label(database: str | None) -> str:
    if not database:
        return _("SQLite（数据文件夹内）")
    from urllib.parse import urlsplit

    parts = urlsplit(database)
    return f"PostgreSQL {parts.hostname or 'localhost'}:{parts.port or 5432}/{parts.path.lstrip('/')}"


@app.command("serve")
def serve(
    data: DataOption = None,
    database: DatabaseOption = None,
    host: Annotated[str, typer.Option("--host", metavar="HOST",
                                      help="监听地址，默认 127.0.0.1（只有本机能访问）；局域网访问用 0.0.0.0。")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="PORT", min=0, max=65535, help="端口，默认 8000。")] = 8000,
    threads: Annotated[int, typer.Option("--threads", metavar="N", min=1, max=256,
                                         help="同时处理的请求数，默认 8。")] = 8,
) -> None:
    """启动报送网站：各单位上传自查，公开办查看报送情况。 Start the web application."""
    from ..web.server import run

    with cannot_proceed():
        run(data=data, database=database, host=host, port=port, threads=threads,
            announce=lambda url, folder: out_console.print(
                _("报送网站已启动：{url}　（按 Ctrl-C 停止）\n数据文件夹：{folder}；数据库：{db}").format(
                    url=url, folder=folder, db=database_label(database)), soft_wrap=True, highlight=False))
    out_console.print(_("报送网站已停止。"))
