"""What ``consolidate validate`` shows on the terminal: progress, findings, the summary table.

Rendering only: it takes the library's ``Report`` and prints it with rich; it decides
nothing about the data. Every text comes from the catalog, in the command's language.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..i18n import N_, _, current
from ..report import FileResult, Report

PROGRESS_FROM = 20  # files: fewer are read before a bar would be worth drawing
DETAIL_FILES = 10  # when at most this many files have problems, they are listed on the terminal

STATUS_LABEL = {"valid": N_("通过"), "invalid": N_("有错误"), "unreadable": N_("无法读取")}
SEVERITY_LABEL = {"error": N_("错误"), "warning": N_("警告"), "info": N_("提示")}
WRITTEN = {
    "annotated": N_("已生成 {n} 个问题标注副本：{dir}"),
    "annotate_failed": N_("未能生成问题标注副本：{message}"),
    "report": N_("审核结果工作簿：{path}"),
    "json": N_("JSON 报告：{path}"),
}
STYLE = {"valid": "green", "invalid": "red", "unreadable": "yellow", "error": "red", "warning": "yellow", "info": "dim"}


class ProgressBar(AbstractContextManager["ProgressBar"]):
    """``on_progress(done, total)`` for the library: a bar on stderr once there are many files."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.task = TaskID(0)

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM or not self.console.is_terminal:
            return
        if self.progress is None:
            self.progress = Progress(TextColumn(_("读取与审核")), BarColumn(), MofNCompleteColumn(),
                                     TimeRemainingColumn(), console=self.console, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("", total=total)
        self.progress.update(self.task, completed=done)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.progress is not None:
            self.progress.stop()


def status_text(result: FileResult) -> str:
    return f"[{STYLE[result.status]}]{_(STATUS_LABEL[result.status])}[/]"


def short_paths(report: Report) -> list[str]:
    """The files as shown in the table: relative to the folder they all share."""
    paths = [Path(f.path) for f in report.files]
    if len(paths) == 1:
        return [paths[0].name]
    try:
        common = Path(os.path.commonpath([p.parent for p in paths]))
    except ValueError:  # absolute and relative paths mixed, or several drives
        return [str(p) for p in paths]
    return [p.relative_to(common).as_posix() if common != Path() else str(p) for p in paths]


def summary_table(report: Report) -> Table:
    table = Table(title=_("审核结果"), title_justify="left", show_lines=False)
    table.add_column(_("单位"), overflow="fold")
    table.add_column(_("文件"), overflow="fold")
    table.add_column(_("状态"), no_wrap=True)
    table.add_column(_("错误数"), justify="right")
    table.add_column(_("警告数"), justify="right")
    for result, shown in zip(report.files, short_paths(report), strict=True):
        counts = result.counts
        table.add_row(escape(result.unit_name or "—"), escape(shown), status_text(result),
                      str(counts["error"]) if counts["error"] else "", str(counts["warning"]) if counts["warning"] else "")
    return table


def render_details(console: Console, report: Report, limit: int = 40) -> None:
    """The errors and warnings of each file, when few files have any (the clerk's usual case)."""
    if sum(any(f.severity != "info" for f in r.findings) for r in report.files) > DETAIL_FILES:
        return
    shown = hidden = 0
    for result in report.files:
        findings = [f for f in result.findings if f.severity != "info"]
        if not findings:
            continue
        console.print(_("[bold]{file}[/]（{unit}）").format(file=escape(Path(result.path).name),
                                                         unit=escape(result.unit_name or "—")), soft_wrap=True)
        for finding in findings:
            if shown >= limit:
                hidden += 1
                continue
            label = _(SEVERITY_LABEL[finding.severity])
            console.print(f"  [{STYLE[finding.severity]}]{label}[/] {finding.code}  {escape(finding.message(current()))}",
                          soft_wrap=True, highlight=False)
            shown += 1
    if hidden:
        console.print(_("…… 另有 {n} 条，详见 --report 或 --json。").format(n=hidden))


def render_summary(console: Console, report: Report, *, hint: bool = True, skipped: bool = True) -> None:
    render_details(console, report)
    console.print(summary_table(report))
    console.print(_("共 {files} 个文件：通过 {valid} 个，有错误 {invalid} 个，无法读取 {unreadable} 个；"
                    "错误 {error} 条，警告 {warning} 条，提示 {info} 条。").format(**report.totals()), soft_wrap=True)
    for path in report.skipped if skipped else ():
        console.print("[dim]{}[/]".format(escape(_("跳过本程序生成的审核报告（不是报表）：{path}").format(path=path))),
                      soft_wrap=True)
    if hint and not report.ok:
        console.print("[dim]{}[/]".format(_("逐条问题清单：加 --report 审核结果.xlsx；退改批注副本：加 --annotate 文件夹。")),
                      soft_wrap=True)


def render_written(console: Console, key: str, **params: object) -> None:
    console.print(escape(_(WRITTEN[key]).format(**params)), soft_wrap=True)


OnProgress = Callable[[int, int], None]
