"""``consolidate worker``: check workers alone, against the database and data folder of a
``consolidate serve`` elsewhere (a city's or province's PostgreSQL, a shared folder)."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from ..i18n import N_, _
from .app import command
from .common import LangOption, cannot_proceed, out_console, parse_lang
from .serve_cmd import DatabaseOption, DataOption, database_label, workers_default

WorkersOption = Annotated[int | None, typer.Option(
    "--workers", metavar="N", min=1, max=64,
    help=N_("同时审核的文件数（审核进程数），默认为 CPU 核数（最多 4）。"))]


@command("worker", help=N_("只运行审核程序：审核各单位上传的文件（网站由另一台机器上的 consolidate serve 提供）。"))
def worker(
    data: DataOption = None,
    database: DatabaseOption = None,
    workers: WorkersOption = None,
    embedded: Annotated[bool, typer.Option("--embedded", hidden=True)] = False,
    lang: LangOption = "zh",
) -> None:
    parse_lang(lang)
    with cannot_proceed():
        from ..web.config import configure

        folder = configure(data, database)
        from ..web.workers import run, watch_parent

        stop = threading.Event()

        def stopping(signum: int, frame: object) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, stopping)
        signal.signal(signal.SIGINT, stopping)
        from django.conf import settings

        size = workers or settings.CHECK_WORKERS or workers_default()
        if embedded:  # started by `consolidate serve`: ends with it, however it ends
            watch_parent(stop)
        else:
            out_console.print(_("审核程序已启动：{n} 个审核进程（按 Ctrl-C 停止）\n数据文件夹：{folder}；数据库：{db}").format(
                n=size, folder=folder, db=database_label(database)), soft_wrap=True, highlight=False)
        run(size, stop)
    if not embedded:
        out_console.print(_("审核程序已停止。"))
